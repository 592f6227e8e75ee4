"""The parts of a report an owner reads: how much was answered, the traps that matter, both sides of a contradiction.

Each function returns localized text or plain data; ``bot.views.report`` puts them together for the templates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.views.formatting import metric_value
from bot.views.i18n import t
from knowledge.coverage import Coverage
from knowledge.model import KnowledgeBase
from knowledge.scoring import DimensionResult, Report
from knowledge.typography import space_cjk

COUNTED = ("headcount", "managers", "backup_suppliers")  # evidence phrases with a singular form ("1 manager")
NONE = ("backup_suppliers",)  # and with a form for zero ("no backup supplier")


def _zh(text: str, locale: str) -> str:
    return space_cjk(text) if locale == "zh" else text


def coverage_line(coverage: Coverage | None, locale: str) -> str:
    """"Based on all 40 questions." or, plainly, "Partial verdict: based on 3 of 40 questions; 6 of 8 …"."""
    if coverage is None or coverage.answered == 0:
        return ""
    values = {"answered": coverage.answered, "asked": coverage.asked,
              "missing": len(coverage.unanswered_dimensions), "dimensions": len(coverage.dimensions)}
    if not coverage.partial:
        key = "report.coverage.complete"
    elif coverage.unanswered_dimensions:
        key = "report.coverage.partial"
    else:
        key = "report.coverage.quick" if coverage_warns(coverage) else "report.coverage.incomplete"
    return _zh(t(locale, key, **values), locale)


def coverage_warns(coverage: Coverage | None) -> bool:
    """Whether the verdict rests on too little to read as settled: a dimension unanswered, or under half asked."""
    if coverage is None or not coverage.partial:
        return False
    return bool(coverage.unanswered_dimensions) or 2 * coverage.answered < coverage.asked


def _trap_order(report: Report) -> list[tuple[DimensionResult, str, str]]:
    """(dimension, trap id, effect) of the fatal and weak rules that fire, most severe first, each trap once."""
    seen: dict[str, tuple[DimensionResult, str, str]] = {}
    for result in report.dimensions:
        for fired in result.fired:
            if fired.effect not in ("fatal", "weak"):
                continue
            for trap in fired.rule.traps:
                seen.setdefault(trap, (result, trap, fired.effect))
    return sorted(seen.values(), key=lambda item: (item[2] != "fatal", item[0].score or 0))


def _trap_finding(result: DimensionResult, trap: str, told: set[str]) -> str | None:
    """The rule id whose finding tells the owner's own situation behind this trap (the most severe such rule);
    a finding already told with an earlier trap (one rule firing two traps) is not told again."""
    for fired in result.fired:
        rule = fired.rule
        if fired.effect in ("fatal", "weak") and trap in rule.traps and rule.finding and rule.id not in told:
            return rule.id
    return None


def trap_items(kb: KnowledgeBase, report: Report, findings: dict[str, str], locale: str) -> list[dict[str, Any]]:
    """The traps that matter: fatal and weak, each once, with the owner's numbers and at most one case, a case
    shared by two traps shown with the first only."""
    items, cases_shown, told = [], set(), set()
    for result, trap_id, effect in _trap_order(report):
        trap = kb.traps[trap_id]
        case = kb.cases.get(trap.case) if trap.case and trap.case not in cases_shown else None
        if case is not None:
            cases_shown.add(case.id)
        rule = _trap_finding(result, trap_id, told)
        told.add(rule or "")
        items.append({
            "dimension": kb.dimension(result.id).title(locale), "title": trap.title(locale), "effect": effect,
            "explanation": trap.explanation(locale), "section": trap.section, "rule": rule,
            "finding": findings.get(rule, "") if rule else "",
            "case_title": case.title(locale) if case else "", "case_story": case.story(locale) if case else "",
        })
    return items


def _counted(metric: str, value: float) -> str:
    """The evidence key for a count: its singular or zero form where the phrase has one."""
    if metric in NONE and value == 0:
        return f"{metric}_none"
    return f"{metric}_one" if metric in COUNTED and value == 1 else metric


def evidence_text(kb: KnowledgeBase, evidence: Iterable[tuple[str, str, Any]], locale: str) -> str:
    """The facts on the other side, as one clause: "your cash covers 4 months of fixed costs and …"."""
    clauses, answers = [], []
    for kind, ident, value in evidence:
        if kind == "metric" and ident in kb.metrics:
            shown = metric_value(kb.metrics[ident].unit, float(value), locale)
            clauses.append(t(locale, f"report.evidence.{_counted(ident, float(value))}", value=shown))
        elif kind == "answer" and ident in kb.questions:
            option = kb.questions[ident].option(value)
            answers.append(t(locale, "report.quoted", text=option.label(locale) if option else str(value)))
    if answers:
        clauses.append(t(locale, "report.evidence.answers", answers=t(locale, "list_sep").join(answers)))
    return t(locale, "report.evidence_and").join(clauses)


def contradiction_line(kb: KnowledgeBase, dimension: str, question: str, option: str, direction: str,
                       evidence: Sequence[tuple[str, str, Any]], locale: str) -> str:
    """Both sides: the self-rating the owner chose and the numbers or answers that disagree with it."""
    chosen = kb.questions[question].option(option) if question in kb.questions else None
    claim = chosen.label(locale) if chosen else option
    title = kb.dimension(dimension).title(locale) if dimension in kb.dimension_by_id else dimension
    facts = evidence_text(kb, evidence, locale)
    if not facts:
        return t(locale, "report.contradiction", dimension=title, claim=claim,
                 finding=t(locale, "report.metrics_disagree"))
    key = "report.contradiction_gloomier" if direction == "gloomier" else "report.contradiction_rosier"
    return _zh(t(locale, key, dimension=title, claim=t(locale, "report.quoted", text=claim), evidence=facts), locale)


def contradiction_lines(kb: KnowledgeBase, report: Report, locale: str) -> list[str]:
    """One line per contradicted self-rating."""
    return [contradiction_line(kb, c.dimension, c.question, c.option, c.direction,
                               [(e.kind, e.id, e.value) for e in c.evidence], locale)
            for c in report.contradictions]
