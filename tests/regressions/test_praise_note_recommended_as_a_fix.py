"""Regression: a weak dimension's "fix" was an action recommended by a rule that praises.

Found with the unseen family trading firm (tests/knowledge/test_kb_profiles_unseen.py): risk control is weak
only because of a known compliance gap; once its fix was in the plan, triage took the next action of the
dimension's fired rules, which came from the praising note "well buffered" (largest customer under 30%, two
backup suppliers), and told a firm whose largest customer is 15% of revenue to win new customers, with the
reason "risk control is weak: fix it". A praising note fixes nothing; its actions are for strengths.
"""

from __future__ import annotations

from knowledge.loader import get_knowledge
from knowledge.scoring import assess
from tests.knowledge.test_kb_profiles_unseen import PROFILES

KB = get_knowledge()


def test_a_praising_note_gives_no_fix_action() -> None:
    firm = next(p for p in PROFILES if p["id"] == "family_trading_firm_without_social_insurance")
    report = assess(KB, firm["answers"])
    praised = {a for r in report.dimensions for f in r.fired if f.rule.praise for a in f.rule.actions}
    grown = {KB.dimension(d).grow_action for d in report.strengths}
    for action in report.focus:
        if action.reason in ("fatal", "weak", "fair"):
            assert action.id not in praised - grown, (action.id, action.reason)
    assert [a.id for a in report.focus][:1] == ["risk_fix_compliance"]
    assert "risk_expand_new_customers" not in [a.id for a in report.focus]
