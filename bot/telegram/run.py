"""`sme-advisor run`: the Telegram bot, by long polling or, when WEBHOOK_URL is set, by webhook."""

from __future__ import annotations

import asyncio
import logging
import sys

from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot.logs import configure_logging, scrub
from bot.settings import Settings
from bot.storage.store import Store
from bot.telegram.application import build_application
from bot.telegram.webhook import serve_webhook
from bot.views.i18n import t
from knowledge.loader import get_knowledge

log = logging.getLogger(__name__)


def run_telegram(settings: Settings) -> int:
    """Run the bot until it is stopped; without a token, say how to get one and exit 1."""
    if not settings.token:
        print(t(settings.locale, "cli.no_token"), file=sys.stderr)
        return 1
    configure_logging(settings.log_level, [settings.token.reveal(), settings.webhook_secret.reveal()])
    store = Store(settings.db_path)
    store.purge_updates()
    application = build_application(settings, store, get_knowledge())
    try:
        if settings.webhook_url:
            asyncio.run(serve_webhook(application, settings))
        else:
            log.info("starting long polling against %s", settings.api_url)
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print(t(settings.locale, "cli.token_rejected", api_url=settings.api_url), file=sys.stderr)
        return 1
    except TelegramError as error:
        print(t(settings.locale, "cli.telegram_unreachable", error=scrub(str(error))), file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
