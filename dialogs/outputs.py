"""What a step asks the channel to show; plain data that templates turn into words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from knowledge.scoring import Report

Progress = tuple[int, int, int, int]  # dimension n / of, question n / of (in this dimension)
OpenCheck = tuple[str, int, int]  # (mode, answered, planned) of a check that can be resumed


@dataclass(frozen=True, slots=True)
class Menu:
    """Quick check or full assessment; `open_check` is one to resume, `last_overall` the last report's score."""

    open_check: OpenCheck | None = None
    last_overall: int | None = None  # set for a returning owner: welcome them back, not as a first-timer
    returning: bool = False


@dataclass(frozen=True, slots=True)
class ConfirmDiscard:
    """A new check was asked for while one is open: continue it, or start `mode` over and discard it."""

    open_check: OpenCheck
    mode: str
    focus: str | None = None


@dataclass(frozen=True, slots=True)
class ConfirmValue:
    """A number to confirm before it is stored: yes stores `value`, no asks again. `kind` "share": a share typed
    as a fraction ("0.55" → "55%?"); "amount": an amount so small it may have lost its 万 ("80" → "¥80?")."""

    question: str
    value: float
    progress: Progress
    kind: str = "share"


@dataclass(frozen=True, slots=True)
class Ask:
    question: str
    progress: Progress
    previous: Any = None  # the earlier answer, when going back or resuming
    note: str | None = None  # "resumed" or "back"
    can_go_back: bool = False


@dataclass(frozen=True, slots=True)
class Reask:
    question: str
    reason: str
    minimum: float | None
    maximum: float | None
    progress: Progress
    values: dict[str, Any] = field(default_factory=dict)  # what the reason names: unit, other


@dataclass(frozen=True, slots=True)
class WhyWeAsk:
    question: str


@dataclass(frozen=True, slots=True)
class Insight:
    dimension: str
    score: int | None
    band: str
    trap: str | None  # the first trap this dimension's answers triggered


@dataclass(frozen=True, slots=True)
class ReportReady:
    report: Report


@dataclass(frozen=True, slots=True)
class Paused:
    open_check: OpenCheck | None


@dataclass(frozen=True, slots=True)
class Notice:
    key: str  # no_open_check, paused_check, nothing_to_resume, nothing_to_cancel, first_question


Output = Menu | Ask | Reask | ConfirmValue | ConfirmDiscard | WhyWeAsk | Insight | ReportReady | Paused | Notice
