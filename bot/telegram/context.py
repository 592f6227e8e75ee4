"""What every Telegram handler needs: the advisor, the store, the knowledge base, and who is talking."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ContextTypes

from bot.services.advisor import Advisor
from bot.storage.store import Store, User
from bot.views.i18n import telegram_locale
from knowledge.model import KnowledgeBase

CHANNEL = "telegram"


@dataclass(frozen=True, slots=True)
class Deps:
    advisor: Advisor
    store: Store

    @property
    def kb(self) -> KnowledgeBase:
        return self.advisor.kb


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    return context.application.bot_data["deps"]


def current_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> User:
    """The stored user behind this update, in their Telegram client's language until /language picks one."""
    tg_user = update.effective_user
    store = deps(context).store
    client = telegram_locale(tg_user.language_code)
    user = store.user(CHANNEL, str(tg_user.id), client)
    if tg_user.language_code and not user.locale_chosen and user.locale != client:  # the client's language changed
        store.follow_locale(user.id, client)
        user = dataclasses.replace(user, locale=client)
    if not user.active:  # they wrote to us again, so they unblocked the bot
        store.set_active(user.id, True)
    context.read_user = user  # PTB gives every handler of one update the same context
    return user


def user_read(context: ContextTypes.DEFAULT_TYPE) -> User | None:
    """The user as `current_user` read them earlier in this update; None when no handler asked."""
    return getattr(context, "read_user", None)
