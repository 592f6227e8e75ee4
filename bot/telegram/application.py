"""The Telegram application: composes the feature modules' handlers. Order matters; see the comments.

Updates of different owners run concurrently, one owner's in order (`processor.OwnerQueues`); start-up
registers the command menu (`post_init`, run by `run.serve` in both modes) and the jobs (`jobs.schedule`).
"""

from __future__ import annotations

import logging

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseRateLimiter,
    ContextTypes,
    TypeHandler,
)
from telegram.request import BaseRequest

import bot.telegram.handlers.remind as remind
from bot.logs import protect_secrets
from bot.services.advisor import Advisor
from bot.settings import Settings
from bot.storage.store import Store
from bot.telegram import jobs
from bot.telegram.context import Deps, deps
from bot.telegram.durable import DurableRateLimiter
from bot.telegram.errors import on_error
from bot.telegram.handlers import actions, check, export, groups, history, inline, partners, report, share, start
from bot.telegram.processor import OwnerQueues
from bot.telegram.profile import set_profile
from bot.views.i18n import LOCALES, t
from knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)

DUPLICATE_GUARD_GROUP = -1  # before everything: the same update_id twice has one effect
MAIN_GROUP = 0  # commands, buttons, typed answers, then the fallbacks: the first match wins
AFTER_GROUP = 1  # after the step: a partner's finished assessment sends both sides the comparison
MARK_SEEN_GROUP = 2  # after everything: remember the update_id


async def _skip_duplicates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A quick look first; a step also claims its update in its own transaction (see storage.checks)."""
    if deps(context).store.seen_update(update.update_id):
        log.info("update %s was already processed; ignoring it", update.update_id)
        raise ApplicationHandlerStop


async def _mark_seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Claim an update that changed nothing stored; a step claimed its own already (a read, not a write)."""
    store = deps(context).store
    if not store.seen_update(update.update_id):
        store.mark_update(update.update_id)


async def _register_commands(application: Application) -> None:
    """The command menu in both languages; only commands that work are listed."""
    for locale in LOCALES:
        commands = [BotCommand(c, t(locale, f"commands.{c}")) for c in start.COMMANDS]
        await application.bot.set_my_commands(commands, language_code=locale)
    await application.bot.set_my_commands([BotCommand(c, t("en", f"commands.{c}")) for c in start.COMMANDS])
    await set_profile(application.bot)


def build_application(settings: Settings, store: Store, kb: KnowledgeBase, request: BaseRequest | None = None,
                      get_updates_request: BaseRequest | None = None,
                      rate_limiter: BaseRateLimiter | None = None) -> Application:
    """The bot, wired: per-owner concurrency, handlers in order, the rate limiter, the error handler, the jobs.

    `rate_limiter` replaces Telegram's limits (`AIORateLimiter`) for benchmarks; either way each call
    first waits until what it acknowledges is on disk (`bot.telegram.durable`).
    """
    protect_secrets(settings.token.reveal(), settings.webhook_secret.reveal())  # before PTB logs its URLs
    builder = (
        ApplicationBuilder()
        .token(settings.token.reveal())
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .rate_limiter(DurableRateLimiter(store, rate_limiter or AIORateLimiter(max_retries=3)))
        .concurrent_updates(OwnerQueues())
        .post_init(_register_commands)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    application = builder.build()
    application.bot_data["deps"] = Deps(Advisor(store, kb, owes_prompts=True), store)
    application.add_handler(TypeHandler(Update, _skip_duplicates), group=DUPLICATE_GUARD_GROUP)
    # /share in a group comes before groups.handlers(), which answer every other command there
    application.add_handlers([*share.group_handlers(), *groups.handlers(), *start.handlers(),
                              *remind.handlers(application),  # its typed number goes before the check's
                              *check.handlers(),
                              *report.handlers(), *history.handlers(), *actions.handlers(), *export.handlers(),
                              *share.handlers(), *inline.handlers(),
                              *check.fallback_handlers()],
                             group=MAIN_GROUP)
    application.add_handlers(partners.after_handlers(), group=AFTER_GROUP)
    application.add_handler(TypeHandler(Update, _mark_seen), group=MARK_SEEN_GROUP)
    application.add_error_handler(on_error)
    jobs.schedule(application)
    partners.schedule(application)  # comparisons a stopped process had not finished announcing
    remind.install(application, settings.timezone)  # the reminder sweep, and its hook after every update
    return application
