"""One hostile update at a time into the real Application, and the checks every update must pass.

The bot runs as in tests/telegram (production's `serve`, PTB's update queue, a real SQLite file) against
FakeTelegram, which refuses what Telegram refuses: HTML it cannot parse, texts too long or empty, captions over
1,024 characters, callback data over 64 bytes, strings that are not valid UTF-8. After every update:

- no exception reached the error handler, except the two it exists for (a stale button, a repeated update);
- Telegram refused no call the bot made (but an edit that changes nothing or finds its message gone: the bot
  expects those and goes on, with a new message where one is needed);
- the owner got an answer: a message (new or edited) in a private chat, an answered callback, an answered
  inline query; a group hears from the bot only for the bot's own commands;
- the owner's replies are in the owner's language (Chinese owners read Chinese; English ones no Chinese
  but what they typed themselves);
- the owner's session still loads.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import ContextTypes

from bot.services.advisor import DuplicateUpdate, StaleStep
from bot.telegram.context import CHANNEL
from bot.views.i18n import catalog
from dialogs.machine import Stage
from tests.fuzz.fuzz_support import CJK
from tests.support.telegram_core import COMMAND, NOT_MODIFIED, ApiCallError, JSONDict
from tests.support.telegram_format import utf16_len
from tests.telegram.conftest import BotHarness, Chat

EXPECTED_ERRORS = (StaleStep, DuplicateUpdate)  # what on_error is for: answered as stale, or dropped
# English sentences that name Chinese words on purpose: the language picker, the typed keywords, 万 and 亿
BILINGUAL = frozenset(c for text in catalog("en").values() for c in CJK.findall(text))
_ids = itertools.count(50_000_001)


@dataclass
class Outcome:
    """What the bot did with one update."""

    replies: list[JSONDict] = field(default_factory=list)  # bot messages created or edited in the chat
    answered: JSONDict | None = None  # answerCallbackQuery params, for a callback
    inline: JSONDict | None = None  # answerInlineQuery params, for an inline query


# Refusals the bot expects and handles: an edit that changes nothing, an edit of a message that is gone (the bot
# sends a new one instead). Every other refusal is a defect.
TOLERATED = (NOT_MODIFIED, "Bad Request: message to edit not found", "Bad Request: message can't be edited",
             "Bad Request: there is no text in the message to edit")


def _tolerated(error: ApiCallError) -> bool:
    return error.method.startswith("editMessage") and error.description in TOLERATED


class Probe:
    """Feeds updates to the harness's Application and checks the properties above after each one."""

    def __init__(self, harness: BotHarness) -> None:
        self.harness = harness
        self.core = harness.core
        self.unexpected: list[BaseException] = []
        self.count = 0
        self.said: dict[int | None, set[str]] = {}  # every character each owner typed so far
        harness.app.add_error_handler(self._on_error)  # runs alongside production's on_error

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(context.error, EXPECTED_ERRORS):
            self.unexpected.append(context.error)

    # -- sending ------------------------------------------------------------------------------------

    async def feed(self, update: JSONDict, chat_id: int | None) -> Outcome:
        """Process one update; fail on an unexpected error or a call Telegram refused."""
        self.unexpected.clear()
        self.said.setdefault(_sender(update), set()).update(_typed(update))
        seq, errors = self.core.seq, len(self.core.errors)
        inline_calls = len(self.core.calls_to("answerInlineQuery"))
        await self.harness.process(update)
        self.count += 1
        refused = [e for e in self.core.errors[errors:] if not e.injected and not _tolerated(e)]
        assert not refused, "Telegram refused: " + "; ".join(
            f"{e.method} -> {e.description} ({str(e.params.get('text') or e.params.get('caption'))[:200]!r})"
            for e in refused)
        if self.unexpected:
            error = self.unexpected[0]
            self.unexpected.clear()
            raise AssertionError(f"the error handler got {type(error).__name__}: {error}") from error
        outcome = Outcome(self.core.messages_since(chat_id, seq) if chat_id is not None else [])
        if "callback_query" in update:
            outcome.answered = self.core.callback_answer(update["callback_query"]["id"])
        if "inline_query" in update:
            calls = self.core.calls_to("answerInlineQuery")[inline_calls:]
            outcome.inline = calls[-1] if calls else None
        return outcome

    def text_update(self, chat: Chat, text: str) -> JSONDict:
        return self.core.user_message(chat.user_id, text, chat.language_code, enqueue=False)

    def edited_update(self, chat: Chat, text: str) -> JSONDict:
        update = self.core.user_message(chat.user_id, "10", chat.language_code, enqueue=False)
        message = update.pop("message")
        message.update(text=text, edit_date=message["date"] + 5)
        message.pop("entities", None)
        return {**update, "edited_message": message}

    def photo_update(self, chat: Chat, caption: str) -> JSONDict:
        update = self.core.user_message(chat.user_id, "x", chat.language_code, enqueue=False)
        message = update["message"]
        del message["text"]
        message.pop("entities", None)
        message["photo"] = [{"file_id": "PHOTO-1", "file_unique_id": "p1", "width": 90, "height": 90}]
        if caption:
            message["caption"] = caption
        return update

    def click_update(self, chat: Chat, data: str, message_id: int | None = None) -> JSONDict:
        message_id = message_id or (chat.last_message or {}).get("message_id", 1)
        return self.core.user_click(chat.user_id, message_id, data, strict=False, enqueue=False)

    def inline_update(self, chat: Chat, query: str) -> JSONDict:
        sender = {"id": chat.user_id, "is_bot": False, "first_name": "U"}
        if chat.language_code:
            sender["language_code"] = chat.language_code
        return {"update_id": next(_ids), "inline_query": {"id": str(next(_ids)), "from": sender, "query": query,
                                                          "offset": ""}}

    def group_update(self, chat: Chat, group_id: int, text: str) -> JSONDict:
        sender = {"id": chat.user_id, "is_bot": False, "first_name": "U"}
        if chat.language_code:
            sender["language_code"] = chat.language_code
        message: JSONDict = {"message_id": next(_ids), "from": sender, "date": 1_700_000_000, "text": text,
                             "chat": {"id": group_id, "type": "supergroup", "title": "Shop owners"}}
        command = COMMAND.match(text)  # Telegram marks a command as it does in private chats
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}]
        return {"update_id": next(_ids), "message": message}

    # -- checking -----------------------------------------------------------------------------------

    def locale_of(self, chat: Chat) -> str | None:
        rows = self.harness.query("SELECT locale FROM users WHERE channel = ? AND external_id = ?", CHANNEL,
                                  str(chat.user_id))
        return rows[0][0] if rows else None

    def check_language(self, chat: Chat, replies: list[JSONDict]) -> None:
        """Every reply in the owner's language; what the owner typed (now or before) may come back as typed."""
        locale = self.locale_of(chat)
        typed = self.said.get(chat.user_id, set())
        for reply in replies:
            text = reply.get("text") or reply.get("caption") or ""
            foreign = set(CJK.findall(text)) - typed
            if locale == "en":
                foreign -= BILINGUAL
                assert not foreign, f"Chinese in an English owner's reply: {text[:300]!r}"
            elif locale == "zh" and text:
                assert foreign or not set(text) - set(typed), f"no Chinese in a Chinese owner's reply: {text[:300]!r}"

    def check_session(self, chat: Chat) -> Any:
        """The owner's session loads (and is coherent: a waiting question is one of the knowledge base's)."""
        session = chat.session
        if session is not None and session.stage == Stage.ASKING:
            assert session.current in self.harness.kb.questions
        return session

    def check_private(self, chat: Chat, outcome: Outcome, sent: str = "") -> None:
        """A private update: somebody answered, in the owner's language, and the session still loads.

        The one silence allowed: a command addressed to another bot ("/help@OtherBot"), which is not for us.
        """
        if not outcome.replies and outcome.answered is None:
            assert for_another_bot(sent, self.core.bot_user["username"]), "the owner got no answer at all"
        self.check_language(chat, outcome.replies)
        self.check_session(chat)

    def integrity(self) -> None:
        with sqlite3.connect(self.harness.db_path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def for_another_bot(text: str, username: str) -> bool:
    """A command Telegram marks as one ("/start@SomeBot") that names a bot other than ours."""
    command = COMMAND.match(text)
    _, at, name = command.group(0).partition("@") if command else ("", "", "")
    return bool(at) and name.lower() != username.lower()


def _sender(update: JSONDict) -> int | None:
    body = next((v for k, v in update.items() if k != "update_id"), {})
    return (body.get("from") or {}).get("id")


def _typed(update: JSONDict) -> str:
    body = next((v for k, v in update.items() if k != "update_id"), {})
    return "".join(str(body.get(key) or "") for key in ("text", "caption", "data", "query"))


async def waiting_at(chat: Chat, question_id: str, mode: str) -> None:
    """Bring the owner's open check (of `mode`) to `question_id`: start or resume it, answer or go back."""
    for _ in range(120):
        session = chat.session
        if session is None or not session.has_open_check or session.mode != mode:
            await chat.send("/check" if mode == "quick" else "/assess")
            if chat.session.stage != Stage.ASKING:  # an open check of the other mode: discard it
                await chat.click(f"d:{mode}")
            continue
        if session.stage != Stage.ASKING:
            await chat.send("/check" if mode == "quick" else "/assess")
            continue
        if session.current == question_id and not session.pending:
            return
        if question_id in session.asked or session.pending:
            await chat.send("返回")
        else:
            await chat.answer()
    raise AssertionError(f"could not bring the check to {question_id}")
