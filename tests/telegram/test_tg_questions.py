"""Questions on Telegram: option and navigation buttons, typed numbers, edits in place, stale buttons, resume."""

from __future__ import annotations

import pytest

from bot.telegram import callbacks
from bot.telegram.replies import question_keyboard
from bot.views.i18n import t
from dialogs.session import Session
from knowledge.loader import get_knowledge


def keyboard_data(markup) -> list[str]:
    return [button.callback_data for row in markup.inline_keyboard for button in row]


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("can_go_back", [True, False])
def test_callback_data_fits_64_bytes_for_every_question_and_option(locale: str, can_go_back: bool) -> None:
    kb = get_knowledge()
    assert kb.questions
    for question in kb.questions.values():
        session = Session(stage="asking", mode="full", current=question.id, assessment_id=10**9, seq=10**9)
        markup = question_keyboard(kb, session, locale, can_go_back).markup()
        data = keyboard_data(markup)
        option_data = [d for d in data if d.startswith("a:")]
        assert len(option_data) == len(question.options)
        for option, d in zip(question.options, option_data, strict=True):
            assert d.endswith(f":{option.id}")
            assert callbacks.unpack(d) is not None
        nav = {d.rsplit(":", 1)[1] for d in data if d.startswith("n:")}
        assert nav == ({"back", "skip", "why", "cancel"} if can_go_back else {"skip", "why", "cancel"})
        for d in data:
            assert 1 <= len(d.encode("utf-8")) <= 64, (question.id, d)
        for row in markup.inline_keyboard:
            for button in row:
                assert button.text.strip()


async def test_choice_question_has_options_and_navigation_buttons(chat) -> None:
    await chat.send("/check")
    question = chat.current_question
    assert question.kind == "choice"
    assert len(chat.option_buttons) == len(question.options)
    for (label, _), option in zip(chat.option_buttons, question.options, strict=True):
        assert option.label("zh") in label
    nav = {d.rsplit(":", 1)[1] for _, d in chat.buttons if d.startswith("n:")}
    assert nav == {"skip", "why", "cancel"}  # the first question has no "back"
    await chat.answer()
    nav = {d.rsplit(":", 1)[1] for _, d in chat.buttons if d.startswith("n:")}
    assert nav == {"back", "skip", "why", "cancel"}


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh"), ("en", "en")])
async def test_every_question_shows_a_progress_line(harness, language: str, locale: str) -> None:
    chat = harness.chat(language_code=language)
    await chat.send("/check")
    seen = 0
    for _ in range(80):
        message = chat.question_message
        assert chat.PROGRESS[locale].search(message["text"]), message["text"]
        seen += 1
        await chat.answer()
        if chat.session.current is None:
            break
    assert seen >= 8
    assert harness.core.messages(chat.chat_id)


async def test_tapped_answer_is_edited_in_place_with_a_tick_and_no_keyboard(chat) -> None:
    await chat.send("/check")
    message = chat.question_message
    question = chat.current_question
    option = question.options[1]
    await chat.click(chat.option_buttons[1][1])
    edited = chat.core.message(chat.chat_id, message["message_id"])
    assert edited["edit_count"] == 1
    assert f"✓ {option.label('zh')}" in edited["text"]
    assert question.text("zh") in edited["text"]
    assert not chat.core.buttons(edited)
    assert chat.stored_answers() == {question.id: option.id}
    assert chat.last_callback_answer is not None
    # the next question is a new message below
    assert chat.question_message["message_id"] > message["message_id"]


async def test_numbers_are_typed(chat) -> None:
    await chat.send("/check")
    while chat.current_question.kind != "number":
        await chat.answer()
    question = chat.current_question
    assert not chat.option_buttons  # nothing to tap, only back/skip/why/pause
    assert {d.rsplit(":", 1)[1] for _, d in chat.buttons} == {"back", "skip", "why", "cancel"}
    await chat.send("50万")
    assert chat.stored_answers()[question.id] == 500000


async def test_typed_number_answer_edits_the_question_with_a_tick_and_no_keyboard(chat) -> None:
    await chat.send("/check")
    while chat.current_question.kind != "number":
        await chat.answer()
    message = chat.question_message
    await chat.send("50万")
    edited = chat.core.message(chat.chat_id, message["message_id"])
    assert not chat.core.buttons(edited)
    assert "✓" in edited["text"], edited["text"]


async def test_option_typed_by_its_number(chat) -> None:
    await chat.send("/check")
    question = chat.current_question
    await chat.send("2")
    assert chat.stored_answers() == {question.id: question.options[1].id}


async def test_back_skip_and_why(chat) -> None:
    await chat.send("/check")
    first = await chat.answer()
    second = chat.current_question
    await chat.click(chat.nav("why"))
    assert second.why("zh") in chat.question_message["text"]
    assert chat.current_question == second
    await chat.click(chat.nav("back"))
    assert chat.current_question == first
    assert t("zh", "conv.back") in chat.question_message["text"]
    await chat.answer(pick=-1)
    assert chat.stored_answers()[first.id] == first.options[-1].id
    assert chat.current_question == second
    await chat.click(chat.nav("skip"))
    assert second.id not in chat.stored_answers()
    assert chat.current_question != second


async def test_pause_button_pauses(chat) -> None:
    await chat.send("/check")
    await chat.answer()
    await chat.click(chat.nav("cancel"))
    assert chat.last == t("zh", "conv.paused", answered=1)
    assert chat.question_message is None  # no question keeps live buttons


def snapshot(harness, chat) -> tuple:
    return (chat.session.to_dict(), harness.query("SELECT * FROM answers"), harness.core.seq)


async def test_button_of_an_older_question_is_refused_and_changes_nothing(harness, chat) -> None:
    await chat.send("/check")
    old = chat.question_message
    old_data = chat.option_buttons[0][1]
    await chat.answer()
    before = snapshot(harness, chat)
    query = chat.core.user_click(chat.user_id, old["message_id"], old_data, strict=False, enqueue=False)
    await harness.process(query)
    answer = chat.core.callback_answer(query["callback_query"]["id"])
    assert answer is not None
    assert answer.get("text") == t("zh", "tg.stale_button")
    assert snapshot(harness, chat) == before


async def test_two_quick_taps_on_one_option_record_one_answer(harness, chat) -> None:
    await chat.send("/check")
    message = chat.question_message
    data = chat.option_buttons[0][1]
    first = chat.core.user_click(chat.user_id, message["message_id"], data, enqueue=False)
    second = chat.core.user_click(chat.user_id, message["message_id"], data, enqueue=False)
    await harness.process(first)
    after_first = snapshot(harness, chat)
    await harness.process(second)
    assert snapshot(harness, chat) == after_first
    assert len(chat.stored_answers()) == 1
    assert chat.core.callback_answer(first["callback_query"]["id"]) == {
        "callback_query_id": first["callback_query"]["id"]
    }
    assert chat.core.callback_answer(second["callback_query"]["id"])["text"] == t("zh", "tg.stale_button")


async def test_button_from_another_users_session_is_refused(harness) -> None:
    alice, bob = harness.chat(user_id=3001), harness.chat(user_id=3002)
    await alice.send("/check")
    await bob.send("/check")
    await bob.answer()
    alice_data = alice.option_buttons[0][1]
    bob_message = bob.question_message
    before_alice, before_bob = snapshot(harness, alice), snapshot(harness, bob)
    forged = harness.core.user_click(bob.user_id, bob_message["message_id"], alice_data, strict=False, enqueue=False)
    await harness.process(forged)
    assert harness.core.callback_answer(forged["callback_query"]["id"])["text"] == t("zh", "tg.stale_button")
    assert (snapshot(harness, alice))[:2] == before_alice[:2]
    assert (snapshot(harness, bob))[:2] == before_bob[:2]


async def test_button_of_an_older_check_is_refused_even_with_the_current_step(harness, chat) -> None:
    await chat.send("/check")
    await chat.answer()
    old_assessment = chat.session.assessment_id
    await chat.send("/assess")
    await chat.click("d:full")  # start over: discard the open quick check
    session = chat.session
    assert session.assessment_id != old_assessment
    option = chat.current_question.options[0].id
    forged = f"a:{old_assessment}:{session.seq}:{option}"
    before = snapshot(harness, chat)
    query = harness.core.user_click(chat.user_id, chat.question_message["message_id"], forged, strict=False,
                                    enqueue=False)
    await harness.process(query)
    assert harness.core.callback_answer(query["callback_query"]["id"])["text"] == t("zh", "tg.stale_button")
    assert snapshot(harness, chat) == before


async def test_check_while_a_quick_check_is_open_continues_at_the_same_question(chat) -> None:
    await chat.send("/check")
    await chat.answer()
    await chat.answer()
    waiting = chat.current_question
    answers = chat.stored_answers()
    await chat.send("/check")
    assert chat.current_question == waiting
    assert waiting.text("zh") in chat.question_message["text"]
    assert t("zh", "conv.resumed") in chat.question_message["text"]
    assert chat.stored_answers() == answers
    await chat.answer()
    assert waiting.id in chat.stored_answers()


async def test_assess_while_a_quick_check_is_open_asks_to_continue_or_discard(chat) -> None:
    await chat.send("/check")
    await chat.answer()
    waiting = chat.current_question
    await chat.send("/assess")
    data = [d for _, d in chat.buttons]
    assert data == ["m:resume", "d:full"]
    assert chat.session.mode == "quick"
    await chat.click("m:resume")
    assert chat.current_question == waiting
    assert waiting.text("zh") in chat.question_message["text"]


async def test_only_the_current_question_keeps_its_buttons(chat) -> None:
    await chat.send("/check")
    for _ in range(4):
        await chat.answer()
    live = [m for m in chat.messages if any(chat.stamp_of(d) for _, d in chat.core.buttons(m))]
    assert len(live) == 1


def test_a_plain_keyboard_is_sent_as_ptb_would_send_its_markup() -> None:
    kb = get_knowledge()
    question = next(q for q in kb.questions.values() if q.kind == "choice")
    session = Session(stage="asking", mode="full", current=question.id, assessment_id=3, seq=9)
    keyboard = question_keyboard(kb, session, "zh", True)
    assert keyboard.wire() == keyboard.markup().to_dict()


def test_question_texts_are_kept_and_an_unhashable_earlier_answer_is_rendered_each_time() -> None:
    from bot.telegram.replies import question_text
    from dialogs.outputs import Ask

    kb = get_knowledge()
    question = next(q for q in kb.questions.values() if q.kind == "choice")
    ask = Ask(question.id, (1, 8, 1, 2))
    assert question_text(kb, ask, "en") is question_text(kb, ask, "en")  # kept
    listed = Ask(question.id, (1, 8, 1, 2), previous=["a", "b"])  # a list cannot be a key
    assert question_text(kb, listed, "en") == question_text(kb, listed, "en")
    assert question_text(kb, ask, "zh") != question_text(kb, ask, "en")
