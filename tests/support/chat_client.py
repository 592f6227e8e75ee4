"""ChatClient: a scripted Telegram user for handler tests, feeding updates straight into the Application.

Example::

    client = ChatClient(core, lambda d: app.process_update(Update.de_json(d, app.bot)), user_id=1001)
    await client.send("/start")
    assert "欢迎" in client.last
    await client.click("开始体检")
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.support.telegram_core import FakeTelegram, JSONDict

ProcessUpdate = Callable[[JSONDict], Awaitable[Any]]


class ChatClient:
    """One user in a private chat with the bot.

    With ``strict=True`` (default) every step fails with AssertionError if the bot made a Bot API call
    that Telegram rejected (bad HTML, too long, not modified, ...) - PTB would otherwise only log it.
    Failures injected with ``core.fail_next`` / ``core.block_user`` are not reported.
    """

    def __init__(
        self,
        core: FakeTelegram,
        process: ProcessUpdate,
        user_id: int = 1001,
        language_code: str | None = "zh-hans",
        *,
        first_name: str = "Tester",
        strict: bool = True,
    ) -> None:
        self.core = core
        self.process = process
        self.user_id = user_id
        self.language_code = language_code
        self.first_name = first_name
        self.strict = strict
        self.last_update: JSONDict | None = None
        self.last_query_id: str | None = None
        self._mark = core.seq
        self._error_mark = len(core.errors)

    @property
    def chat_id(self) -> int:
        """Private chat id (== user id)."""
        return self.user_id

    # ------------------------------------------------------------------ actions

    async def send(self, text: str) -> list[JSONDict]:
        """Write ``text`` to the bot, process it, and return the bot messages created/edited meanwhile."""
        self._begin()
        update = self.core.user_message(self.user_id, text, self.language_code, self.first_name, enqueue=False)
        await self._run(update)
        return self.replies_since_last_send

    async def click(self, label_or_callback_data: str, *, message_id: int | None = None) -> list[JSONDict]:
        """Press a button by its text (exact, else unique substring) or exact callback_data.

        Looks on ``message_id`` or else the newest bot message that has inline buttons; falls back to
        the chat's reply keyboard (pressing such a button sends its text).  Returns the replies.
        """
        message = self._message_with_buttons(message_id)
        data = self._match(message, label_or_callback_data) if message else None
        if data is None:
            keyboard = self.core.reply_keyboard(self.chat_id) if message_id is None else None
            labels = [
                b if isinstance(b, str) else b.get("text") for row in (keyboard or {}).get("keyboard", []) for b in row
            ]
            if label_or_callback_data in labels:
                return await self.send(label_or_callback_data)
            where = f"message {message['message_id']}" if message else "any bot message"
            raise AssertionError(
                f"no button {label_or_callback_data!r} on {where}; available buttons: "
                f"{self.core.buttons(message)}" + (f"; reply keyboard: {labels}" if labels else "")
            )
        assert message is not None
        self._begin()
        update = self.core.user_click(self.user_id, message["message_id"], data, enqueue=False)
        self.last_query_id = update["callback_query"]["id"]
        await self._run(update)
        return self.replies_since_last_send

    # ------------------------------------------------------------------ inspection

    @property
    def messages(self) -> list[JSONDict]:
        """All current bot messages in this chat, oldest first."""
        return self.core.messages(self.chat_id)

    @property
    def last_message(self) -> JSONDict | None:
        """Newest bot message in this chat."""
        return self.core.last_message(self.chat_id)

    @property
    def last(self) -> str | None:
        """Text (or caption) of the newest bot message, as the user sees it (HTML rendered)."""
        message = self.last_message
        if message is None:
            return None
        return message.get("text", message.get("caption"))

    @property
    def replies_since_last_send(self) -> list[JSONDict]:
        """Bot messages created or edited since the last send/click, oldest first."""
        return self.core.messages_since(self.chat_id, self._mark)

    @property
    def reply_texts(self) -> list[str]:
        """Texts/captions of :attr:`replies_since_last_send`."""
        return [m.get("text", m.get("caption", "")) for m in self.replies_since_last_send]

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """``(text, callback_data)`` of the newest bot message that has inline buttons."""
        return self.core.buttons(self._message_with_buttons(None))

    @property
    def last_callback_answer(self) -> JSONDict | None:
        """answerCallbackQuery params for the last click (None if the bot did not answer)."""
        return self.core.callback_answer(self.last_query_id) if self.last_query_id else None

    # ------------------------------------------------------------------ internals

    def _begin(self) -> None:
        self._mark = self.core.seq
        self._error_mark = len(self.core.errors)

    async def _run(self, update: JSONDict) -> None:
        self.last_update = update
        await self.process(update)
        if self.strict:
            errors = [e for e in self.core.errors[self._error_mark :] if not e.injected]
            if errors:
                details = "; ".join(f"{e.method} -> {e.error_code} {e.description}" for e in errors)
                raise AssertionError(f"Telegram rejected bot API call(s): {details}")

    def _message_with_buttons(self, message_id: int | None) -> JSONDict | None:
        if message_id is not None:
            message = self.core.message(self.chat_id, message_id)
            if message is None or message.get("deleted"):
                raise AssertionError(f"no message {message_id} in chat {self.chat_id}")
            return message
        for message in reversed(self.messages):
            if self.core.buttons(message):
                return message
        return None

    def _match(self, message: JSONDict, wanted: str) -> str | None:
        buttons = self.core.buttons(message)
        candidates = [b for b in buttons if b[0] == wanted] or [b for b in buttons if b[1] == wanted]
        if not candidates:
            candidates = [b for b in buttons if wanted and wanted in b[0]]
            if len(candidates) > 1:
                raise AssertionError(f"button label {wanted!r} is ambiguous: {candidates}")
        if not candidates:
            return None
        text, data = candidates[0]
        if data is None:
            raise AssertionError(f"button {text!r} has no callback_data (URL or other button type)")
        return data
