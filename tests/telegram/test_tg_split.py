"""Reports are split below Telegram's limit without cutting markup: 1,000 "&" typed as an answer, tags across cuts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.telegram.replies import SAFE_LIMIT
from bot.telegram.splitting import cut_line, split_message
from tests.support.telegram_format import parse_html


def test_a_line_of_entities_is_cut_between_entities() -> None:
    line = "<i>“" + "&amp;" * 1000 + "”</i>"
    pieces = cut_line(line, 400)
    assert all(len(p) <= 400 for p in pieces)
    for piece in pieces:
        parse_html(piece)
        assert piece.startswith("<i>")
        assert piece.endswith("</i>")
    assert "".join(p.removeprefix("<i>").removesuffix("</i>") for p in pieces) == line[3:-4]


@given(st.lists(st.sampled_from(["&amp;", "&lt;", "字", "x", " ", "<b>a</b>", "&#34;"]), max_size=400),
       st.integers(min_value=30, max_value=300))
def test_every_piece_is_valid_html_within_the_limit(tokens: list[str], limit: int) -> None:
    line = "<b>" + "".join(tokens) + "</b>"
    for piece in split_message(line, limit):
        assert len(piece) <= limit
        parse_html(piece)


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh"), ("en", "en")])
async def test_report_with_a_thousand_ampersands_is_sent(harness, language: str, locale: str) -> None:
    chat = harness.chat(language_code=language)
    await chat.send("/assess")
    while chat.session.current is not None:
        question = chat.current_question
        if question.kind == "text":
            await chat.send("&" * 1000)  # ChatClient fails the test if Telegram rejects a message
        else:
            await chat.answer()
    replies = [m for m in chat.replies_since_last_send if "text" in m]  # the full report, sent as the check ends
    assert len(replies) >= 2
    for message in replies:
        assert len(message["text"]) <= 4096
    assert "&" * 100 in "".join(m["text"] for m in replies)
    assert all(len(chunk) <= SAFE_LIMIT for chunk in split_message("&amp;" * 3000, SAFE_LIMIT))
