"""Replies are HTML from autoescaped templates: user text never breaks a message; long reports are split."""

from __future__ import annotations

import pytest

import bot.telegram.replies as views
from bot.telegram.replies import MESSAGE_LIMIT, SAFE_LIMIT, split_message
from bot.views.i18n import t
from tests.support.telegram_format import parse_html

NASTY = ["<b>", "&", "</i>", "<script>alert(1)</script>", "a & b <i>c", "&amp;", "<a href='x'>y</a>", "1 < 2 > 0"]


# -- user text cannot break a message ---------------------------------------------------------------------


@pytest.mark.parametrize("text", NASTY)
async def test_markup_typed_as_free_text_is_answered_normally(chat, text: str) -> None:
    await chat.send(text)  # ChatClient raises if Telegram rejected any call (bad HTML included)
    assert chat.last == t("zh", "conv.free_text_pointer")
    assert chat.last_message["parse_mode"] == "HTML"


@pytest.mark.parametrize("text", NASTY)
async def test_markup_typed_during_a_choice_question_is_reasked(chat, text: str) -> None:
    await chat.send("/check")
    question = chat.current_question
    await chat.send(text)
    assert chat.current_question == question
    assert chat.stored_answers() == {}
    assert "⚠️" in chat.last


@pytest.mark.parametrize("text", NASTY)
async def test_markup_as_a_text_answer_is_stored_verbatim_and_shown_escaped(chat, text: str) -> None:
    await chat.send("/assess")
    while chat.current_question.kind != "text":
        await chat.answer()
    question = chat.current_question
    await chat.send(text)
    assert chat.stored_answers()[question.id] == text
    # go back: the question shows the earlier answer, which must appear literally, not as markup
    await chat.click(chat.nav("back"))
    assert chat.current_question == question
    shown = chat.question_message
    assert text in shown["text"]
    assert shown["parse_mode"] == "HTML"
    assert all(entity["type"] in ("bold", "italic") for entity in shown.get("entities", []))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
async def test_every_template_renders_valid_html(harness, language: str) -> None:
    chat = harness.chat(language_code=language)
    for command in ("/start", "/help", "/privacy", "/language", "/forget", "/report", "/cancel"):
        await chat.send(command)
    for message in chat.messages:
        assert message["parse_mode"] == "HTML"
        parse_html(message["raw_text"])  # strict: raises on anything Telegram would reject


def test_templates_autoescape_for_telegram() -> None:
    from bot.views.render import render

    assert render("line.tg.j2", "zh", lines=["<b>&</i>"]) == "&lt;b&gt;&amp;&lt;/i&gt;"
    assert render("line.tg.j2", "en", lines=["<script>x</script>", "a & b"]) == (
        "&lt;script&gt;x&lt;/script&gt;\n\na &amp; b")


# -- splitting ------------------------------------------------------------------------------------------


def test_split_message_keeps_a_short_text_whole() -> None:
    assert split_message("<b>Hi</b>\n\nthere") == ["<b>Hi</b>\n\nthere"]
    assert split_message("") == []


def test_split_message_cuts_at_paragraph_boundaries_below_the_limit() -> None:
    paragraphs = [f"<b>Paragraph {i}</b>\n" + ("word " * (40 + i * 7)).strip() for i in range(60)]
    text = "\n\n".join(paragraphs)
    assert len(text) > 3 * SAFE_LIMIT
    chunks = split_message(text)
    assert len(chunks) >= 4
    assert all(0 < len(chunk) <= SAFE_LIMIT < MESSAGE_LIMIT for chunk in chunks)
    assert "\n\n".join(chunks) == text  # nothing lost, nothing added
    for chunk in chunks:
        for paragraph in chunk.split("\n\n"):
            assert paragraph in paragraphs  # only whole paragraphs
        parse_html(chunk)  # each chunk stays valid HTML since no tag spans paragraphs


def test_split_message_with_a_small_limit() -> None:
    text = "\n\n".join(f"p{i} " + "x" * 30 for i in range(20))
    chunks = split_message(text, limit=100)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert "\n\n".join(chunks) == text


def test_split_message_cuts_an_overlong_paragraph_at_lines() -> None:
    lines = [f"line {i} " + "字" * 90 for i in range(120)]
    paragraph = "\n".join(lines)
    assert len(paragraph) > 2 * SAFE_LIMIT
    chunks = split_message(f"intro\n\n{paragraph}\n\noutro")
    assert all(len(chunk) <= SAFE_LIMIT for chunk in chunks)
    rejoined = "\n".join(chunks).replace("\n\n", "\n")
    assert rejoined.split("\n") == ["intro", *lines, "outro"]


def test_split_message_cuts_a_monstrous_line_hard() -> None:
    text = "x" * (SAFE_LIMIT * 2 + 17)
    chunks = split_message(text)
    assert all(len(chunk) <= SAFE_LIMIT for chunk in chunks)
    assert "".join(chunks) == text


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh"), ("en", "en")])
async def test_full_assessment_report_is_split_below_4096(harness, language: str, locale: str) -> None:
    chat = harness.chat(language_code=language)
    await chat.send("/assess")
    await chat.finish_check(numbers=chat.BAD_NUMBERS)
    sent = harness.core.calls_to("sendMessage")
    assert all(len(call["text"]) <= MESSAGE_LIMIT for call in sent)
    for message in chat.messages:
        assert len(message["text"]) <= MESSAGE_LIMIT
        assert len(message["raw_text"]) <= MESSAGE_LIMIT
    report = [m for m in chat.messages if chat.REPORT_TITLE[locale] in m["text"]]
    assert len(report) == 1
    start = chat.messages.index(report[0])
    report_messages = chat.messages[start:]
    assert len(report_messages) >= 2, "a full report with many traps needs more than one message"
    whole = "\n".join(m["text"] for m in report_messages)
    for dimension in harness.kb.dimensions:
        assert dimension.title(locale) in whole
    assert t(locale, "report.formula") in report_messages[-1]["text"]
    assert {"m:quick", "m:full"} <= {d for _, d in chat.core.buttons(report_messages[-1])}


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh"), ("en", "en")])
async def test_report_command_shows_the_same_report_as_the_end_of_the_check(harness, language: str,
                                                                            locale: str) -> None:
    chat = harness.chat(language_code=language)
    await chat.send("/check")
    await chat.finish_check(numbers=chat.BAD_NUMBERS)
    start = max(i for i, m in enumerate(chat.messages) if chat.REPORT_TITLE[locale] in m["text"])
    at_the_end = [m["text"] for m in chat.messages[start:]]
    await chat.send("/report")  # at a glance now: one photo, its caption from the same kept report
    (glance,) = chat.replies_since_last_send
    overall = t(locale, "glance.overall", score=harness.store.latest_kept_report(chat.db_user_id).overall)
    assert overall in glance["caption"]
    assert any(overall.split("/")[0].split()[-1] in text for text in at_the_end)


async def test_report_split_with_a_small_limit_stays_valid_html(harness, chat, monkeypatch) -> None:
    await chat.send("/check")
    real_split = views.split_message
    monkeypatch.setattr(views, "split_message", lambda text: real_split(text, limit=600))
    await chat.finish_check(numbers=chat.BAD_NUMBERS)  # strict ChatClient: a chunk with a broken tag is rejected
    chunks = chat.replies_since_last_send
    assert len(chunks) >= 4
    assert all(len(m["raw_text"]) <= 600 for m in chunks)
    whole = "\n".join(m["text"] for m in chunks)
    for dimension in harness.kb.dimensions:
        assert dimension.title("zh") in whole
