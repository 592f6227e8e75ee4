"""The report's first screen fits one photo caption (under 1,024 characters) in both languages, for every
profile; details fit one message; the HTML page is self-contained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

from bot.services.history import Change
from bot.storage.reports import report_record
from bot.views.glance import CAPTION_LIMIT, DETAILS_LIMIT, details_text, glance_caption, visible_length
from bot.views.kept import overview
from bot.views.page import report_page
from bot.views.render import render
from bot.views.report import build_report_view
from knowledge.loader import get_knowledge
from knowledge.scoring import assess

KB = get_knowledge()
PROFILES = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "profiles.yaml").read_text(encoding="utf-8"))


def records() -> list[tuple[str, dict]]:
    out = []
    for profile in PROFILES["profiles"]:
        answers = {**PROFILES["bases"][profile["base"]], **(profile.get("answers") or {})}
        out.append((profile["id"], report_record(assess(KB, answers))))
    return out


RECORDS = records()
BUSY = {"before_after": (Change("overall", 12, 40), Change("cash_flow", 20, 62)),
        "done": ("cash_tighten_receivables", "pos_find_niche")}


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_first_screen_fits_a_caption_for_every_profile(locale: str) -> None:
    for name, record in RECORDS:
        for extra in ({}, BUSY):
            caption = glance_caption(KB, record, locale, **extra)
            assert visible_length(caption) < CAPTION_LIMIT, (name, visible_length(caption))


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_first_screen_keeps_a_why_for_every_focus_action_without_extras(locale: str) -> None:
    """Every action's why is shown, once: actions in a row that share one (three cash actions) show it above the
    first."""
    for name, record in RECORDS:
        caption = glance_caption(KB, record, locale)
        whys = [line["why"] for line in overview(KB, record, locale)["focus"]]
        assert caption.count("<i>") >= len([why for why in whys if why]), name


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_why_two_cash_actions_share_is_said_once(locale: str) -> None:
    """In a cash emergency the first actions are cash actions with the same reason: it reads once, above the first,
    on the first screen and in the full report; every action is still there, and the next reason is given."""
    record = dict(RECORDS)["cash_emergency_gets_cash_advice_first"]
    focus = overview(KB, record, locale)["focus"]
    assert [bool(a["why"]) for a in focus] == [True, False, True]
    why = focus[0]["why"]
    caption = glance_caption(KB, record, locale)
    assert caption.count(escape(why)) == 1
    assert all(escape(a["title"]) in caption for a in focus)
    profile = next(p for p in PROFILES["profiles"] if p["id"] == "cash_emergency_gets_cash_advice_first")
    report = assess(KB, {**PROFILES["bases"][profile["base"]], **(profile.get("answers") or {})})
    text = render("report.txt.j2", locale, r=build_report_view(KB, report, locale))
    assert text.count(why) == 1
    assert all(a["title"] in text for a in focus)


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("name", ["receivables_caused_the_short_runway", "food_factory_stock_caused_the_short_runway"])
def test_a_cash_emergency_with_its_cause_named_is_explained_once(locale: str, name: str) -> None:
    """The first cash action names the cause ("…and the cause is “Receivables…”"); the cash action after it does not
    say again that cash is at a critical point, in the full report or on the first screen."""
    record = dict(RECORDS)[name]
    focus = overview(KB, record, locale)["focus"]
    assert [a["reason"] for a in focus][:2] == ["cash_cause", "cash"]
    assert [bool(a["why"]) for a in focus] == [True, False, True]
    again = KB.summary.triage["cash"](locale)
    profile = next(p for p in PROFILES["profiles"] if p["id"] == name)
    report = assess(KB, {**PROFILES["bases"][profile["base"]], **(profile.get("answers") or {})})
    for text in (render("report.txt.j2", locale, r=build_report_view(KB, report, locale)),
                 glance_caption(KB, record, locale)):
        assert again not in text
        assert all(escape(a["title"]) in text or a["title"] in text for a in focus)


def test_before_after_reads_like_the_issue() -> None:
    caption = glance_caption(KB, RECORDS[0][1], "zh", before_after=(Change("cash_flow", 48, 62),))
    assert "现金流管理 48 → 62 ↑ +14" in caption
    caption = glance_caption(KB, RECORDS[0][1], "en", before_after=(Change("cash_flow", 62, 48),))
    assert "Cash flow management 62 → 48 ↓ -14" in caption


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_details_fit_one_message(locale: str) -> None:
    for _, record in RECORDS:
        for dimension in KB.dimensions:
            assert len(details_text(KB, record, dimension.id, locale)) <= DETAILS_LIMIT


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_html_page_is_self_contained(locale: str) -> None:
    page = report_page(KB, RECORDS[0][1], locale, b"\x89PNG fake", "2026-12-01T09:00:00+00:00")
    assert 'src="data:image/png;base64,' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page
    assert "@media print" in page
    assert 'name="viewport"' in page
