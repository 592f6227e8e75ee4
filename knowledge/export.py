"""The report as the JSON shape DESIGN.md promises (`assess --format json`, `/export`)."""

from __future__ import annotations

from typing import Any

from knowledge.coverage import Coverage
from knowledge.model import KnowledgeBase
from knowledge.scoring import Report


def _titled(kb_items: Any, ids: tuple[str, ...], locale: str) -> list[dict[str, str]]:
    return [{"id": i, "title": kb_items[i].title(locale)} for i in ids]


def coverage_to_dict(coverage: Coverage) -> dict[str, Any]:
    """answered and asked overall and per dimension, whether the verdict is partial, what went unanswered."""
    return {
        "answered": coverage.answered,
        "asked": coverage.asked,
        "partial": coverage.partial,
        "unanswered_dimensions": list(coverage.unanswered_dimensions),
        "dimensions": {d.id: {"answered": d.answered, "asked": d.asked} for d in coverage.dimensions},
    }


def report_to_dict(kb: KnowledgeBase, report: Report, locale: str = "zh") -> dict[str, Any]:
    """overall, band, dimensions, fatal, strengths, focus_actions, metrics, contradictions, coverage."""
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
            {"id": a.id, "title": kb.actions[a.id].title(locale), "dimension": a.dimension,
             "reason": a.reason, "why": a.why(kb, locale)}
            for a in report.focus
        ],
        "metrics": {k: int(v) if kb.metrics[k].integer else round(v, 2) for k, v in sorted(report.metrics.items())},
        "contradictions": [
            {"dimension": c.dimension, "question": c.question, "option": c.option, "rule": c.rule,
             "direction": c.direction,
             "evidence": [{"kind": e.kind, "id": e.id, "value": e.value} for e in c.evidence]}
            for c in report.contradictions
        ],
        "coverage": coverage_to_dict(report.coverage) if report.coverage else None,
        "not_applicable": list(report.not_applicable),
        "answered": report.answered,
        "notes": [{"question": q, "text": text} for q, text in report.notes],
        "locale": locale,
    }
