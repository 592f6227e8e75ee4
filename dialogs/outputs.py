"""What a step asks the channel to show; plain data that templates turn into words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from knowledge.scoring import Report

Progress = tuple[int, int, int, int]  # dimension n / of, question n / of (in this dimension)


@dataclass(frozen=True, slots=True)
class Menu:
    """Quick check or full assessment; `open_check` is (mode, answered, planned) of one to resume."""

    open_check: tuple[str, int, int] | None = None


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
    open_check: tuple[str, int, int] | None


@dataclass(frozen=True, slots=True)
class Notice:
    key: str  # no_open_check, paused_check, nothing_to_resume, nothing_to_cancel, first_question


Output = Menu | Ask | Reask | WhyWeAsk | Insight | ReportReady | Paused | Notice
