"""The report text an owner reads: proper plurals and units in English, full-width punctuation in Chinese.

Every profile of tests/fixtures/profiles.yaml (plus the golden sample) is rendered as text, Telegram HTML
and the HTML page in both languages; the locale catalogs are checked the same way.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import yaml

from bot.views.formatting import metric_value
from bot.views.i18n import catalog
from bot.views.render import render
from bot.views.report import build_report_view
from knowledge.loader import get_knowledge
from knowledge.model import Text
from knowledge.scoring import assess
from tests.knowledge.test_kb_profiles import DATA, PROFILES
from tests.knowledge.test_kb_profiles_unseen import PROFILES as UNSEEN

KB = get_knowledge()
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample_company.yaml"
TEMPLATES = ("report.txt.j2", "report.tg.j2", "report.html.j2")

BAD_PLURAL = re.compile(r"(?<![\d.,])1 (months|days|hours|people are|managers|backup suppliers)\b")
CALQUE = re.compile(r"\b(short|long) boards?\b", re.IGNORECASE)
ASCII_IN_CHINESE = re.compile(r"[\u4e00-\u9fff（）“”][?,!;:()]|[?,!;:()][\u4e00-\u9fff（“]")
DECIMAL_MONTHS = re.compile(r"0\.\d+ ?个月")
ARTICLE = re.compile(r"\barticle\b|文章|(?<![中英])文中", re.IGNORECASE)  # the owner never saw our source


def answer_sets() -> list[tuple[str, dict]]:
    sets = [(p["id"], {**DATA["bases"][p["base"]], **p["answers"]}) for p in PROFILES]
    sets += [(p["id"], p["answers"]) for p in UNSEEN]
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    sample |= {"cash_available": 800_000, "cash_fixed_costs": 200_000, "cash_receivables": 35, "cash_inventory": 20}
    owners_words = {q.id for q in KB.questions.values() if q.kind == "text"}  # quoted as typed, not our text
    return [(name, {k: v for k, v in a.items() if k not in owners_words}) for name, a in [*sets, ("sample", sample)]]


@cache
def rendered(locale: str) -> list[tuple[str, str]]:
    """(where, text) for every answer set and report template in one language."""
    out = []
    for name, answers in answer_sets():
        view = build_report_view(KB, assess(KB, answers), locale)
        for template in TEMPLATES:
            out.append((f"{name} {template}", render(template, locale, r=view)))
    return out


def outside_tags(html: str) -> str:
    return re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.DOTALL)


@pytest.mark.parametrize("locale", ["en"])
def test_english_plurals_and_words(locale: str) -> None:
    for where, text in rendered(locale):
        assert not BAD_PLURAL.search(text), (where, BAD_PLURAL.search(text))
        assert not CALQUE.search(text), (where, CALQUE.search(text))
        assert "¥1,000k" not in text, where


def test_chinese_sentences_use_full_width_punctuation() -> None:
    for where, text in rendered("zh"):
        plain = outside_tags(text)
        assert not re.search("[「」]", plain), where  # Simplified Chinese quotes with “”, as the owner's own words are
        assert not ASCII_IN_CHINESE.search(plain), (where, ASCII_IN_CHINESE.search(plain))
        assert not DECIMAL_MONTHS.search(plain), (where, DECIMAL_MONTHS.search(plain))


def test_locale_catalogs() -> None:
    for key, value in catalog("zh").items():
        if ".keywords." in key:  # comma-separated input words, not a sentence
            continue
        assert not re.search("[「」]", value), (key, value)
        assert not ASCII_IN_CHINESE.search(value), (key, value)
    for key, value in catalog("en").items():
        assert not CALQUE.search(value), (key, value)


@pytest.mark.parametrize(("unit", "value", "en", "zh"), [
    ("months", 1, "1 month", "1 个月"), ("months", 2, "2 months", "2 个月"),
    ("months", 0.5, "half a month", "约半个月"),
    ("hours", 1, "1 hour", "1 小时"), ("days", 1, "1 day", "1 天"), ("CNY", 999_999, "¥1M", "100万元"),
    ("CNY", 1.2e9, "¥1.2B", "12亿元"), ("CNY", 999_999_999, "¥1B", "10亿元"), ("CNY", 1e12, "¥1,000B", "1万亿元"),
    ("CNY", 1.5e13, "¥15,000B", "15万亿元"),
])
def test_units_read_right(unit: str, value: float, en: str, zh: str) -> None:
    assert metric_value(unit, value, "en") == en
    assert metric_value(unit, value, "zh") == zh


@pytest.mark.parametrize(("unit", "value", "rounded", "exact"), [
    ("CNY", 80.5, ("¥80", "80元"), ("¥80.5", "80.5元")),
    ("CNY", 999.64, ("¥1,000", "1,000元"), ("¥999.64", "999.64元")),
    ("CNY", 815_000, ("¥815k", "81.5万元"), ("¥815k", "81.5万元")),
    ("percent", 0.55, ("0.6%", "0.6%"), ("0.55%", "0.55%")),
    ("months", 2.25, ("2.2 months", "2.2 个月"), ("2.25 months", "2.25 个月")),
    ("months", 0.3, ("under half a month", "不到半个月"), ("0.3 months", "0.3 个月")),
    ("months", 0.5, ("half a month", "约半个月"), ("0.5 months", "0.5 个月")),
    ("hours", 1.5, ("1.5 hours", "1.5 小时"), ("1.5 hours", "1.5 小时")),
])
def test_an_answer_shown_back_reads_as_typed_while_a_report_rounds(unit, value, rounded, exact) -> None:
    """The ✓ line under a question and "your previous answer" show what was stored (exact); reports round."""
    assert (metric_value(unit, value, "en"), metric_value(unit, value, "zh")) == rounded
    assert (metric_value(unit, value, "en", exact=True), metric_value(unit, value, "zh", exact=True)) == exact


def user_texts(node: Any, path: str = "kb") -> Iterator[tuple[str, str]]:
    """(where, text) for every user-facing text of the knowledge base, in both languages.

    Only ``Text`` values reach the owner; section citations and threshold notes are plain strings, for us.
    """
    if isinstance(node, Text):
        yield f"{path}.zh", node.zh
        yield f"{path}.en", node.en
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            if field.init:  # the derived indexes repeat what the fields hold
                yield from user_texts(getattr(node, field.name), f"{path}.{field.name}")
    elif isinstance(node, dict | MappingProxyType):
        for key, value in node.items():
            yield from user_texts(value, f"{path}[{key}]")
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from user_texts(value, f"{path}[{getattr(value, 'id', i)}]")


def test_no_knowledge_text_the_owner_reads_mentions_the_article() -> None:
    texts = list(user_texts(KB))
    assert len(texts) > 500  # the walk reaches questions, options, findings, traps, cases and figures
    offending = [(where, text) for where, text in texts if ARTICLE.search(text)]
    assert not offending, offending


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_no_rendered_report_mentions_the_article(locale: str) -> None:
    for where, text in rendered(locale):
        assert not ARTICLE.search(outside_tags(text)), (where, ARTICLE.search(outside_tags(text)))


def test_no_catalog_string_mentions_the_article() -> None:
    for locale in ("zh", "en"):
        for key, value in catalog(locale).items():
            assert not ARTICLE.search(value), (locale, key, value)



@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_strengths_line_is_not_read_as_every_strong_dimension(locale: str) -> None:
    """Only the 2–3 strongest are listed, so the list is not headed with the band's name: with seven dimensions
    in the strong band, "Strengths: A, B, C" read as if the other four were not."""
    kb = get_knowledge()
    profile = next(p for p in PROFILES if p["id"] == "everything_excellent")
    report = assess(kb, {**DATA["bases"][profile["base"]], **profile["answers"]})
    assert len([d for d in report.dimensions if d.band == "strong"]) > len(report.strengths) == 3
    words = catalog(locale)
    assert words["bands.strong"] not in (words["report.strengths"], words["share.strengths"])
    text = render("report.tg.j2", locale, r=build_report_view(kb, report, locale))
    assert f"{words['report.strengths']}</b>" in text
