"""The article's formula: dimension scores and bands, the multiplicative overall score and the strengths.

Pure functions of (knowledge base, answers). Answers map question ids to an option id (choice), a
number (number) or a string (text); a question left out is unanswered, never zero; a question answered
``not_applicable`` is left out of the score. Evidence beats opinion: the answers that are not
self-ratings (facts and metrics) decide a dimension's band, and a self-rating moves the score only
within that band. Triage, contradictions and coverage live in their own modules.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.bands import (  # noqa: F401 - the bands are part of this module's interface
    BAND_RANGES,
    CAPS,
    FAIR_MAX,
    FATAL_MAX,
    SEVERITY,
    STEP_DOWN,
    WEAK_MAX,
    band_of,
    overall_band_of,
)
from knowledge.contradictions import Contradiction, find_contradictions
from knowledge.coverage import Coverage, coverage_of
from knowledge.model import Dimension, KnowledgeBase, Rule
from knowledge.triage import MAX_FOCUS_ACTIONS, FocusAction, triage  # noqa: F401

SCORE_FLOOR = 5  # ours: a 0 would make the product 0 whatever the other seven dimensions say
WEIGHTS = {"cash_flow": 2.0}  # ours: over 80% of small firms that close die of a cash break (article, 三)
MAX_STRENGTHS = 3


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that fired, with the metric values its text refers to."""

    rule: Rule
    metrics: Mapping[str, float]
    mitigated: bool = False


@dataclass(frozen=True, slots=True)
class Fired:
    """A rule that holds for these answers, with the effect it has after mitigation."""

    rule: Rule
    effect: str
    mitigated: bool


@dataclass(frozen=True, slots=True)
class Item:
    """One scored item of a dimension: a choice answer or a metric through its scale."""

    source: str  # question id or metric id
    points: float
    self_rating: bool
    metric: bool


@dataclass(frozen=True, slots=True)
class DimensionResult:
    id: str
    score: int | None
    band: str
    traps: tuple[str, ...]
    actions: tuple[str, ...]
    findings: tuple[Finding, ...]
    fired: tuple[Fired, ...] = ()
    items: tuple[Item, ...] = ()
    evidence_score: float | None = None  # the capped mean of the items that are not self-ratings

    @property
    def has_evidence(self) -> bool:
        return any(not i.self_rating for i in self.items)


def compute_metrics(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, float]:
    """Metric values from numeric answers, plus those derived from them (runway, manager share)."""
    values: dict[str, float] = {}
    for question in kb.metric_questions:  # in the knowledge base's order, whatever the answers' order
        value = answers.get(question.id)
        if isinstance(value, int | float) and not isinstance(value, bool):
            values[question.metric] = float(value)
    for metric in kb.derived_metrics:
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


def fired_rules(d: Dimension, answers: Mapping[str, Any], metrics: Mapping[str, float]) -> list[Fired]:
    """The dimension's rules that hold, each with its effect after mitigation, most severe first."""
    fired = []
    for rule in d.rules:
        if not rule.when.holds(answers, metrics):
            continue
        mitigated = rule.mitigated_by is not None and rule.mitigated_by.holds(answers, metrics)
        fired.append(Fired(rule, STEP_DOWN[rule.effect] if mitigated else rule.effect, mitigated))
    return sorted(fired, key=lambda f: SEVERITY[f.effect])


def scored_items(d: Dimension, answers: Mapping[str, Any], metrics: Mapping[str, float]) -> list[Item]:
    """The dimension's answered choices (follow-ups and not-applicable answers aside) and scaled metrics."""
    items = []
    for q in d.questions:
        if q.kind == "choice" and q.id in answers and q.only_if is None:  # a follow-up refines the advice only
            option = q.option(answers[q.id])
            if option is not None and option.points is not None:
                items.append(Item(q.id, option.points, q.self_rating, False))
    for s in d.scales:
        if s.metric in metrics and (s.only_if is None or s.only_if.holds(answers, metrics)):
            items.append(Item(s.metric, interpolate(s.points, metrics[s.metric]), False, True))
    return items


def _mean(items: list[Item]) -> float:
    return sum(i.points for i in items) / len(items)


def _score(items: list[Item], cap: float) -> tuple[float | None, float | None]:
    """(score, evidence score): the evidence decides the band, the self-ratings move the score within it."""
    evidence = [i for i in items if not i.self_rating]
    if not items:
        return (None if cap >= 100 else cap), None
    if not evidence:
        return min(_mean(items), cap), None
    evidence_score = min(_mean(evidence), cap)
    low, high = BAND_RANGES[band_of(round(evidence_score))]
    return max(low, min(high, min(_mean(items), cap))), evidence_score


def _in_place(kb: KnowledgeBase, action: str, answers: Mapping[str, Any], metrics: Mapping[str, float]) -> bool:
    """The answers show the owner already does this action (its `done_when`)."""
    done_when = kb.actions[action].done_when
    return done_when is not None and done_when.holds(answers, metrics)


def score_dimension(
    kb: KnowledgeBase, d: Dimension, answers: Mapping[str, Any], metrics: Mapping[str, float]
) -> DimensionResult:
    """One dimension: its items' mean within the band the evidence sets, capped by the rules that fire."""
    fired = fired_rules(d, answers, metrics)
    items = scored_items(d, answers, metrics)
    cap = min([CAPS[f.effect] for f in fired if f.effect in CAPS], default=100)
    score, evidence_score = _score(items, cap)
    rounded = None if score is None else round(score)
    band = band_of(rounded)
    ordered = sorted(fired, key=lambda f: (not f.rule.root_cause, SEVERITY[f.effect]))
    findings = tuple(Finding(f.rule, metrics, f.mitigated) for f in fired
                     if f.rule.finding is not None and (not f.rule.praise or band in ("fair", "strong")))
    return DimensionResult(
        id=d.id,
        score=rounded,
        band=band,
        traps=tuple(dict.fromkeys(t for f in fired if f.effect in ("fatal", "weak") for t in f.rule.traps)),
        # what the owner does already is not recommended again, but a praising note's "keep it so" is
        actions=tuple(dict.fromkeys(a for f in ordered for a in f.rule.actions
                                    if f.rule.praise or not _in_place(kb, a, answers, metrics))),
        findings=findings,
        fired=tuple(ordered),
        items=tuple(items),
        evidence_score=evidence_score,
    )


def geometric_mean(scores: list[int], weights: list[float] | None = None) -> float:
    """The article's product of factors as a weighted geometric mean, each score floored at SCORE_FLOOR."""
    weights = weights or [1.0] * len(scores)
    total = sum(w * math.log(max(s, SCORE_FLOOR)) for s, w in zip(scores, weights, strict=True))
    return math.exp(total / sum(weights))


def overall_score(results: tuple[DimensionResult, ...]) -> int | None:
    """The weighted geometric mean; with a fatal dimension it is scaled into the critical band (0–29)."""
    scored = [r for r in results if r.score is not None]
    if not scored:
        return None
    value = geometric_mean([r.score for r in scored], [WEIGHTS.get(r.id, 1.0) for r in scored])  # type: ignore[misc]
    if any(r.band == "fatal" for r in scored):
        value = value * FATAL_MAX / 100
    return round(value)


def strengths_of(kb: KnowledgeBase, results: tuple[DimensionResult, ...]) -> tuple[str, ...]:
    """The 2–3 strongest dimensions of the strong band that rest on more than a self-rating."""
    order = {d.id: d.order for d in kb.dimensions}
    strong = [r for r in results if r.band == "strong" and r.has_evidence]
    ranked = sorted(strong, key=lambda r: (-(r.score or 0), order[r.id]))
    return tuple(r.id for r in ranked[:MAX_STRENGTHS])


def live_answers(kb: KnowledgeBase, answers: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
    """Known, non-empty answers, a follow-up's only while its condition holds; and the metrics they give."""
    known = {k: v for k, v in answers.items() if k in kb.questions and v is not None}
    metrics = compute_metrics(kb, known)
    live = {k: v for k, v in known.items()
            if kb.questions[k].only_if is None or kb.questions[k].only_if.holds(known, metrics)}
    return live, metrics


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
    focus: tuple[FocusAction, ...] = ()  # focus_actions with their dimension and the reason for their place
    coverage: Coverage | None = None
    not_applicable: tuple[str, ...] = ()  # questions answered "does not apply"

    def dimension(self, dimension_id: str) -> DimensionResult:
        return next(d for d in self.dimensions if d.id == dimension_id)


def assess(kb: KnowledgeBase, answers: Mapping[str, Any]) -> Report:
    """The full verdict for a set of answers."""
    live, metrics = live_answers(kb, answers)
    results = tuple(score_dimension(kb, d, live, metrics) for d in kb.dimensions)
    strengths = strengths_of(kb, results)
    fatal = tuple(r.id for r in results if r.band == "fatal")
    overall = overall_score(results)
    focus = triage(kb, results, strengths, lambda action: _in_place(kb, action, live, metrics))
    return Report(
        overall=overall,
        band=overall_band_of(overall, bool(fatal)),
        dimensions=results,
        fatal=fatal,
        strengths=strengths,
        focus_actions=tuple(a.id for a in focus),
        metrics=metrics,
        contradictions=find_contradictions(kb, results, live, metrics),
        answered=len(live),
        notes=tuple((q, str(v)) for q, v in live.items() if kb.questions[q].kind == "text"),
        focus=focus,
        coverage=coverage_of(kb, live, metrics),
        not_applicable=tuple(q for q, v in live.items() if kb.questions[q].not_applicable(v)),
    )
