"""Regressions on Telegram: what the fuzz suite (tests/fuzz/test_fuzz_telegram.py) found, each with its input.

- A time button of /remind while reminders were on stored frequency NULL (IntegrityError): `applied` set the
  frequency a time button leaves out to None instead of keeping the current one.
- `/remind tz America` (a folder of the zone database): IsADirectoryError; a forged `rm:z:<anything>` stored a zone
  ZoneInfo refuses.
- Forged buttons with "²", "፩" or "𐩀" for a number (str.isdigit() takes them, int() does not): ValueError; with
  25 digits: OverflowError from SQLite.
- A "why" tap on a message Telegram no longer shows (PTB gives it no text) sent the owner "None" and the why.
- "Show figures" tapped anywhere but the card itself (or on a card gone): BadRequest.
- A button that edits its text message in place, tapped under a photo: BadRequest instead of a new message.
"""

from __future__ import annotations

import pytest

from bot.views.i18n import t
from tests.telegram.conftest import BAD_NUMBERS


async def test_a_time_button_while_reminders_are_on_keeps_the_frequency(harness) -> None:
    chat = harness.chat(3001, "en")
    await chat.send("/remind daily 09:00")
    await chat.click("rm:h:18")  # strict: an error reaching Telegram, or a refusal, fails here
    assert "every day at 18:00" in chat.last
    assert harness.query("SELECT frequency, hour FROM reminders") == [("daily", 18)]


async def test_remind_tz_folder_gets_the_timezone_hint(harness) -> None:
    chat = harness.chat(3002, "en")
    await chat.send("/remind tz America")
    assert t("en", "reminders.errors.timezone") in chat.last


@pytest.mark.parametrize("data", ["x:d:¹", "x:x:፩", "rm:h:²", "rm:q:¹-2", "rm:p:daily:0:1:፩:0:cash", "rm:a:𐩀:done",
                                  "sh:rev:²", "g:¹:d:cash_flow", "g:9999999999999999999999999:a:",
                                  "x:d:99999999999999999999", "rm:z:", "rm:z:America", "rm:z:../../etc/passwd"])
async def test_forged_buttons_with_odd_numbers_are_answered_as_unknown(harness, data: str) -> None:
    chat = harness.chat(3003, "zh-hans")
    await chat.send("/check")
    await chat.finish_check(numbers=BAD_NUMBERS)
    before = harness.query("SELECT * FROM reminders"), harness.query("SELECT * FROM focus_actions")
    update = harness.core.user_click(chat.user_id, chat.last_message["message_id"], data, strict=False, enqueue=False)
    await chat._run(update)  # strict: any refused call fails
    assert harness.core.callback_answer(update["callback_query"]["id"]) is not None
    assert (harness.query("SELECT * FROM reminders"), harness.query("SELECT * FROM focus_actions")) == before
    assert not [m for m in chat.replies_since_last_send if t("zh", "tg.error") in (m.get("text") or "")]


async def test_why_on_a_message_telegram_no_longer_shows(harness) -> None:
    chat = harness.chat(3004, "en")
    await chat.send("/check")
    why = chat.nav("why")
    gone = harness.core.user_click(chat.user_id, 999, why, strict=False, enqueue=False)  # date 0: inaccessible
    await harness.process(gone)
    assert all("None" not in text for text in chat.reply_texts)
    assert any(harness.kb.questions[chat.session.current].why("en") in text for text in chat.reply_texts)


async def test_figures_button_away_from_the_card(harness) -> None:
    chat = harness.chat(3005, "zh-hans")
    await chat.send("/check")
    await chat.finish_check(numbers=BAD_NUMBERS)
    text_message = chat.last_message["message_id"]  # the report's last message: text, no card
    update = harness.core.user_click(chat.user_id, text_message, "sh:fig", strict=False, enqueue=False)
    await chat._run(update)
    assert harness.core.callback_answer(update["callback_query"]["id"]) is not None


async def test_an_in_place_button_under_a_photo_sends_anew(harness) -> None:
    chat = harness.chat(3006, "en")
    await chat.send("/check")
    await chat.finish_check(numbers=BAD_NUMBERS)
    await chat.send("/report")
    photo = next(m for m in reversed(chat.messages) if "photo" in m)
    update = harness.core.user_click(chat.user_id, photo["message_id"], "rm:f:daily", strict=False, enqueue=False)
    await harness.process(update)
    assert "every day" in chat.last  # the settings as a new message
    refused = [e for e in harness.core.errors if "there is no text" not in e.description]
    assert refused == []
