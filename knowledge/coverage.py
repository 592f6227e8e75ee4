"""How much of the check was answered: per dimension and overall, so a partial verdict says so."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.model import KnowledgeBase


@dataclass(frozen=True, slots=True)
class DimensionCoverage:
    id: str
    answered: int  # a "not applicable" answer counts as answered
    asked: int  # the questions that apply: follow-ups only while their condition holds


@dataclass(frozen=True, slots=True)
class Coverage:
    dimensions: tuple[DimensionCoverage, ...]

    @property
    def answered(self) -> int:
        return sum(d.answered for d in self.dimensions)

    @property
    def asked(self) -> int:
        return sum(d.asked for d in self.dimensions)

    @property
    def unanswered_dimensions(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions if d.answered == 0)

    @property
    def partial(self) -> bool:
        """True when any question that applies was left out."""
        return self.answered < self.asked


def coverage_of(kb: KnowledgeBase, answers: Mapping[str, Any], metrics: Mapping[str, float]) -> Coverage:
    """Answered and asked questions per dimension, given the live answers and their metrics."""
    rows = []
    for d in kb.dimensions:
        applicable = [q for q in d.questions if q.only_if is None or q.only_if.holds(answers, metrics)]
        rows.append(DimensionCoverage(d.id, sum(q.id in answers for q in applicable), len(applicable)))
    return Coverage(tuple(rows))
