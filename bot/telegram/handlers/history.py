"""/history: every finished check with its changes, and the trend picture once there are two or more."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.services.history import HistoryService
from bot.telegram.context import current_user, deps
from bot.telegram.delivery import reply_plain
from bot.telegram.media import send_photo
from bot.telegram.reminder_jobs import owner_zone
from bot.telegram.replies import Reply, line, menu_keyboard, split_message
from bot.telegram.sending import UserBlockedBot
from bot.views.chart import trend_png
from bot.views.history import history_text, trend_points

TREND_FROM = 2  # a trend needs two checks


async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/history: the trend picture (two checks or more), then every check, newest first."""
    user = current_user(update, context)
    d = deps(context)
    entries = HistoryService(d.store).entries(user.id)
    if not entries:
        open_check = d.advisor.conversation.open_summary(d.store.load_session(user.id))
        await reply_plain(update, context, user, Reply(line(user.locale, "history.none"),
                                                       menu_keyboard(user.locale, open_check)))
        return
    zone = owner_zone(context.application, user.id)
    if len(entries) >= TREND_FROM:
        png = await asyncio.to_thread(trend_png, d.kb, trend_points(entries, zone), user.locale)
        try:
            await send_photo(context.bot, update.effective_chat.id, png, line(user.locale, "history.trend_caption"))
        except UserBlockedBot:
            d.store.set_active(user.id, False)
            return
    for chunk in split_message(history_text(d.kb, entries, user.locale, zone)):
        await reply_plain(update, context, user, Reply(chunk))


def handlers() -> list:
    return [CommandHandler("history", history)]
