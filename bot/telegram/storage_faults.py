"""A storage fault while handling an update: the owner is told their answer was not saved, never that it was.

A full disk or a lock held too long may pass, so the bot goes on and the owner can try again. A database
that was replaced or is damaged will not heal: the bot stops (the `stop` event `run.serve` put in
`bot_data`) and `run_telegram` raises the fault, so the command line prints its one line and exits 2.
"""

from __future__ import annotations

import contextlib
import html
import logging

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.storage.faults import Fault, StorageError
from bot.telegram.durable import acknowledging_nothing
from bot.telegram.replies import Reply
from bot.telegram.sending import send
from bot.views.i18n import t

log = logging.getLogger(__name__)
STOP_KEY = "stop"  # bot_data: the asyncio.Event that ends `run.serve`
FAULT_KEY = "storage_fault"  # bot_data: the fault that stopped the bot, raised again by `run_telegram`
TOLD_KEY = "storage_fault_told"  # bot_data: the updates whose owner was already told
TOLD_LIMIT = 1000
FATAL = frozenset({Fault.REPLACED, Fault.CORRUPT})


async def on_storage_fault(update: Update, context: ContextTypes.DEFAULT_TYPE, error: StorageError,
                           locale: str, keyboard: object) -> None:
    """One log line; the owner reads that the answer was not saved; a fault that will not heal stops the bot."""
    if error.fault in FATAL:
        stop_for(context.application, error)
    told = context.application.bot_data.setdefault(TOLD_KEY, set())
    if update.update_id in told:  # a later handler group of the same update failed too
        return
    if len(told) > TOLD_LIMIT:
        told.clear()
    told.add(update.update_id)
    log.error("storage fault while handling update %s: %s", update.update_id, error)
    if update.callback_query is not None:
        with contextlib.suppress(Exception):
            await update.callback_query.answer()
    try:
        with acknowledging_nothing():  # the one message that must go out when the disk cannot sync
            await send(context.bot, update.effective_chat.id, Reply(html.escape(t(locale, "tg.not_saved")), keyboard))
    except Exception:
        log.warning("could not tell user %s that their answer was not saved",
                    getattr(update.effective_user, "id", None))


def stop_for(application: Application, error: StorageError) -> None:
    """Remember the fault and end `serve` (PTB's `stop_running` stops the loop, which `asyncio.run` refuses)."""
    application.bot_data.setdefault(FAULT_KEY, error)
    stop = application.bot_data.get(STOP_KEY)
    if stop is not None:
        stop.set()


def raise_if_stopped_by_fault(application: Application) -> None:
    """After `serve` returned: the storage fault that stopped it, if any."""
    fault = application.bot_data.get(FAULT_KEY)
    if fault is not None:
        raise fault
