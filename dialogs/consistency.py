"""Answers that cannot both be true, as data: a part can never be more than its whole.

Checked on every answer against the others already given, whichever of the two comes second (going back and
lowering the headcount below the managers is refused as well).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.model import KnowledgeBase, Question


@dataclass(frozen=True, slots=True)
class PartOfWhole:
    part: str  # a metric id
    whole: str  # the metric id it is a part of


PARTS: tuple[PartOfWhole, ...] = (PartOfWhole("managers", "headcount"),)


class Inconsistent(ValueError):
    """Why an answer contradicts another: reason `<part>_above_<whole>` or `<whole>_below_<part>` (metric ids),
    the other answer's value and the other answer's metric."""

    def __init__(self, reason: str, other: float, other_metric: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.other = other
        self.other_metric = other_metric


def _metric_values(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, float]:
    values: dict[str, float] = {}
    for question_id, value in answers.items():
        question = kb.questions.get(question_id)
        if question is not None and question.metric and isinstance(value, int | float) and not isinstance(value, bool):
            values[question.metric] = float(value)
    return values


def check(kb: KnowledgeBase, question: Question, value: float, answers: Mapping[str, Any]) -> None:
    """Raise Inconsistent if `value` for `question` contradicts an answer already given."""
    others = _metric_values(kb, {k: v for k, v in answers.items() if k != question.id})
    for rule in PARTS:
        if question.metric == rule.part and rule.whole in others and value > others[rule.whole]:
            raise Inconsistent(f"{rule.part}_above_{rule.whole}", others[rule.whole], rule.whole)
        if question.metric == rule.whole and rule.part in others and value < others[rule.part]:
            raise Inconsistent(f"{rule.whole}_below_{rule.part}", others[rule.part], rule.part)
