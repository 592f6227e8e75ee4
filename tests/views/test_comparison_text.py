"""A partner's comparison as text: the widest gaps first, at most three, and native punctuation in both languages."""

from __future__ import annotations

import re

import pytest

from bot.services.partners import TALK_FIRST_GAP, TALK_FIRST_KEPT, Comparison, DimensionGap
from bot.views.share_card import comparison_text
from knowledge.loader import get_knowledge

KB = get_knowledge()
# every dimension 20 points or more apart, the widest in the middle of the article's order
GAPS = [20, 35, 60, 100, 45, 20, 80, 25]


def comparison(gaps: list[int]) -> Comparison:
    rows = tuple(DimensionGap(d.id, 100, 100 - gap) for d, gap in zip(KB.dimensions, gaps, strict=True))
    return Comparison(1, 1, rows)


def test_the_conversation_to_have_first_is_the_three_widest_gaps() -> None:
    first = comparison(GAPS).talk_first
    assert [r.gap for r in first] == [100, 80, 60]
    assert len(first) == TALK_FIRST_KEPT
    assert all(r.talk_first for r in comparison(GAPS).rows)  # every row over TALK_FIRST_GAP is still marked
    assert comparison([TALK_FIRST_GAP - 1] * 8).talk_first == ()


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_text_lists_them_under_its_heading(locale: str) -> None:
    text = comparison_text(KB, comparison(GAPS), locale, "owner")
    numbered = re.findall(r"^\d+\. ", text, flags=re.MULTILINE)
    assert len(numbered) == TALK_FIRST_KEPT
    assert text.count("⚠️") == len(GAPS)
    if locale == "zh":
        assert "（相差 100 分）" in text
        assert not re.search(r"[()]", text), text  # full-width brackets in Chinese
    else:
        assert "100 / 0 (100 apart)" in text
