"""Five company profiles the engine of issue 7 was not tuned on, with the verdict a consultant would give.

The expectations (band, fatal dimensions, strengths, first focus action) were written down before these
profiles were first run, from the article's thresholds: runway under 3 months and overdue receivables of 60%
of a month's revenue are fatal, one customer at 50% or more is fatal unless it is being handled, a known
compliance gap is a legal exposure that comes right after the fatal boards. Each runs through the same path
as ``sme-advisor assess --answers FILE --format json``, in zh and en.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.knowledge.test_kb_profiles import assert_verdict, run_json

FAIR_POSITIONING = {"pos_focus_self": "one_segment", "pos_win_where": "some_customers", "pos_niche_gap": "adapted",
                    "pos_resource_focus": "mostly_core"}
FAIR_OFFER = {"irr_self": "some_reasons", "irr_price_pressure": "few_ask", "irr_niche_depth": "somewhat_better",
              "irr_response_speed": "fast", "irr_cost_position": "same"}
FAIR_TEAM = {"team_self": "solid", "team_key_person": "partly_shared", "team_goal": "differ", "team_mix": "thin_spot",
             "team_decisions": "discussed"}
FAIR_ADAPTING = {"adapt_stance": "follow", "adapt_test_before_launch": "sometimes", "adapt_changes_made": "few",
                 "adapt_self": "days"}
LOYAL_CUSTOMERS = {"ret_repeat_share": 65, "ret_complaint_hours": 1, "ret_referral_share": 35, "ret_focus": "system",
                   "ret_self": "strong"}

PROFILES: list[dict[str, Any]] = [
    {
        "id": "restaurant_with_two_months_of_cash",
        "story": "A family restaurant with 25 staff: loyal regulars, paid in cash on the day, fresh stock "
                 "turns in 5 days, but a new second branch ate the reserve: ¥400k against ¥200k of rent and "
                 "wages a month. The owner believes they would last 3–6 months.",
        "answers": {
            **FAIR_POSITIONING, **FAIR_OFFER, **FAIR_TEAM, **FAIR_ADAPTING, **LOYAL_CUSTOMERS,
            "cash_available": 400_000, "cash_fixed_costs": 200_000, "cash_receivables": 0, "cash_inventory": 5,
            "cash_runway_self": "three_to_6",
            "cost_headcount": 25, "cost_managers": 4, "cost_big_spend": "mixed", "cost_decision_speed": "one_day",
            "cost_self": "mostly",
            "adapt_online_share": 25,
            "risk_top_customer_share": 2, "risk_backup_supplier_count": 1, "risk_compliance": "never_checked",
            "risk_self": "absorb",
        },
        "expect": {"band": "critical", "fatal": ["cash_flow"], "strengths": ["retention"],
                   "first_action": "cash_keep_cushion", "contradictions": ["cash_flow"]},
    },
    {
        "id": "software_studio_one_client_at_half_with_signed_pipeline",
        "story": "A 12-person B2B software studio in a niche it leads; its largest client is exactly 50% of revenue, "
                 "and two new clients have already signed. It sells by contract (no online channel) and has no "
                 "core supplier. 8 months of cash.",
        "answers": {
            "pos_focus_self": "niche_gap", "pos_win_where": "first_choice", "pos_niche_gap": "gap",
            "pos_resource_focus": "concentrated",
            "irr_self": "must_choose", "irr_price_pressure": "stay", "irr_niche_depth": "clearly_best",
            "irr_response_speed": "very_fast", "irr_cost_position": "partly_lower",
            "cash_available": 1_600_000, "cash_fixed_costs": 200_000, "cash_receivables": 20, "cash_inventory": 0,
            "cash_runway_self": "six_to_12",
            **FAIR_TEAM, **FAIR_ADAPTING,
            "ret_repeat_share": 50, "ret_complaint_hours": 12, "ret_referral_share": 20, "ret_focus": "some_care",
            "ret_self": "solid",
            "cost_headcount": 12, "cost_managers": 2, "cost_big_spend": "mixed", "cost_decision_speed": "one_day",
            "cost_self": "mostly",
            "adapt_online_share": "not_applicable",
            "risk_top_customer_share": 50, "risk_new_customer_pipeline": "signed",
            "risk_backup_supplier_count": "not_applicable", "risk_compliance": "verified", "risk_self": "absorb",
        },
        "expect": {"band": "fair", "fatal": [], "strengths": ["positioning", "irreplaceability"],
                   "first_action": "risk_expand_new_customers"},
    },
    {
        "id": "factory_with_slow_stock_and_overdue_receivables",
        "story": "A 60-person components factory: distributors owe overdue invoices worth 70% of a month's revenue "
                 "and finished stock takes 120 days to sell, so ¥1.5M of cash covers 5 months of ¥300k fixed costs. "
                 "The owner thinks cash is fine for 6–12 months.",
        "answers": {
            **FAIR_POSITIONING, **FAIR_OFFER, **FAIR_TEAM, **FAIR_ADAPTING,
            "cash_available": 1_500_000, "cash_fixed_costs": 300_000, "cash_receivables": 70, "cash_inventory": 120,
            "cash_runway_self": "six_to_12",
            "ret_repeat_share": 70, "ret_complaint_hours": 24, "ret_referral_share": 10, "ret_focus": "some_care",
            "ret_self": "solid",
            "cost_headcount": 60, "cost_managers": 6, "cost_big_spend": "mixed", "cost_decision_speed": "few_days",
            "cost_self": "mostly",
            "adapt_online_share": "not_applicable",
            "risk_top_customer_share": 35, "risk_backup_supplier_count": 1, "risk_compliance": "mostly",
            "risk_self": "absorb",
        },
        "expect": {"band": "critical", "fatal": ["cash_flow"], "strengths": [],
                   "first_action": "cash_tighten_receivables", "actions_include": ["cash_cut_inventory_days"],
                   "contradictions": ["cash_flow"]},
    },
    {
        "id": "healthy_retailer_half_answered",
        "story": "A specialist tea retailer with a loyal following and 14 months of cash; the owner stopped after "
                 "four dimensions (team, costs, adaptability and risk left unanswered). First action revised from "
                 "pos_concentrate_resources on 2026-12-02, when actions the answers show in place stopped being "
                 "recommended: its resources are already concentrated, so the next strength, retention, is lengthened.",
        "answers": {
            "pos_focus_self": "niche_gap", "pos_win_where": "first_choice", "pos_niche_gap": "gap",
            "pos_resource_focus": "concentrated",
            **FAIR_OFFER,
            "cash_available": 1_400_000, "cash_fixed_costs": 100_000, "cash_receivables": 0, "cash_inventory": 45,
            "cash_runway_self": "over_12",
            "ret_repeat_share": 70, "ret_complaint_hours": 2, "ret_referral_share": 35, "ret_focus": "system",
            "ret_self": "strong",
        },
        "expect": {"band": "strong", "fatal": [], "strengths": ["positioning", "retention", "cash_flow"],
                   "first_action": "ret_referral_incentive",
                   "unanswered": ["team", "cost_efficiency", "adaptability", "risk_control"]},
    },
    {
        "id": "family_trading_firm_without_social_insurance",
        "story": "A family trading firm, 15 people, strong on almost everything: 18 months of cash, loyal buyers, "
                 "a close family team, three suppliers for each line; but some staff have no social insurance, "
                 "the labour-arbitration case of the article waiting to happen.",
        "answers": {
            "pos_focus_self": "niche_gap", "pos_win_where": "some_customers", "pos_niche_gap": "gap",
            "pos_resource_focus": "mostly_core",
            "irr_self": "must_choose", "irr_price_pressure": "stay", "irr_niche_depth": "somewhat_better",
            "irr_response_speed": "fast", "irr_cost_position": "partly_lower",
            "cash_available": 1_800_000, "cash_fixed_costs": 100_000, "cash_receivables": 5, "cash_inventory": 30,
            "cash_runway_self": "over_12",
            "team_self": "strong", "team_key_person": "secured", "team_goal": "same_goal",
            "team_mix": "complementary", "team_decisions": "discussed",
            "ret_repeat_share": 80, "ret_complaint_hours": 4, "ret_referral_share": 40, "ret_focus": "system",
            "ret_self": "strong",
            "cost_headcount": 15, "cost_managers": 2, "cost_big_spend": "core", "cost_decision_speed": "one_day",
            "cost_self": "mostly",
            **FAIR_ADAPTING, "adapt_online_share": 30,
            "risk_top_customer_share": 15, "risk_backup_supplier_count": 3, "risk_compliance": "known_gaps",
            "risk_self": "absorb",
        },
        "expect": {"band": "strong", "fatal": [], "strengths": ["retention", "team", "cash_flow"],
                   "first_action": "risk_fix_compliance"},
    },
]


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p["id"])
def test_unseen_profile_verdict(profile: dict[str, Any], locale: str, tmp_path: Path) -> None:
    report = run_json(profile["answers"], locale, tmp_path)
    assert_verdict(report, profile)
    expect = profile["expect"]
    if "unanswered" in expect:
        assert report["coverage"]["partial"]
        assert report["coverage"]["unanswered_dimensions"] == expect["unanswered"]


def test_the_unseen_profiles_are_not_in_the_table() -> None:
    from tests.knowledge.test_kb_profiles import PROFILES as SEEN

    assert not {p["id"] for p in PROFILES} & {p["id"] for p in SEEN}
