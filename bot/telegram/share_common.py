"""What the sharing handlers share: the services (one per Application), link URLs, the card and its photo."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, Message
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.services.partners import Partners
from bot.services.sharing import Sharing
from bot.telegram.context import deps
from bot.telegram.sending import with_retries
from bot.views.compare_chart import overlay_radar_png
from bot.views.i18n import t

CALLBACK = "sh"  # sh:<fig|link|invite|html|cmp> | sh:rev:<link id>


def sharing(context: ContextTypes.DEFAULT_TYPE) -> Sharing:
    """The Application's one Sharing service (its throttles live in memory); tests replace its clock."""
    data = context.application.bot_data
    if "sharing" not in data:
        data["sharing"] = Sharing(deps(context).store)
    return data["sharing"]


def partners(context: ContextTypes.DEFAULT_TYPE) -> Partners:
    d = deps(context)
    return Partners(d.store, d.kb)


def link_url(context: ContextTypes.DEFAULT_TYPE, payload: str) -> str:
    return f"https://t.me/{context.bot.username}?start={payload}"


def private_url(context: ContextTypes.DEFAULT_TYPE) -> str:
    return link_url(context, "group")  # a payload that starts nothing: the welcome


def day(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).date().isoformat()


def button(locale: str, key: str, data: str | None = None, url: str | None = None,
           **values: object) -> InlineKeyboardButton:
    text = t(locale, f"share.buttons.{key}", **values)
    return InlineKeyboardButton(text, url=url) if url else InlineKeyboardButton(text, callback_data=data)


async def radar(context: ContextTypes.DEFAULT_TYPE, series: list[Mapping[str, int | None]], locale: str) -> bytes:
    """One or more radars on one chart, rendered off the event loop."""
    return await asyncio.to_thread(overlay_radar_png, deps(context).kb, series, locale)


async def send_photo(context: ContextTypes.DEFAULT_TYPE, chat_id: int, photo: bytes | str, caption: str,
                     keyboard=None) -> Message:
    return await with_retries(lambda: context.bot.send_photo(chat_id, photo, caption=caption,
                                                             parse_mode=ParseMode.HTML, reply_markup=keyboard),
                              "sendPhoto")
