"""Sending and editing messages the way a careful bot does: HTML, tolerant of Telegram's usual refusals."""

from __future__ import annotations

import logging

from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.telegram.replies import Reply

log = logging.getLogger(__name__)

_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


class UserBlockedBot(Exception):
    """Telegram says the user blocked the bot or deleted their account."""


async def send(bot: Bot, chat_id: int, reply: Reply) -> Message:
    """Send one reply; UserBlockedBot when the user has blocked us."""
    try:
        return await bot.send_message(chat_id, reply.text, parse_mode=ParseMode.HTML, reply_markup=reply.keyboard)
    except Forbidden as error:
        raise UserBlockedBot(str(error)) from None


async def edit_or_send(bot: Bot, chat_id: int, message_id: int, reply: Reply) -> Message | None:
    """Edit a message in place; an unchanged text is fine, a deleted message is replaced by a new one."""
    try:
        edited = await bot.edit_message_text(reply.text, chat_id=chat_id, message_id=message_id,
                                             parse_mode=ParseMode.HTML, reply_markup=reply.keyboard)
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
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None)
    except BadRequest:
        pass
    except Forbidden as error:
        raise UserBlockedBot(str(error)) from None
