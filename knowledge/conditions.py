"""Conditions as data: when a rule fires or a follow-up question is asked.

YAML forms: ``{metric: m, lt: 3}`` (lt/le/gt/ge/eq), ``{answer: q, in: [a, b]}``, ``{all: [...]}``,
``{any: [...]}``. A condition on an unknown metric or an unanswered question is false.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "eq": operator.eq,
}


class ConditionError(ValueError):
    """A condition that is not one of the documented forms."""


@dataclass(frozen=True, slots=True)
class MetricIs:
    metric: str
    op: str
    value: float

    def holds(self, answers: Mapping[str, Any], metrics: Mapping[str, float]) -> bool:
        known = metrics.get(self.metric)
        return known is not None and OPERATORS[self.op](known, self.value)


@dataclass(frozen=True, slots=True)
class AnswerIn:
    question: str
    options: tuple[str, ...]

    def holds(self, answers: Mapping[str, Any], metrics: Mapping[str, float]) -> bool:
        return answers.get(self.question) in self.options


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, Any], metrics: Mapping[str, float]) -> bool:
        return all(p.holds(answers, metrics) for p in self.parts)


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, Any], metrics: Mapping[str, float]) -> bool:
        return any(p.holds(answers, metrics) for p in self.parts)


Condition = MetricIs | AnswerIn | AllOf | AnyOf


def parse_condition(raw: Any) -> Condition:
    """Build a condition from its YAML form; raises ConditionError naming what is wrong."""
    if not isinstance(raw, dict):
        raise ConditionError(f"a condition must be a mapping, got {raw!r}")
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        parts = raw[key]
        if len(raw) != 1 or not isinstance(parts, list) or not parts:
            raise ConditionError(f"'{key}' takes a non-empty list of conditions and nothing else")
        built = tuple(parse_condition(p) for p in parts)
        return AllOf(built) if key == "all" else AnyOf(built)
    if "metric" in raw:
        ops = [k for k in raw if k != "metric"]
        if len(ops) != 1 or ops[0] not in OPERATORS:
            raise ConditionError(f"a metric condition takes one of {sorted(OPERATORS)}, got {ops}")
        value = raw[ops[0]]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConditionError(f"'{ops[0]}' needs a number, got {value!r}")
        return MetricIs(str(raw["metric"]), ops[0], float(value))
    if "answer" in raw:
        options = raw.get("in")
        if set(raw) != {"answer", "in"} or not isinstance(options, list) or not options:
            raise ConditionError("an answer condition is {answer: question_id, in: [option ids]}")
        return AnswerIn(str(raw["answer"]), tuple(str(o) for o in options))
    raise ConditionError(f"unknown condition {raw!r}: use metric, answer, all or any")


def leaves(condition: Condition) -> Iterator[MetricIs | AnswerIn]:
    """Every metric or answer test inside a condition."""
    if isinstance(condition, AllOf | AnyOf):
        for part in condition.parts:
            yield from leaves(part)
    else:
        yield condition
