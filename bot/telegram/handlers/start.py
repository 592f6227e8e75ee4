"""/start, /help, /language, /privacy, /forget and the pointer for free text outside a check."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.telegram import callbacks
from bot.telegram.context import current_user, deps
from bot.telegram.delivery import reply_plain, run_event
from bot.telegram.replies import Reply, line, menu_keyboard
from bot.views.i18n import LOCALES, t
from bot.views.render import render
from dialogs.conversation import Offer

COMMANDS = ("start", "check", "assess", "report", "language", "privacy", "forget", "cancel", "help")
FORGET = "forget"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The welcome: what the check gives, in two lines, and the two ways to take it."""
    await run_event(update, context, current_user(update, context), Offer())


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
    deps(context).store.set_locale(user.id, code)
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
    await update.callback_query.answer()
    if confirmed:
        deps(context).store.forget(user.id)
    text = line(user.locale, "tg.forget_done" if confirmed else "tg.forget_kept")
    await update.callback_query.edit_message_text(text, parse_mode="HTML")


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text outside a check: a short pointer to the two ways to start."""
    user = current_user(update, context)
    session = deps(context).store.load_session(user.id)
    await reply_plain(update, context, user, Reply(line(user.locale, "conv.free_text_pointer"),
                                                   menu_keyboard(user.locale, session.has_open_check)))


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
