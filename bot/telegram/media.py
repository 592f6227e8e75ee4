"""Pictures and documents: the radar chart as a photo, the HTML report and the export as documents."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import ParseMode
from telegram.error import Forbidden

from bot.telegram.sending import UserBlockedBot


async def send_photo(bot: Bot, chat_id: int, png: bytes, caption: str | None,
                     keyboard: InlineKeyboardMarkup | None = None) -> Message:
    """A PNG with an HTML caption (at most 1,024 characters) and buttons."""
    try:
        return await bot.send_photo(chat_id, InputFile(png, filename="chart.png"), caption=caption,
                                    parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except Forbidden as error:
        raise UserBlockedBot(str(error)) from None


async def send_document(bot: Bot, chat_id: int, data: bytes, filename: str, caption: str | None = None) -> Message:
    """A file the owner can keep or forward."""
    try:
        return await bot.send_document(chat_id, InputFile(data, filename=filename), caption=caption,
                                       parse_mode=ParseMode.HTML)
    except Forbidden as error:
        raise UserBlockedBot(str(error)) from None
