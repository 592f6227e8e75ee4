"""Self-ratings that the facts contradict, in either direction, with both sides to quote.

A self-rating is contradicted when its option's ``contradicted_by`` condition holds (the option states
something the metrics or the other answers deny), or, failing that, when its band lies two or more
bands away from the band the dimension's evidence gives (a "strong" claim over weak facts, a "fatal"
claim over fair ones).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from knowledge.bands import BANDS, band_of
from knowledge.conditions import AnswerIn, MetricIs, leaves
from knowledge.model import KnowledgeBase, Option, Question

if TYPE_CHECKING:
    from knowledge.scoring import DimensionResult, Item

BAND_GAP = 2  # bands apart before a self-rating counts as contradicted without a stated condition


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact on the other side: a metric and its value, or another question and the option picked."""

    kind: str  # metric | answer
    id: str  # metric id or question id
    value: Any  # the number, or the option id


@dataclass(frozen=True, slots=True)
class Contradiction:
    """The owner's own rating of a dimension and the facts that disagree with it."""

    dimension: str
    question: str
    option: str
    rule: str | None  # the worst rule that fired in the dimension, whose finding tells the facts
    direction: str = "rosier"  # rosier: the owner thinks it better than the facts; gloomier: worse
    evidence: tuple[Evidence, ...] = ()


def _stated(option: Option, answers: Mapping[str, Any], metrics: Mapping[str, float]) -> tuple[Evidence, ...]:
    """The facts that make the option's contradicted_by condition hold (empty when it does not)."""
    if option.contradicted_by is None or not option.contradicted_by.holds(answers, metrics):
        return ()
    found = []
    for leaf in leaves(option.contradicted_by):
        if isinstance(leaf, MetricIs) and leaf.holds(answers, metrics):
            found.append(Evidence("metric", leaf.metric, metrics[leaf.metric]))
        elif isinstance(leaf, AnswerIn) and leaf.holds(answers, metrics):
            found.append(Evidence("answer", leaf.question, answers[leaf.question]))
    return tuple(dict.fromkeys(found))


def _item_evidence(item: Item, answers: Mapping[str, Any], metrics: Mapping[str, float]) -> Evidence:
    if item.metric:
        return Evidence("metric", item.source, metrics[item.source])
    return Evidence("answer", item.source, answers[item.source])


def _by_bands(q: Question, option: Option, result: DimensionResult, answers, metrics) -> tuple[Evidence, ...]:
    """The most disagreeing fact when the rating is BAND_GAP bands or more from the evidence."""
    if result.evidence_score is None or option.points is None:
        return ()
    claimed, shown = BANDS.index(band_of(option.points)), BANDS.index(band_of(round(result.evidence_score)))
    if abs(claimed - shown) < BAND_GAP:
        return ()
    facts = [i for i in result.items if not i.self_rating]
    pick = min(facts, key=lambda i: i.points) if claimed > shown else max(facts, key=lambda i: i.points)
    return (_item_evidence(pick, answers, metrics),)


def find_contradictions(kb: KnowledgeBase, results: Sequence[DimensionResult], answers: Mapping[str, Any],
                        metrics: Mapping[str, float]) -> tuple[Contradiction, ...]:
    """Every answered self-rating the facts of its dimension contradict."""
    found = []
    for result in results:
        for q in kb.dimension(result.id).questions:
            option = q.option(answers.get(q.id)) if q.self_rating else None
            if option is None or option.points is None:
                continue
            evidence = _stated(option, answers, metrics) or _by_bands(q, option, result, answers, metrics)
            if not evidence:
                continue
            facts = result.evidence_score if result.evidence_score is not None else result.score or 0
            worst = next((f.rule.id for f in result.fired if f.effect in ("fatal", "weak") and f.rule.finding), None)
            found.append(Contradiction(result.id, q.id, option.id, worst,
                                       "rosier" if option.points > facts else "gloomier", evidence))
    return tuple(found)
