"""What the owner sees when handling their update went wrong: always a way to go on.

A tap for an earlier question (the step's compare-and-swap failed) is answered as stale; a second delivery
of an update already applied is dropped; any other error is logged (never the token) and the owner gets a
short apology with a "continue" button that shows the waiting question again.
"""

from __future__ import annotations

import contextlib
import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.services.advisor import DuplicateUpdate, StaleStep
from bot.storage.faults import StorageError
from bot.telegram import callbacks
from bot.telegram.context import current_user
from bot.telegram.replies import Reply
from bot.telegram.sending import UserBlockedBot, send
from bot.telegram.storage_faults import on_storage_fault
from bot.views.i18n import t, telegram_locale

log = logging.getLogger(__name__)


def continue_keyboard(locale: str) -> InlineKeyboardMarkup:
    """The one button under an error: continue where the check stands (it re-sends the waiting question)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(locale, "buttons.resume"),
                                                       callback_data=callbacks.pack(callbacks.MENU, "resume"))]])


def _stored_locale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language the user chose, or their Telegram language; never fails."""
    tg_user = update.effective_user
    try:
        return current_user(update, context).locale
    except Exception:
        return telegram_locale(getattr(tg_user, "language_code", None))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with context (never the token) and tell the user something useful in their language."""
    error = context.error
    user_id = getattr(getattr(update, "effective_user", None), "id", None)
    update_id = getattr(update, "update_id", None)
    if isinstance(error, Forbidden | UserBlockedBot):
        log.info("user %s blocked the bot", user_id)
        return
    if isinstance(error, DuplicateUpdate):
        log.info("update %s was already applied; ignoring it", update_id)
        return
    if not isinstance(update, Update) or update.effective_chat is None:
        log.error("error handling update %s: %s", update_id, type(error).__name__, exc_info=error)
        return
    locale = _stored_locale(update, context)
    if isinstance(error, StaleStep):
        log.info("update %s from user %s was for an earlier question", update_id, user_id)
        if update.callback_query is not None:
            with contextlib.suppress(Exception):
                await update.callback_query.answer(t(locale, "tg.stale_button"))
        return
    if isinstance(error, StorageError):
        await on_storage_fault(update, context, error, locale, continue_keyboard(locale))
        return
    log.error("error handling update %s from user %s: %s", update_id, user_id, type(error).__name__,
              exc_info=error)
    if update.callback_query is not None:
        with contextlib.suppress(Exception):  # already answered, or too old: nothing more to do
            await update.callback_query.answer()
    try:
        await send(context.bot, update.effective_chat.id,
                   Reply(html.escape(t(locale, "tg.error")), continue_keyboard(locale)))
    except Exception:
        log.warning("could not tell user %s about the error", user_id)
