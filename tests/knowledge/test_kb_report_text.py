"""The report text an owner reads: proper plurals and units in English, full-width punctuation in Chinese.

Every profile of tests/fixtures/profiles.yaml (plus the golden sample) is rendered as text, Telegram HTML
and the HTML page in both languages; the locale catalogs are checked the same way.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from bot.views.formatting import metric_value
from bot.views.i18n import catalog
from bot.views.render import render
from bot.views.report import build_report_view
from knowledge.loader import get_knowledge
from knowledge.scoring import assess
from tests.knowledge.test_kb_profiles import DATA, PROFILES

KB = get_knowledge()
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample_company.yaml"
TEMPLATES = ("report.txt.j2", "report.tg.j2", "report.html.j2")

BAD_PLURAL = re.compile(r"(?<![\d.,])1 (months|days|hours|people are|managers|backup suppliers)\b")
CALQUE = re.compile(r"\b(short|long) boards?\b", re.IGNORECASE)
ASCII_IN_CHINESE = re.compile(r"[\u4e00-\u9fff（）“”][?,!;:]|[?,!;:][\u4e00-\u9fff（“]")
DECIMAL_MONTHS = re.compile(r"0\.\d+ ?个月")


def answer_sets() -> list[tuple[str, dict]]:
    sets = [(p["id"], {**DATA["bases"][p["base"]], **p["answers"]}) for p in PROFILES]
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
        assert not ASCII_IN_CHINESE.search(plain), (where, ASCII_IN_CHINESE.search(plain))
        assert not DECIMAL_MONTHS.search(plain), (where, DECIMAL_MONTHS.search(plain))


def test_locale_catalogs() -> None:
    for key, value in catalog("zh").items():
        if ".keywords." in key:  # comma-separated input words, not a sentence
            continue
        assert not ASCII_IN_CHINESE.search(value), (key, value)
    for key, value in catalog("en").items():
        assert not CALQUE.search(value), (key, value)


@pytest.mark.parametrize(("unit", "value", "en", "zh"), [
    ("months", 1, "1 month", "1 个月"), ("months", 2, "2 months", "2 个月"),
    ("months", 0.5, "half a month", "约半个月"),
    ("hours", 1, "1 hour", "1 小时"), ("days", 1, "1 day", "1 天"), ("CNY", 999_999, "¥1M", "100万元"),
])
def test_units_read_right(unit: str, value: float, en: str, zh: str) -> None:
    assert metric_value(unit, value, "en") == en
    assert metric_value(unit, value, "zh") == zh
