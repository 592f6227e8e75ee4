"""The share card's figures read as the report's key numbers do: units and plurals in the reader's language."""

from __future__ import annotations

import html

import pytest

from bot.views.share_card import card_text
from knowledge.loader import get_knowledge
from knowledge.scoring import assess

KB = get_knowledge()


def card(locale: str, cash: int, fixed: int = 100_000) -> str:
    answers = {"cash_available": cash, "cash_fixed_costs": fixed, "cash_receivables": 40, "risk_top_customer_share": 55}
    return html.unescape(card_text(KB, assess(KB, answers), locale, figures=True))  # HTML for Telegram


@pytest.mark.parametrize(("locale", "cash", "runway"), [
    ("en", 100_000, "Cash runway: 1 month\n"), ("en", 40_000, "Cash runway: half a month\n"),
    ("en", 300_000, "Cash runway: 3 months\n"),
    ("zh", 100_000, "现金可支撑：1 个月\n"), ("zh", 40_000, "现金可支撑：约半个月\n"),
])
def test_the_runway_is_said_as_in_the_report(locale: str, cash: int, runway: str) -> None:
    assert runway in card(locale, cash)


@pytest.mark.parametrize(("locale", "lines"), [
    ("en", ["Largest customer: 55% of revenue", "Overdue receivables: 40% of a month's revenue"]),
    ("zh", ["最大客户占营收：55%", "逾期应收占月营收：40%"]),
])
def test_the_shares_say_what_they_are_shares_of(locale: str, lines: list[str]) -> None:
    text = card(locale, 300_000)
    assert all(line in text for line in lines), text
