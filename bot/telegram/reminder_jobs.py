"""The reminder sweep: one repeating job on PTB's JobQueue sends the due reminders and moves their slots on.

Each sweep reads the due rows by the indexed `next_due` (at most BATCH, earliest first) and decides for
each: inside the owner's quiet hours, the slot moves to their end; with nothing due for the owner, it passes
silently to the next slot; else the reminder is sent in the owner's turn (`OwnerQueues`), sends spaced
1/RATE s apart so the bot stays under Telegram's ~30 messages a second with room for replies, and through
PTB's AIORateLimiter, which waits out a 429's `retry_after`. Once Telegram confirms a send, the send and the
next slot (the first one after now, so slots missed while the bot was down are caught up once) are one
transaction. A send that fails on the way leaves the slot due for the next sweep; a blocked owner is marked
inactive and suspended. A kill between the send and its commit sends that one reminder again (at least once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ContextTypes

from bot.services.reminders import ReminderService, schedule_of
from bot.services.schedule import Clock, epoch, in_quiet_hours, next_slot, quiet_end, utc_now
from bot.storage.reminders import DueReminder
from bot.telegram.processor import OwnerQueues
from bot.telegram.reminder_keyboards import reminder_keyboard
from bot.telegram.replies import Reply
from bot.telegram.sending import UserBlockedBot, send
from bot.views.reminders import reminder_text

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(seconds=30)
BATCH = 1000  # due rows read per sweep; at RATE a batch takes about 36 s, the rest wait for the next sweep
RATE = 28.0  # reminder sends started per second: Telegram allows about 30 in all
IN_FLIGHT = 64  # sends awaiting Telegram's answer at once


@dataclass
class ReminderRuntime:
    """What the sweep and the /remind handlers share: the default time zone, the clock, one sweep at a time."""

    default_timezone: str
    clock: Clock = utc_now
    rate: float = RATE
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class SweepResult:
    sent: int = 0
    silent: int = 0  # nothing was due for the owner: the slot passed
    deferred: int = 0  # quiet hours
    blocked: int = 0
    failed: int = 0  # left due for the next sweep


def runtime(application: Application) -> ReminderRuntime:
    return application.bot_data["reminders"]


def service(application: Application) -> ReminderService:
    d, rt = application.bot_data["deps"], runtime(application)
    return ReminderService(d.store, d.kb, rt.default_timezone, rt.clock)


def owner_zone(application: Application, user_id: int) -> ZoneInfo:
    """The owner's time zone: the one their reminders use (set with /remind), else the bot's default."""
    return service(application).schedule(user_id).zone


def install(application: Application, default_timezone: str) -> None:
    """The runtime in bot_data and the sweep: once at start (catching up what was missed), then every 30 s."""
    application.bot_data["reminders"] = ReminderRuntime(default_timezone)
    jobs = application.job_queue
    jobs.run_once(sweep_job, when=0, name="reminder sweep at start", job_kwargs={"misfire_grace_time": None})
    jobs.run_repeating(sweep_job, interval=SWEEP_EVERY, first=SWEEP_EVERY, name="reminder sweep")


async def sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    result = await sweep(context.application)
    if result.sent or result.failed or result.blocked:
        log.info("reminders: %s sent, %s passed, %s deferred, %s blocked, %s left for later",
                 result.sent, result.silent, result.deferred, result.blocked, result.failed)


class _Pacer:
    """Start times at least 1/rate seconds apart."""

    def __init__(self, rate: float) -> None:
        self.gap = 1.0 / rate
        self.next = time.monotonic()

    async def wait(self) -> None:
        now = time.monotonic()
        if self.next > now:
            await asyncio.sleep(self.next - now)
        self.next = max(now, self.next) + self.gap


async def sweep(application: Application) -> SweepResult:
    """Send every reminder due now; one sweep at a time."""
    rt = runtime(application)
    async with rt.lock:
        result = SweepResult()
        reminders = service(application)
        store = reminders.store
        now = rt.clock()
        pacer, slots = _Pacer(rt.rate), asyncio.Semaphore(IN_FLIGHT)
        tasks = []
        for due in store.due_reminders(epoch(now), BATCH):
            schedule = schedule_of(due.row, rt.default_timezone)
            slot = due.row.next_due or 0
            if in_quiet_hours(now, schedule):
                store.move_slot(due.row.user_id, slot, epoch(quiet_end(now, schedule)))
                result.deferred += 1
                continue
            reminder = reminders.compose(due.row.user_id, due.row.last_key)
            following = next_slot(schedule, now)
            if reminder is None:
                store.record_sent(due.row.user_id, slot, None, epoch(now), epoch(following) if following else None)
                result.silent += 1
                continue
            await pacer.wait()
            await slots.acquire()
            reply = Reply(reminder_text(reminders.kb, reminder, due.locale), reminder_keyboard(reminder, due.locale))
            tasks.append(asyncio.create_task(_deliver(application, due, reply, reminder.key, slots, result)))
        await asyncio.gather(*tasks)
        return result


async def _deliver(application: Application, due: DueReminder, reply: Reply, key: str,
                   slots: asyncio.Semaphore, result: SweepResult) -> None:
    try:
        processor = application.update_processor
        turn = processor.owner(int(due.external_id)) if isinstance(processor, OwnerQueues) else \
            contextlib.nullcontext()
        async with turn:
            await _send_and_record(application, due, reply, key, result)
    finally:
        slots.release()


async def _send_and_record(application: Application, due: DueReminder, reply: Reply, key: str,
                           result: SweepResult) -> None:
    rt, store = runtime(application), application.bot_data["deps"].store
    user, slot = due.row.user_id, due.row.next_due or 0
    try:
        await send(application.bot, int(due.external_id), reply)
    except UserBlockedBot:
        store.set_active(user, False)
        store.suspend_reminders(user)
        result.blocked += 1
        return
    except BadRequest as error:  # refused for good (chat not found, ...): this slot passes, the next is tried
        log.warning("reminder for user %s refused: %s", user, error)
        following = next_slot(schedule_of(due.row, rt.default_timezone), rt.clock())
        store.record_sent(user, slot, None, epoch(rt.clock()), epoch(following) if following else None)
        result.failed += 1
        return
    except TelegramError as error:  # on the way (network, 5xx, retries of a 429 exhausted): due again next sweep
        log.warning("reminder for user %s not sent yet: %s", user, type(error).__name__)
        result.failed += 1
        return
    sent_at = rt.clock()
    following = next_slot(schedule_of(due.row, rt.default_timezone), sent_at)
    store.record_sent(user, slot, key, epoch(sent_at), epoch(following) if following else None)
    result.sent += 1
