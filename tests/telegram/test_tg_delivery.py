"""Delivery that resumes: the next prompt is owed from the answer's commit until Telegram confirms it; a failed
send is retried, an error always offers "continue", and a restart sends whatever is still owed."""

from __future__ import annotations

import asyncio

from bot.telegram import jobs, sending
from bot.telegram.jobs import PURGE_EVERY, RESEND_EVERY
from bot.views.i18n import t

ATTEMPTS = 1 + len(sending.RETRY_DELAYS)


async def answer_through_a_failure(chat):
    """Answer while sends fail: the error handler's extra answerCallbackQuery may be refused (it is suppressed)."""
    chat.strict = False
    try:
        return await chat.answer()
    finally:
        chat.strict = True


def owed(harness) -> list[tuple]:
    return harness.query("SELECT user_id, seq FROM owed_prompts")


def asked(chat, question) -> list[dict]:
    return [m for m in chat.messages if question.text("zh") in m["text"] and chat.core.buttons(m)]


async def test_an_answered_question_owes_nothing_once_the_next_is_sent(harness, chat) -> None:
    await chat.send("/check")
    await chat.answer()
    assert owed(harness) == []
    assert chat.question_message is not None


async def test_a_send_that_fails_on_the_way_is_retried(harness, chat) -> None:
    await chat.send("/check")
    harness.core.fail("sendMessage", 502, times=2)  # the next question's send fails twice, then goes through
    question = await chat.answer()
    waiting = chat.current_question
    assert waiting.id != question.id
    assert len(asked(chat, waiting)) == 1
    assert owed(harness) == []
    assert t("zh", "tg.error") not in chat.texts()


async def test_a_send_that_fails_for_good_offers_continue_and_stays_owed(harness, chat) -> None:
    await chat.send("/check")
    harness.core.fail("sendMessage", 500, times=ATTEMPTS)  # every attempt at the next question fails
    await answer_through_a_failure(chat)
    waiting = chat.current_question
    assert asked(chat, waiting) == []
    assert chat.last == t("zh", "tg.error")
    assert [d for _, d in chat.buttons] == ["m:resume"]  # the error's one button: continue
    assert owed(harness) == [(chat.db_user_id, chat.session.seq)]
    await chat.click("m:resume")
    assert len(asked(chat, waiting)) == 1
    assert owed(harness) == []


async def test_a_restart_sends_the_owed_prompt_at_start(harness, chat) -> None:
    await chat.send("/check")
    harness.core.fail("sendMessage", 502, times=2 * ATTEMPTS)  # the question and the error message both fail
    await answer_through_a_failure(chat)
    waiting = chat.current_question
    assert asked(chat, waiting) == []
    assert owed(harness) == [(chat.db_user_id, chat.session.seq)]
    await harness.restart()
    assert await harness.core.async_wait_for(lambda: bool(asked(chat, waiting)), 5)
    assert await harness.core.async_wait_for(lambda: owed(harness) == [], 5)
    assert len(asked(chat, waiting)) == 1
    await chat.answer()  # and its buttons work: the check goes on
    assert chat.current_question.id != waiting.id


async def test_an_owed_prompt_overtaken_by_a_newer_step_is_not_sent(harness, chat) -> None:
    await chat.send("/check")
    harness.core.fail("sendMessage", 502, times=2 * ATTEMPTS)
    await answer_through_a_failure(chat)
    waiting = chat.current_question
    chat.strict = False  # the prompt on record is the answered question: removing its buttons is refused
    await chat.send("/cancel")  # a newer step: the paused check owes no question
    chat.strict = True
    assert owed(harness) == []
    await harness.restart()
    await harness.app.update_queue.join()
    assert asked(chat, waiting) == []


async def test_the_jobs_resend_every_minute_and_purge_daily(harness) -> None:
    jobs = {job.name: job for job in harness.app.job_queue.jobs()}
    assert jobs["resend owed prompts"].job.trigger.interval == RESEND_EVERY
    assert jobs["purge processed updates"].job.trigger.interval == PURGE_EVERY


async def test_the_purge_runs_at_start(harness, monkeypatch) -> None:
    old = "2000-01-01T00:00:00+00:00"
    harness.store.db.execute("INSERT INTO processed_updates (update_id, seen) VALUES (1, ?)", [old])
    harness.store.db.conn.commit()
    purged, purge = asyncio.Event(), jobs.purge_processed_updates

    async def purge_and_tell(context) -> None:
        await purge(context)
        purged.set()

    monkeypatch.setattr(jobs, "purge_processed_updates", purge_and_tell)
    await harness.restart()
    await asyncio.wait_for(purged.wait(), 5)
    assert harness.query("SELECT * FROM processed_updates WHERE update_id = 1") == []
