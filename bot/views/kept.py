"""A kept report (the stored JSON of a finished check) as localized data for the glance, details and the page.

The verdict (scores, bands, traps, actions, numbers) comes from the stored row; only the words come from
today's knowledge base, and an id it no longer knows is left out rather than guessed.
"""

from __future__ import annotations

from typing import Any

from bot.views.formatting import metric_value
from bot.views.i18n import t
from bot.views.report import BAND_MARKERS, finding_text, focus_heading, focus_item, said_once
from bot.views.report_sections import contradiction_line
from knowledge.model import KnowledgeBase, Rule
from knowledge.scoring import Finding


def _rule(kb: KnowledgeBase, dimension: str, rule_id: str | None) -> Rule | None:
    if dimension not in kb.dimension_by_id or rule_id is None:
        return None
    return next((r for r in kb.dimension(dimension).rules if r.id == rule_id), None)


def title_of(kb: KnowledgeBase, dimension: str, locale: str) -> str:
    return kb.dimension(dimension).title(locale) if dimension in kb.dimension_by_id else dimension


def dimension_lines(kb: KnowledgeBase, report: dict[str, Any], locale: str) -> list[dict[str, Any]]:
    """One line per dimension: title, score, band."""
    return [{"id": d["id"], "title": title_of(kb, d["id"], locale), "score": d["score"], "band": d["band"],
             "band_label": t(locale, f"bands.{d['band']}"), "marker": BAND_MARKERS.get(d["band"], "⚪")}
            for d in report["dimensions"] if d["id"] in kb.dimension_by_id]


def short_why(why: str) -> str:
    """The why's first clause ("Cash is at a critical point"): its part before the first colon."""
    for colon in ("：", ": "):
        if colon in why:
            return why.split(colon, 1)[0]
    return why


def focus_lines(kb: KnowledgeBase, report: dict[str, Any], locale: str) -> list[dict[str, str]]:
    """The three focus actions, each with its one-line why (said once when two in a row share it)."""
    lines = []
    for item in report["focus_actions"]:
        action = kb.actions.get(item["id"])
        if action is None:
            continue
        dimension = item.get("dimension") or action.dimension
        reason = kb.summary.triage.get(item.get("reason") or "")
        trap = kb.traps.get(item.get("trap") or "")
        why = reason(locale).format(dimension=title_of(kb, dimension, locale),
                                    trap=trap.title(locale) if trap else "") if reason else ""
        item_view = focus_item(action.title(locale), why, action.how(locale), title_of(kb, dimension, locale),
                               item.get("reason") or "")
        lines.append({**item_view, "id": action.id, "short_why": short_why(why)})
    return said_once(lines)


def _findings(kb: KnowledgeBase, report: dict[str, Any], dimension: dict[str, Any], locale: str) -> list[str]:
    texts = []
    for rule_id in dimension.get("findings", []):
        rule = _rule(kb, dimension["id"], rule_id)
        if rule is not None and rule.finding is not None:
            texts.append(finding_text(kb, Finding(rule, report["metrics"]), locale))
    return [text for text in texts if text]


def _traps(kb: KnowledgeBase, dimension: dict[str, Any], locale: str) -> list[dict[str, str]]:
    traps = []
    for trap_id in dimension["traps"]:
        trap = kb.traps.get(trap_id)
        if trap is None:
            continue
        case = kb.cases.get(trap.case) if trap.case else None
        traps.append({"title": trap.title(locale), "explanation": trap.explanation(locale), "section": trap.section,
                      "case_title": case.title(locale) if case else "",
                      "case_story": case.story(locale) if case else ""})
    return traps


def _metrics(kb: KnowledgeBase, report: dict[str, Any], dimension_id: str, locale: str) -> list[dict[str, str]]:
    """The key numbers a dimension's questions gave (and those derived from them)."""
    own = {q.metric for q in kb.questions.values() if q.dimension == dimension_id and q.metric}
    own |= {m.id for m in kb.metrics.values() if m.derived and m.derived[0] in own}
    return [{"label": kb.metrics[m].label(locale), "value": metric_value(kb.metrics[m].unit, v, locale)}
            for m, v in report["metrics"].items() if m in own and m in kb.metrics]


def _contradictions(kb: KnowledgeBase, report: dict[str, Any], dimension_id: str, locale: str) -> list[str]:
    lines = []
    for c in report["contradictions"]:
        question = kb.questions.get(c["question"])
        if c["dimension"] != dimension_id or question is None:
            continue
        if c.get("evidence"):  # both sides: the self-rating and the facts that disagree with it
            lines.append(contradiction_line(kb, dimension_id, c["question"], c["option"], c.get("direction", "rosier"),
                                            [(e["kind"], e["id"], e["value"]) for e in c["evidence"]], locale))
            continue
        option = question.option(c["option"])
        rule = _rule(kb, dimension_id, c.get("rule"))
        finding = finding_text(kb, Finding(rule, report["metrics"]), locale) if rule and rule.finding else ""
        lines.append(t(locale, "report.contradiction", dimension=title_of(kb, dimension_id, locale),
                       claim=option.label(locale) if option else c["option"],
                       finding=finding or t(locale, "report.metrics_disagree")))
    return lines


def dimension_details(kb: KnowledgeBase, report: dict[str, Any], dimension_id: str, locale: str) -> dict[str, Any]:
    """Everything behind one dimension's details button."""
    dimension = next(d for d in report["dimensions"] if d["id"] == dimension_id)
    line = next(x for x in dimension_lines(kb, report, locale) if x["id"] == dimension_id)
    return {
        **line,
        "insight": kb.dimension(dimension_id).insight(locale),
        "traps": _traps(kb, dimension, locale),
        "findings": _findings(kb, report, dimension, locale),
        "metrics": _metrics(kb, report, dimension_id, locale),
        "contradictions": _contradictions(kb, report, dimension_id, locale),
        "actions": [kb.actions[a].title(locale) for a in dimension["actions"] if a in kb.actions],
    }


def overview(kb: KnowledgeBase, report: dict[str, Any], locale: str) -> dict[str, Any]:
    """The verdict, the eight lines, the fatal and strong dimensions and the focus actions."""
    focus = focus_lines(kb, report, locale)
    return {
        "overall": report["overall"],
        "band": report["band"],
        "band_label": t(locale, f"bands.{report['band']}"),
        "verdict": t(locale, f"verdicts.{report['band']}"),
        "marker": BAND_MARKERS.get(report["band"], "⚪"),
        "dimensions": dimension_lines(kb, report, locale),
        "fatal": [title_of(kb, d, locale) for d in report["fatal"] if d in kb.dimension_by_id],
        "strengths": [title_of(kb, d, locale) for d in report["strengths"] if d in kb.dimension_by_id],
        "focus": focus,
        "focus_heading": focus_heading(focus, locale),
        "partial": bool((report.get("coverage") or {}).get("partial")),
    }
