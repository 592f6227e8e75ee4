"""Every text a chart can draw, in both languages: what the shipped CJK font subset must cover."""

from __future__ import annotations

import string

from bot.views.i18n import LOCALES, t
from knowledge.model import KnowledgeBase

CHART_BANDS = ("fatal", "weak", "fair", "strong")
CHART_KEYS = ("chart.radar_title", "chart.trend_title", "chart.overall", "chart.no_score")
# digits, Latin, and the punctuation either language can put on a chart (dates, scores, separators)
EXTRA = string.printable.strip() + " ·：，。、（）—–→↑↓％"


def chart_texts(kb: KnowledgeBase) -> set[str]:
    """Dimension titles, band names and chart titles in every locale."""
    texts = {d.title(locale) for d in kb.dimensions for locale in LOCALES}
    texts |= {t(locale, f"bands.{band}") for band in CHART_BANDS for locale in LOCALES}
    texts |= {t(locale, key) for key in CHART_KEYS for locale in LOCALES}
    return texts


def chart_characters(kb: KnowledgeBase) -> set[str]:
    """Every character of `chart_texts`, plus digits, Latin letters and punctuation."""
    return {c for text in chart_texts(kb) for c in text} | set(EXTRA)
