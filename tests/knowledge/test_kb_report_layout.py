"""The report an owner reads to the end: verdict and plan first, the traps that matter once each, both sides of
every contradiction, a coverage sentence that says when the verdict is partial, and the details set apart.

Asserts on meaning (which trap, which case, which section comes first); the goldens pin the exact words.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from markupsafe import escape

from bot.storage.reports import report_record
from bot.telegram.replies import report_replies, split_message
from bot.views.glance import glance_caption
from bot.views.i18n import t
from bot.views.kept import dimension_details, overview
from bot.views.page import report_page
from bot.views.render import render
from bot.views.report import build_report_view, focus_heading
from bot.views.report_sections import contradiction_line, coverage_line
from knowledge.coverage import Coverage, DimensionCoverage
from knowledge.loader import get_knowledge
from knowledge.scoring import assess
from tests.knowledge.test_kb_profiles import DATA, PROFILES
from tests.knowledge.test_kb_report_text import answer_sets

KB = get_knowledge()
BY_ID = {p["id"]: {**DATA["bases"][p["base"]], **p["answers"]} for p in PROFILES}
LOCALES = ("zh", "en")


def view(answers: dict[str, Any], locale: str) -> dict[str, Any]:
    return build_report_view(KB, assess(KB, answers), locale)


def positions(text: str, *needles: str) -> list[int]:
    found = [text.find(n) for n in needles]
    assert -1 not in found, [n for n, at in zip(needles, found, strict=True) if at == -1]
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_the_verdict_and_the_plan_come_before_the_traps_and_the_details(locale: str) -> None:
    answers = BY_ID["receivables_caused_the_short_runway"]
    r = view(answers, locale)
    text = render("report.txt.j2", locale, r=r)
    headings = [f"\n{t(locale, key)}\n" for key in ("report.dimensions", f"report.focus_{len(r['focus'])}",
                                                       "report.traps_that_matter", "report.contradictions")]
    order = positions(text, t(locale, "report.overall", score=assess(KB, answers).overall), headings[0],
                      "\n" + t(locale, "report.fatal") + t(locale, "sep"), *headings[1:],
                      f" {t(locale, 'report.details')} ", f"\n{t(locale, 'report.metrics')}\n",
                      "\n" + t(locale, "report.formula") + t(locale, "sep"))
    assert order == sorted(order)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("name", "answers"), answer_sets(), ids=lambda x: x if isinstance(x, str) else "")
def test_each_trap_once_with_at_most_one_case_and_each_case_once(name: str, answers: dict, locale: str) -> None:
    report = assess(KB, answers)
    traps = view(answers, locale)["traps"]
    titles = [trap["title"] for trap in traps]
    assert len(titles) == len(set(titles)), name
    stories = [trap["case_story"] for trap in traps if trap["case_story"]]
    assert len(stories) == len(set(stories)), name
    told = [trap["finding"] for trap in traps if trap["finding"]]
    assert len(told) == len(set(told)), name  # one rule firing two traps tells its finding once
    expected = {KB.traps[tid].title(locale) for r in report.dimensions for f in r.fired
                if f.effect in ("fatal", "weak") for tid in f.rule.traps}
    assert set(titles) == expected, name  # the traps that matter, fatal and weak only
    text = render("report.txt.j2", locale, r=view(answers, locale))
    for story in stories:
        assert text.count(story) == 1, name


def test_a_case_shared_by_two_traps_is_printed_once() -> None:
    answers = {**BY_ID["everything_excellent"], "irr_price_pressure": "most_leave", "irr_cost_position": "margin_cut"}
    traps = view(answers, "en")["traps"]
    fired = {trap["title"] for trap in traps}
    both = {KB.traps["irr_easily_replaced"].title("en"), KB.traps["irr_price_war"].title("en")}
    assert both <= fired
    story = KB.cases["case_irr_same_but_cheaper"].story("en")
    assert [trap["case_story"] for trap in traps].count(story) == 1
    text = render("report.txt.j2", "en", r=view(answers, "en"))
    finding = next(trap["finding"] for trap in traps if trap["finding"])
    assert text.count(finding) == 1
    # "If that sentence is the best description…": the story needs its title, which every channel shows
    title = KB.cases["case_irr_same_but_cheaper"].title("en")
    assert f"Case · {title}: {story}" in text
    html = render("report.html.j2", "en", r=view(answers, "en"))
    assert html.count(escape(title)) == 1


def test_a_trap_two_rules_fire_is_shown_once_with_the_worst_rules_numbers() -> None:
    answers = {**DATA["bases"]["steady"], "risk_top_customer_share": 60, "risk_new_customer_pipeline": "nothing"}
    traps = view(answers, "en")["traps"]
    title = KB.traps["risk_customer_concentration"].title("en")
    shown = [trap for trap in traps if trap["title"] == title]
    assert len(shown) == 1
    assert "60%" in shown[0]["finding"]


@pytest.mark.parametrize(("profile", "en", "zh"), [
    ("loyal_by_self_rating_five_percent_repeat", ["“Regulars bring most of the revenue", "5% of revenue"],
     ["“老客户是主要收入来源", "占营收的 5%"]),
    ("claims_a_year_has_six_months", ["“Comfortable: over 12 months", "6 months of fixed costs"],
     ["“宽裕", "6 个月的固定开支"]),
    ("rich_but_gloomy_owner", ["“Very tight", "15 months", "better than you think"],
     ["“很紧", "15 个月", "比你想的好"]),
    ("hard_to_replace_but_customers_leave_on_price", ["“Hard: our core customers", "“Most leave, or insist"],
     ["“很难", "“大多数会流失"]),
])
def test_contradictions_quote_both_sides(profile: str, en: list[str], zh: list[str]) -> None:
    for locale, needles in (("en", en), ("zh", zh)):
        lines = view(BY_ID[profile], locale)["contradictions"]
        assert len(lines) == 1, (profile, lines)
        assert all(n in lines[0] for n in needles), (locale, lines[0])


@pytest.mark.parametrize(("value", "en", "zh"), [
    (0, "no backup supplier", "没有任何备选供应商"), (1, "1 backup supplier for", "只有 1 家"),
    (3, "3 backup suppliers", "有 3 家"),
])
def test_counted_evidence_reads_right(value: int, en: str, zh: str) -> None:
    evidence = [("metric", "backup_suppliers", value)]
    assert en in contradiction_line(KB, "risk_control", "risk_self", "covered", "rosier", evidence, "en")
    assert zh in contradiction_line(KB, "risk_control", "risk_self", "covered", "rosier", evidence, "zh")


def _coverage(answered: list[int], asked: int = 5) -> Coverage:
    return Coverage(tuple(DimensionCoverage(f"d{i}", a, asked) for i, a in enumerate(answered)))


@pytest.mark.parametrize(("answered", "en", "zh"), [
    ([5] * 8, "Based on all 40 questions.", "依据全部 40 道题的回答。"),
    ([4] + [5] * 7, "Based on 39 of 40 questions.", "依据 40 道题中 39 道的回答。"),
    ([2] * 8, "Based on 16 of 40 questions, with every dimension answered; the full assessment",
     "依据 40 道题中 16 道的回答，每个维度都已作答"),
    ([1, 1, 1, 0, 0, 0, 0, 0], "Partial verdict: based on 3 of 40 questions; 5 of 8 dimensions not answered.",
     "这只是部分结论：依据 40 道题中 3 道的回答，8 个维度中有 5 个未作答。"),
])
def test_the_coverage_sentence_says_plainly_when_the_verdict_is_partial(answered: list[int], en: str, zh: str) -> None:
    assert en in coverage_line(_coverage(answered), "en")
    assert zh in coverage_line(_coverage(answered), "zh")


@pytest.mark.parametrize("locale", LOCALES)
def test_three_self_ratings_say_the_verdict_is_partial_in_every_format(locale: str) -> None:
    answers = BY_ID["three_self_ratings_only"]
    sentence = view(answers, locale)["coverage"]
    assert sentence.startswith(t(locale, "report.coverage.partial").split("{")[0])
    for template in ("report.txt.j2", "report.tg.j2", "report.html.j2"):
        assert sentence in render(template, locale, r=view(answers, locale))


HEADING = re.compile(r"^<b>[^<]*</b>$")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("name", "answers"), answer_sets(), ids=lambda x: x if isinstance(x, str) else "")
def test_telegram_sections_stay_units_for_the_splitter(name: str, answers: dict, locale: str) -> None:
    """A heading is never followed by a blank line, so no split leaves it alone at the end of a message."""
    text = render("report.tg.j2", locale, r=view(answers, locale))
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        if HEADING.match(line):
            assert lines[i + 1].strip(), (name, line)
    for limit in (600, 1500):
        for chunk in split_message(text, limit=limit):
            assert not HEADING.match(chunk.split("\n")[-1]), (name, limit, chunk[-80:])


@pytest.mark.parametrize("locale", LOCALES)
def test_telegram_report_ends_with_the_details(locale: str) -> None:
    messages = report_replies(KB, assess(KB, BY_ID["cash_and_customer_both_fatal"]), locale)
    whole = "\n\n".join(m.text for m in messages)
    details, traps = whole.find(t(locale, "report.details")), whole.find(t(locale, "report.traps_that_matter"))
    assert -1 < traps < details
    assert t(locale, "report.formula") in messages[-1].text


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("profile", ["rich_but_gloomy_owner", "hard_to_replace_but_customers_leave_on_price"])
def test_a_kept_report_quotes_both_sides_as_the_fresh_one_does(profile: str, locale: str) -> None:
    """The stored report (details, the HTML page, `assess --format html`) keeps the direction and the evidence."""
    report = assess(KB, BY_ID[profile])
    record = json.loads(json.dumps(report_record(report)))
    lines = [line for c in report.contradictions
             for line in dimension_details(KB, record, c.dimension, locale)["contradictions"]]
    assert lines == view(BY_ID[profile], locale)["contradictions"]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_plan_heading_counts_the_actions_it_heads(locale: str) -> None:
    """"The three things to do first" over two would be wrong: the heading says how many there are."""
    answers = BY_ID["receivables_caused_the_short_runway"]
    full = view(answers, locale)
    assert len(full["focus"]) == 3
    for n in (1, 2, 3):
        first = full["focus"][:n]
        heading = focus_heading(first, locale)
        text = render("report.txt.j2", locale, r={**full, "focus": first, "focus_heading": heading})
        assert f"\n{t(locale, f'report.focus_{n}')}\n" in text
    assert t("en", "report.focus_2") == "The two things to do first"
    assert t("zh", "report.focus_1") == "最该做的一件事"


EXCELLENT = DATA["bases"]["excellent"]
HEAD_ON = {**EXCELLENT, "pos_niche_gap": "head_on"}  # one weak board; the other slots go to strengths in place


def shows(text: str, sentence: str) -> bool:
    """Whether the rendering holds the sentence, as plain text or HTML-escaped."""
    return sentence in text or str(escape(sentence)) in text


def every_rendering(answers: dict[str, Any], locale: str) -> list[str]:
    """The fresh report (console, Telegram, HTML) and the kept one (glance caption, page), as the owner reads them."""
    report = assess(KB, answers)
    record = json.loads(json.dumps(report_record(report)))
    fresh = view(answers, locale)
    return [render(name, locale, r=fresh) for name in ("report.txt.j2", "report.tg.j2", "report.html.j2")] + [
        glance_caption(KB, record, locale), report_page(KB, record, locale, None)]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_firm_with_nothing_to_fix_is_told_what_to_keep_not_what_to_do(locale: str) -> None:
    """Every answer at its best: the three slots go to strengths already in place (triage step 8). Telling the
    owner to "do first" what they do already, with the action's how-to-start, would read as a checklist."""
    report = assess(KB, EXCELLENT)
    assert [a.reason for a in report.focus] == ["keep", "keep", "keep"]
    record = json.loads(json.dumps(report_record(report)))
    for focus in (view(EXCELLENT, locale)["focus"], overview(KB, record, locale)["focus"]):
        assert [a["how"] for a in focus] == ["", "", ""]
    for text in every_rendering(EXCELLENT, locale):
        assert t(locale, "report.keep_3") in text
        assert t(locale, "report.focus_3") not in text
        assert not any(shows(text, KB.actions[a.id].how(locale)) for a in report.focus)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_plan_of_fixes_and_strengths_to_keep_is_headed_for_both(locale: str) -> None:
    """One weak board and two strengths in place: the fix says how to start, the strengths do not, and the
    heading is neither "to do first" nor "to keep"."""
    report = assess(KB, HEAD_ON)
    assert [a.reason for a in report.focus] == ["weak", "keep", "keep"]
    fix = KB.actions[report.focus[0].id].how(locale)
    for text in every_rendering(HEAD_ON, locale)[::2]:  # the console text, the HTML report, the page
        assert t(locale, "report.mixed_3") in text
        assert shows(text, fix)
        assert not any(shows(text, KB.actions[a.id].how(locale)) for a in report.focus[1:])


def test_the_focus_headings_say_what_the_plan_holds() -> None:
    assert t("en", "report.keep_3") == "The three things to keep as you grow"
    assert t("zh", "report.keep_1") == "扩张时要守住的一件事"
    assert t("en", "report.mixed_2") == "The two things that matter most"
    assert t("zh", "report.mixed_3") == "最要紧的三件事"
    assert focus_heading([], "en") == ""
