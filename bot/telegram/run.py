"""`sme-advisor run`: the Telegram bot, by long polling or, when WEBHOOK_URL is set, by webhook.

Both modes start the application as PTB's `run_polling` does — initialize, post_init, the source of
updates, start — and stop it in the reverse order; `serve` is that sequence, and the tests drive it too.
`startup` makes it robust: the first call retried while the API is unreachable, every step interruptible
by SIGTERM, stopping bounded in time.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Iterator

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

from bot.logs import configure_logging, scrub
from bot.settings import Settings
from bot.storage.store import Store
from bot.telegram import startup
from bot.telegram.application import build_application
from bot.telegram.storage_faults import STOP_KEY, raise_if_stopped_by_fault
from bot.telegram.webhook import WebhookServer
from bot.views.i18n import t
from knowledge.loader import get_knowledge

log = logging.getLogger(__name__)


class _Polling:
    """Long polling through PTB's Updater."""

    def __init__(self, application: Application) -> None:
        self.application = application

    async def start(self) -> None:
        await self.application.updater.start_polling(allowed_updates=Update.ALL_TYPES, error_callback=_poll_failed)
        log.info("long polling against %s", self.application.bot.base_url.split("/bot", 1)[0])

    async def stop(self) -> None:
        if self.application.updater.running:
            await self.application.updater.stop()


def _poll_failed(error: TelegramError) -> None:
    """One line per failed poll; PTB then retries with a growing pause (up to 30 s). Without this callback PTB
    logs each failure with a traceback of about 90 lines: an operator needs what failed, not where."""
    log.warning("getting updates failed (%s: %s); retrying", type(error).__name__, scrub(str(error)))


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def serve(application: Application, settings: Settings, stop: asyncio.Event | None = None,
                ready: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (default: SIGINT or SIGTERM); `ready` is set once updates are being handled."""
    stop = stop or _stop_on_signals()
    application.bot_data[STOP_KEY] = stop  # a storage fault that will not heal sets it (storage_faults)
    source = WebhookServer(application, settings) if settings.webhook_url else _Polling(application)
    try:
        await startup.initialize(application, stop)
        await startup.until_stopped(_start(application, source), stop)
    except startup.Stopped:
        log.info("stopped while starting")
        await startup.within_budget(_close(application, source), "shutting down")
        return
    except BaseException:
        await startup.within_budget(_close(application, source), "shutting down")
        raise
    if ready is not None:
        ready.set()
    try:
        with settled():
            await stop.wait()
    finally:
        await startup.within_budget(_close(application, source), "stopping")


@contextlib.contextmanager
def settled() -> Iterator[None]:
    """While serving, what start-up built (the knowledge base, PTB, the modules) is kept out of garbage collection.

    A full collection walks every object it tracks, and with all of that loaded one took about 100 ms on a CI
    machine: a pause for every owner waiting at that moment (tests/bench/bench_updates.py). Frozen objects
    are never walked; they are given back to the collector when serving stops (a test serves many times).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def _start(application: Application, source: _Polling | WebhookServer) -> None:
    """As PTB's `run_polling` after initialize: post_init, the source of updates, start."""
    if application.post_init:
        await application.post_init(application)
    await source.start()
    await application.start()


async def _close(application: Application, source: _Polling | WebhookServer) -> None:
    """The reverse, from wherever starting got to: the source, stop, post_stop, shutdown, post_shutdown."""
    await source.stop()
    if application.running:
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)


def run_telegram(settings: Settings) -> int:
    """Run the bot until it is stopped; without a token, say how to get one and exit 1."""
    if not settings.token:
        print(t(settings.locale, "cli.no_token"), file=sys.stderr)
        return 1
    configure_logging(settings.log_level, [settings.token.reveal(), settings.webhook_secret.reveal()])
    store = Store(settings.db_path, group_commit=True)
    application = build_application(settings, store, get_knowledge())
    try:
        asyncio.run(serve(application, settings))
        raise_if_stopped_by_fault(application)  # a StorageError: bot.cli prints its one line, exit 2
    except InvalidToken:
        print(t(settings.locale, "cli.token_rejected", api_url=settings.api_url), file=sys.stderr)
        return 1
    except startup.WebhookRefused as error:
        print(t(settings.locale, "cli.webhook_refused", url=settings.webhook_url, reason=str(error)),
              file=sys.stderr)
        return 1
    except TelegramError as error:
        print(t(settings.locale, "cli.telegram_unreachable", error=scrub(str(error))), file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
