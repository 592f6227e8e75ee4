"""The knowledge base covers the article: its dimensions, figures and sections, in both languages.

The article (shared/source/article-zh.md) lives outside the repository, so its headings, labels and
figures are written down here.
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Iterator
from typing import Any

import pytest

from bot.views.i18n import catalog
from knowledge.loader import get_knowledge
from knowledge.model import DIMENSION_IDS, Figure, Text

KB = get_knowledge()

# The article's eight section headings (the part before the colon), its opening and its conclusion.
HEADINGS: dict[str, str] = {
    "positioning": "一、精准的市场定位",
    "irreplaceability": "二、产品 / 服务的 “不可替代性”",
    "cash_flow": "三、现金流管理",
    "team": "四、核心团队的凝聚力与执行力",
    "retention": "五、客户留存与口碑",
    "cost_efficiency": "六、成本控制与效率优化",
    "adaptability": "七、适应性与创新能力",
    "risk_control": "八、风险防控意识",
}
SUMMARY_HEADINGS = ("引言", "总结")
# The bullet labels each section of the article uses ("一、… · 失败陷阱").
SECTION_LABELS: dict[str, set[str]] = {
    "positioning": {"失败陷阱", "成功关键"},
    "irreplaceability": {"核心体现", "失败预警"},
    "cash_flow": {"关键动作"},
    "team": {"失败陷阱", "成功关键"},
    "retention": {"失败逻辑", "关键动作"},
    "cost_efficiency": {"常见无效成本", "优化方向"},
    "adaptability": {"失败案例", "创新重点"},
    "risk_control": {"关键风险点"},
}
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def heading_of(section: str) -> str | None:
    return next((h for h in (*HEADINGS.values(), *SUMMARY_HEADINGS) if section.startswith(h)), None)


def dimension_of_section(section: str) -> str | None:
    return next((d for d, h in HEADINGS.items() if section.startswith(h)), None)


def check_section(section: str, dimension: str | None = None) -> None:
    """`section` is one of the article's headings, optionally followed by ` · <a label of that section>`."""
    assert section.strip(), "empty section"
    assert heading_of(section) is not None, f"{section!r} names none of the article's headings"
    if dimension is not None:
        assert section.startswith(HEADINGS[dimension]), f"{section!r} is not from {HEADINGS[dimension]}"
    owner = dimension_of_section(section)
    if " · " in section and owner is not None:
        label = section.split(" · ", 1)[1]
        assert label in SECTION_LABELS[owner], f"{section!r}: the article has no {label!r} in that section"


# --------------------------------------------------------------------------- dimensions and questions


def test_the_eight_dimensions_in_the_articles_order() -> None:
    assert tuple(d.id for d in KB.dimensions) == DIMENSION_IDS
    assert [d.order for d in KB.dimensions] == list(range(1, 9))
    for d in KB.dimensions:
        assert d.section == HEADINGS[d.id]


@pytest.mark.parametrize("dimension", KB.dimensions, ids=lambda d: d.id)
def test_dimension_questions(dimension: Any) -> None:
    questions = dimension.questions
    assert 4 <= len(questions) <= 6, "DESIGN: 4–6 questions per dimension in the full assessment"
    assert 1 <= sum(q.quick for q in questions) <= 2
    assert any(q.self_rating for q in questions), "needs a self-rating question to compare with the numbers"
    assert all(q.dimension == dimension.id for q in questions)
    for q in questions:
        if q.kind == "choice":
            points = [o.points for o in q.options]
            assert 3 <= len(points) <= 5, f"{q.id}: SCHEMA asks for 3–5 options"
            assert points in (sorted(points), sorted(points, reverse=True)), f"{q.id}: best option first or last"
            assert max(points) == 100, f"{q.id}: the best option is worth 100"
            assert min(points) == 0, f"{q.id}: the worst option is worth 0"
        if q.kind == "number":
            assert q.example is not None
            assert q.example.zh
            assert q.example.en


@pytest.mark.parametrize("dimension", KB.dimensions, ids=lambda d: d.id)
def test_dimension_has_traps_actions_and_a_grow_action(dimension: Any) -> None:
    assert any(t.dimension == dimension.id for t in KB.traps.values())
    assert any(a.dimension == dimension.id for a in KB.actions.values())
    assert KB.actions[dimension.grow_action].dimension == dimension.id
    assert dimension.rules


def test_design_metrics_are_declared_and_asked() -> None:
    declared = {
        "cash_on_hand", "monthly_fixed_costs", "runway_months", "receivables_share", "inventory_days",
        "top_customer_share", "backup_suppliers", "repeat_customer_share", "referral_share",
        "complaint_response_hours", "headcount", "managers",
    }  # fmt: skip
    assert declared <= set(KB.metrics)
    asked = {q.metric for q in KB.questions.values() if q.metric}
    assert declared - {"runway_months"} <= asked
    assert KB.metrics["runway_months"].derived == ("cash_on_hand", "monthly_fixed_costs", 1.0)
    overdue = KB.metrics["receivables_share"]  # overdue receivables against one month's revenue: can pass 100%
    assert (overdue.unit, overdue.minimum, overdue.maximum) == ("percent", 0, 1000)
    for share in ("top_customer_share", "repeat_customer_share", "referral_share"):
        metric = KB.metrics[share]
        assert (metric.unit, metric.minimum, metric.maximum) == ("percent", 0, 100)
    assert KB.metrics["headcount"].integer
    assert KB.metrics["managers"].integer
    assert KB.metrics["backup_suppliers"].integer


# --------------------------------------------------------------------------- the article's figures

# (description, heading the figure comes from, value, acceptable units)
ARTICLE_FIGURES = [
    ("80% of failures are cash-flow breaks", "三、", 80, {"percent"}),
    ("receivables at 60% of revenue (trading firm)", "三、", 60, {"percent"}),
    ("a cushion of 6–12 months", "三、", (6, 12), {"months"}),
    ("one customer above 50% of revenue", "八、", 50, {"percent"}),
    ("1–2 backup suppliers", "八、", (1, 2), {"count", "suppliers"}),
    ("production line stopped for 1 month", "八、", 1, {"months", "month"}),
    ("70% of customers lost (wholesaler)", "七、", 70, {"percent"}),
    ("a solution to complaints within 2 hours", "五、", 2, {"hours"}),
    ("24-hour after-sales response", "二、", 24, {"hours"}),
    ("a 5-person team", "六、", 5, {"people", "count"}),
    ("with 3 managers", "六、", 3, {"people", "count", "managers"}),
    ("a 3-year goal", "四、", 3, {"years", "year"}),
    ("2–3 long boards", "总结", (2, 3), {"dimensions", "count"}),
    ("eight dimensions", "", 8, {"dimensions", "count"}),
]


def _matches(figure: Figure, value: float | tuple[float, float]) -> bool:
    if isinstance(value, tuple):
        return isinstance(figure.value, tuple) and tuple(figure.value) == tuple(float(v) for v in value)
    return not isinstance(figure.value, tuple) and figure.value == float(value)


@pytest.mark.parametrize(("what", "heading", "value", "units"), ARTICLE_FIGURES, ids=[f[0] for f in ARTICLE_FIGURES])
def test_article_figure_is_present(what: str, heading: str, value: Any, units: set[str]) -> None:
    found = [f for f in KB.figures.values() if _matches(f, value) and f.section.startswith(heading)]
    assert found, f"no figure with value {value} from {heading or 'the article'} ({what})"
    assert any(f.unit in units for f in found), f"{what}: units {[f.unit for f in found]}, expected one of {units}"


def test_figures_cited_by_cases_exist() -> None:
    cited = {f for case in KB.cases.values() for f in case.figures}
    assert cited <= set(KB.figures)
    assert "fig_cash_receivables_60" in KB.cases["case_cash_trading_firm_receivables"].figures


# --------------------------------------------------------------------------- sections


@pytest.mark.parametrize("trap", KB.traps.values(), ids=lambda t: t.id)
def test_trap_cites_its_section(trap: Any) -> None:
    check_section(trap.section, trap.dimension)
    assert trap.label.strip()
    if trap.case:
        check_section(KB.cases[trap.case].section, trap.dimension)


@pytest.mark.parametrize("action", KB.actions.values(), ids=lambda a: a.id)
def test_action_cites_its_section(action: Any) -> None:
    check_section(action.section, action.dimension)
    assert action.label.strip()
    if action.case:
        check_section(KB.cases[action.case].section, action.dimension)


@pytest.mark.parametrize("case", KB.cases.values(), ids=lambda c: c.id)
def test_case_cites_its_section(case: Any) -> None:
    check_section(case.section)


@pytest.mark.parametrize("figure", KB.figures.values(), ids=lambda f: f.id)
def test_figure_cites_its_section(figure: Any) -> None:
    check_section(figure.section)


def test_every_case_is_told_somewhere() -> None:
    used = {t.case for t in KB.traps.values()} | {a.case for a in KB.actions.values()}
    assert set(KB.cases) <= used, f"cases no trap or action refers to: {sorted(set(KB.cases) - used)}"


def test_summary_combos_are_the_articles_pairs() -> None:
    pairs = {frozenset(c.dimensions) for c in KB.summary.combos}
    assert frozenset({"positioning", "retention"}) in pairs
    assert frozenset({"irreplaceability", "cost_efficiency"}) in pairs
    assert len(KB.summary.focus_points) == 3


# --------------------------------------------------------------------------- both languages


def _texts(node: Any, path: str) -> Iterator[tuple[str, Text]]:
    if isinstance(node, Text):
        yield path, node
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            yield from _texts(getattr(node, field.name), f"{path}.{field.name}")
    elif isinstance(node, tuple | list):
        for index, item in enumerate(node):
            yield from _texts(item, f"{path}[{index}]")
    elif hasattr(node, "items"):
        for key, item in node.items():
            yield from _texts(item, f"{path}[{key}]")


ALL_TEXTS = list(_texts(KB, "kb"))


def test_texts_were_found() -> None:
    assert len(ALL_TEXTS) > 300


def test_every_text_in_both_languages_and_each_in_its_own_script() -> None:
    problems = []
    for path, text in ALL_TEXTS:
        if not text.zh.strip() or not text.en.strip():
            problems.append(f"{path}: empty")
        elif not CJK.search(text.zh):
            problems.append(f"{path}: zh has no Chinese: {text.zh!r}")
        elif CJK.search(text.en):
            problems.append(f"{path}: en contains Chinese: {text.en!r}")
    assert not problems, "\n".join(problems)


def test_findings_use_the_same_placeholders_in_both_languages() -> None:
    for d in KB.dimensions:
        for rule in d.rules:
            if rule.finding is None:
                continue
            zh, en = _placeholders(rule.finding.zh), _placeholders(rule.finding.en)
            assert zh == en, rule.id
            assert zh <= set(KB.metrics), f"{rule.id}: unknown metric placeholders {zh - set(KB.metrics)}"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_locale_catalogs_have_the_same_keys_and_placeholders() -> None:
    zh, en = catalog("zh"), catalog("en")
    assert set(zh) == set(en), f"only zh: {sorted(set(zh) - set(en))}; only en: {sorted(set(en) - set(zh))}"
    for key in zh:
        assert _placeholders(zh[key]) == _placeholders(en[key]), key
        assert zh[key].strip(), key
        assert en[key].strip(), key

