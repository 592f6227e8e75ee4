"""/history and /actions as text: every kept check with its changes, and the action plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from bot.views.chart import TrendPoint
from bot.views.formatting import local_date
from bot.views.glance import change_lines
from bot.views.i18n import t
from bot.views.render import render
from bot.views.report import BAND_MARKERS
from knowledge.model import KnowledgeBase


def trend_points(entries: Sequence[Any], zone: tzinfo | None = None) -> list[TrendPoint]:
    """One point per check, oldest first, labelled with its month and day (in `zone`, the owner's)."""
    return [TrendPoint(local_date(e.check.finished, zone)[5:], e.check.overall) for e in entries]


def _action_titles(kb: KnowledgeBase, actions: Sequence[Any], locale: str) -> list[str]:
    return [kb.actions[a.action].title(locale) for a in actions if a.action in kb.actions]


def history_text(kb: KnowledgeBase, entries: Sequence[Any], locale: str, zone: tzinfo | None = None) -> str:
    """Newest first: date (in `zone`, the owner's), mode, overall; what moved since the check before; actions
    done in between."""
    rows = []
    for entry in reversed(entries):
        report = entry.check.report
        moved = [c for c in entry.changes if c.dimension != "overall" and c.delta]
        rows.append({
            "date": local_date(entry.check.finished, zone),
            "mode": t(locale, f"modes.{entry.check.mode}"),
            "focus": kb.dimension(entry.check.focus).title(locale) if entry.check.focus in kb.dimension_by_id else "",
            "overall": report["overall"],
            "marker": BAND_MARKERS.get(report["band"], "⚪"),
            "band_label": t(locale, f"bands.{report['band']}"),
            "changes": change_lines(kb, moved, locale),
            "first": not entry.changes,
            "unchanged": len([c for c in entry.changes if c.dimension != "overall" and not c.delta]),
            "done": _action_titles(kb, entry.done, locale),
        })
    return render("history.tg.j2", locale, rows=rows)


def actions_text(kb: KnowledgeBase, open_actions: Sequence[Any], closed: Sequence[Any],
                 candidates: Sequence[Any], locale: str, notice: str = "", zone: tzinfo | None = None) -> str:
    """The open focus actions with the day each was chosen, the last ones closed, and what can be picked;
    days in `zone`, the owner's."""
    def item(a: Any) -> dict[str, str]:
        return {"title": kb.actions[a.action].title(locale), "date": local_date(a.chosen, zone),
                "closed": local_date(a.closed, zone), "status": a.status}
    return render("actions.tg.j2", locale, open=[item(a) for a in open_actions if a.action in kb.actions],
                  closed=[item(a) for a in closed if a.action in kb.actions],
                  candidates=[kb.actions[c.action].title(locale) for c in candidates], notice=notice)
