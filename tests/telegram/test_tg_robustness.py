"""Robustness: every callback answered, Telegram's usual refusals tolerated, duplicates ignored, errors handled."""

from __future__ import annotations

import logging

import pytest

from bot.services.advisor import Advisor
from bot.services.history import HistoryService
from bot.telegram import sending
from bot.views.i18n import t
from tests.support.telegram_core import NOT_MODIFIED


def click_answer(harness, chat, data: str, message_id: int | None = None) -> tuple[dict, str]:
    """A click update (forged data allowed) and its query id; not processed yet."""
    message_id = message_id or (chat.last_message or {}).get("message_id", 1)
    update = harness.core.user_click(chat.user_id, message_id, data, strict=False, enqueue=False)
    return update, update["callback_query"]["id"]


# -- every callback query is answered ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    ["zzz", "a:1:2", "a:1:2:3:4", "n:1:2", "n:x:y:fly", "m", "m:", "m:bogus", "l:", "l:xx", "x:1", ":", "a::::",
     "a:" + "9" * 60],
)
async def test_unknown_and_malformed_buttons_are_answered_and_change_nothing(harness, chat, data: str) -> None:
    await chat.send("/check")
    await chat.answer()
    before = (chat.session.to_dict(), harness.query("SELECT * FROM answers"), harness.core.seq)
    update, query_id = click_answer(harness, chat, data, chat.question_message["message_id"])
    await harness.process(update)
    assert harness.core.callback_answer(query_id) is not None, data
    assert (chat.session.to_dict(), harness.query("SELECT * FROM answers"), harness.core.seq) == before


async def test_every_click_of_a_whole_conversation_is_answered(harness, chat) -> None:
    query_ids: list[str] = []

    async def click(data: str) -> None:
        await chat.click(data)
        query_ids.append(chat.last_query_id)

    await chat.send("/start")
    await click("m:quick")  # menu button
    await click(chat.option_buttons[0][1])  # option
    await click(chat.nav("why"))
    await click(chat.nav("why"))  # why twice
    await click(chat.nav("back"))
    await click(chat.nav("skip"))
    await click(chat.nav("cancel"))
    await click("m:resume")
    stale_message = chat.question_message
    stale = chat.option_buttons[0][1]
    await click(stale)
    update, query_id = click_answer(harness, chat, stale, stale_message["message_id"])  # again: now stale
    await harness.process(update)
    query_ids.append(query_id)
    await chat.send("/language")
    await click("English")
    await chat.send("/forget")
    await click("m:keep")
    await chat.send("/forget")
    await click("m:forget")
    for data in ("zzz", "a:1:2"):
        update, query_id = click_answer(harness, chat, data, stale_message["message_id"])
        await harness.process(update)
        query_ids.append(query_id)
    assert len(query_ids) == 15
    unanswered = [q for q in query_ids if harness.core.callback_answer(q) is None]
    assert unanswered == []


# -- Telegram's usual refusals ------------------------------------------------------------------------------


async def test_tapping_why_twice_is_harmless(chat) -> None:
    await chat.send("/check")
    question = chat.current_question
    await chat.click(chat.nav("why"))
    once = chat.question_message["text"]
    await chat.click(chat.nav("why"))  # strict ChatClient: no "message is not modified" error either
    assert chat.last_callback_answer is not None
    assert chat.question_message["text"] == once
    assert once.count(question.why("zh")) == 1


async def test_message_not_modified_is_ignored(harness, chat) -> None:
    await chat.send("/check")
    question = chat.current_question
    harness.core.fail_next("editMessageText", 400, NOT_MODIFIED)
    await chat.answer()
    assert question.id in chat.stored_answers()
    assert chat.current_question != question
    assert chat.option_buttons  # the next question is shown
    harness.core.fail_next("editMessageText", 400, NOT_MODIFIED)
    await chat.click(chat.nav("why"))
    assert chat.last_callback_answer is not None
    harness.core.fail_next("editMessageReplyMarkup", 400, NOT_MODIFIED)
    await chat.send("/cancel")
    assert chat.last == t("zh", "conv.paused", answered=1)


async def test_deleted_question_message_is_replaced_by_a_new_one(harness, chat) -> None:
    await chat.send("/check")
    question = chat.current_question
    old = chat.question_message
    count = len(chat.messages)
    harness.core.fail_next("editMessageText", 400, "Bad Request: message to edit not found")
    await chat.answer(pick=1)
    assert chat.stored_answers() == {question.id: question.options[1].id}
    new = [m for m in chat.messages if m["message_id"] > old["message_id"]]
    assert any(f"✓ {question.options[1].label('zh')}" in m["text"] for m in new)
    assert len(chat.messages) >= count + 2  # the answered question again, and the next question
    assert chat.current_question != question


async def test_retry_after_is_honoured(harness, chat) -> None:
    await chat.send("/start")
    harness.core.fail_next("sendMessage", 429, retry_after=1)
    await chat.click("m:quick")
    assert chat.question_message is not None
    assert chat.current_question is not None
    failed = [e for e in harness.core.errors if e.error_code == 429]
    assert len(failed) == 1
    sends = harness.core.calls_to("sendMessage")
    assert sends[-1]["text"] == sends[-2]["text"]  # the same message, sent again after the wait


async def test_retry_after_on_an_edit(harness, chat) -> None:
    await chat.send("/check")
    question = chat.current_question
    message = chat.question_message
    harness.core.fail_next("editMessageText", 429, retry_after=1)
    await chat.answer()
    assert question.id in chat.stored_answers()
    assert "✓" in harness.core.message(chat.chat_id, message["message_id"])["text"]


async def test_blocked_user_is_marked_inactive_without_a_crash(harness, chat, caplog) -> None:
    caplog.set_level(logging.INFO)
    await chat.send("/check")
    user_id = chat.db_user_id
    question = chat.current_question
    harness.core.block_user(chat.user_id)
    # a click while blocked: the edit and the next question fail with 403
    chat.strict = False  # ChatClient would report those 403s as rejected calls
    await chat.click(chat.option_buttons[0][1])
    assert chat.last_callback_answer is not None
    assert harness.query("SELECT active FROM users WHERE id = ?", user_id) == [(0,)]
    assert question.id in chat.stored_answers()  # committed before the reply
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # a message while blocked (the reply fails with 403)
    harness.core.unblock_user(chat.user_id)
    await chat.send("/start")
    assert harness.query("SELECT active FROM users WHERE id = ?", user_id) == [(1,)]
    update = harness.core.user_message(chat.user_id, "/check", "zh-hans", enqueue=False)
    harness.core.block_user(chat.user_id)
    await harness.process(update)
    assert harness.query("SELECT active FROM users WHERE id = ?", user_id) == [(0,)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # writing again unblocks
    await chat.send("/help")
    assert harness.query("SELECT active FROM users WHERE id = ?", user_id) == [(1,)]


async def test_blocked_during_a_plain_reply(harness, chat, caplog) -> None:
    caplog.set_level(logging.INFO)
    await chat.send("/start")
    update = harness.core.user_message(chat.user_id, "/privacy", "zh-hans", enqueue=False)
    harness.core.block_user(chat.user_id)
    await harness.process(update)
    assert harness.query("SELECT active FROM users WHERE external_id = ?", str(chat.user_id)) == [(0,)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# -- the same update twice -----------------------------------------------------------------------------------


async def test_the_same_message_update_twice_has_one_effect(harness, chat) -> None:
    await chat.send("/check")
    question = chat.current_question
    update = harness.core.user_message(chat.user_id, "2", "zh-hans", enqueue=False)
    duplicate = harness.core.push_update(update)
    assert duplicate["update_id"] == update["update_id"]
    await harness.process(update)
    after = (chat.session.to_dict(), harness.query("SELECT * FROM answers"), len(chat.messages), harness.core.seq)
    await harness.process(duplicate)
    assert (chat.session.to_dict(), harness.query("SELECT * FROM answers"), len(chat.messages),
            harness.core.seq) == after
    assert chat.stored_answers() == {question.id: question.options[1].id}


async def test_the_same_command_twice_gets_one_reply(harness, chat) -> None:
    update = harness.core.user_message(chat.user_id, "/help", "zh-hans", enqueue=False)
    await harness.process(update)
    await harness.process(dict(update))
    assert len(harness.core.calls_to("sendMessage")) == 1


async def test_the_same_click_update_twice_has_one_effect(harness, chat) -> None:
    await chat.send("/check")
    message = chat.question_message
    update = harness.core.user_click(chat.user_id, message["message_id"], chat.option_buttons[0][1], enqueue=False)
    await harness.process(update)
    after = (chat.session.to_dict(), harness.query("SELECT * FROM answers"), harness.core.seq)
    await harness.process(harness.core.push_update(update))
    assert (chat.session.to_dict(), harness.query("SELECT * FROM answers"), harness.core.seq) == after
    assert len(chat.stored_answers()) == 1


async def test_duplicate_updates_through_long_polling(harness, chat) -> None:
    """The same update delivered twice by getUpdates (e.g. after a crash before the offset was confirmed)."""
    await chat.send("/check")
    question = chat.current_question
    update = harness.core.user_message(chat.user_id, "1", "zh-hans", enqueue=False)
    harness.core.push_update(update)
    harness.core.push_update(update)
    sends = len(harness.core.calls_to("sendMessage"))
    harness.core.wake_all()  # the harness's Updater is long polling: it fetches both at once
    assert await harness.core.async_wait_for(lambda: harness.core.pending_update_count() == 0, 5)
    assert await harness.core.async_wait_for(lambda: len(harness.core.calls_to("sendMessage")) > sends, 5)
    await harness.app.update_queue.join()
    await harness.core.async_wait_for(lambda: False, 0.3)  # let a second delivery do its worst
    assert chat.stored_answers() == {question.id: question.options[0].id}
    assert len(harness.query("SELECT * FROM processed_updates WHERE update_id = ?", update["update_id"])) == 1
    asked_next = [m for m in chat.messages if chat.PROGRESS["zh"].search(m["text"]) and "第 2/2 题" in m["text"]]
    assert len(asked_next) == 1  # the next question was sent once


# -- errors -----------------------------------------------------------------------------------------------------


def boom(*args, **kwargs):
    raise RuntimeError("database exploded")


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh"), ("en", "en")])
async def test_an_error_in_a_handler_is_logged_with_context_and_the_user_told(harness, monkeypatch, caplog,
                                                                              language: str, locale: str) -> None:
    chat = harness.chat(language_code=language)
    await chat.send("/check")
    monkeypatch.setattr(Advisor, "handle", boom)
    caplog.set_level(logging.DEBUG)
    await chat.send("1")
    assert chat.last == t(locale, "tg.error")
    update_id = chat.last_update["update_id"]
    records = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("bot")]
    assert records, caplog.text
    assert any(str(update_id) in r.getMessage() and str(chat.user_id) in r.getMessage() for r in records)
    assert any(r.exc_info and isinstance(r.exc_info[1], RuntimeError) for r in records)
    assert harness.token not in caplog.text
    assert chat.harness.token.split(":")[1] not in caplog.text


async def test_an_error_during_a_click_still_answers_the_query(harness, chat, monkeypatch) -> None:
    await chat.send("/check")
    monkeypatch.setattr(Advisor, "handle", boom)
    chat.strict = False  # the error handler's second answerCallbackQuery may be refused; it is suppressed
    await chat.click(chat.option_buttons[0][1])
    chat.strict = True
    assert chat.last_callback_answer is not None
    assert chat.last == t("zh", "tg.error")
    monkeypatch.undo()
    await chat.answer()  # the saved position is intact: the same question still waits
    assert len(chat.stored_answers()) == 1


async def test_error_text_follows_the_language_the_user_chose(harness, monkeypatch) -> None:
    chat = harness.chat(language_code="zh-hans")
    await chat.send("/language")
    await chat.click("English")
    monkeypatch.setattr(HistoryService, "latest", boom)  # what /report reads
    await chat.send("/report")
    assert chat.last == t("en", "tg.error")


async def test_the_process_survives_an_error_and_keeps_serving(harness, chat, monkeypatch) -> None:
    monkeypatch.setattr(HistoryService, "latest", boom)
    await chat.send("/report")
    assert chat.last == t("zh", "tg.error")
    await chat.send("/help")
    assert chat.last.startswith(t("zh", "tg.help_title"))


async def test_failure_to_send_the_error_message_does_not_raise(harness, chat, monkeypatch, caplog) -> None:
    monkeypatch.setattr(HistoryService, "latest", boom)
    harness.core.fail("sendMessage", 500, times=1 + len(sending.RETRY_DELAYS))  # every attempt fails
    await chat.send("/report")
    assert any("could not tell user" in r.getMessage() for r in caplog.records)
