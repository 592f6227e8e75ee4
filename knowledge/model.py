"""The knowledge base as frozen dataclasses: what the loader builds from YAML and everything else reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

LOCALES: tuple[str, ...] = ("zh", "en")
DIMENSION_IDS: tuple[str, ...] = (
    "positioning",
    "irreplaceability",
    "cash_flow",
    "team",
    "retention",
    "cost_efficiency",
    "adaptability",
    "risk_control",
)

Locale = Literal["zh", "en"]
Effect = Literal["fatal", "weak", "note"]
QuestionKind = Literal["choice", "number", "text"]


@dataclass(frozen=True, slots=True)
class Text:
    """One user-facing text in every locale."""

    zh: str
    en: str

    def __call__(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


@dataclass(frozen=True, slots=True)
class Metric:
    id: str
    unit: str
    label: Text
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    derived: tuple[str, str, float] | None = None  # (numerator, denominator, factor)


@dataclass(frozen=True, slots=True)
class Figure:
    id: str
    section: str
    value: float | tuple[float, float]
    unit: str
    text: Text


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    section: str
    title: Text
    story: Text
    figures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Trap:
    id: str
    dimension: str
    section: str
    label: str
    title: Text
    explanation: Text
    case: str | None = None


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    dimension: str
    section: str
    label: str
    title: Text
    how: Text
    case: str | None = None


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    points: float
    label: Text


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    dimension: str
    kind: QuestionKind
    quick: bool
    text: Text
    why: Text
    options: tuple[Option, ...] = ()
    metric: str | None = None
    example: Text | None = None
    self_rating: bool = False
    only_if: Any = None  # a Condition (see knowledge.conditions)
    quick_if: Any = None

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True, slots=True)
class Scale:
    metric: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    dimension: str
    when: Any  # a Condition
    effect: Effect
    traps: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    finding: Text | None = None


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    order: int
    section: str
    title: Text
    why: Text
    insight: Text
    grow_action: str
    questions: tuple[Question, ...]
    scales: tuple[Scale, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Combo:
    dimensions: tuple[str, ...]
    text: Text


@dataclass(frozen=True, slots=True)
class Summary:
    formula_title: Text
    formula: Text
    focus_title: Text
    focus: Text
    focus_points: tuple[Text, ...]
    combos: tuple[Combo, ...]
    intro: Text


@dataclass(frozen=True)
class KnowledgeBase:
    """The whole article as data, indexed by id."""

    dimensions: tuple[Dimension, ...]
    metrics: MappingProxyType[str, Metric]
    traps: MappingProxyType[str, Trap]
    actions: MappingProxyType[str, Action]
    cases: MappingProxyType[str, Case]
    figures: MappingProxyType[str, Figure]
    summary: Summary
    questions: MappingProxyType[str, Question] = field(init=False)
    dimension_by_id: MappingProxyType[str, Dimension] = field(init=False)

    def __post_init__(self) -> None:
        questions = {q.id: q for d in self.dimensions for q in d.questions}
        object.__setattr__(self, "questions", MappingProxyType(questions))
        object.__setattr__(self, "dimension_by_id", MappingProxyType({d.id: d for d in self.dimensions}))

    def dimension(self, dimension_id: str) -> Dimension:
        return self.dimension_by_id[dimension_id]
