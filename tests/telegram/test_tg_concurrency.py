"""Owners at once: different owners' updates run side by side, one owner's stay in order, and a second tap in
flight can never apply to the next question (the step's compare-and-swap), whatever the scheduling."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update

from bot.services.advisor import Advisor, StaleStep
from bot.telegram.processor import OwnerQueues, owner_of
from bot.views.i18n import t
from dialogs.conversation import Answer


def answers_and_questions(harness, chat) -> tuple:
    return chat.stored_answers(), chat.session.seq, chat.current_question.id


@pytest.mark.parametrize("order", [(0, 1), (1, 0)], ids=["first-option-first", "second-option-first"])
async def test_two_taps_in_flight_on_one_question_apply_once(harness, chat, order) -> None:
    """Both taps are queued together and run through the per-owner processor: the first wins, the second is stale."""
    await chat.send("/check")
    question, message = chat.current_question, chat.question_message
    options = chat.option_buttons
    taps = [harness.core.user_click(chat.user_id, message["message_id"], options[i][1], enqueue=False)
            for i in order]
    harness.core.latency = 0.02  # every Bot API call takes a while, so the first tap is still in flight
    await harness.feed(*taps)
    harness.core.latency = 0.0
    assert chat.stored_answers() == {question.id: question.options[order[0]].id}
    assert harness.core.callback_answer(taps[1]["callback_query"]["id"])["text"] == t("zh", "tg.stale_button")
    asked_second = [m for m in chat.messages if "第 2/2 题" in m["text"]]
    assert len(asked_second) == 1  # the next question was asked once, and nothing was applied to it
    assert chat.current_question.id != question.id


async def test_a_tap_read_before_an_earlier_step_committed_is_stale(harness, chat) -> None:
    """Without the processor's order (two handlers interleaved), the compare-and-swap refuses the second."""
    await chat.send("/check")
    user_id, waiting = chat.db_user_id, chat.session
    advisor: Advisor = harness.app.bot_data["deps"].advisor
    option = chat.current_question.options[0].id
    advisor.handle(user_id, Answer(option), expected_seq=waiting.seq)  # the first tap commits
    before = answers_and_questions(harness, chat)
    with pytest.raises(StaleStep):
        advisor.handle(user_id, Answer(option), expected_seq=waiting.seq)  # the second still holds the old step
    assert answers_and_questions(harness, chat) == before


async def test_two_taps_processed_side_by_side_without_the_processor(harness, chat) -> None:
    """Two handlers of one owner run at once (bypassing OwnerQueues): still one answer, one stale tap."""
    await chat.send("/check")
    message, data = chat.question_message, chat.option_buttons[0][1]
    taps = [harness.core.user_click(chat.user_id, message["message_id"], data, enqueue=False) for _ in range(2)]
    harness.core.latency = 0.02
    await asyncio.gather(*(harness.app.process_update(Update.de_json(tap, harness.app.bot)) for tap in taps))
    harness.core.latency = 0.0
    assert len(chat.stored_answers()) == 1
    texts = [harness.core.callback_answer(tap["callback_query"]["id"]).get("text") for tap in taps]
    assert sorted(texts, key=str) == sorted([None, t("zh", "tg.stale_button")], key=str)


async def test_one_owners_updates_stay_in_order_while_the_first_is_slow(harness, chat) -> None:
    """/check then a typed "1" in flight together: the "1" waits for the question and answers it."""
    check = harness.core.user_message(chat.user_id, "/check", "zh-hans", enqueue=False)
    typed = harness.core.user_message(chat.user_id, "1", "zh-hans", enqueue=False)
    harness.core.delay_next("sendMessage", 0.2)  # the first question takes long to send
    await harness.feed(check, typed)
    assert len(chat.stored_answers()) == 1


async def test_other_owners_are_not_held_up_by_a_slow_one(harness) -> None:
    slow, quick = harness.chat(user_id=5001), harness.chat(user_id=5002)
    harness.core.delay_next("sendMessage", 0.5)  # the first send (the slow owner's) takes half a second
    updates = [harness.core.user_message(c.user_id, "/help", "zh-hans", enqueue=False) for c in (slow, quick)]
    await harness.feed(*updates)
    answered = [params["chat_id"] for method, params in harness.core.calls if method == "sendMessage"]
    assert answered == [quick.user_id, slow.user_id]  # the quick owner's reply did not wait for the slow one


async def test_the_processor_serialises_per_owner_and_forgets_idle_owners() -> None:
    processor = OwnerQueues()
    events: list[str] = []
    gate = asyncio.Event()

    async def job(name: str, wait: bool = False) -> None:
        events.append(f"{name} start")
        if wait:
            await gate.wait()
        events.append(f"{name} end")

    def update(user_id: int) -> Update:
        return Update.de_json({"update_id": user_id * 10 + len(events),
                               "message": {"message_id": 1, "date": 0, "text": "x",
                                           "chat": {"id": user_id, "type": "private"},
                                           "from": {"id": user_id, "is_bot": False, "first_name": "A"}}}, None)

    first = asyncio.create_task(processor.process_update(update(1), job("a1", wait=True)))
    second = asyncio.create_task(processor.process_update(update(1), job("a2")))
    other = asyncio.create_task(processor.process_update(update(2), job("b1")))
    await other
    assert events == ["a1 start", "b1 start", "b1 end"]  # owner 2 ran while owner 1's first update waited
    gate.set()
    await asyncio.gather(first, second)
    assert events[3:] == ["a1 end", "a2 start", "a2 end"]
    assert processor.owners == 0
    assert owner_of(object()) is None
