"""The report as the JSON shape DESIGN.md promises (`assess --format json`, `/export`)."""

from __future__ import annotations

from typing import Any

from knowledge.model import KnowledgeBase
from knowledge.scoring import Report


def _titled(kb_items: Any, ids: tuple[str, ...], locale: str) -> list[dict[str, str]]:
    return [{"id": i, "title": kb_items[i].title(locale)} for i in ids]


def report_to_dict(kb: KnowledgeBase, report: Report, locale: str = "zh") -> dict[str, Any]:
    """overall, band, dimensions, fatal, strengths, focus_actions, metrics — plus contradictions."""
    return {
        "overall": report.overall,
        "band": report.band,
        "dimensions": [
            {
                "id": d.id,
                "title": kb.dimension(d.id).title(locale),
                "score": d.score,
                "band": d.band,
                "traps": _titled(kb.traps, d.traps, locale),
                "actions": _titled(kb.actions, d.actions, locale),
            }
            for d in report.dimensions
        ],
        "fatal": list(report.fatal),
        "strengths": list(report.strengths),
        "focus_actions": [
            {"id": a, "title": kb.actions[a].title(locale), "dimension": kb.actions[a].dimension}
            for a in report.focus_actions
        ],
        "metrics": {k: int(v) if kb.metrics[k].integer else round(v, 2) for k, v in sorted(report.metrics.items())},
        "contradictions": [
            {"dimension": c.dimension, "question": c.question, "option": c.option, "rule": c.rule}
            for c in report.contradictions
        ],
        "answered": report.answered,
        "notes": [{"question": q, "text": text} for q, text in report.notes],
        "locale": locale,
    }
