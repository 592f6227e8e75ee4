"""Which questions a check asks, in which order, given what has been answered so far."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def progress(questions: list[Question], current: Question) -> tuple[int, int, int, int]:
    """(dimension n, of dimensions, question n, of questions in this dimension), all 1-based."""
    dimensions = list(dict.fromkeys(q.dimension for q in questions))
    in_dimension = [q for q in questions if q.dimension == current.dimension]
    # by identity: the knowledge base holds one object per question, and comparing fields costs a microsecond
    position = next((n for n, q in enumerate(in_dimension, start=1) if q is current), 0)
    if not position:
        raise ValueError(f"question {current.id} is not in the plan")
    return (dimensions.index(current.dimension) + 1, len(dimensions), position, len(in_dimension))
