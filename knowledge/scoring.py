"""The article's formula: dimension scores and bands, the multiplicative overall score, strengths and focus.

Pure functions of (knowledge base, answers). Answers map question ids to an option id (choice), a
number (number) or a string (text); a question left out is unanswered, never zero.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.conditions import MetricIs, leaves
from knowledge.model import Dimension, KnowledgeBase, Rule

FATAL_MAX = 29  # a fatal short board scores at most this (band fatal: 0–29)
WEAK_MAX = 54  # band weak: 30–54
FAIR_MAX = 74  # band fair: 55–74; strong (long board): 75–100
STRONG_SELF_RATING = 75  # a self-rating worth this many points claims the dimension is fine
MAX_FOCUS_ACTIONS = 3


def band_of(score: float | None) -> str:
    """fatal, weak, fair or strong for a dimension score; unanswered when there is none."""
    if score is None:
        return "unanswered"
    if score <= FATAL_MAX:
        return "fatal"
    if score <= WEAK_MAX:
        return "weak"
    return "fair" if score <= FAIR_MAX else "strong"


def overall_band_of(score: float | None, any_fatal: bool) -> str:
    """critical whenever a dimension is fatal, else the band of the overall score."""
    if score is None:
        return "unanswered"
    if any_fatal:
        return "critical"
    band = band_of(score)
    return "critical" if band == "fatal" else band


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that fired, with the metric values its text refers to."""

    rule: Rule
    metrics: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Contradiction:
    """The owner rated a dimension as fine while a metric says otherwise."""

    dimension: str
    question: str
    option: str
    rule: str


@dataclass(frozen=True, slots=True)
class DimensionResult:
    id: str
    score: int | None
    band: str
    traps: tuple[str, ...]
    actions: tuple[str, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class Report:
    overall: int | None
    band: str
    dimensions: tuple[DimensionResult, ...]
    fatal: tuple[str, ...]
    strengths: tuple[str, ...]
    focus_actions: tuple[str, ...]
    metrics: Mapping[str, float]
    contradictions: tuple[Contradiction, ...]
    answered: int
    notes: tuple[tuple[str, str], ...] = ()  # (question id, the owner's own words) for text questions

    def dimension(self, dimension_id: str) -> DimensionResult:
        return next(d for d in self.dimensions if d.id == dimension_id)


def compute_metrics(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, float]:
    """Metric values from numeric answers, plus those derived from them (runway, manager share)."""
    values: dict[str, float] = {}
    for question in kb.questions.values():  # in the knowledge base's order, whatever the answers' order
        value = answers.get(question.id)
        if question.metric and isinstance(value, int | float) and not isinstance(value, bool):
            values[question.metric] = float(value)
    for metric in kb.metrics.values():
        if metric.derived:
            top, bottom, factor = metric.derived
            if top in values and values.get(bottom):
                values[metric.id] = values[top] / values[bottom] * factor
    return values


def interpolate(points: tuple[tuple[float, float], ...], x: float) -> float:
    """Piecewise-linear points for x, clamped at both ends."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, p0), (x1, p1) in itertools.pairwise(points):
        if x <= x1:
            return p0 + (p1 - p0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def _base_score(d: Dimension, answers: Mapping[str, Any], metrics: Mapping[str, float]) -> float | None:
    items = []
    for q in d.questions:
        if q.kind == "choice" and q.id in answers and q.only_if is None:  # a follow-up refines the advice only
            option = q.option(answers[q.id])
            if option is not None:
                items.append(option.points)
    items += [interpolate(s.points, metrics[s.metric]) for s in d.scales if s.metric in metrics]
    return sum(items) / len(items) if items else None


def score_dimension(
    kb: KnowledgeBase, d: Dimension, answers: Mapping[str, Any], metrics: Mapping[str, float]
) -> DimensionResult:
    """One dimension: the mean of its answered items, capped by the thresholds its rules enforce."""
    fired = [r for r in d.rules if r.when.holds(answers, metrics)]
    score = _base_score(d, answers, metrics)
    for rule in fired:
        cap = {"fatal": FATAL_MAX, "weak": WEAK_MAX}.get(rule.effect)
        if cap is not None:
            score = cap if score is None else min(score, cap)
    rounded = None if score is None else round(score)
    return DimensionResult(
        id=d.id,
        score=rounded,
        band=band_of(rounded),
        traps=tuple(dict.fromkeys(t for r in fired for t in r.traps)),
        actions=tuple(dict.fromkeys(a for r in fired for a in r.actions)),
        findings=tuple(Finding(r, metrics) for r in fired if r.finding is not None),
    )


def geometric_mean(scores: list[int]) -> float:
    """The article's product of factors, as a geometric mean: one zero makes the whole zero."""
    if min(scores) <= 0:
        return 0.0
    return math.exp(sum(math.log(s) for s in scores) / len(scores))


def _strengths(kb: KnowledgeBase, results: tuple[DimensionResult, ...]) -> tuple[str, ...]:
    order = {d.id: d.order for d in kb.dimensions}
    ranked = sorted((r for r in results if r.band in ("strong", "fair")), key=lambda r: (-r.score, order[r.id]))
    strong = [r.id for r in ranked if r.band == "strong"][:3]
    fair = [r.id for r in ranked if r.band == "fair"]
    return tuple(strong + fair[: max(0, 2 - len(strong))])


def _first_actions(kb: KnowledgeBase, result: DimensionResult, effect: str, answers, metrics) -> list[str]:
    d = kb.dimension(result.id)
    return [a for r in d.rules if r.effect == effect and r.when.holds(answers, metrics) for a in r.actions]


def _focus(kb, results, strengths, answers, metrics) -> tuple[str, ...]:
    """Survival first (what removes a fatal board, worst first), then what lengthens the long boards."""
    by_score = sorted((r for r in results if r.score is not None), key=lambda r: r.score)
    picked: list[str] = []

    def take(candidates: list[str]) -> None:
        for action in candidates:
            if action not in picked and len(picked) < MAX_FOCUS_ACTIONS:
                picked.append(action)
                return

    for result in by_score:
        if result.band == "fatal":
            take(_first_actions(kb, result, "fatal", answers, metrics) or list(result.actions))
    for dimension_id in strengths:
        take([kb.dimension(dimension_id).grow_action])
    for result in by_score:
        if result.band == "weak":
            take(_first_actions(kb, result, "weak", answers, metrics) or list(result.actions))
    return tuple(picked)


def _contradictions(kb: KnowledgeBase, answers, metrics) -> tuple[Contradiction, ...]:
    found = []
    for d in kb.dimensions:
        claims = [q for q in d.questions if q.self_rating and q.id in answers]
        for q in claims:
            option = q.option(answers[q.id])
            if option is None or option.points < STRONG_SELF_RATING:
                continue
            for rule in d.rules:
                tests = list(leaves(rule.when))
                on_metrics = all(isinstance(t, MetricIs) for t in tests)
                if rule.effect != "note" and on_metrics and rule.when.holds(answers, metrics):
                    found.append(Contradiction(d.id, q.id, option.id, rule.id))
                    break
    return tuple(found)


def assess(kb: KnowledgeBase, answers: Mapping[str, Any]) -> Report:
    """The full verdict for a set of answers."""
    answers = {k: v for k, v in answers.items() if k in kb.questions and v is not None}
    metrics = compute_metrics(kb, answers)
    answers = {k: v for k, v in answers.items()  # a follow-up's answer counts only while its condition holds
               if kb.questions[k].only_if is None or kb.questions[k].only_if.holds(answers, metrics)}
    results = tuple(score_dimension(kb, d, answers, metrics) for d in kb.dimensions)
    scored = [r.score for r in results if r.score is not None]
    fatal = tuple(r.id for r in results if r.band == "fatal")
    overall = None
    if scored:
        overall = round(geometric_mean(scored))
        if fatal:
            overall = min(overall, FATAL_MAX)
    strengths = _strengths(kb, results)
    return Report(
        overall=overall,
        band=overall_band_of(overall, bool(fatal)),
        dimensions=results,
        fatal=fatal,
        strengths=strengths,
        focus_actions=_focus(kb, results, strengths, answers, metrics),
        metrics=metrics,
        contradictions=_contradictions(kb, answers, metrics),
        answered=len(answers),
        notes=tuple((q, str(v)) for q, v in answers.items() if kb.questions[q].kind == "text"),
    )

