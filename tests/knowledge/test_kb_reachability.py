"""Every question can be asked and every trap and action can be reached by some answers.

A small solver builds answers that make a condition hold: for an answer test it picks the first
listed option; for a metric test it picks a number for the question that asks that metric; for the
derived metrics (runway_months = cash_on_hand / monthly_fixed_costs, manager_share = managers /
headcount × 100) it picks the denominator first and derives the numerator. ``all`` satisfies every
part, ``any`` tries its parts in order. The answers are then checked with the condition itself, so
the solver can never make a test pass by accident.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from dialogs.plan import plan
from knowledge.conditions import AllOf, AnswerIn, AnyOf, Condition, MetricIs
from knowledge.loader import get_knowledge
from knowledge.model import KnowledgeBase, Metric, Question
from knowledge.scoring import FATAL_MAX, WEAK_MAX, assess, compute_metrics

KB = get_knowledge()
Leaf = MetricIs | AnswerIn

# --------------------------------------------------------------------------- the solver


def _branches(condition: Condition) -> Iterator[list[Leaf]]:
    """The condition as alternatives of leaf conjunctions (any-parts in their written order)."""
    if isinstance(condition, AllOf):
        for combo in itertools.product(*(list(_branches(p)) for p in condition.parts)):
            yield [leaf for part in combo for leaf in part]
    elif isinstance(condition, AnyOf):
        for part in condition.parts:
            yield from _branches(part)
    else:
        yield [condition]


def _ok(value: float, tests: list[tuple[str, float]], metric: Metric | None, lo: float = -math.inf) -> bool:
    low = lo if metric is None or metric.minimum is None else metric.minimum
    high = math.inf if metric is None or metric.maximum is None else metric.maximum
    if not low <= value <= high:
        return False
    if metric is not None and metric.integer and value != int(value):
        return False
    ops = {"lt": value.__lt__, "le": value.__le__, "gt": value.__gt__, "ge": value.__ge__, "eq": value.__eq__}
    return all(ops[op](bound) for op, bound in tests)


def _candidates(tests: list[tuple[str, float]], metric: Metric | None, lo: float = -math.inf,
                preferred: tuple[float, ...] = ()) -> list[float]:
    """Values satisfying every (op, bound) test within the metric's range; values near the bounds first."""
    near = [b + d for _, b in tests for d in (1, -1, 0.5, -0.5, 0.1, -0.1, 0)]
    ends = [v for v in (metric.minimum, metric.maximum) if v is not None] if metric else []
    found: list[float] = []
    for value in [*preferred, *near, *ends, 0, 1, 2, 5, 10, 20, 50, 100, 1000]:
        if _ok(float(value), tests, metric, lo) and float(value) not in found:
            found.append(float(value))
    return found


def _asking(kb: KnowledgeBase) -> dict[str, Question]:
    return {q.metric: q for q in kb.questions.values() if q.kind == "number" and q.metric}


def _solve(kb: KnowledgeBase, leaves: list[Leaf]) -> dict[str, Any] | None:
    options: dict[str, list[str]] = {}
    tests: dict[str, list[tuple[str, float]]] = {}
    for leaf in leaves:
        if isinstance(leaf, AnswerIn):
            allowed = options.get(leaf.question, list(leaf.options))
            options[leaf.question] = [o for o in allowed if o in leaf.options]
        else:
            tests.setdefault(leaf.metric, []).append((leaf.op, leaf.value))
    answers: dict[str, Any] = {}
    for qid, allowed in options.items():
        if not allowed:
            return None
        answers[qid] = allowed[0]
    values: dict[str, float] = {}
    for name, metric_tests in tests.items():  # derived metrics first: they fix their two parts
        metric = kb.metrics[name]
        if not metric.derived:
            continue
        top, bottom, factor = metric.derived
        pairs = (
            (target * den / factor, den)
            for den in _candidates(tests.get(bottom, []), kb.metrics[bottom], preferred=(10, 20, 100, 10_000))
            for target in _candidates(metric_tests, None, lo=0.0)
        )
        found = next(
            ((num, den) for num, den in pairs
             if _ok(num, tests.get(top, []), kb.metrics[top])
             and values.get(top, num) == num and values.get(bottom, den) == den),
            None,
        )
        if found is None:
            return None
        values[top], values[bottom] = found
    for name, metric_tests in tests.items():
        if kb.metrics[name].derived or name in values:
            continue
        candidates = _candidates(metric_tests, kb.metrics[name])
        if not candidates:
            return None
        values[name] = candidates[0]
    asking = _asking(kb)
    for name, value in values.items():
        question = asking[name]
        answers[question.id] = int(value) if kb.metrics[name].integer else value
    return answers


def satisfy(kb: KnowledgeBase, condition: Condition) -> dict[str, Any] | None:
    """Answers under which `condition` holds, or None when the solver finds none."""
    for leaves in _branches(condition):
        answers = _solve(kb, leaves)
        if answers is not None and condition.holds(answers, compute_metrics(kb, answers)):
            return answers
    return None


_NEGATED = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt"}


def negate(kb: KnowledgeBase, condition: Condition) -> Condition:
    """The opposite condition, for answers where the metrics are known."""
    if isinstance(condition, MetricIs):
        if condition.op == "eq":
            return AnyOf((MetricIs(condition.metric, "lt", condition.value),
                          MetricIs(condition.metric, "gt", condition.value)))
        return MetricIs(condition.metric, _NEGATED[condition.op], condition.value)
    if isinstance(condition, AnswerIn):
        others = tuple(o.id for o in kb.questions[condition.question].options if o.id not in condition.options)
        return AnswerIn(condition.question, others)
    if isinstance(condition, AllOf):
        return AnyOf(tuple(negate(kb, p) for p in condition.parts))
    return AllOf(tuple(negate(kb, p) for p in condition.parts))


def with_prerequisites(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Add answers that make every answered follow-up question (only_if) actually asked."""
    merged = dict(answers)
    for qid in answers:
        question = kb.questions[qid]
        if question.only_if is not None and not question.only_if.holds(merged, compute_metrics(kb, merged)):
            extra = satisfy(kb, question.only_if)
            assert extra is not None, f"only_if of {qid} cannot be satisfied"
            merged = {**extra, **merged}
    return merged


def test_solver_builds_the_documented_derived_values() -> None:
    runway = satisfy(KB, MetricIs("runway_months", "lt", 3))
    assert runway is not None
    metrics = compute_metrics(KB, runway)
    assert metrics["runway_months"] < 3
    assert metrics["runway_months"] == pytest.approx(metrics["cash_on_hand"] / metrics["monthly_fixed_costs"])
    top_heavy = satisfy(KB, AllOf((MetricIs("manager_share", "ge", 30), MetricIs("headcount", "le", 20))))
    assert top_heavy is not None
    metrics = compute_metrics(KB, top_heavy)
    assert metrics["manager_share"] >= 30
    assert metrics["headcount"] <= 20
    assert isinstance(top_heavy["cost_headcount"], int)
    assert isinstance(top_heavy["cost_managers"], int)


# --------------------------------------------------------------------------- questions

ALL_QUESTIONS = [q for d in KB.dimensions for q in d.questions]
FOLLOW_UPS = [q for q in ALL_QUESTIONS if q.only_if is not None]
QUICK_IFS = [q for q in ALL_QUESTIONS if q.quick_if is not None]


def ids(questions: list[Question]) -> list[str]:
    return [q.id for q in questions]


def test_there_are_follow_up_and_quick_if_questions() -> None:
    assert FOLLOW_UPS, "expected at least one only_if question"
    assert QUICK_IFS, "expected at least one quick_if question"


def test_full_plan_without_answers_has_every_unconditional_question_in_article_order() -> None:
    full = ids(plan(KB, "full", None, {}))
    assert full == [q.id for q in ALL_QUESTIONS if q.only_if is None]


@pytest.mark.parametrize("question", FOLLOW_UPS, ids=lambda q: q.id)
def test_follow_up_question_is_asked_exactly_when_its_condition_holds(question: Question) -> None:
    answers = satisfy(KB, question.only_if)
    assert answers is not None, f"{question.id}: only_if cannot be satisfied"
    for mode in ("full", "quick"):
        if mode == "quick" and not (question.quick or question.quick_if):
            continue
        assert question.id in ids(plan(KB, mode, None, answers)), mode
    assert question.id in ids(plan(KB, "recheck", question.dimension, answers))
    assert question.id not in ids(plan(KB, "full", None, {}))
    opposite = satisfy(KB, negate(KB, question.only_if))
    assert opposite is not None
    assert question.id not in ids(plan(KB, "full", None, opposite))


def test_quick_plan_without_answers_is_exactly_the_quick_questions() -> None:
    quick = ids(plan(KB, "quick", None, {}))
    assert quick == [q.id for q in ALL_QUESTIONS if q.quick and q.only_if is None]
    per_dimension = {d.id: sum(q.dimension == d.id for q in plan(KB, "quick", None, {})) for d in KB.dimensions}
    assert all(1 <= n <= 2 for n in per_dimension.values()), per_dimension


@pytest.mark.parametrize("question", QUICK_IFS, ids=lambda q: q.id)
def test_quick_if_question_joins_the_quick_check_exactly_when_its_condition_holds(question: Question) -> None:
    answers = satisfy(KB, question.quick_if)
    assert answers is not None, f"{question.id}: quick_if cannot be satisfied"
    answers = with_prerequisites(KB, {**answers})
    assert question.id in ids(plan(KB, "quick", None, answers))
    assert question.id not in ids(plan(KB, "quick", None, {}))
    opposite = satisfy(KB, negate(KB, question.quick_if))
    assert opposite is not None, f"{question.id}: the opposite of quick_if cannot be satisfied"
    assert question.id not in ids(plan(KB, "quick", None, opposite))
    assert question.id in ids(plan(KB, "full", None, opposite)) or question.only_if is not None


@pytest.mark.parametrize("dimension", KB.dimensions, ids=lambda d: d.id)
def test_recheck_plan_is_the_dimension_alone(dimension: Any) -> None:
    assert ids(plan(KB, "recheck", dimension.id, {})) == [q.id for q in dimension.questions if q.only_if is None]


def test_text_questions_never_in_the_quick_check() -> None:
    everything = {qid: "x" for qid in KB.questions}
    quick = plan(KB, "quick", None, everything)
    assert all(q.kind != "text" for q in quick)


# --------------------------------------------------------------------------- rules, traps, actions

ALL_RULES = [r for d in KB.dimensions for r in d.rules]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_rule_can_fire_and_shows_its_traps_and_actions(rule: Any) -> None:
    answers = satisfy(KB, rule.when)
    assert answers is not None, f"{rule.id}: no answers make its condition hold"
    answers = with_prerequisites(KB, answers)
    assert rule.when.holds(answers, compute_metrics(KB, answers))
    asked = ids(plan(KB, "full", None, answers))
    assert set(answers) <= set(asked), "the answers need a question the full check never asks"
    result = assess(KB, answers).dimension(rule.dimension)
    assert set(rule.traps) <= set(result.traps)
    assert set(rule.actions) <= set(result.actions)
    if rule.finding is not None:
        assert rule.id in [f.rule.id for f in result.findings]
    if rule.effect == "fatal":
        assert result.band == "fatal"
        assert result.score is not None
        assert result.score <= FATAL_MAX
    elif rule.effect == "weak":
        assert result.score is not None
        assert result.score <= WEAK_MAX


def test_every_trap_and_action_is_reached_by_some_answers() -> None:
    traps: set[str] = set()
    actions: set[str] = set()
    for rule in ALL_RULES:
        answers = satisfy(KB, rule.when)
        assert answers is not None
        result = assess(KB, with_prerequisites(KB, answers)).dimension(rule.dimension)
        traps |= set(result.traps)
        actions |= set(result.actions)
    assert traps == set(KB.traps)
    assert actions == set(KB.actions)


BEST_NUMBERS = {"cash_available": 3_000_000, "cash_fixed_costs": 100_000, "cash_receivables": 0, "cash_inventory": 0,
                "ret_repeat_share": 90, "ret_complaint_hours": 1, "ret_referral_share": 60, "cost_headcount": 10,
                "cost_managers": 1, "adapt_online_share": 60, "risk_top_customer_share": 5,
                "risk_backup_supplier_count": 3}


@pytest.mark.parametrize("dimension", KB.dimensions, ids=lambda d: d.id)
def test_grow_action_reached_when_dimension_is_a_long_board(dimension: Any) -> None:
    """Best option everywhere in the dimension and nothing else: it is a strength and its grow action is picked."""
    answers: dict[str, Any] = {q: v for q, v in BEST_NUMBERS.items() if KB.questions[q].dimension == dimension.id}
    for q in dimension.questions:
        if q.kind == "choice":
            answers[q.id] = max(q.options, key=lambda o: -1 if o.points is None else o.points).id
    report = assess(KB, answers)
    assert report.dimension(dimension.id).band == "strong"
    assert report.strengths == (dimension.id,)
    assert dimension.grow_action in report.focus_actions
