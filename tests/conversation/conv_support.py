"""Scenario helpers for the conversation, storage, console and bench tests: valid answers and a driver.

Imported as `tests.conversation.conv_support` everywhere (tests/conversation has no __init__.py on
purpose; it resolves as a namespace sub-package of `tests`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dialogs.conversation import Answer, Conversation, Event, Step
from dialogs.outputs import Ask, Insight, ReportReady
from dialogs.session import Session
from knowledge.model import KnowledgeBase, Question
from knowledge.scoring import Report

# Realistic mid-range values per metric: runway 10 months, one customer at 30%, no follow-up triggered.
MID_VALUES: dict[str, float] = {
    "cash_on_hand": 500_000,
    "monthly_fixed_costs": 50_000,
    "receivables_share": 30,
    "inventory_days": 45,
    "top_customer_share": 30,
    "backup_suppliers": 2,
    "repeat_customer_share": 50,
    "referral_share": 30,
    "complaint_response_hours": 12,
    "headcount": 12,
    "managers": 2,
    "online_sales_share": 40,
}
SENTENCE = "小微企业主,做社区烘焙,客户是附近写字楼的白领。"


def metric_question(kb: KnowledgeBase, metric: str) -> Question:
    """The question that declares this metric (the adaptive follow-ups are found this way, not by id)."""
    return next(q for q in kb.questions.values() if q.metric == metric)


def valid_value(kb: KnowledgeBase, question: Question, overrides: Mapping[str, Any] | None = None) -> Any:
    """A valid answer: an override by question id or metric, else the first option / a mid value / a sentence."""
    overrides = overrides or {}
    if question.id in overrides:
        return overrides[question.id]
    if question.metric and question.metric in overrides:
        return overrides[question.metric]
    if question.kind == "choice":
        return question.options[0].id
    if question.kind == "number":
        metric = kb.metrics[question.metric or ""]
        if metric.id in MID_VALUES:
            return MID_VALUES[metric.id]
        low, high = metric.minimum or 0, metric.maximum or 100
        value = (low + high) / 2
        return int(value) if metric.integer else value
    return SENTENCE


def console_line(kb: KnowledgeBase, question: Question, overrides: Mapping[str, Any] | None = None) -> str:
    """What an owner types at the console for `valid_value`: the option's number, the number, the text."""
    value = valid_value(kb, question, overrides)
    if question.kind == "choice":
        return str([o.id for o in question.options].index(value) + 1)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Driver:
    """Feeds events to one session and remembers every output, every question asked and every step."""

    conv: Conversation
    session: Session = field(default_factory=Session)
    steps: list[Step] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # question ids of every Ask, in order (repeats kept)

    @property
    def kb(self) -> KnowledgeBase:
        return self.conv.kb

    def send(self, event: Event) -> Step:
        step = self.conv.step(self.session, event)
        self.steps.append(step)
        self.asked += [o.question for o in step.outputs if isinstance(o, Ask)]
        return step

    def answer(self, overrides: Mapping[str, Any] | None = None) -> Step:
        """Answer the waiting question with a valid value."""
        question = self.kb.questions[self.session.current or ""]
        return self.send(Answer(valid_value(self.kb, question, overrides)))

    def run_to_report(
        self, overrides: Mapping[str, Any] | None = None, on_step: Callable[[Step], None] | None = None,
        limit: int = 200,
    ) -> Report:
        """Answer every planned question until the report; returns it."""
        for _ in range(limit):
            step = self.answer(overrides)
            if on_step:
                on_step(step)
            report = report_of(step)
            if report is not None:
                return report
        raise AssertionError(f"no report after {limit} answers; at {self.session!r}")

    @property
    def outputs(self) -> list[Any]:
        return [o for s in self.steps for o in s.outputs]

    def insights(self) -> list[Insight]:
        return [o for o in self.outputs if isinstance(o, Insight)]


def report_of(step: Step) -> Report | None:
    return next((o.report for o in step.outputs if isinstance(o, ReportReady)), None)


def last_ask(step: Step) -> Ask:
    asks = [o for o in step.outputs if isinstance(o, Ask)]
    assert asks, f"no question in {step.outputs!r}"
    return asks[-1]
