"""The owner's history: every kept report, what changed per dimension since the check before, and the actions
done in between. Read from the stored rows only; an old check is never scored again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.services.ports import ChosenAction, HistoryStore, KeptCheck


@dataclass(frozen=True, slots=True)
class Change:
    """One dimension (or the overall score, dimension "overall") before and after."""

    dimension: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def arrow(self) -> str:
        delta = self.delta
        if delta is None:
            return "·"
        return "↑" if delta > 0 else "↓" if delta < 0 else "→"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    check: KeptCheck
    changes: tuple[Change, ...]  # against the check before; empty for the first
    done: tuple[ChosenAction, ...]  # actions marked done after the check before and up to this one


@dataclass(frozen=True, slots=True)
class BeforeAfter:
    """What a re-check changed: its dimension and the overall score, against the report before it."""

    dimension: str
    changes: tuple[Change, ...]


def _scores(report: dict[str, Any]) -> dict[str, int | None]:
    return {d["id"]: d["score"] for d in report["dimensions"]}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> tuple[Change, ...]:
    """The overall score first, then every dimension in the report's order."""
    old, new = _scores(before), _scores(after)
    return (Change("overall", before["overall"], after["overall"]),
            *(Change(d, old.get(d), new[d]) for d in new))


def done_between(actions: Sequence[ChosenAction], start: str | None, end: str | None) -> tuple[ChosenAction, ...]:
    """Actions closed as done in (start, end]; open ends mean from the beginning / up to now."""
    return tuple(a for a in actions if a.status == "done" and a.closed is not None
                 and (start is None or a.closed > start) and (end is None or a.closed <= end))


class HistoryService:
    """History and before/after, from the kept reports."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    def entries(self, user_id: int) -> list[HistoryEntry]:
        """Every finished check with an answer, oldest first."""
        checks = self.store.kept_reports(user_id)
        actions = self.store.focus_actions(user_id)
        entries = []
        for i, check in enumerate(checks):
            previous = checks[i - 1] if i else None
            changes = changes_between(previous.report, check.report) if previous else ()
            entries.append(HistoryEntry(check, changes, done_between(actions, previous.finished if previous else None,
                                                                     check.finished)))
        return entries

    def latest(self, user_id: int) -> tuple[KeptCheck | None, KeptCheck | None]:
        """(the latest kept report, the one before it)."""
        checks = self.store.kept_reports(user_id)
        return (checks[-1] if checks else None), (checks[-2] if len(checks) > 1 else None)

    def before_after(self, latest: KeptCheck, previous: KeptCheck | None) -> BeforeAfter | None:
        """For a re-check: its dimension and the overall score, before and after."""
        if latest.mode != "recheck" or latest.focus is None or previous is None:
            return None
        wanted = {"overall", latest.focus}
        return BeforeAfter(latest.focus, tuple(c for c in changes_between(previous.report, latest.report)
                                               if c.dimension in wanted))

    def done_since(self, user_id: int, previous: KeptCheck | None, latest: KeptCheck) -> tuple[ChosenAction, ...]:
        """Actions done between the check before and the latest: the next report shows them."""
        return done_between(self.store.focus_actions(user_id), previous.finished if previous else None,
                            latest.finished)
