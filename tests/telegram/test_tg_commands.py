"""The command menu: registered in zh and en, every command answers, /help lists them, /start welcomes."""

from __future__ import annotations

import pytest

from bot.views.i18n import t

EXPECTED = ["start", "check", "assess", "report", "history", "actions", "remind", "export", "share", "language",
            "privacy", "forget", "cancel", "help"]
MENU_DATA = {"m:quick", "m:full"}


def menu_buttons(chat) -> set[str]:
    return {data for _, data in chat.buttons if data and data.startswith("m:")}


def test_commands_registered_in_zh_en_and_default(harness) -> None:
    core = harness.core
    zh, en, default = core.commands("zh"), core.commands("en"), core.commands()
    for listed in (zh, en, default):
        assert [c["command"] for c in listed] == EXPECTED
        assert all(c["description"] for c in listed)
    assert [c["description"] for c in zh] == [t("zh", f"commands.{c}") for c in EXPECTED]
    assert [c["description"] for c in en] == [t("en", f"commands.{c}") for c in EXPECTED]
    assert zh != en


@pytest.mark.parametrize("language", ["zh-hans", "en"])
async def test_every_registered_command_answers(harness, language: str) -> None:
    chat = harness.chat(language_code=language)
    for command in harness.core.commands("zh" if language.startswith("zh") else "en"):
        replies = await chat.send(f"/{command['command']}")
        assert replies, f"/{command['command']} got no reply"
        assert all(text.strip() for text in chat.texts(replies))


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh"), ("en", "en")])
async def test_help_lists_every_registered_command(harness, language: str, locale: str) -> None:
    chat = harness.chat(language_code=language)
    await chat.send("/help")
    for command in harness.core.commands(locale):
        assert f"/{command['command']}" in chat.last
        assert command["description"] in chat.last


async def test_unknown_command_gets_the_help(chat) -> None:
    await chat.send("/nosuchcommand")
    assert "/check" in chat.last
    assert "/help" in chat.last


@pytest.mark.parametrize("text", ["/start", "/start abc", "/start share_AbC-123_xyz", "/start@sme_advisor_test_bot"])
async def test_start_welcomes_with_both_ways_to_take_the_check(chat, text: str) -> None:
    replies = await chat.send(text)
    assert len(replies) == 1
    welcome = chat.last
    assert "八个" in welcome
    assert "致命短板" in welcome
    assert "长板" in welcome
    assert menu_buttons(chat) == MENU_DATA
    labels = [label for label, _ in chat.buttons]
    assert t("zh", "buttons.quick") in labels
    assert t("zh", "buttons.full") in labels


async def test_start_in_english(harness) -> None:
    chat = harness.chat(language_code="en")
    await chat.send("/start")
    assert "eight dimensions" in chat.last
    assert {label for label, _ in chat.buttons} == {t("en", "buttons.quick"), t("en", "buttons.full")}


async def test_welcome_buttons_start_the_two_checks(harness) -> None:
    quick = harness.chat(user_id=2001)
    await quick.send("/start")
    await quick.click("m:quick")
    assert quick.session.mode == "quick"
    assert quick.option_buttons
    full = harness.chat(user_id=2002)
    await full.send("/start")
    await full.click("m:full")
    assert full.session.mode == "full"
    assert full.last_callback_answer is not None


@pytest.mark.parametrize("text", ["你好", "hello there", "我想体检", "50万"])
async def test_free_text_outside_a_check_gets_a_short_pointer_with_the_buttons(chat, text: str) -> None:
    replies = await chat.send(text)
    assert len(replies) == 1
    assert chat.last == t("zh", "conv.free_text_pointer")
    assert menu_buttons(chat) == MENU_DATA


async def test_free_text_pointer_in_english(harness) -> None:
    chat = harness.chat(language_code="en")
    await chat.send("hi")
    assert chat.last == t("en", "conv.free_text_pointer")
    assert menu_buttons(chat) == MENU_DATA


async def test_report_before_any_check_offers_the_two_buttons(chat) -> None:
    await chat.send("/report")
    assert chat.last.startswith(t("zh", "tg.no_report").rstrip("："))
    assert menu_buttons(chat) == MENU_DATA


async def test_report_after_a_finished_check_shows_the_report(harness, chat) -> None:
    await chat.send("/check")
    await chat.finish_check()
    report_texts = "\n".join(chat.reply_texts)
    assert "中小企业经营体检报告" in report_texts
    await chat.send("/report")
    shown = "\n".join(chat.reply_texts)
    assert "经营体检一览" in shown  # /report opens at a glance
    for dimension in harness.kb.dimensions:
        assert dimension.title("zh") in shown
    assert "总分" in shown


async def test_cancel_pauses_and_keeps_answers(chat) -> None:
    await chat.send("/check")
    first = await chat.answer()
    await chat.answer()
    await chat.send("/cancel")
    assert chat.last == t("zh", "conv.paused", answered=2)
    assert "m:resume" in menu_buttons(chat)
    assert first.id in chat.stored_answers()
    await chat.click("m:resume")
    assert chat.question_message is not None
    assert chat.current_question is not None


async def test_cancel_with_nothing_open(chat) -> None:
    await chat.send("/cancel")
    assert chat.last == t("zh", "notices.nothing_to_cancel")
