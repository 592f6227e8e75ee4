"""Regressions: what the fuzz suite (tests/fuzz/) found outside Telegram, each pinned with the input that broke it.

- `/remind tz America` or a 300-character zone: IsADirectoryError / OSError out of the parser.
- `str.isdigit()` accepts "²", "፩" and "𐩀", which int() refuses: `/remind monthly ፩` and the console's re-check
  prompt ("¹", or 5,000 digits, which int() refuses too) ended in ValueError, the console with a traceback.
- An answers file written by `json.dump` (an emoji as "\\ud83d\\ude00") lost the emoji: PyYAML reads the pair as two
  lone surrogates, which the free text drops and no terminal can print (in a key, the error line broke).
- An answers file PyYAML itself trips over ("!!timestamp", "!!bool x", "!!set [1]", "? [1]: 2"): AttributeError,
  KeyError or TypeError with a traceback, instead of the one line for an unreadable file.
  Telegram buttons: tests/telegram/test_tg_fuzz_findings.py.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.console.channel import run_console
from bot.offline import assess_file
from bot.services.remind_parsing import RemindSyntaxError, parse_remind
from bot.settings import Settings
from bot.telegram import callbacks
from bot.views.i18n import t
from bot.views.safe_text import printable
from tests.fuzz.console_script import Script


@pytest.mark.parametrize("zone", ["America", "Asia", "a" * 300, "Asia/", "../etc/passwd", "x\x00y"])
def test_a_time_zone_that_is_not_one_is_refused_as_such(zone: str) -> None:
    with pytest.raises(RemindSyntaxError) as refused:
        parse_remind(f"tz {zone}")
    assert refused.value.reason == "timezone"


@pytest.mark.parametrize("text", ["monthly ፩", "monthly 𐩀", "monthly " + "9" * 5000])
def test_odd_digits_in_remind_are_refused(text: str) -> None:
    with pytest.raises(RemindSyntaxError):
        parse_remind(text)
    assert parse_remind("monthly ٣").day == 3  # digits of another script are digits


def test_a_button_number_is_plain_digits_of_row_id_size() -> None:
    assert callbacks.number("12") == 12
    assert [callbacks.number(x) for x in ("²", "፩", "٣", "-1", "", "1 ", "9" * 19)] == [None] * 7


def test_an_emoji_escaped_by_json_stays_an_emoji(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"pos_target_customer": "Office workers 😀", "cash_available": 10}), encoding="utf-8")
    assert "\\ud83d" in path.read_text()  # what json.dump writes by default
    out, err = io.StringIO(), io.StringIO()
    assert assess_file(path, "json", "en", out, err) == 0, err.getvalue()
    notes = json.loads(out.getvalue())["notes"]
    assert notes == [{"question": "pos_target_customer", "text": "Office workers 😀"}]


def test_a_lone_surrogate_in_a_key_is_printed_escaped(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{"\\ud800x": 1}', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert assess_file(path, "json", "en", out, err) == 2
    err.getvalue().encode("utf-8")  # printable on any terminal
    assert printable("\udcff") == "\\udcff"


class UntilTheReport(Script):
    """A good answer while a question waits (after the menu's "1"), then the given lines."""

    def __init__(self, tail: list[str], db: Path) -> None:
        super().__init__(["1"], db)
        self.tail = tail

    def readline(self, size: int | None = -1) -> str:
        if self.lines:
            return super().readline(size)
        answer = self._valid()
        return answer + "\n" if answer != "3" else (self.tail.pop(0) + "\n" if self.tail else "")


@pytest.mark.parametrize("line", ["¹", "፩", "9" * 5000])
def test_the_console_recheck_prompt_takes_odd_digits(tmp_path: Path, line: str) -> None:
    db = tmp_path / "console.db"
    out = io.StringIO()
    assert run_console(Settings(db_path=db, locale="en"), UntilTheReport(["3", line, "q"], db), out) == 0
    assert t("en", "console.unknown_dimension", count=8) in out.getvalue()


@pytest.mark.parametrize("text", ["!!timestamp ", "!!timestamp x", "!!bool x", "!!set [1]", "? [1]: 2"])
def test_yaml_that_pyyaml_trips_over_is_unreadable(tmp_path: Path, text: str) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert assess_file(path, "json", "en", out, err) == 2
    assert err.getvalue().count("\n") == 1
    assert "answers.yaml" in err.getvalue()
