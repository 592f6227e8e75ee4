"""The loader refuses a broken knowledge base and names every broken entry; `kb check` reports it.

Each test copies the packaged ``knowledge/data`` into a temporary directory, breaks one thing in the
YAML and checks that ``load_knowledge`` raises ``KnowledgeError`` with a problem line that names the
broken entry (other problems caused by the same edit may be listed too).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import bot.offline
from bot.cli import main
from knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge

Edit = Callable[[dict[str, Any]], None]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the loader parses with libyaml too
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the packaged knowledge data, free to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(autouse=True)
def _zh_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SME_ADVISOR_LOCALE", "zh")


def edit_yaml(data_dir: Path, relative: str, change: Edit) -> None:
    path = data_dir / relative
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)
    change(raw)
    path.write_text(yaml.dump(raw, Dumper=_DUMPER, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems_of(data_dir: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data_dir)
    problems = caught.value.problems
    assert problems, "KnowledgeError without problems"
    assert str(caught.value) == "\n".join(problems)
    return problems


def assert_named(problems: list[str], *fragments: str) -> None:
    """Some single problem line contains every fragment (the entry's id and what is wrong)."""
    assert any(all(f in line for f in fragments) for line in problems), (
        f"no problem line names {fragments}; got:\n" + "\n".join(problems)
    )


def entry(raw: dict[str, Any], kind: str, entry_id: str) -> dict[str, Any]:
    return next(item for item in raw[kind] if item["id"] == entry_id)


def all_dimension_files(data_dir: Path) -> list[str]:
    return sorted(f"dimensions/{p.name}" for p in (data_dir / "dimensions").glob("*.yaml"))


# --------------------------------------------------------------------------- the packaged base


def test_packaged_knowledge_base_loads() -> None:
    kb = load_knowledge()
    assert [d.id for d in kb.dimensions] == [
        "positioning", "irreplaceability", "cash_flow", "team",
        "retention", "cost_efficiency", "adaptability", "risk_control",
    ]  # fmt: skip
    assert kb.traps
    assert kb.actions
    assert kb.cases
    assert kb.figures


def test_unchanged_copy_loads(data_dir: Path) -> None:
    kb = load_knowledge(data_dir)
    assert len(kb.questions) == len(load_knowledge().questions)


# --------------------------------------------------------------------------- one broken thing each


def test_unknown_trap_in_rule(data_dir: Path) -> None:
    edit_yaml(data_dir, "dimensions/cash_flow.yaml",
              lambda raw: entry(raw, "rules", "cash_rule_runway_under_3")["traps"].append("cash_no_such_trap"))
    assert_named(problems_of(data_dir), "cash_rule_runway_under_3", "cash_no_such_trap")


def test_unknown_action_in_rule(data_dir: Path) -> None:
    edit_yaml(data_dir, "dimensions/cash_flow.yaml",
              lambda raw: entry(raw, "rules", "cash_rule_runway_under_3")["actions"].append("cash_no_such_action"))
    assert_named(problems_of(data_dir), "cash_rule_runway_under_3", "cash_no_such_action")


def test_unknown_metric_in_condition(data_dir: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        entry(raw, "rules", "cash_rule_runway_under_3")["when"] = {"metric": "cash_burn_rate", "lt": 3}

    edit_yaml(data_dir, "dimensions/cash_flow.yaml", change)
    assert_named(problems_of(data_dir), "cash_rule_runway_under_3", "cash_burn_rate")


def test_a_metric_counted_per_an_unknown_period(data_dir: Path) -> None:
    edit_yaml(data_dir, "metrics.yaml",
              lambda raw: entry(raw, "metrics", "monthly_fixed_costs").update(per="fortnight"))
    assert_named(problems_of(data_dir), "monthly_fixed_costs", "'per'", "fortnight")


def test_unknown_question_in_condition(data_dir: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        rule = entry(raw, "rules", "cash_rule_growth_on_credit")
        rule["when"] = {"answer": "cash_no_such_question", "in": ["under_3"]}

    edit_yaml(data_dir, "dimensions/cash_flow.yaml", change)
    assert_named(problems_of(data_dir), "cash_rule_growth_on_credit", "cash_no_such_question")


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_text_missing_a_language(data_dir: Path, locale: str) -> None:
    edit_yaml(data_dir, "dimensions/cash_flow.yaml",
              lambda raw: entry(raw, "traps", "cash_no_cushion")["title"].pop(locale))
    assert_named(problems_of(data_dir), "cash_no_cushion", "title", locale)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_option_label_with_empty_language(data_dir: Path, locale: str) -> None:
    def change(raw: dict[str, Any]) -> None:
        question = entry(raw, "questions", "cash_runway_self")
        question["options"][0]["label"][locale] = "   "

    edit_yaml(data_dir, "dimensions/cash_flow.yaml", change)
    assert_named(problems_of(data_dir), "cash_runway_self", "under_3", locale)


def test_trap_that_no_rule_triggers(data_dir: Path) -> None:
    for relative in all_dimension_files(data_dir):
        def change(raw: dict[str, Any]) -> None:
            for rule in raw.get("rules") or []:
                if "cash_inventory_pileup" in (rule.get("traps") or []):
                    rule["traps"].remove("cash_inventory_pileup")

        edit_yaml(data_dir, relative, change)
    assert_named(problems_of(data_dir), "trap 'cash_inventory_pileup'", "no rule")


def test_action_that_no_rule_recommends(data_dir: Path) -> None:
    for relative in all_dimension_files(data_dir):
        def change(raw: dict[str, Any]) -> None:
            for rule in raw.get("rules") or []:
                if "cash_cut_inventory_days" in (rule.get("actions") or []):
                    rule["actions"].remove("cash_cut_inventory_days")

        edit_yaml(data_dir, relative, change)
    assert_named(problems_of(data_dir), "action 'cash_cut_inventory_days'", "no rule")


def test_grow_action_of_another_dimension(data_dir: Path) -> None:
    edit_yaml(data_dir, "dimensions/cash_flow.yaml",
              lambda raw: raw["dimension"].update(grow_action="pos_concentrate_resources"))
    assert_named(problems_of(data_dir), "cash_flow", "pos_concentrate_resources", "grow_action")


def test_grow_action_unknown(data_dir: Path) -> None:
    edit_yaml(data_dir, "dimensions/cash_flow.yaml", lambda raw: raw["dimension"].update(grow_action="cash_nothing"))
    assert_named(problems_of(data_dir), "cash_flow", "cash_nothing", "grow_action")


@pytest.mark.parametrize(("done_when", "fragment"), [
    ({"answer": "adapt_self", "in": ["ready"]}, "self-rating"),
    ({"answer": "cash_runway_self", "in": ["over_12"]}, "another dimension"),
    ({"answer": "adapt_nothing", "in": ["always"]}, "adapt_nothing"),
    ({"metric": "no_such_metric", "ge": 1}, "no_such_metric"),
])
def test_done_when_must_rest_on_facts_of_its_own_dimension(data_dir: Path, done_when: dict, fragment: str) -> None:
    edit_yaml(data_dir, "dimensions/adaptability.yaml",
              lambda raw: entry(raw, "actions", "adapt_fast_trial").update(done_when=done_when))
    assert_named(problems_of(data_dir), "adapt_fast_trial", "done_when", fragment)


def test_dimension_with_three_questions(data_dir: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        # pos_target_customer (text) and pos_resource_focus: keep the two quick ones and one more.
        raw["questions"] = [q for q in raw["questions"] if q["id"] not in ("pos_target_customer", "pos_resource_focus")]
        raw["rules"] = [r for r in raw["rules"] if "pos_resource_focus" not in str(r["when"])]
        assert len(raw["questions"]) == 3

    edit_yaml(data_dir, "dimensions/positioning.yaml", change)
    assert_named(problems_of(data_dir), "dimension 'positioning'", "4 questions", "has 3")


@pytest.mark.parametrize("quick_count", [0, 3])
def test_dimension_with_wrong_number_of_quick_questions(data_dir: Path, quick_count: int) -> None:
    def change(raw: dict[str, Any]) -> None:
        choices = [q for q in raw["questions"] if q["kind"] != "text"]
        for index, question in enumerate(choices):
            question["quick"] = index < quick_count

    edit_yaml(data_dir, "dimensions/team.yaml", change)
    assert_named(problems_of(data_dir), "dimension 'team'", "quick", f"has {quick_count}")


def test_duplicated_trap_id(data_dir: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        copy = dict(entry(raw, "traps", "cash_no_cushion"))
        raw["traps"].append(copy)

    edit_yaml(data_dir, "dimensions/cash_flow.yaml", change)
    assert_named(problems_of(data_dir), "cash_no_cushion", "twice")


def test_duplicated_id_across_kinds(data_dir: Path) -> None:
    # A rule named like a question of another dimension: ids are unique across the whole base.
    edit_yaml(data_dir, "dimensions/cash_flow.yaml",
              lambda raw: entry(raw, "rules", "cash_rule_growth_on_credit").update(id="team_self"))
    assert_named(problems_of(data_dir), "team_self", "2 times")


def test_duplicated_option_id(data_dir: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        options = entry(raw, "questions", "cash_runway_self")["options"]
        options[1]["id"] = options[0]["id"]

    edit_yaml(data_dir, "dimensions/cash_flow.yaml", change)
    assert_named(problems_of(data_dir), "cash_runway_self", "under_3")


def test_decreasing_scale(data_dir: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        raw["scales"][0]["points"] = [[0, 0], [3, 25], [6, 20], [12, 100]]

    edit_yaml(data_dir, "dimensions/cash_flow.yaml", change)
    assert_named(problems_of(data_dir), "cash_flow", "runway_months", "never decrease")


def test_scale_with_x_not_increasing(data_dir: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        raw["scales"][0]["points"] = [[0, 0], [6, 25], [3, 60], [12, 100]]

    edit_yaml(data_dir, "dimensions/cash_flow.yaml", change)
    assert_named(problems_of(data_dir), "cash_flow", "runway_months", "increase")


@pytest.mark.parametrize(
    "when",
    [
        {"metric": "runway_months"},  # no operator
        {"metric": "runway_months", "below": 3},  # unknown operator
        {"metric": "runway_months", "lt": "three"},  # not a number
        {"metric": "runway_months", "lt": 3, "gt": 1},  # two operators
        {"answer": "cash_runway_self"},  # no `in`
        {"answer": "cash_runway_self", "in": []},  # empty `in`
        {"all": []},  # empty list
        {"any": {"metric": "runway_months", "lt": 3}},  # not a list
        {"when_ever": 1},  # unknown form
        "runway_months < 3",  # not a mapping
    ],
    ids=lambda w: str(w),
)
def test_malformed_condition(data_dir: Path, when: Any) -> None:
    edit_yaml(data_dir, "dimensions/cash_flow.yaml",
              lambda raw: entry(raw, "rules", "cash_rule_runway_under_3").update(when=when))
    assert_named(problems_of(data_dir), "cash_rule_runway_under_3", "when")


def test_malformed_only_if(data_dir: Path) -> None:
    edit_yaml(data_dir, "dimensions/risk_control.yaml",
              lambda raw: entry(raw, "questions", "risk_new_customer_pipeline").update(only_if={"metric": 50}))
    assert_named(problems_of(data_dir), "risk_new_customer_pipeline", "only_if")


@pytest.mark.parametrize("points", [120, -1, "lots", True])
def test_option_points_out_of_range(data_dir: Path, points: Any) -> None:
    edit_yaml(data_dir, "dimensions/cash_flow.yaml",
              lambda raw: entry(raw, "questions", "cash_runway_self")["options"][3].update(points=points))
    assert_named(problems_of(data_dir), "cash_runway_self", "over_12", "points")


def test_number_question_without_metric(data_dir: Path) -> None:
    edit_yaml(data_dir, "dimensions/cash_flow.yaml",
              lambda raw: entry(raw, "questions", "cash_inventory").pop("metric"))
    assert_named(problems_of(data_dir), "cash_inventory", "metric")


def test_number_question_on_a_derived_metric(data_dir: Path) -> None:
    edit_yaml(data_dir, "dimensions/cash_flow.yaml",
              lambda raw: entry(raw, "questions", "cash_inventory").update(metric="runway_months"))
    assert_named(problems_of(data_dir), "cash_inventory", "runway_months", "derived")


def test_unknown_question_kind(data_dir: Path) -> None:
    edit_yaml(data_dir, "dimensions/positioning.yaml",
              lambda raw: entry(raw, "questions", "pos_target_customer").update(kind="essay"))
    assert_named(problems_of(data_dir), "pos_target_customer", "kind")


def test_choice_question_with_one_option(data_dir: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        question = entry(raw, "questions", "cash_runway_self")
        question["options"] = question["options"][:1]

    edit_yaml(data_dir, "dimensions/cash_flow.yaml", change)
    assert_named(problems_of(data_dir), "cash_runway_self", "options")


def test_condition_that_can_never_hold(data_dir: Path) -> None:
    edit_yaml(data_dir, "dimensions/risk_control.yaml",
              lambda raw: entry(raw, "rules", "risk_top_customer_over_50").update(
                  when={"metric": "top_customer_share", "gt": 150}))
    assert_named(problems_of(data_dir), "risk_top_customer_over_50", "top_customer_share", "never hold")


def test_rule_on_a_metric_no_question_asks(data_dir: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        raw["questions"] = [q for q in raw["questions"] if q["id"] != "cash_inventory"]

    edit_yaml(data_dir, "dimensions/cash_flow.yaml", change)
    assert_named(problems_of(data_dir), "inventory_days", "no question")


@pytest.mark.parametrize("relative", ["dimensions/cash_flow.yaml", "metrics.yaml", "summary.yaml"])
def test_invalid_yaml_syntax(data_dir: Path, relative: str) -> None:
    (data_dir / relative).write_text("dimension: [unclosed\n  id: {oops\n", encoding="utf-8")
    assert_named(problems_of(data_dir), Path(relative).name, "YAML")


def test_missing_dimension_file(data_dir: Path) -> None:
    (data_dir / "dimensions" / "team.yaml").unlink()
    assert_named(problems_of(data_dir), "team.yaml", "missing")


def _set(kind: str, entry_id: str, **values: Any) -> Edit:
    return lambda raw: entry(raw, kind, entry_id).update(**values)


# A wrong type in a value is a problem naming its entry, never a ValueError out of the loader.
MALFORMED_VALUES: list[tuple[str, str, Edit, tuple[str, ...]]] = [
    ("scale pair with one number", "dimensions/cash_flow.yaml",
     lambda raw: raw["scales"][0].update(points=[[0], [3, 25], [6, 60]]), ("runway_months",)),
    ("scale point not a number", "dimensions/cash_flow.yaml",
     lambda raw: raw["scales"][0].update(points=[[0, "low"], [3, 25]]), ("runway_months",)),
    ("order not a number", "dimensions/cash_flow.yaml",
     lambda raw: raw["dimension"].update(order="three"), ("cash_flow", "order")),
    ("order outside 1 to 8", "dimensions/cash_flow.yaml",
     lambda raw: raw["dimension"].update(order=9), ("cash_flow", "order")),
    ("figure range of words", "dimensions/cash_flow.yaml",
     _set("figures", "fig_cash_cushion_6_12", value=["six", "twelve"]), ("fig_cash_cushion_6_12", "value")),
    ("metric minimum not a number", "metrics.yaml",
     _set("metrics", "cash_on_hand", min="zero"), ("cash_on_hand", "min")),
    ("derived factor not a number", "metrics.yaml",
     _set("metrics", "runway_months", derived={"divide": ["cash_on_hand", "monthly_fixed_costs"], "times": "x"}),
     ("runway_months", "derived")),
    ("rule traps not a list", "dimensions/cash_flow.yaml",
     _set("rules", "cash_rule_runway_under_3", traps="cash_no_cushion"), ("cash_rule_runway_under_3", "'traps'")),
]


@pytest.mark.parametrize(("relative", "change", "fragments"), [m[1:] for m in MALFORMED_VALUES],
                         ids=[m[0] for m in MALFORMED_VALUES])
def test_malformed_value_is_a_problem_not_a_crash(data_dir: Path, relative: str, change: Edit,
                                                  fragments: tuple[str, ...]) -> None:
    edit_yaml(data_dir, relative, change)
    problems = problems_of(data_dir)
    assert_named(problems, *fragments)
    assert len(problems) <= 3, "one mistake should not flood the report:\n" + "\n".join(problems)


def test_every_problem_reported_at_once(data_dir: Path) -> None:
    edit_yaml(data_dir, "dimensions/cash_flow.yaml",
              lambda raw: entry(raw, "rules", "cash_rule_runway_under_3")["traps"].append("cash_no_such_trap"))
    edit_yaml(data_dir, "dimensions/risk_control.yaml",
              lambda raw: entry(raw, "questions", "risk_compliance")["options"][0].update(points=120))
    problems = problems_of(data_dir)
    assert_named(problems, "cash_rule_runway_under_3", "cash_no_such_trap")
    assert_named(problems, "risk_compliance", "points")


# --------------------------------------------------------------------------- sme-advisor kb check


def test_kb_check_cli_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "check", "--locale", "en"]) == 0
    out, err = capsys.readouterr()
    assert "Knowledge base valid: 8 dimensions" in out
    assert err == ""


def test_kb_check_cli_broken(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    edit_yaml(data_dir, "dimensions/cash_flow.yaml",
              lambda raw: entry(raw, "rules", "cash_rule_runway_under_3")["traps"].append("cash_no_such_trap"))
    edit_yaml(data_dir, "dimensions/cash_flow.yaml", lambda raw: raw["dimension"].update(grow_action="nope"))
    monkeypatch.setattr(bot.offline, "load_knowledge", lambda: load_knowledge(data_dir))
    assert main(["kb", "check", "--locale", "en"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("The knowledge base has ")
    assert any("cash_rule_runway_under_3" in line and "cash_no_such_trap" in line for line in lines[1:])
    assert any("grow_action 'nope'" in line for line in lines[1:])
    assert "Traceback" not in err


def test_kb_check_function_streams(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, through explicit streams (independent of how stdout/stderr are bound)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    assert bot.offline.kb_check("zh", out=out, err=err) == 0
    assert out.getvalue().startswith("知识库有效")
    assert err.getvalue() == ""

    edit_yaml(data_dir, "dimensions/cash_flow.yaml", lambda raw: raw["dimension"].update(grow_action="nope"))
    monkeypatch.setattr(bot.offline, "load_knowledge", lambda: load_knowledge(data_dir))
    out, err = io.StringIO(), io.StringIO()
    assert bot.offline.kb_check("zh", out=out, err=err) == 1
    assert out.getvalue() == ""
    assert err.getvalue().startswith("知识库有 ")
    assert "  - dimension 'cash_flow': grow_action 'nope'" in err.getvalue()
