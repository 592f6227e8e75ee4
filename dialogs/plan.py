"""Which questions a check asks, in which order, given what has been answered so far."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from knowledge.conditions import AnswerIn, leaves
from knowledge.model import KnowledgeBase, Question
from knowledge.scoring import compute_metrics


def _included(q: Question, mode: str, focus: str | None, answers: Mapping[str, Any], metrics) -> bool:
    if q.only_if is not None and not q.only_if.holds(answers, metrics):
        return False
    if mode == "recheck":
        return q.dimension == focus
    if mode == "quick":
        return q.quick or (q.quick_if is not None and q.quick_if.holds(answers, metrics))
    return True


def plan(kb: KnowledgeBase, mode: str, focus: str | None, answers: Mapping[str, Any]) -> list[Question]:
    """The questions of this check in the article's order; follow-ups appear once their trigger holds."""
    metrics = compute_metrics(kb, answers)
    return [q for d in kb.dimensions for q in d.questions if _included(q, mode, focus, answers, metrics)]


def plan_inputs(kb: KnowledgeBase) -> tuple[str, ...]:
    """The questions whose answers can change a plan: those its conditions test, directly or through a metric.

    With the mode and the focus these decide `plan`, so a plan can be kept under their answers alone.
    """
    sources: dict[str, set[str]] = {}  # metric id -> the questions it is computed from
    for question in kb.metric_questions:
        sources.setdefault(question.metric, set()).add(question.id)
    for metric in kb.derived_metrics:  # in compute_metrics' order, so a derived one may use an earlier one
        top, bottom, _ = metric.derived
        sources[metric.id] = sources.get(top, set()) | sources.get(bottom, set())
    inputs: set[str] = set()
    for question in kb.questions.values():
        for condition in (question.only_if, question.quick_if):
            for leaf in leaves(condition) if condition is not None else ():
                inputs |= {leaf.question} if isinstance(leaf, AnswerIn) else sources.get(leaf.metric, set())
    return tuple(sorted(inputs))


def progress(questions: list[Question], current: Question) -> tuple[int, int, int, int]:
    """(dimension n, of dimensions, question n, of questions in this dimension), all 1-based."""
    dimensions = list(dict.fromkeys(q.dimension for q in questions))
    in_dimension = [q for q in questions if q.dimension == current.dimension]
    # by identity: the knowledge base holds one object per question, and comparing fields costs a microsecond
    position = next((n for n, q in enumerate(in_dimension, start=1) if q is current), 0)
    if not position:
        raise ValueError(f"question {current.id} is not in the plan")
    return (dimensions.index(current.dimension) + 1, len(dimensions), position, len(in_dimension))
