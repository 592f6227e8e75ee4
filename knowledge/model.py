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
Effect = Literal["fatal", "weak", "fair", "note"]
Exposure = Literal["legal", "single_point"]
NOT_APPLICABLE = "not_applicable"  # the option id of a "does not apply to my business" answer
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
    confirm_below: float | None = None  # a bare typed number above 0 and below this is asked back ("¥80?")
    per: str | None = None  # an amount per this period (month); one typed per another period is converted


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
    done_when: Any = None  # a Condition: the answers that show the owner already does this (see knowledge.triage)


@dataclass(frozen=True, slots=True)
class Option:
    """One answer to pick; a not-applicable option has no points and leaves the question out of the score."""

    id: str
    points: float | None
    label: Text
    contradicted_by: Any = None  # a Condition: the facts that say this self-rating is wrong

    @property
    def not_applicable(self) -> bool:
        return self.points is None


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

    def option(self, option_id: Any) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def not_applicable(self, value: Any) -> bool:
        """Whether this answer says the question does not apply to the business."""
        option = self.option(value) if isinstance(value, str) else None
        return option is not None and option.not_applicable


@dataclass(frozen=True, slots=True)
class Threshold:
    """Where a rule's numbers come from: the article's section, or ours with the reason (and a public figure)."""

    source: Literal["article", "ours"]
    note: str  # the article's section and words, or the reason we chose it
    reference: str | None = None  # a public reference figure, where one exists


@dataclass(frozen=True, slots=True)
class Scale:
    metric: str
    points: tuple[tuple[float, float], ...]
    better: Literal["higher", "lower"] = "higher"
    only_if: Any = None  # a Condition: the scale counts only while it holds
    threshold: Threshold | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    dimension: str
    when: Any  # a Condition
    effect: Effect
    traps: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    finding: Text | None = None
    mitigated_by: Any = None  # a Condition: the owner shows the risk is handled; the effect drops one step
    root_cause: bool = False  # its actions go first among its dimension's when it fires with a worse rule
    exposure: Exposure | None = None  # a legal or single-point risk: triage puts it right after fatal boards
    praise: bool = False  # a finding that praises; shown only when the dimension is fair or strong
    threshold: Threshold | None = None


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


TRIAGE_REASONS: tuple[str, ...] = ("cash_cause", "cash", "fatal", "legal", "single_point", "grow", "weak", "fair",
                                  "keep")


@dataclass(frozen=True, slots=True)
class Summary:
    formula_title: Text
    formula: Text
    focus_title: Text
    focus: Text
    focus_points: tuple[Text, ...]
    combos: tuple[Combo, ...]
    intro: Text
    triage: MappingProxyType[str, Text] = field(default_factory=lambda: MappingProxyType({}))  # why, per place


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
    metric_questions: tuple[Question, ...] = field(init=False)  # the questions whose answer is a metric, in order
    derived_metrics: tuple[Metric, ...] = field(init=False)  # metrics computed from two others (runway)

    def __post_init__(self) -> None:
        questions = {q.id: q for d in self.dimensions for q in d.questions}
        object.__setattr__(self, "questions", MappingProxyType(questions))
        object.__setattr__(self, "dimension_by_id", MappingProxyType({d.id: d for d in self.dimensions}))
        object.__setattr__(self, "metric_questions", tuple(q for q in questions.values() if q.metric))
        object.__setattr__(self, "derived_metrics", tuple(m for m in self.metrics.values() if m.derived))

    def dimension(self, dimension_id: str) -> Dimension:
        return self.dimension_by_id[dimension_id]
