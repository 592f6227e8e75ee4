"""Issue 7 as properties and boundaries: triage, thresholds as written, evidence over opinion, coverage."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.loader import get_knowledge
from knowledge.scoring import assess
from tests.knowledge.test_kb_profiles import DATA as PROFILES
from tests.knowledge.test_kb_scoring import ANSWERS, PROPERTY

KB = get_knowledge()
STEADY, EXCELLENT = PROFILES["bases"]["steady"], PROFILES["bases"]["excellent"]
FIXED = 100_000


def fired(report: Any, dimension: str) -> set[str]:
    return {f.rule.id for f in report.dimension(dimension).fired}


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(ANSWERS, st.floats(0, 30, allow_nan=False), st.floats(0, 30, allow_nan=False))
def test_more_runway_never_lowers_the_cash_score(answers: dict[str, Any], a: float, b: float) -> None:
    short, long = sorted((a, b))
    low = assess(KB, {**answers, "cash_available": short * FIXED, "cash_fixed_costs": FIXED}).dimension("cash_flow")
    high = assess(KB, {**answers, "cash_available": long * FIXED, "cash_fixed_costs": FIXED}).dimension("cash_flow")
    assert low.score is not None
    assert high.score is not None
    assert high.score >= low.score


@PROPERTY
@given(ANSWERS, st.floats(0, 100, allow_nan=False), st.floats(0, 100, allow_nan=False))
def test_a_higher_top_customer_share_never_raises_the_risk_score(answers: dict[str, Any], a: float, b: float) -> None:
    small, big = sorted((a, b))
    low = assess(KB, {**answers, "risk_top_customer_share": small}).dimension("risk_control").score
    high = assess(KB, {**answers, "risk_top_customer_share": big}).dimension("risk_control").score
    assert low is not None
    assert high is not None
    assert high <= low


@PROPERTY
@given(ANSWERS)
def test_while_cash_is_fatal_the_first_action_is_a_cash_action(answers: dict[str, Any]) -> None:
    report = assess(KB, answers)
    if report.dimension("cash_flow").band == "fatal":
        assert report.focus_actions
        assert KB.actions[report.focus_actions[0]].dimension == "cash_flow"
        assert report.focus[0].reason in ("cash_cause", "cash")


@PROPERTY
@given(ANSWERS)
def test_every_focus_action_says_why_in_both_languages(answers: dict[str, Any]) -> None:
    report = assess(KB, answers)
    for action in report.focus:
        assert action.dimension == KB.actions[action.id].dimension
        for locale in ("zh", "en"):
            why = action.why(KB, locale)
            assert why
            assert "{" not in why


@PROPERTY
@given(ANSWERS, st.sampled_from([2.999, 3.0, 5.999, 6.0, 11.999, 12.0]))
def test_runway_thresholds_hold_exactly_at_3_and_6_months(answers: dict[str, Any], months: float) -> None:
    report = assess(KB, {**answers, "cash_available": months * FIXED, "cash_fixed_costs": FIXED})
    rules = fired(report, "cash_flow")
    assert ("cash_rule_runway_under_3" in rules) == (months < 3)
    assert ("cash_rule_runway_3_to_6" in rules) == (3 <= months < 6)
    assert ("cash_rule_runway_6_to_12" in rules) == (6 <= months < 12)


@PROPERTY
@given(ANSWERS, st.sampled_from([39.99, 40.0, 49.99, 50.0, 50.01]))
def test_concentration_thresholds_hold_exactly_at_50_percent(answers: dict[str, Any], share: float) -> None:
    answers = {k: v for k, v in answers.items() if k != "risk_new_customer_pipeline"}
    report = assess(KB, {**answers, "risk_top_customer_share": share})
    rules = fired(report, "risk_control")
    assert ("risk_top_customer_over_50" in rules) == (share >= 50)
    assert ("risk_top_customer_40_to_50" in rules) == (40 <= share < 50)
    if share >= 50:
        assert report.dimension("risk_control").band == "fatal"


@PROPERTY
@given(ANSWERS, st.floats(50, 74.9, allow_nan=False))
def test_a_signed_pipeline_never_scores_worse_than_none(answers: dict[str, Any], share: float) -> None:
    base = {**answers, "risk_top_customer_share": share}
    nothing = assess(KB, {**base, "risk_new_customer_pipeline": "nothing"}).dimension("risk_control")
    signed = assess(KB, {**base, "risk_new_customer_pipeline": "signed"}).dimension("risk_control")
    assert nothing.band == "fatal"
    assert signed.score is not None
    assert nothing.score is not None
    assert signed.score >= nothing.score


@PROPERTY
@given(ANSWERS)
def test_coverage_counts_what_applies(answers: dict[str, Any]) -> None:
    report = assess(KB, answers)
    coverage = report.coverage
    assert coverage is not None
    assert 0 <= coverage.answered <= coverage.asked <= len(KB.questions)
    for row in coverage.dimensions:
        assert 0 <= row.answered <= row.asked
        if row.answered == 0:
            assert report.dimension(row.id).score is None


# --------------------------------------------------------------------------- boundaries, one firm at a time


def cash_only(months: float) -> Any:
    return assess(KB, {"cash_available": months * FIXED, "cash_fixed_costs": FIXED}).dimension("cash_flow")


@pytest.mark.parametrize(("months", "band"), [(2.99, "fatal"), (3.0, "weak"), (5.99, "weak"), (6.0, "fair"),
                                              (11.99, "fair"), (12.0, "strong")])
def test_runway_bands_match_the_rules(months: float, band: str) -> None:
    assert cash_only(months).band == band


@pytest.mark.parametrize(("share", "band"), [(10, "strong"), (30, "fair"), (45, "weak"), (49.9, "weak"),
                                             (50, "fatal"), (80, "fatal")])
def test_top_customer_bands(share: float, band: str) -> None:
    report = assess(KB, {"risk_top_customer_share": share})
    assert report.dimension("risk_control").band == band


def test_concentration_costs_points_well_below_50() -> None:
    scores = [assess(KB, {"risk_top_customer_share": s}).dimension("risk_control").score for s in (10, 25, 45)]
    assert scores[0] > scores[1] > scores[2]


def test_the_self_rating_moves_the_score_only_within_the_band_of_the_numbers() -> None:
    numbers = {"cash_available": 1_500_000, "cash_fixed_costs": FIXED}
    for option in KB.questions["cash_runway_self"].options:
        assert assess(KB, {**numbers, "cash_runway_self": option.id}).dimension("cash_flow").band == "strong"
    three = {"cash_available": 300_000, "cash_fixed_costs": FIXED}
    assert assess(KB, {**three, "cash_runway_self": "three_to_6"}).dimension("cash_flow").band == "weak"
    assert assess(KB, three).dimension("cash_flow").band == "weak"


@pytest.mark.parametrize(("answers", "dimension", "direction"), [
    ({"cash_available": 1_500_000, "cash_fixed_costs": FIXED, "cash_runway_self": "under_3"}, "cash_flow", "gloomier"),
    ({"cash_available": 600_000, "cash_fixed_costs": FIXED, "cash_runway_self": "over_12"}, "cash_flow", "rosier"),
    ({"ret_self": "strong", "ret_repeat_share": 5}, "retention", "rosier"),
    ({"team_self": "strong", "team_key_person": "would_take_business"}, "team", "rosier"),
    ({"irr_self": "must_choose", "irr_price_pressure": "most_leave"}, "irreplaceability", "rosier"),
])
def test_contradictions_quote_both_sides(answers: dict[str, Any], dimension: str, direction: str) -> None:
    report = assess(KB, answers)
    assert [(c.dimension, c.direction) for c in report.contradictions] == [(dimension, direction)]
    assert report.contradictions[0].evidence


def test_not_applicable_answers_leave_the_question_out() -> None:
    studio = {"risk_backup_supplier_count": "not_applicable", "risk_top_customer_share": 20,
              "adapt_online_share": "not_applicable", "adapt_stance": "follow"}
    report = assess(KB, studio)
    assert "backup_suppliers" not in report.metrics
    assert report.dimension("risk_control").band != "fatal"
    assert report.dimension("adaptability").score == 70
    assert set(report.not_applicable) == {"risk_backup_supplier_count", "adapt_online_share"}
    assert report.coverage is not None
    assert report.coverage.dimensions[-1].answered == 2


def test_three_answers_are_a_partial_verdict_without_strengths() -> None:
    report = assess(KB, {"pos_focus_self": "niche_gap", "cash_runway_self": "over_12", "team_self": "strong"})
    assert report.strengths == ()
    assert report.coverage is not None
    assert report.coverage.partial
    assert len(report.coverage.unanswered_dimensions) == 5


def test_the_manager_rule_at_both_ends() -> None:
    three = assess(KB, {"cost_headcount": 3, "cost_managers": 1, "cost_self": "lean"}).dimension("cost_efficiency")
    assert "cost_redundant_layers" not in three.traps
    heavy = assess(KB, {"cost_headcount": 21, "cost_managers": 12}).dimension("cost_efficiency")
    assert "cost_redundant_layers" in heavy.traps
    assert heavy.band in ("weak", "fatal")


def test_a_legal_gap_reaches_the_plan_of_a_strong_firm() -> None:
    answers = {q.id: max(q.options, key=lambda o: -1 if o.points is None else o.points).id
               for q in KB.questions.values() if q.kind == "choice" and q.only_if is None}
    answers |= {"risk_compliance": "known_gaps", "risk_top_customer_share": 10, "risk_backup_supplier_count": 3}
    report = assess(KB, answers)
    assert report.focus_actions[0] == "risk_fix_compliance"
    assert report.focus[0].reason == "legal"


def test_note_rules_attach_no_traps() -> None:
    assert all(not r.traps for d in KB.dimensions for r in d.rules if r.effect in ("note", "fair"))


def test_every_rule_on_a_number_says_where_its_threshold_comes_from() -> None:
    for d in KB.dimensions:
        for scale in d.scales:
            assert scale.threshold is not None
        for rule in d.rules:
            if rule.threshold is not None:
                assert rule.threshold.source in ("article", "ours")
                assert rule.threshold.note


# --------------------------------------------------------------------------- strengths: lengthen what is not done yet

ADAPTING_AT_ITS_BEST = {"adapt_online_share": 40, "adapt_stance": "test_early", "adapt_test_before_launch": "always",
                        "adapt_changes_made": "regular", "adapt_self": "ready"}


def test_a_strength_is_lengthened_by_an_action_its_answers_do_not_show_yet() -> None:
    """Always testing first puts the grow action (test cheaply) in place: the next action not done is advised."""
    answers = {**STEADY, **ADAPTING_AT_ITS_BEST, "adapt_changes_made": "few"}
    report = assess(KB, answers)
    assert report.strengths[0] == "adaptability"
    first = report.focus[0]
    assert (first.id, first.reason) == ("adapt_micro_innovation", "grow")
    assert "adapt_fast_trial" not in report.focus_actions


def test_a_strength_done_in_full_gives_its_slot_to_weaker_dimensions_and_is_kept_last() -> None:
    report = assess(KB, {**STEADY, **ADAPTING_AT_ITS_BEST})
    assert report.strengths == ("adaptability",)
    assert [a.reason for a in report.focus] == ["fair", "fair", "fair"]
    excellent = assess(KB, {**EXCELLENT})
    assert [(a.dimension, a.reason) for a in excellent.focus] == [
        ("positioning", "keep"), ("irreplaceability", "keep"), ("cash_flow", "keep")]


def test_every_done_when_is_met_by_the_best_answers() -> None:
    """The excellent base answers every question at its best: each action that can be shown done is."""
    report = assess(KB, EXCELLENT)
    live = {**EXCELLENT}
    for action in KB.actions.values():
        if action.done_when is not None:
            assert action.done_when.holds(live, report.metrics), action.id


def test_a_dimensions_recommendations_leave_out_what_the_owner_already_does() -> None:
    """The quick-to-turn note recommends testing cheaply and small improvements; an owner who always tests
    first is recommended the improvements only (the /actions list is built from these)."""
    testing = {**STEADY, "adapt_stance": "test_early", "adapt_changes_made": "few"}
    sometimes = assess(KB, {**testing, "adapt_test_before_launch": "sometimes"}).dimension("adaptability")
    always = assess(KB, {**testing, "adapt_test_before_launch": "always"}).dimension("adaptability")
    assert sometimes.actions == ("adapt_fast_trial", "adapt_micro_innovation")
    assert always.actions == ("adapt_micro_innovation",)


def test_a_praising_note_keeps_its_action() -> None:
    """"Keep deepening that niche need" stands beside an offer that is already the clear best."""
    report = assess(KB, {**STEADY, "irr_niche_depth": "clearly_best", "irr_self": "must_choose",
                         "irr_price_pressure": "stay", "irr_response_speed": "very_fast"})
    assert "irr_be_better" in report.dimension("irreplaceability").actions


def test_a_fatal_board_with_several_traps_gets_a_second_action_before_fair_ones_are_polished() -> None:
    """A team where the founder decides alone, the goal is promises, everyone came from sales and the product
    lives in two heads: both of the plan's first two actions are the team's."""
    report = assess(KB, {**STEADY, "team_self": "solid", "team_key_person": "in_their_heads",
                         "team_goal": "promises", "team_mix": "same_type", "team_decisions": "founder_alone"})
    assert report.fatal == ("team",)
    assert [(a.dimension, a.reason) for a in report.focus[:2]] == [("team", "fatal"), ("team", "fatal")]
    assert report.focus[2].reason == "fair"


def test_a_fatal_boards_notes_do_not_outrank_a_weak_board() -> None:
    """The second action comes from the fatal board's fatal or weak findings only: a note there (one backup
    supplier) does not push a weak cash board out of the plan."""
    report = assess(KB, {**STEADY, "risk_top_customer_share": 60, "risk_new_customer_pipeline": "nothing",
                         "cash_available": 400_000, "cash_receivables": 40})
    assert report.fatal == ("risk_control",)
    assert "risk_backup_suppliers" not in report.focus_actions
    assert any(a.dimension == "cash_flow" for a in report.focus)
