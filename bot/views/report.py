"""A report turned into plain, localized data that the text, Telegram and HTML templates lay out."""

from __future__ import annotations

from typing import Any

from bot.views.formatting import metric_value, plain_number
from bot.views.i18n import t
from bot.views.report_sections import contradiction_lines, coverage_line, coverage_warns, trap_items
from knowledge.model import KnowledgeBase
from knowledge.scoring import Finding, Report
from knowledge.typography import space_cjk

BAND_MARKERS = {"fatal": "🔴", "weak": "🟠", "fair": "🟡", "strong": "🟢", "unanswered": "⚪", "critical": "🔴"}


def finding_text(kb: KnowledgeBase, finding: Finding, locale: str) -> str:
    """A rule's finding with its {metric} placeholders filled from the owner's numbers, with their units."""
    sentence = finding.rule.finding(locale) if finding.rule.finding else ""
    text = sentence.format_map(_MetricTexts(kb, finding.metrics, locale))
    return space_cjk(text) if locale == "zh" else text


class _MetricTexts(dict):
    """The owner's metric values as a finding's sentence shows them, made only for the placeholders it has
    (a finding carries every metric, a sentence names one or two); "?" for a metric not computed."""

    def __init__(self, kb: KnowledgeBase, metrics: dict[str, float], locale: str) -> None:
        super().__init__()
        self.kb, self.metrics, self.locale = kb, metrics, locale

    def __missing__(self, key: str) -> str:
        if key not in self.metrics:
            return "?"
        if key == "managers":  # a count, read as a bare number
            return plain_number(self.metrics[key])
        return metric_value(self.kb.metrics[key].unit, self.metrics[key], self.locale)


CASH_REASONS = ("cash_cause", "cash")  # a cash emergency, with its cause named or not (knowledge.triage)


def said_once(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The focus actions with a why the action before already gave left empty: cash actions in a row (a cash
    emergency) share one reason, which reads once, above the first of them, whether that one names the cause
    ("…and the cause is “Receivables…”") or not. The dicts are changed in place."""
    whys = [(action["why"], action.get("reason")) for action in actions]
    for n, action in enumerate(actions[1:], start=1):
        (why, reason), (before, reason_before) = whys[n], whys[n - 1]
        if why and (why == before or (reason == "cash" and reason_before in CASH_REASONS)):
            action["why"] = ""
            if "short_why" in action:
                action["short_why"] = ""
    return actions


def focus_heading(actions: list[dict[str, Any]], locale: str) -> str:
    """The heading above the focus actions: things to do, strengths to keep (a firm with nothing to fix is not
    told to "do" what it does already), or both; "" when there are none."""
    if not actions:
        return ""
    kept = sum(1 for action in actions if action["keep"])
    kind = "focus" if not kept else "keep" if kept == len(actions) else "mixed"
    return t(locale, f"report.{kind}_{len(actions)}")


def focus_item(title: str, why: str, how: str, dimension: str, reason: str) -> dict[str, Any]:
    """One focus action as the templates show it, `reason` its triage key; a strength to keep has no "how to
    start": it is in place."""
    keep = reason == "keep"
    return {"title": title, "why": why, "how": "" if keep else how, "dimension": dimension, "keep": keep,
            "reason": reason}


def build_report_view(kb: KnowledgeBase, report: Report, locale: str) -> dict[str, Any]:
    """Everything a report template shows, already in the owner's language, in the order it is read.

    First the verdict (with how much was answered), the eight lines, the critical weaknesses and strengths, the
    three focus actions; then the traps that matter and the contradictions; then the details.
    """
    title = {d.id: d.title(locale) for d in kb.dimensions}
    findings = {f.rule.id: finding_text(kb, f, locale) for r in report.dimensions for f in r.findings}
    traps = trap_items(kb, report, findings, locale)
    told = {trap["rule"] for trap in traps}
    focus = said_once([focus_item(kb.actions[a.id].title(locale), a.why(kb, locale), kb.actions[a.id].how(locale),
                                  title[a.dimension], a.reason) for a in report.focus])
    return {
        "overall": report.overall,
        "band": report.band,
        "band_label": t(locale, f"bands.{report.band}"),
        "verdict": t(locale, f"verdicts.{report.band}"),
        "coverage": coverage_line(report.coverage, locale),
        "partial": coverage_warns(report.coverage),
        "marker": BAND_MARKERS[report.band],
        "answered": report.answered,
        "dimensions": [
            {"id": r.id, "title": title[r.id], "score": r.score, "band": r.band,
             "band_label": t(locale, f"bands.{r.band}"), "marker": BAND_MARKERS[r.band],
             "insight": kb.dimension(r.id).insight(locale)}
            for r in report.dimensions
        ],
        "fatal": [title[d] for d in report.fatal],
        "strengths": [title[d] for d in report.strengths],
        "focus": focus,
        "focus_heading": focus_heading(focus, locale),
        "traps": traps,
        "contradictions": contradiction_lines(kb, report, locale),
        "findings": [text for rule, text in findings.items() if text and rule not in told],  # the other findings
        "metrics": [
            {"label": kb.metrics[m].label(locale), "value": metric_value(kb.metrics[m].unit, v, locale)}
            for m, v in report.metrics.items()
        ],
        "notes": [{"question": kb.questions[q].text(locale), "text": text} for q, text in report.notes],
        "formula": kb.summary.formula(locale),
        "focus_advice": kb.summary.focus(locale),
    }
