"""Faults the bot meets while running, in-process: two processes stepping one owner's session, and every kind of
Bot API failure injected into the sends (RetryAfter, TimedOut, NetworkError, Forbidden, BadRequest); a partner
comparison cut off before both sides had it.

The owner is never stranded: after each failure either the question arrives or the error message with its
"continue" button does; a blocked bot (Forbidden) marks the owner inactive.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from telegram.error import NetworkError, TimedOut

from bot.services.advisor import Advisor, StaleStep
from bot.storage.store import Store
from bot.telegram import sending
from bot.views.i18n import t
from dialogs.conversation import Answer
from knowledge.loader import get_knowledge
from tests.support import recording_request
from tests.support.typed import typed_number
from tests.telegram.conftest import BotHarness, Chat

TRANSPORT = {"TimedOut": TimedOut, "NetworkError": NetworkError}


@pytest.fixture
def transport_faults(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, type[Exception]]]:
    """Queue (method, exception) pairs: the next call of that method fails in the transport, before Telegram."""
    pending: list[tuple[str, type[Exception]]] = []
    original = recording_request.RecordingRequest.do_request

    async def do_request(self: Any, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        for index, (wanted, error) in enumerate(pending):
            if url.endswith("/" + wanted):
                del pending[index]
                raise error("injected")
        return await original(self, url, method, *args, **kwargs)

    monkeypatch.setattr(recording_request.RecordingRequest, "do_request", do_request)
    return pending


def not_stranded(chat: Chat, question_before: str) -> bool:
    """The owner sees the next question, or the error message with "continue"."""
    texts = chat.reply_texts
    moved = chat.current_question is not None and chat.current_question.id != question_before
    shows_question = any(chat.current_question.text("zh") in text for text in texts) if moved else False
    apology = any(t("zh", "tg.error") in text for text in texts) and chat.buttons and \
        chat.buttons[0][0] == t("zh", "buttons.resume")
    return shows_question or bool(apology)


def test_two_stores_on_one_file_stepping_one_owner_never_overwrite(tmp_path) -> None:
    """Two processes (two Stores, two connections) hold the same step; the compare-and-swap refuses the second."""
    path, kb = tmp_path / "shared.db", get_knowledge()
    first, second = Store(path), Store(path)
    try:
        one, two = Advisor(first, kb), Advisor(second, kb)
        user = first.user("telegram", "7001", "zh")
        one.begin(user.id, "quick")
        refused = 0
        for _ in range(8):
            waiting = second.load_session(user.id)
            question = kb.questions[waiting.current]
            typed = question.kind != "choice"
            value = Answer(typed_number(kb, question, "10")) if typed else Answer(question.options[0].id)
            one.handle(user.id, value, expected_seq=waiting.seq)  # the first process commits
            with pytest.raises(StaleStep):
                two.handle(user.id, Answer(typed_number(kb, question, "99")) if typed else value,
                           expected_seq=waiting.seq)
            refused += 1
            assert second.load_session(user.id).seq == waiting.seq + 1  # one step, the first process's
        stored = dict(first.db.execute("SELECT question_id, value FROM answers").fetchall())
        assert "99" not in "".join(stored.values())  # nothing the stale process held was written
        assert len(stored) == refused
        assert first.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize(("code", "kwargs"), [(429, {"retry_after": 1}), (502, {}), (500, {})],
                         ids=["RetryAfter", "BadGateway", "ServerError"])
async def test_a_failed_send_of_the_next_question_is_tried_again(harness: BotHarness, chat: Chat, code: int,
                                                                 kwargs: dict) -> None:
    await chat.send("/check")
    question = chat.current_question.id
    harness.core.fail("sendMessage", code, times=1, **kwargs)
    harness.core.fail("editMessageText", code, times=1, **kwargs)
    await chat.answer()
    assert not_stranded(chat, question)
    assert chat.current_question.id != question  # the answer was kept


@pytest.mark.parametrize("kind", TRANSPORT)
async def test_a_transport_failure_of_a_send_is_tried_again(harness: BotHarness, chat: Chat, transport_faults,
                                                            kind: str) -> None:
    await chat.send("/check")
    question = chat.current_question.id
    transport_faults.extend([("sendMessage", TRANSPORT[kind]), ("editMessageText", TRANSPORT[kind])])
    await chat.answer()
    assert not_stranded(chat, question)


async def test_a_send_that_keeps_failing_ends_in_the_error_message_with_continue(harness: BotHarness,
                                                                                 chat: Chat) -> None:
    chat.strict = False  # the refusals are the point (a callback answered twice is one of them)
    await chat.send("/check")
    harness.core.fail("sendMessage", 502, times=4)  # more than the retries: this send is given up
    harness.core.fail("editMessageText", 502, times=4)
    await chat.answer()
    await chat.send("/check")  # the owner writes again: the waiting question comes
    assert chat.current_question is not None
    assert any(chat.current_question.text("zh") in text for text in chat.reply_texts)


async def test_a_bad_request_on_a_send_leaves_the_owner_a_way_on(harness: BotHarness, chat: Chat) -> None:
    chat.strict = False  # the refusals are the point (a callback answered twice is one of them)
    await chat.send("/check")
    question = chat.current_question.id
    harness.core.fail("sendMessage", 400, times=1, description="Bad Request: message is too long")
    harness.core.fail("editMessageText", 400, times=1, description="Bad Request: message is too long")
    await chat.answer()
    assert not_stranded(chat, question)


async def test_forbidden_marks_the_owner_inactive(harness: BotHarness, chat: Chat) -> None:
    chat.strict = False  # the refusals are the point (a callback answered twice is one of them)
    await chat.send("/check")
    harness.core.block_user(chat.user_id)
    await chat.answer()
    assert harness.query("SELECT active FROM users WHERE external_id = ?", str(chat.user_id)) == [(0,)]
    harness.core.unblock_user(chat.user_id)
    await chat.send("/check")  # writing again: active again, and the question is there
    assert harness.query("SELECT active FROM users WHERE external_id = ?", str(chat.user_id)) == [(1,)]
    assert chat.current_question is not None


async def test_a_comparison_cut_off_before_both_sides_had_it_comes_at_the_next_start(harness: BotHarness,
                                                                                     instant_retries) -> None:
    """The owner's comparison never gets through, as when the process is killed after the partner's: it is not
    marked announced, and the next start sends it (before issue 12 it was marked first, and lost)."""
    owner = harness.chat(1001)
    await owner.send("/check")
    await owner.finish_check()
    await owner.send("/share")
    card = next(m for m in reversed(owner.messages) if "photo" in m)
    await owner.click("sh:invite", message_id=card["message_id"])
    payload = re.search(r"\?start=(p_[A-Za-z0-9_-]+)", owner.texts(owner.replies_since_last_send)[0]).group(1)
    partner = harness.chat(8008, "en")
    await partner.send(f"/start {payload}")
    harness.core.fail("sendPhoto", 502, times=len(sending.RETRY_DELAYS) + 1, chat_id=owner.user_id)
    await partner.finish_check()
    title = t("zh", "share.compare_title_owner", number=1)
    assert not any(title in text for text in owner.texts())
    assert any(t("en", "share.compare_title_partner") in text for text in partner.texts())
    assert harness.query("SELECT announced FROM partner_assessments") == [(0,)]
    await harness.restart()
    assert await harness.core.async_wait_for(lambda: any(title in text for text in owner.texts()))
    assert await harness.core.async_wait_for(
        lambda: harness.query("SELECT announced FROM partner_assessments") == [(1,)])
