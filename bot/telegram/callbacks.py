"""Compact callback data for inline buttons (Telegram allows 64 bytes).

Question buttons carry the assessment id and the session's step counter, so a tap on a button from an
older question, an older check or somebody else's session is recognised and refused.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
SEPARATOR = ":"

MENU = "m"  # m:quick | m:full | m:resume
DISCARD = "d"  # d:<quick|full> | d:recheck:<dimension id>: start over, discarding the open check
ANSWER = "a"  # a:<assessment>:<seq>:<option>
NAV = "n"  # n:<assessment>:<seq>:<back|skip|why|cancel>
LANGUAGE = "l"  # l:<zh|en>
RECHECK = "r"  # r:<dimension id>
NAV_ACTIONS = ("back", "skip", "why", "cancel")
CONFIRM_ACTIONS = ("yes", "no")  # n:<assessment>:<seq>:<yes|no>: the answer to "55%?"


@dataclass(frozen=True, slots=True)
class Button:
    kind: str
    args: tuple[str, ...]


def pack(kind: str, *args: object) -> str:
    """Callback data for a button; ValueError if it would exceed Telegram's 64 bytes."""
    data = SEPARATOR.join([kind, *(str(a) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data longer than {MAX_BYTES} bytes: {data!r}")
    return data


def unpack(data: str | None) -> Button | None:
    """The button behind callback data; None for anything we did not make."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    kind, *args = data.split(SEPARATOR)
    expected = {MENU: {1}, DISCARD: {1, 2}, ANSWER: {3}, NAV: {3}, LANGUAGE: {1}, RECHECK: {1}}.get(kind)
    if expected is None or len(args) not in expected:
        return None
    return Button(kind, tuple(args))


MAX_NUMBER_DIGITS = 18  # a row id or a small count; 19 digits may pass SQLite's 2**63


def number(text: str) -> int | None:
    """The whole number a button carries ("12"); None for anything else: a sign, digits of another script, "²"
    (str.isdigit() takes it, int() does not) or more digits than any row id has."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_NUMBER_DIGITS:
        return int(text)
    return None


def question_stamp(assessment_id: int | None, seq: int) -> tuple[str, str]:
    """The (assessment, seq) pair a question's buttons carry."""
    return (str(assessment_id or 0), str(seq))
