"""25 company profiles with the verdict a consultant would give (tests/fixtures/profiles.yaml), in zh and en.

The verdicts were written down before the engine of issue 7 existed; each profile runs through the
same path as ``sme-advisor assess --answers FILE --format json``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.offline import assess_file

PROFILES_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "profiles.yaml"
DATA = yaml.safe_load(PROFILES_FILE.read_text(encoding="utf-8"))
PROFILES = DATA["profiles"]


def run_json(answers: dict[str, Any], locale: str, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert assess_file(path, "json", locale, out=out, err=err) == 0, err.getvalue()
    return json.loads(out.getvalue())


def test_there_are_at_least_20_profiles() -> None:
    assert len(PROFILES) >= 20
    assert len({p["id"] for p in PROFILES}) == len(PROFILES)


def assert_verdict(report: dict[str, Any], profile: dict[str, Any]) -> None:
    """The band, the fatal dimensions, the strengths and the first action written down for the profile."""
    expect = profile["expect"]
    actions = [a["id"] for a in report["focus_actions"]]
    assert report["band"] == expect["band"], profile["story"]
    assert report["fatal"] == expect["fatal"], profile["story"]
    assert sorted(report["strengths"]) == sorted(expect["strengths"]), profile["story"]
    assert (actions[0] if actions else None) == expect["first_action"], profile["story"]
    for action in expect.get("actions_include", []):
        assert action in actions, profile["story"]
    if "contradictions" in expect:
        assert sorted({c["dimension"] for c in report["contradictions"]}) == sorted(expect["contradictions"])


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p["id"])
def test_profile_verdict(profile: dict[str, Any], locale: str, tmp_path: Path) -> None:
    answers = {**DATA["bases"][profile["base"]], **profile["answers"]}
    report = run_json(answers, locale, tmp_path)
    assert_verdict(report, profile)
    for action in report["focus_actions"]:
        assert {"id", "title", "dimension", "why"} <= set(action)
        assert action["why"]
        assert action["title"]


def test_a_zero_elsewhere_does_not_rank_a_firm_below_a_cash_emergency(tmp_path: Path) -> None:
    """The offline wholesaler with 10 months of cash scores above the firm with half a month of cash."""
    by_id = {p["id"]: p for p in PROFILES}

    def overall(pid: str) -> int:
        p = by_id[pid]
        return run_json({**DATA["bases"][p["base"]], **p["answers"]}, "en", tmp_path)["overall"]

    emergency = overall("cash_emergency_gets_cash_advice_first")
    assert overall("offline_wholesaler_with_ten_months_of_cash") > emergency
    assert overall("excellent_but_no_positioning") > emergency
