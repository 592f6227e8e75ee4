"""/report at a glance: the radar chart with the summary as its caption; details, one dimension at a time,
edited in place; the HTML report as a document."""

from __future__ import annotations

import asyncio

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services.history import HistoryService
from bot.storage.reports import KeptReport
from bot.storage.store import User
from bot.telegram import callbacks
from bot.telegram.context import current_user, deps
from bot.telegram.delivery import reply_plain
from bot.telegram.glance_keyboards import GLANCE, details_keyboard, glance_keyboard, recheck_keyboard
from bot.telegram.handlers import actions as actions_handlers
from bot.telegram.handlers import remind as remind_handlers
from bot.telegram.handlers import share as share_handlers
from bot.telegram.media import send_document, send_photo
from bot.telegram.reminder_jobs import owner_zone
from bot.telegram.replies import Reply, line, menu_keyboard
from bot.telegram.sending import UserBlockedBot, edit_or_send, send
from bot.views.chart import radar_png
from bot.views.glance import details_text, fits, formula_text, glance_caption
from bot.views.i18n import t
from bot.views.page import page_file_name, report_page


async def _no_report(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    d = deps(context)
    open_check = d.advisor.conversation.open_summary(d.store.load_session(user.id))
    await reply_plain(update, context, user, Reply(line(user.locale, "tg.no_report"),
                                                   menu_keyboard(user.locale, open_check)))


def _scores(kept: KeptReport) -> dict[str, int | None]:
    return {d["id"]: d["score"] for d in kept.report["dimensions"]}


async def send_glance(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """The latest report's first screen: one photo, its caption the summary, buttons under it."""
    d = deps(context)
    history = HistoryService(d.store)
    latest, previous = history.latest(user.id)
    if latest is None:
        await _no_report(update, context, user)
        return
    before_after = history.before_after(latest, previous)
    done = [a.action for a in history.done_since(user.id, previous, latest)]
    caption = glance_caption(d.kb, latest.report, user.locale, before_after.changes if before_after else (), done)
    keyboard = glance_keyboard(d.kb, latest.assessment_id, user.locale)
    png = await asyncio.to_thread(radar_png, d.kb, _scores(latest), user.locale)
    chat_id = update.effective_chat.id
    try:
        if fits(caption):
            await send_photo(context.bot, chat_id, png, caption, keyboard)
        else:
            await send_photo(context.bot, chat_id, png, None)
            await send(context.bot, chat_id, Reply(caption, keyboard))
    except UserBlockedBot:
        d.store.set_active(user.id, False)


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report: the latest finished report at a glance."""
    await send_glance(update, context, current_user(update, context))


async def send_page(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, kept: KeptReport) -> None:
    """The self-contained HTML report as a document."""
    d = deps(context)
    png = await asyncio.to_thread(radar_png, d.kb, _scores(kept), user.locale)
    zone = owner_zone(context.application, user.id)
    page = report_page(d.kb, kept.report, user.locale, png, kept.finished, zone)
    try:
        await send_document(context.bot, update.effective_chat.id, page.encode(),
                            page_file_name(kept.finished, user.locale, zone))
    except UserBlockedBot:
        d.store.set_active(user.id, False)


async def _show_in_place(context: ContextTypes.DEFAULT_TYPE, tapped: Message | None, chat_id: int,
                         reply: Reply) -> None:
    """Details edit their own message in place; from the photo, they open a new message."""
    if tapped is not None and tapped.text is not None:
        await edit_or_send(context.bot, tapped.chat_id, tapped.message_id, reply)
    else:
        await send(context.bot, chat_id, reply)


async def on_glance_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Details of one dimension, the formula, re-check, actions, reminders, share or the HTML report."""
    query = update.callback_query
    user = current_user(update, context)
    d = deps(context)
    parts = (query.data or "").split(callbacks.SEPARATOR)
    assessment = callbacks.number(parts[1]) if len(parts) == 4 else None
    kept = d.store.kept_report(user.id, assessment) if assessment is not None else None
    if kept is None:
        await query.answer(t(user.locale, "tg.unknown_button"))
        return
    await query.answer()
    what, dimension = parts[2], parts[3]
    tapped = query.message if isinstance(query.message, Message) else None
    chat_id = update.effective_chat.id
    try:
        if what == "d" and dimension in d.kb.dimension_by_id:
            text = details_text(d.kb, kept.report, dimension, user.locale)
            await _show_in_place(context, tapped, chat_id,
                                 Reply(text, details_keyboard(d.kb, kept.assessment_id, user.locale, dimension)))
        elif what == "f":
            await _show_in_place(context, tapped, chat_id, Reply(formula_text(d.kb, user.locale),
                                                                 details_keyboard(d.kb, kept.assessment_id,
                                                                                  user.locale, "")))
        elif what == "r":
            await send(context.bot, chat_id, Reply(line(user.locale, "glance.recheck_prompt"),
                                                   recheck_keyboard(d.kb, user.locale)))
        elif what == "a":
            await actions_handlers.show_actions(update, context, user)
        elif what == "m":
            await remind_handlers.remind(update, context)
        elif what == "s":
            await share_handlers.share(update, context)
        elif what == "h":
            await send_page(update, context, user, kept)
    except UserBlockedBot:
        d.store.set_active(user.id, False)


def handlers() -> list:
    return [
        CommandHandler("report", report),
        CallbackQueryHandler(on_glance_button, pattern=rf"^{GLANCE}{callbacks.SEPARATOR}"),
    ]
