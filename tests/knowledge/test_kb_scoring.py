"""The article's formula as properties: bounds, bands, the fatal cap, monotonicity, independence.

Random answer sets leave each question out or give it a valid option, a number within its metric's
range (huge maxima capped at 1e9) or a short text.
"""

from __future__ import annotations

import math
from statistics import mean
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.loader import get_knowledge
from knowledge.model import Question
from knowledge.scoring import (
    FATAL_MAX,
    SCORE_FLOOR,
    WEAK_MAX,
    WEIGHTS,
    Report,
    assess,
    band_of,
    compute_metrics,
    fired_rules,
    geometric_mean,
)

KB = get_knowledge()
CAP = 1e9
PROPERTY = settings(max_examples=200, deadline=None)


def value_strategy(question: Question) -> st.SearchStrategy[Any]:
    if question.kind == "choice":
        return st.sampled_from([o.id for o in question.options])
    if question.kind == "text":
        return st.text(min_size=1, max_size=12).filter(str.strip)
    metric = KB.metrics[question.metric or ""]
    low = metric.minimum if metric.minimum is not None else 0.0
    high = min(metric.maximum if metric.maximum is not None else CAP, CAP)
    if metric.integer:
        return st.integers(math.ceil(low), int(min(high, 1000)))
    # Small values matter most (shares, days, runway); the wide range catches the rest.
    return st.one_of(
        st.integers(math.ceil(low), int(min(high, 200))).map(float),
        st.floats(low, high, allow_nan=False, allow_infinity=False),
    )


def answers_strategy(questions: list[Question] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    chosen = list(KB.questions.values()) if questions is None else questions
    return st.fixed_dictionaries({q.id: st.one_of(st.none(), value_strategy(q)) for q in chosen}).map(
        lambda raw: {k: v for k, v in raw.items() if v is not None}
    )


ANSWERS = answers_strategy()


def rule_fired(effect: str, dimension_id: str, answers: dict[str, Any]) -> bool:
    """Whether a rule of this effect fires, counting a follow-up's answer only while its condition holds."""
    metrics = compute_metrics(KB, answers)
    live = {q: v for q, v in answers.items()
            if KB.questions[q].only_if is None or KB.questions[q].only_if.holds(answers, metrics)}
    return any(f.effect == effect for f in fired_rules(KB.dimension(dimension_id), live, metrics))  # after mitigation


def fatal_rule_fired(dimension_id: str, answers: dict[str, Any]) -> bool:
    return rule_fired("fatal", dimension_id, answers)


def weak_rule_fired(dimension_id: str, answers: dict[str, Any]) -> bool:
    return rule_fired("weak", dimension_id, answers)


def scores(report: Report) -> dict[str, int | None]:
    return {d.id: d.score for d in report.dimensions}


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(ANSWERS)
def test_scores_and_bands(answers: dict[str, Any]) -> None:
    report = assess(KB, answers)
    assert [d.id for d in report.dimensions] == [d.id for d in KB.dimensions]
    for d in report.dimensions:
        assert d.score is None or 0 <= d.score <= 100
        assert d.band == band_of(d.score)
        if fatal_rule_fired(d.id, answers):
            assert d.band == "fatal"
            assert d.score is not None
            assert d.score <= FATAL_MAX
        elif weak_rule_fired(d.id, answers):
            assert d.score is not None
            assert d.score <= WEAK_MAX
    assert report.overall is None or 0 <= report.overall <= 100
    assert report.fatal == tuple(d.id for d in report.dimensions if d.band == "fatal")
    if report.overall is None:
        assert report.band == "unanswered"
        assert all(d.score is None for d in report.dimensions)
    elif report.fatal:
        assert report.band == "critical"
        assert report.overall <= FATAL_MAX
    else:
        assert report.band == band_of(report.overall) != "fatal"


@PROPERTY
@given(ANSWERS)
def test_focus_actions_and_strengths(answers: dict[str, Any]) -> None:
    report = assess(KB, answers)
    assert len(report.focus_actions) <= 3
    assert len(set(report.focus_actions)) == len(report.focus_actions)
    assert all(a in KB.actions for a in report.focus_actions)
    assert len(report.strengths) <= 3
    assert len(set(report.strengths)) == len(report.strengths)
    bands = {d.id: d.band for d in report.dimensions}
    assert all(bands[s] in ("strong", "fair") for s in report.strengths)
    assert not set(report.strengths) & set(report.fatal)
    assert all(bands[s] == "strong" for s in report.strengths), "a fair dimension is no strength"
    assert all(report.dimension(s).has_evidence for s in report.strengths), "no strength from a self-rating alone"
    strong = [d for d in report.dimensions if d.band == "strong" and d.has_evidence]
    if len(strong) >= 2:
        assert len(report.strengths) >= 2, "the 2–3 strongest dimensions are the strengths"


@PROPERTY
@given(ANSWERS)
def test_a_fatal_short_board_always_gets_a_survival_action_first(answers: dict[str, Any]) -> None:
    """DESIGN: focus actions are first whatever removes a fatal short board."""
    report = assess(KB, answers)
    if report.fatal:
        first = KB.actions[report.focus_actions[0]]
        assert first.dimension in report.fatal
        assert report.focus[0].reason in ("cash_cause", "cash", "fatal")


@PROPERTY
@given(ANSWERS, st.floats(0, 1e8, allow_nan=False), st.floats(1, 1e8, allow_nan=False),
       st.floats(0, 1e8, allow_nan=False))
def test_more_runway_never_lowers_the_cash_flow_score(answers: dict[str, Any], cash: float, fixed: float,
                                                      more: float) -> None:
    before = {**answers, "cash_available": cash, "cash_fixed_costs": fixed}
    after = {**before, "cash_available": cash + more}
    low = assess(KB, before).dimension("cash_flow").score
    high = assess(KB, after).dimension("cash_flow").score
    assert low is not None
    assert high is not None
    assert high >= low


@PROPERTY
@given(ANSWERS, st.floats(0, 100, allow_nan=False), st.floats(0, 100, allow_nan=False))
def test_a_bigger_top_customer_never_raises_the_risk_score(answers: dict[str, Any], a: float, b: float) -> None:
    small, big = sorted((a, b))
    low_share = assess(KB, {**answers, "risk_top_customer_share": small}).dimension("risk_control").score
    high_share = assess(KB, {**answers, "risk_top_customer_share": big}).dimension("risk_control").score
    if low_share is None:
        assert high_share is None or high_share <= FATAL_MAX
    else:
        assert high_share is not None
        assert high_share <= low_share


@PROPERTY
@given(ANSWERS, st.data())
def test_adding_an_answer_changes_only_its_own_dimension(answers: dict[str, Any], data: st.DataObject) -> None:
    unanswered = [q for q in KB.questions.values() if q.id not in answers]
    if not unanswered:
        return
    question = data.draw(st.sampled_from(unanswered))
    value = data.draw(value_strategy(question))
    before = scores(assess(KB, answers))
    after = scores(assess(KB, {**answers, question.id: value}))
    for dimension_id, score in before.items():
        if dimension_id != question.dimension:
            assert after[dimension_id] == score, dimension_id


@PROPERTY
@given(st.sampled_from([d.id for d in KB.dimensions]), st.data())
def test_unanswered_is_not_zero(dimension_id: str, data: st.DataObject) -> None:
    answers = data.draw(answers_strategy(list(KB.dimension(dimension_id).questions)))
    report = assess(KB, answers)
    own = report.dimension(dimension_id)
    for d in report.dimensions:
        if d.id != dimension_id:
            assert d.score is None
            assert d.band == "unanswered"
    if own.score is None:
        assert report.overall is None
        assert report.band == "unanswered"
    else:
        floored = max(own.score, SCORE_FLOOR)
        assert report.overall == round(floored * FATAL_MAX / 100 if own.band == "fatal" else floored)


def test_scores_are_pure_functions_of_the_answers() -> None:
    answers = {"cash_available": 300_000, "cash_fixed_costs": 100_000, "team_self": "solid"}
    assert assess(KB, answers) == assess(KB, dict(answers))


# --------------------------------------------------------------------------- the multiplicative formula


def test_geometric_mean_drags_down() -> None:
    values = [10] + [90] * 7
    assert geometric_mean(values) < mean(values)
    assert geometric_mean([60] * 8) == pytest.approx(60)


def best_answers(dimension_id: str) -> dict[str, Any]:
    return {q.id: max(q.options, key=lambda o: -1 if o.points is None else o.points).id
            for q in KB.dimension(dimension_id).questions if q.kind == "choice" and q.only_if is None}


def test_one_weak_dimension_pulls_the_overall_below_the_arithmetic_mean() -> None:
    answers: dict[str, Any] = {}
    for d in KB.dimensions:
        answers.update(best_answers(d.id))
    answers.update({"team_self": "uneven", "team_key_person": "in_their_heads", "team_goal": "promises",
                    "team_mix": "one_gap", "team_decisions": "founder_mostly"})
    report = assess(KB, answers)
    dimension_scores = [d.score for d in report.dimensions]
    assert None not in dimension_scores
    assert report.dimension("team").band == "weak"
    assert report.overall is not None
    assert report.overall < mean(dimension_scores)  # type: ignore[arg-type]
    weights = [WEIGHTS.get(d.id, 1.0) for d in report.dimensions]
    assert report.overall == round(geometric_mean(dimension_scores, weights))  # type: ignore[arg-type]


def test_a_single_zero_does_not_erase_the_other_seven() -> None:
    """Each score is floored at SCORE_FLOOR before the product, so one 0 drags the whole down but not to 0."""
    report = assess(KB, {"ret_self": "poor", "pos_win_where": "first_choice"})
    assert report.dimension("retention").score == 0
    assert report.overall is not None
    assert report.overall > 0


def test_all_best_answers_give_a_strong_report() -> None:
    answers: dict[str, Any] = {}
    for d in KB.dimensions:
        answers.update(best_answers(d.id))
    report = assess(KB, answers)
    assert report.overall == 100
    assert report.band == "strong"
    assert len(report.strengths) == 3
    assert not report.fatal


def test_fatal_threshold_overrides_self_ratings() -> None:
    answers = {**best_answers("risk_control"), "risk_top_customer_share": 55}
    report = assess(KB, answers)
    assert report.dimension("risk_control").band == "fatal"
    assert report.band == "critical"
    assert report.focus_actions[0] == "risk_expand_new_customers"


@pytest.mark.parametrize(
    ("answers", "dimension"),
    [
        ({"cash_available": 100_000, "cash_fixed_costs": 100_000}, "cash_flow"),  # runway 1 month
        ({"cash_receivables": 65}, "cash_flow"),  # receivables swallow the revenue
        ({"risk_top_customer_share": 51}, "risk_control"),  # one customer above 50%
        ({"risk_backup_supplier_count": 0}, "risk_control"),  # no backup for the core input
    ],
)
def test_design_thresholds_are_fatal(answers: dict[str, Any], dimension: str) -> None:
    report = assess(KB, {**best_answers(dimension), **answers})
    assert report.dimension(dimension).band == "fatal"
    assert report.band == "critical"


def test_a_follow_up_answer_counts_only_while_its_condition_holds() -> None:
    """risk_new_customer_pipeline is asked only above 50%; a stale answer must not claim concentration at 20%."""
    follow_up = KB.questions["risk_new_customer_pipeline"]
    assert follow_up.only_if is not None
    base = {"risk_top_customer_share": 20, "risk_backup_supplier_count": 2, "risk_compliance": "verified"}
    with_stale = assess(KB, {**base, "risk_new_customer_pipeline": "nothing"}).dimension("risk_control")
    without = assess(KB, base).dimension("risk_control")
    assert "risk_customer_concentration" not in with_stale.traps
    assert with_stale.score == without.score


# --------------------------------------------------------------------------- contradictions


def test_contradiction_when_cash_is_rated_best_but_runway_is_short() -> None:
    best = max(KB.questions["cash_runway_self"].options, key=lambda o: o.points).id
    report = assess(KB, {"cash_runway_self": best, "cash_available": 150_000, "cash_fixed_costs": 100_000})
    assert report.metrics["runway_months"] == pytest.approx(1.5)
    assert [(c.dimension, c.question, c.option) for c in report.contradictions] == [
        ("cash_flow", "cash_runway_self", best)
    ]


def test_no_contradiction_when_runway_backs_the_rating() -> None:
    best = max(KB.questions["cash_runway_self"].options, key=lambda o: o.points).id
    report = assess(KB, {"cash_runway_self": best, "cash_available": 1_200_000, "cash_fixed_costs": 100_000})
    assert report.metrics["runway_months"] == pytest.approx(12)
    assert report.contradictions == ()


def test_no_contradiction_when_the_owner_admits_it() -> None:
    report = assess(KB, {"cash_runway_self": "under_3", "cash_available": 150_000, "cash_fixed_costs": 100_000})
    assert report.contradictions == ()
