"""What to remind this owner of, from their latest kept report, their chosen actions and their open check.

Pure: `due_reminders` lists what is due at a moment, most urgent first, each with its own cadence (a
monthly runway check-in, a quarterly customer-concentration one, ...); `choose` picks the one a slot sends,
never the one sent last time while anything else is due.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.services.ports import ChosenAction, KeptCheck
from knowledge.model import KnowledgeBase

DAY = 86_400
RUNWAY_BELOW = 6  # months: the article's minimum cash reserve
CONCENTRATION_FROM = 50  # %: the article's "one customer at 50% or more"
CADENCE = {  # seconds between two reminders of the same key
    "runway": 30 * DAY, "concentration": 90 * DAY, "supplier": 30 * DAY, "action": 7 * DAY,
    "reassess": 30 * DAY, "dimension": 7 * DAY, "first_check": 30 * DAY,
}
REASSESS_AFTER = {"at_risk": 90 * DAY, "healthy": 180 * DAY}  # a fatal or weak board: 3 months, else 6
OpenCheck = tuple[str, int, int, int]  # (mode, answered, planned, assessment id)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder: `key` identifies it for its cadence (`runway`, `action:12`, `dim:cash_flow`, ...)."""

    kind: str
    key: str
    dimension: str | None = None
    trap: str | None = None
    action: str | None = None
    action_row: int | None = None
    values: Mapping[str, Any] = field(default_factory=dict)


def _epoch(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp).timestamp())


def _due(history: Mapping[str, int], key: str, kind: str, now: int, since: int = 0) -> bool:
    """Not sent within its cadence (counted from `since` when that is later, e.g. the day an action was chosen)."""
    return now - max(history.get(key, 0), since) >= CADENCE[kind]


def _metric_reminders(metrics: Mapping[str, float], history: Mapping[str, int], now: int) -> list[Reminder]:
    found = []
    runway = metrics.get("runway_months")
    if runway is not None and runway < RUNWAY_BELOW and _due(history, "runway", "runway", now):
        found.append(Reminder("runway", "runway", "cash_flow", values={"months": runway}))
    share = metrics.get("top_customer_share")
    if share is not None and share >= CONCENTRATION_FROM and _due(history, "concentration", "concentration", now):
        found.append(Reminder("concentration", "concentration", "risk_control", values={"share": share}))
    if metrics.get("backup_suppliers") == 0 and _due(history, "supplier", "supplier", now):
        found.append(Reminder("supplier", "supplier", "risk_control"))
    return found


def _action_reminders(actions: Sequence[ChosenAction], history: Mapping[str, int], now: int) -> list[Reminder]:
    found = []
    for a in sorted((a for a in actions if a.status == "open"), key=lambda a: a.chosen):
        key = f"action:{a.id}"
        if _due(history, key, "action", now, since=_epoch(a.chosen)):
            found.append(Reminder("action", key, a.dimension, action=a.action, action_row=a.id,
                                  values={"days": (now - _epoch(a.chosen)) // DAY}))
    return found


def _board_reminders(kb: KnowledgeBase, report: Mapping[str, Any], history: Mapping[str, int],
                     now: int) -> list[Reminder]:
    """Fatal boards first, then weak ones, worst first: each with its first trap and one key action."""
    focus = {f["dimension"]: f["id"] for f in report.get("focus_actions", []) if f.get("dimension")}
    boards = sorted((d for d in report["dimensions"] if d["band"] in ("fatal", "weak")),
                    key=lambda d: (d["band"] != "fatal", d["score"] or 0))
    found = []
    for d in boards:
        key = f"dim:{d['id']}"
        if not _due(history, key, "dimension", now):
            continue
        trap = next((t for t in d["traps"] if t in kb.traps), None)
        action = focus.get(d["id"]) if focus.get(d["id"]) in kb.actions else None
        action = action or next((a for a in d["actions"] if a in kb.actions), None)
        found.append(Reminder("dimension", key, d["id"], trap=trap, action=action,
                              values={"band": d["band"], "score": d["score"]}))
    return found


def _reassess(latest: KeptCheck, history: Mapping[str, int], now: int) -> list[Reminder]:
    at_risk = any(d["band"] in ("fatal", "weak") for d in latest.report["dimensions"])
    finished = _epoch(latest.finished)
    age = now - finished
    if age < REASSESS_AFTER["at_risk" if at_risk else "healthy"]:
        return []
    if not _due(history, "reassess", "reassess", now, since=finished):
        return []
    return [Reminder("reassess", "reassess", values={"months": age // (30 * DAY)})]


def due_reminders(kb: KnowledgeBase, latest: KeptCheck | None, actions: Sequence[ChosenAction],
                  open_check: OpenCheck | None, history: Mapping[str, int], now: int) -> list[Reminder]:
    """Everything due for this owner at `now` (epoch seconds), most urgent first."""
    found: list[Reminder] = []
    if open_check is not None and f"nudge:{open_check[3]}" not in history:  # once per unfinished check
        mode, answered, planned, assessment = open_check
        found.append(Reminder("nudge", f"nudge:{assessment}",
                              values={"mode": mode, "answered": answered, "planned": planned}))
    if latest is None:
        if open_check is None and _due(history, "first_check", "first_check", now):
            found.append(Reminder("first_check", "first_check"))
        return found
    found += _metric_reminders(latest.report.get("metrics", {}), history, now)
    found += _action_reminders(actions, history, now)
    found += _reassess(latest, history, now)
    found += _board_reminders(kb, latest.report, history, now)
    return found


def choose(due: Sequence[Reminder], last_key: str | None) -> Reminder | None:
    """The most urgent reminder that is not the one sent last; that one again only when nothing else is due."""
    return next((r for r in due if r.key != last_key), due[0] if due else None)
