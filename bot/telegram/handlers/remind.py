"""/remind: the schedule by buttons or typed (`/remind weekly mon 09:00`, `/remind 每周一 9点`), the schedule
a finished check's report proposes (one tap), and an owner who had blocked the bot resumed when they write."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, TypeHandler

from bot.services.remind_parsing import RemindCommand, RemindSyntaxError, parse_remind, valid_timezone
from bot.services.reminders import ReminderService
from bot.services.schedule import Schedule
from bot.storage.store import User
from bot.telegram import callbacks, reminder_jobs
from bot.telegram.context import CHANNEL, current_user, deps, user_read
from bot.telegram.delivery import reply_plain
from bot.telegram.handlers import reminder_buttons
from bot.telegram.reminder_jobs import service
from bot.telegram.reminder_keyboards import REMIND, settings_keyboard
from bot.telegram.replies import Reply, line
from bot.telegram.sending import UserBlockedBot, edit_or_send
from bot.views.i18n import t
from bot.views.reminders import schedule_text, settings_text

REASONS = ("cash", "fatal", "weak", "healthy")
AFTER_GROUP = 3  # after every other group: a group's first matching handler is the only one it runs


def settings_reply(reminders: ReminderService, user: User, notice: str = "") -> Reply:
    schedule = reminders.schedule(user.id)
    return Reply(settings_text(schedule, reminders.next_time(user.id), user.locale, notice),
                 settings_keyboard(schedule, user.locale))


async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remind alone shows the settings with buttons; with words, applies them and confirms the next time."""
    user = current_user(update, context)
    reminders = service(context.application)
    try:
        command = parse_remind(" ".join(context.args or []))
    except RemindSyntaxError as error:
        await reply_plain(update, context, user, Reply(line(user.locale, f"reminders.errors.{error.reason}")))
        return
    notice = ""
    if command.kind != "show":
        reminders.apply(user.id, command)
        notice = t(user.locale, "reminders.stopped_here" if command.kind == "off" else "reminders.saved")
    await reply_plain(update, context, user, settings_reply(reminders, user, notice))


def _zone(name: str) -> bool:
    try:
        return bool(valid_timezone(name))
    except RemindSyntaxError:
        return False


def _command_of(parts: list[str]) -> RemindCommand | None:
    """The settings button behind callback data parts (after "rm")."""
    match parts:
        case ["f", frequency] if frequency in ("daily", "weekly", "monthly"):
            return RemindCommand("schedule", frequency)
        case ["h", hour] if (number := callbacks.number(hour)) is not None and number < 24:
            return RemindCommand("schedule", None, hour=number, minute=0)
        case ["z", zone] if _zone(zone):
            return RemindCommand("timezone", timezone=zone)
        case ["q", "off"]:
            return RemindCommand("quiet", quiet=None)
        case ["q", span] if span.count("-") == 1 and all(callbacks.number(p) is not None for p in span.split("-")):
            start, end = span.split("-")
            return RemindCommand("quiet", quiet=(int(start) % 1440, int(end) % 1440))
        case ["off"]:
            return RemindCommand("off")
    return None


def _accepted(parts: list[str], timezone: str) -> Schedule | None:
    if len(parts) == 7 and parts[1] in ("daily", "weekly", "monthly") and all(
            callbacks.number(p) is not None for p in parts[2:6]):
        weekday, day, hour, minute = (int(p) for p in parts[2:6])
        if weekday < 7 and 1 <= day <= 31 and hour < 24 and minute < 60:
            return Schedule(parts[1], hour, minute, weekday, day, timezone)  # type: ignore[arg-type]
    return None


async def on_settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A settings or proposal button: applied, and the message shows the new schedule in place."""
    query = update.callback_query
    user = current_user(update, context)
    reminders = service(context.application)
    parts = (query.data or "").split(callbacks.SEPARATOR)[1:]
    if parts and parts[0] == "p":
        schedule = _accepted(parts, reminders.schedule(user.id).timezone)
        if schedule is None:
            await query.answer(t(user.locale, "tg.unknown_button"))
            return
        reminders.set_schedule(user.id, schedule.with_(quiet=reminders.schedule(user.id).quiet), proposed=True)
        notice = t(user.locale, "reminders.proposal.accepted", schedule=schedule_text(schedule, user.locale))
        if parts[6] in REASONS:
            notice = f"{t(user.locale, f'reminders.proposal.{parts[6]}')} {notice}"
    elif parts == ["show"]:
        notice = ""
    else:
        command = _command_of(parts)
        if command is None:
            await query.answer(t(user.locale, "tg.unknown_button"))
            return
        if command.kind == "schedule" and command.frequency is None and not reminders.schedule(user.id).active:
            command = RemindCommand("schedule", "weekly", hour=command.hour, minute=0)  # a time turns them on
        reminders.apply(user.id, command)
        notice = t(user.locale, "reminders.stopped_here" if command.kind == "off" else "reminders.saved")
    await query.answer()
    tapped = query.message if isinstance(query.message, Message) else None
    reply = settings_reply(reminders, user, notice)
    try:
        if tapped is not None:
            await edit_or_send(context.bot, tapped.chat_id, tapped.message_id, reply)
        else:
            await reply_plain(update, context, user, reply)
    except UserBlockedBot:
        deps(context).store.set_active(user.id, False)


async def after_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After every private update: an owner who had blocked the bot and writes again gets their reminders back.

    Reads only: a user this update did not create (or one who blocked the bot, or was just forgotten) is left
    alone. The user's own read at the start of the update (`current_user`) says whether anything is suspended
    (only the sweep suspends, when a reminder was refused), so most updates need no read here.
    """
    chat = update.effective_chat
    if update.effective_user is None or chat is None or chat.type != ChatType.PRIVATE:
        return
    read = user_read(context)
    if read is not None and not read.reminders_suspended:
        return
    user_id = deps(context).store.suspended_reminder_of(CHANNEL, str(update.effective_user.id))
    if user_id is not None:
        service(context.application).resume_if_suspended(user_id)


def handlers(application: Application) -> list:
    """/remind and its buttons; the typed number for a metric goes before the check's own typed answers."""
    return [
        CommandHandler("remind", remind),
        CallbackQueryHandler(on_settings_button, pattern=rf"^{REMIND}:(f|h|z|q|off|show|p)(:|$)"),
        *reminder_buttons.handlers(application),
    ]


def install(application: Application, default_timezone: str) -> None:
    """The sweep and the hook after every update (its own group, after everything else)."""
    reminder_jobs.install(application, default_timezone)
    application.add_handler(TypeHandler(Update, after_update), group=AFTER_GROUP)
