"""Bad inputs during a number question get a short re-ask in the user's language; nothing is stored."""

from __future__ import annotations

import pytest

from bot.views.i18n import t

BAD = ["", "abc", "x" * 10_240, "😀🚀", "<b>1</b>", "\x00", "-5", "1e999", "   ", "1e309", "NaN", "inf",
       "5 or 6", "&#49;"]


async def at_number_question(chat) -> None:
    await chat.send("/check")
    while chat.current_question.kind != "number":
        await chat.answer()


def sticker_message(chat, update_id: int | None = None) -> dict:
    return {
        "message_id": 900,
        "date": 1_700_000_000,
        "chat": {"id": chat.chat_id, "type": "private", "first_name": "Tester"},
        "from": {"id": chat.user_id, "is_bot": False, "first_name": "Tester", "language_code": chat.language_code},
        "sticker": {"file_id": "CAACAgIAAxk", "file_unique_id": "AgAD", "type": "regular", "width": 512,
                    "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"},
    }


def photo_message(chat) -> dict:
    return {
        "message_id": 901,
        "date": 1_700_000_000,
        "chat": {"id": chat.chat_id, "type": "private", "first_name": "Tester"},
        "from": {"id": chat.user_id, "is_bot": False, "first_name": "Tester", "language_code": chat.language_code},
        "photo": [{"file_id": "AgACAgIAAxk", "file_unique_id": "AQAD", "width": 90, "height": 90}],
        "caption": "<b>my shop</b> & me",
    }


def assert_reasked(chat, question, before: dict, locale: str) -> None:
    assert chat.current_question == question
    assert chat.stored_answers() == before
    replies = chat.replies_since_last_send
    new = [m for m in replies if m["edit_count"] == 0]
    assert len(new) == 1, chat.reply_texts
    text = new[0]["text"]
    assert text.startswith("⚠️")
    assert text.startswith("⚠️ " + t(locale, "conv.reask", reason="@").split("@")[0])
    assert question.text(locale) in text
    assert len(text) < 600  # short: no wall of text, no stack trace
    assert "Traceback" not in text
    assert {d.rsplit(":", 1)[1] for _, d in chat.buttons if d.startswith("n:")} >= {"skip", "why", "cancel"}


@pytest.mark.parametrize("text", BAD, ids=lambda s: repr(s[:12]))
async def test_bad_number_is_reasked_and_nothing_stored(chat, text: str) -> None:
    await at_number_question(chat)
    question = chat.current_question
    before = chat.stored_answers()
    session = chat.session.to_dict()
    await chat.send(text)
    assert_reasked(chat, question, before, "zh")
    assert chat.session.to_dict()["answers"] == session["answers"]
    # and a good answer still works afterwards
    await chat.send("12万")
    assert question.id in chat.stored_answers()


@pytest.mark.parametrize("text", ["abc", "-5", "1e999", "😀"])
async def test_bad_number_reask_is_in_english_for_english_users(harness, text: str) -> None:
    chat = harness.chat(language_code="en")
    await at_number_question(chat)
    question = chat.current_question
    before = chat.stored_answers()
    await chat.send(text)
    assert_reasked(chat, question, before, "en")
    assert "I can't use that answer" in chat.last


@pytest.mark.parametrize("kind", ["sticker", "photo"])
async def test_sticker_or_photo_during_a_question_is_reasked(harness, chat, kind: str) -> None:
    await at_number_question(chat)
    question = chat.current_question
    before = chat.stored_answers()
    message = sticker_message(chat) if kind == "sticker" else photo_message(chat)
    update = harness.core.push_update({"message": message})
    chat._begin()
    await chat._run(update)
    assert_reasked(chat, question, before, "zh")
    if kind == "sticker":  # not "no answer given"; a photo's caption is read as the answer
        assert t("zh", "reasons.not_text") in chat.last


@pytest.mark.parametrize("kind", ["sticker", "photo"])
async def test_sticker_or_photo_outside_a_check_gets_the_pointer(harness, chat, kind: str) -> None:
    message = sticker_message(chat) if kind == "sticker" else photo_message(chat)
    update = harness.core.push_update({"message": message})
    chat._begin()
    await chat._run(update)
    assert chat.last == t("zh", "conv.free_text_pointer")


async def test_sticker_during_a_choice_question(harness, chat) -> None:
    await chat.send("/check")
    question = chat.current_question
    update = harness.core.push_update({"message": sticker_message(chat)})
    chat._begin()
    await chat._run(update)
    assert chat.current_question == question
    assert chat.stored_answers() == {}
    assert chat.last.startswith("⚠️")
    assert t("zh", "reasons.not_text") in chat.last


async def test_editing_a_typed_answer_does_not_answer_the_next_question(harness, chat) -> None:
    """Telegram sends an edited_message when the user fixes a typo in an answer they already sent."""
    await at_number_question(chat)
    question = chat.current_question
    await chat.send("12万")
    original = dict(chat.last_update["message"])
    stored = chat.stored_answers()
    after = chat.current_question
    assert after != question
    edited = {"edited_message": {**original, "text": "99", "edit_date": original["date"] + 5}}
    update = harness.core.push_update(edited)
    await harness.process(update)
    assert chat.stored_answers() == stored, "the edit was taken as the answer to the next question"
    assert chat.current_question == after
