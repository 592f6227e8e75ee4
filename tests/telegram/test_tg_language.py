"""The language: from the user's Telegram language at first contact; /language switches and is remembered."""

from __future__ import annotations

import pytest

from bot.views.i18n import t


@pytest.mark.parametrize(
    ("language_code", "locale"),
    [("zh-hans", "zh"), ("zh-TW", "zh"), ("zh", "zh"), ("zh-hant", "zh"), ("en", "en"), ("en-GB", "en"),
     ("de", "en"), ("ru", "en"), (None, "en")],
)
async def test_language_comes_from_the_telegram_user(harness, language_code: str | None, locale: str) -> None:
    chat = harness.chat(language_code=language_code)
    await chat.send("/help")
    assert chat.last.startswith(t(locale, "tg.help_title"))
    await chat.send("/start")
    assert chat.last == f"{t(locale, 'conv.welcome')}\n\n{t(locale, 'conv.menu_prompt')}"
    await chat.send("/check")
    assert chat.PROGRESS[locale].search(chat.question_message["text"])
    stored = harness.query("SELECT locale FROM users WHERE external_id = ?", str(chat.user_id))
    assert stored == [(locale,)]


async def test_language_command_offers_both_languages(chat) -> None:
    await chat.send("/language")
    assert chat.last == t("zh", "tg.language_prompt")
    assert [d for _, d in chat.buttons] == ["l:zh", "l:en"]
    assert [label for label, _ in chat.buttons] == ["中文", "English"]


async def test_language_switch_applies_at_once_and_survives_a_restart(harness) -> None:
    chat = harness.chat(language_code="zh-hans")
    await chat.send("/start")
    await chat.send("/language")
    prompt = chat.last_message
    await chat.click("English")
    assert chat.last_callback_answer is not None
    edited = harness.core.message(chat.chat_id, prompt["message_id"])
    assert edited["text"] == t("en", "tg.language_set")
    assert not harness.core.buttons(edited)
    await chat.send("/help")
    assert chat.last.startswith(t("en", "tg.help_title"))

    await harness.restart()
    chat = harness.chat(language_code="zh-hans")  # Telegram still says Chinese: the choice wins
    await chat.send("/start")
    assert "eight dimensions" in chat.last
    await chat.send("/check")
    assert chat.PROGRESS["en"].search(chat.question_message["text"])
    assert {label for label, _ in chat.buttons} >= {t("en", "buttons.skip"), t("en", "buttons.why")}
    await chat.send("nonsense")
    assert "I can't use that answer" in chat.last

    await chat.send("/language")
    await chat.click("中文")
    await harness.restart()
    chat = harness.chat(language_code="en")
    await chat.send("/help")
    assert chat.last.startswith(t("zh", "tg.help_title"))


async def test_unknown_language_button_is_answered_and_changes_nothing(harness, chat) -> None:
    await chat.send("/language")
    update = harness.core.user_click(chat.user_id, chat.last_message["message_id"], "l:fr", strict=False,
                                     enqueue=False)
    await harness.process(update)
    assert harness.core.callback_answer(update["callback_query"]["id"]) is not None
    assert harness.query("SELECT locale, locale_chosen FROM users") == [("zh", 0)]
