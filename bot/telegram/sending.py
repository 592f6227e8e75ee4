"""Sending and editing messages the way a careful bot does: HTML, tolerant of Telegram's usual refusals.

A call that fails on the way (a timeout, a dropped connection, a 5xx from the Bot API) is tried again after
`RETRY_DELAYS`; a refusal (400, 403) is not. 429s are the rate limiter's (`AIORateLimiter(max_retries=3)`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.telegram.plain_keyboard import PlainKeyboard
from bot.telegram.replies import Reply

log = logging.getLogger(__name__)

# the message cannot take this text: deleted, too old, someone else's, or a photo (a caption, no text)
_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid",
         "there is no text in the message to edit")
RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0)  # seconds before the 2nd, 3rd and 4th attempt
T = TypeVar("T")


class UserBlockedBot(Exception):
    """Telegram says the user blocked the bot or deleted their account."""


def retryable(error: Exception) -> bool:
    """A failure on the way to Telegram (timeout, network, 5xx), not a refusal of the call itself."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


async def with_retries(call: Callable[[], Awaitable[T]], what: str) -> T:
    """Await `call()`, trying again after each of RETRY_DELAYS while the failure is retryable."""
    for delay in RETRY_DELAYS:
        try:
            return await call()
        except NetworkError as error:
            if not retryable(error):
                raise
            log.warning("%s failed (%s); trying again in %.1f s", what, type(error).__name__, delay)
        await asyncio.sleep(delay)
    return await call()


def _markup(reply: Reply) -> tuple[InlineKeyboardMarkup | None, dict[str, Any] | None]:
    """(reply_markup, api_kwargs) for a reply: PTB's markup as it is, a plain keyboard as its JSON."""
    if isinstance(reply.keyboard, PlainKeyboard):
        return None, {"reply_markup": reply.keyboard.wire()}
    return reply.keyboard, None


async def send(bot: Bot, chat_id: int, reply: Reply) -> Message:
    """Send one reply, retried on network failures; UserBlockedBot when the user has blocked us."""
    markup, raw = _markup(reply)
    try:
        return await with_retries(lambda: bot.send_message(chat_id, reply.text, parse_mode=ParseMode.HTML,
                                                           reply_markup=markup, api_kwargs=raw), "sendMessage")
    except Forbidden as error:
        raise UserBlockedBot(str(error)) from None


async def edit_or_send(bot: Bot, chat_id: int, message_id: int, reply: Reply) -> Message | None:
    """Edit a message in place; an unchanged text is fine, a deleted message is replaced by a new one."""
    markup, raw = _markup(reply)
    try:
        edited = await with_retries(lambda: bot.edit_message_text(
            reply.text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
            reply_markup=markup, api_kwargs=raw), "editMessageText")
        return edited if isinstance(edited, Message) else None
    except BadRequest as error:
        text = str(error).lower()
        if "not modified" in text:
            return None
        if any(reason in text for reason in _GONE):
            log.info("message %s in chat %s is gone; sending a new one", message_id, chat_id)
            return await send(bot, chat_id, reply)
        raise
    except Forbidden as error:
        raise UserBlockedBot(str(error)) from None


async def drop_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Remove the buttons of an earlier question; best effort, nothing is lost if it fails."""
    try:
        await with_retries(lambda: bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id,
                                                                 reply_markup=None), "editMessageReplyMarkup")
    except BadRequest:
        pass
    except Forbidden as error:
        raise UserBlockedBot(str(error)) from None
