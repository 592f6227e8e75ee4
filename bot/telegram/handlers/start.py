"""/start, /help, /language, /privacy, /forget and the pointer for free text outside a check."""

from __future__ import annotations

import dataclasses

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services.sharing import is_share_payload
from bot.telegram import callbacks
from bot.telegram.context import current_user, deps
from bot.telegram.delivery import begin_check, deliver, reply_plain, run_event
from bot.telegram.handlers.partners import open_payload
from bot.telegram.replies import Reply, line, menu_keyboard
from bot.telegram.sending import drop_keyboard
from bot.views.i18n import LOCALES, t
from bot.views.render import render
from dialogs.conversation import Offer, Resume, Step
from dialogs.machine import Stage

COMMANDS = ("start", "check", "assess", "report", "history", "actions", "remind", "export", "share", "language",
            "privacy", "forget", "cancel", "help")
FORGET = "forget"
START_PAYLOADS = {"check": "quick", "assess": "full"}  # t.me/<bot>?start=check, from the group button


def addressed_to_us(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A command without "@bot", or with ours; "/help@OtherBot" is for another bot."""
    text = (update.effective_message.text or "") if update.effective_message else ""
    command = text.split(maxsplit=1)[0] if text.startswith("/") else ""
    _, at, username = command.partition("@")
    return not at or username.lower() == (context.bot.username or "").lower()


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The welcome (or a welcome back with the open check or the last score), and the ways to take the check.

    A deep-link payload ("check", "assess") from the group's "continue in private" button starts that check.
    """
    user = current_user(update, context)
    d = deps(context)
    payload = context.args[0] if context.args else ""
    if is_share_payload(payload):  # a partner link, or a bad one: any other payload welcomes
        await open_payload(update, context, payload)
        return
    mode = START_PAYLOADS.get(payload)
    session = d.store.load_session(user.id)
    if mode is not None:
        if session.has_open_check and session.mode == mode:
            await run_event(update, context, user, Resume())
        else:
            await begin_check(update, context, user, mode)
        return
    latest = d.advisor.latest_report(user.id)
    returning = latest is not None or session.assessment_id is not None
    await run_event(update, context, user, Offer(latest.overall if latest else None, returning))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = current_user(update, context)
    await reply_plain(update, context, user, Reply(render("help.tg.j2", user.locale, commands=COMMANDS)))


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = current_user(update, context)
    await reply_plain(update, context, user, Reply(render("privacy.tg.j2", user.locale)))


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = current_user(update, context)
    buttons = [InlineKeyboardButton(name, callback_data=callbacks.pack(callbacks.LANGUAGE, code))
               for code, name in (("zh", "中文"), ("en", "English"))]
    await reply_plain(update, context, user, Reply(line(user.locale, "tg.language_prompt"),
                                                   InlineKeyboardMarkup([buttons])))


async def language_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    user = current_user(update, context)
    await update.callback_query.answer()
    if code not in LOCALES:
        return
    d = deps(context)
    d.store.set_locale(user.id, code)
    session = d.store.load_session(user.id)
    if session.stage == Stage.ASKING and session.current:  # the waiting question again, in the new language
        previous = d.store.prompt_message(user.id)
        if previous is not None:
            await drop_keyboard(context.bot, *previous)
        ask = d.advisor.conversation.ask_output(session)
        await deliver(update, context, dataclasses.replace(user, locale=code), session, Step(outputs=[ask]))
    await update.callback_query.edit_message_text(render("line.tg.j2", code, lines=[t(code, "tg.language_set")]),
                                                  parse_mode="HTML")


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask before deleting everything; the buttons do the rest."""
    user = current_user(update, context)
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(t(user.locale, f"buttons.forget_{answer}"),
                             callback_data=callbacks.pack(callbacks.MENU, data))
        for answer, data in (("yes", "forget"), ("no", "keep"))
    ]])
    await reply_plain(update, context, user, Reply(line(user.locale, "tg.forget_confirm"), keyboard))


async def forget_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, confirmed: bool) -> None:
    user = current_user(update, context)
    store = deps(context).store
    await update.callback_query.answer()
    if confirmed:
        prompt = store.prompt_message(user.id)
        store.forget(user.id)
        if prompt is not None:  # the question they were at can no longer be answered: take its buttons away
            await drop_keyboard(context.bot, *prompt)
    text = line(user.locale, "tg.forget_done" if confirmed else "tg.forget_kept")
    await update.callback_query.edit_message_text(text, parse_mode="HTML")


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text outside a check: a short pointer to the two ways to start."""
    user = current_user(update, context)
    d = deps(context)
    open_check = d.advisor.conversation.open_summary(d.store.load_session(user.id))
    await reply_plain(update, context, user, Reply(line(user.locale, "conv.free_text_pointer"),
                                                   menu_keyboard(user.locale, open_check)))


async def on_language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    button = callbacks.unpack(update.callback_query.data)
    await language_chosen(update, context, button.args[0] if button else "")


def handlers() -> list:
    return [
        CommandHandler("start", start),
        CommandHandler("help", help_command),
        CommandHandler("privacy", privacy),
        CommandHandler("language", language),
        CommandHandler(FORGET, forget),
        CallbackQueryHandler(on_language_button, pattern=rf"^{callbacks.LANGUAGE}{callbacks.SEPARATOR}"),
    ]
