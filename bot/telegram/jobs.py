"""Jobs on PTB's JobQueue: owed prompts sent again (at start-up and then every minute), old update ids purged.

A prompt is owed from the step's commit until Telegram confirms it (`bot.telegram.delivery`); one that is
still owed — the send failed for good, or the process was killed between the commit and the send — is sent
here. Each owner is served under their turn in `OwnerQueues`, so a re-send never races their own updates.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.storage.prompts import OwedPrompt
from bot.telegram.context import CHANNEL, deps
from bot.telegram.delivery import step_replies
from bot.telegram.processor import OwnerQueues
from bot.telegram.sending import UserBlockedBot, send

log = logging.getLogger(__name__)

RESEND_EVERY = timedelta(minutes=1)
PURGE_EVERY = timedelta(days=1)


def schedule(application: Application) -> None:
    """Both jobs run once as soon as the application starts, then on their interval.

    A repeating job's first run is one interval after the start (APScheduler counts intervals from the
    moment it was added, so `first=0` added before start would fire a whole interval late); the runs at
    start are one-off jobs that run however long start-up took.
    """
    jobs = application.job_queue
    at_start = {"misfire_grace_time": None}
    for callback, every, name in ((resend_owed_prompts, RESEND_EVERY, "resend owed prompts"),
                                  (purge_processed_updates, PURGE_EVERY, "purge processed updates")):
        jobs.run_once(callback, when=0, name=f"{name} at start", job_kwargs=at_start)
        jobs.run_repeating(callback, interval=every, first=every, name=name)


async def resend_owed_prompts(context: ContextTypes.DEFAULT_TYPE) -> int:
    """Send every prompt still owed; returns how many were sent."""
    sent = 0
    for owed in deps(context).store.owed_prompts(CHANNEL):
        try:
            sent += await resend(context.application, owed)
        except TelegramError as error:
            log.warning("owed prompt of user %s not sent yet: %s", owed.user_id, type(error).__name__)
    return sent


async def resend(application: Application, owed: OwedPrompt) -> bool:
    """Send one owed prompt in the owner's turn, unless it was delivered or overtaken meanwhile."""
    processor = application.update_processor
    if isinstance(processor, OwnerQueues):
        async with processor.owner(int(owed.external_id)):
            return await _resend(application, owed)
    return await _resend(application, owed)


async def _resend(application: Application, owed: OwedPrompt) -> bool:
    d = application.bot_data["deps"]
    if d.store.owed_prompt(owed.user_id) != owed.seq:
        return False  # delivered, or a newer step owes its own prompt
    session, outputs = d.advisor.pending_prompt(owed.user_id)
    if session.seq != owed.seq or not outputs:
        d.store.prompt_delivered(owed.user_id, owed.seq)  # the session moved on: nothing of this step to show
        return False
    chat_id = int(owed.external_id)
    prompt = None
    try:
        for reply in step_replies(d.kb, outputs, session, owed.locale):
            message = await send(application.bot, chat_id, reply)
            prompt = message.message_id if reply.question else prompt
    except UserBlockedBot:
        d.store.set_active(owed.user_id, False)
        return False
    d.store.prompt_delivered(owed.user_id, owed.seq, (chat_id, prompt))
    log.info("sent the owed prompt of user %s (step %s)", owed.user_id, owed.seq)
    return True


async def purge_processed_updates(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget processed update ids older than a week (Telegram never redelivers one that old)."""
    removed = deps(context).store.purge_updates()
    log.info("purged %s processed update ids", removed)
