"""The Telegram application: composes the feature modules' handlers. Order matters; see the comments."""

from __future__ import annotations

import contextlib
import html
import logging

from telegram import BotCommand, Update
from telegram.error import Forbidden
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    ContextTypes,
    TypeHandler,
)
from telegram.request import BaseRequest

from bot.logs import protect_secrets
from bot.services.advisor import Advisor
from bot.settings import Settings
from bot.storage.store import Store
from bot.telegram.context import Deps, current_user, deps
from bot.telegram.handlers import check, groups, start
from bot.telegram.profile import set_profile
from bot.telegram.replies import Reply
from bot.telegram.sending import UserBlockedBot, send
from bot.views.i18n import LOCALES, t, telegram_locale
from knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)

DUPLICATE_GUARD_GROUP = -1  # before everything: the same update_id twice has one effect
MAIN_GROUP = 0  # commands, buttons, typed answers, then the fallbacks: the first match wins
MARK_SEEN_GROUP = 2  # after everything: remember the update_id


async def _skip_duplicates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if deps(context).store.seen_update(update.update_id):
        log.info("update %s was already processed; ignoring it", update.update_id)
        raise ApplicationHandlerStop


async def _mark_seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps(context).store.mark_update(update.update_id)


def _stored_locale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language the user chose, or their Telegram language; never fails."""
    tg_user = update.effective_user
    try:
        return current_user(update, context).locale
    except Exception:
        return telegram_locale(getattr(tg_user, "language_code", None))


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with context (never the token) and tell the user something useful in their language."""
    error = context.error
    user_id = getattr(getattr(update, "effective_user", None), "id", None)
    update_id = getattr(update, "update_id", None)
    if isinstance(error, Forbidden | UserBlockedBot):
        log.info("user %s blocked the bot", user_id)
        return
    log.error("error handling update %s from user %s: %s", update_id, user_id, type(error).__name__,
              exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    locale = _stored_locale(update, context)
    if update.callback_query is not None:
        with contextlib.suppress(Exception):  # already answered, or too old: nothing more to do
            await update.callback_query.answer()
    try:
        await send(context.bot, update.effective_chat.id, Reply(html.escape(t(locale, "tg.error"))))
    except Exception:
        log.warning("could not tell user %s about the error", user_id)


async def _register_commands(application: Application) -> None:
    """The command menu in both languages; only commands that work are listed."""
    for locale in LOCALES:
        commands = [BotCommand(c, t(locale, f"commands.{c}")) for c in start.COMMANDS]
        await application.bot.set_my_commands(commands, language_code=locale)
    await application.bot.set_my_commands([BotCommand(c, t("en", f"commands.{c}")) for c in start.COMMANDS])
    await set_profile(application.bot)


def build_application(settings: Settings, store: Store, kb: KnowledgeBase, request: BaseRequest | None = None,
                      get_updates_request: BaseRequest | None = None) -> Application:
    """The bot, wired: handlers in order, the rate limiter with retries, the error handler."""
    protect_secrets(settings.token.reveal(), settings.webhook_secret.reveal())  # before PTB logs its URLs
    builder = (
        ApplicationBuilder()
        .token(settings.token.reveal())
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_register_commands)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    application = builder.build()
    application.bot_data["deps"] = Deps(Advisor(store, kb), store)
    application.add_handler(TypeHandler(Update, _skip_duplicates), group=DUPLICATE_GUARD_GROUP)
    application.add_handlers([*groups.handlers(), *start.handlers(), *check.handlers(), *check.fallback_handlers()],
                             group=MAIN_GROUP)
    application.add_handler(TypeHandler(Update, _mark_seen), group=MARK_SEEN_GROUP)
    application.add_error_handler(_on_error)
    return application
