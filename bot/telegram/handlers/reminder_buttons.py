"""The buttons on a reminder: snooze a day or a week, stop, update cash or fixed costs (the typed number
re-scores the check), and done / not yet / drop for a chosen action."""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.services.reminders import AnswerError, RemindCommand
from bot.telegram import callbacks
from bot.telegram.context import CHANNEL, current_user
from bot.telegram.delivery import reply_plain
from bot.telegram.reminder_jobs import service
from bot.telegram.reminder_keyboards import REMIND
from bot.telegram.replies import Reply, line
from bot.telegram.sending import UserBlockedBot, drop_keyboard
from bot.views.formatting import duration
from bot.views.i18n import t
from bot.views.prompts import reason_text
from bot.views.reminders import when_text
from bot.views.render import render

ACTION_NOTICES = {"done": "reminders.action_done", "later": "reminders.action_later",
                  "drop": "reminders.action_dropped"}


async def _close_buttons(context: ContextTypes.DEFAULT_TYPE, message: Message | None) -> None:
    """The reminder answered: its buttons go, so it cannot be answered twice."""
    if message is not None:
        with contextlib.suppress(UserBlockedBot):
            await drop_keyboard(context.bot, message.chat_id, message.message_id)


async def on_reminder_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = current_user(update, context)
    reminders = service(context.application)
    parts = (query.data or "").split(callbacks.SEPARATOR)[1:]
    tapped = query.message if isinstance(query.message, Message) else None
    match parts:
        case ["s", ("day" | "week") as how_long]:
            until = reminders.snooze(user.id, how_long)
            text = (t(user.locale, "reminders.snoozed", when=when_text(until, user.locale)) if until
                    else t(user.locale, "reminders.snooze_off"))
        case ["stop"]:
            reminders.apply(user.id, RemindCommand("off"))
            text = t(user.locale, "reminders.stopped")
        case ["m", which] if reminders.await_metric(user.id, which):
            await query.answer()
            question = reminders.awaited(user.id) or ""
            await reply_plain(update, context, user, Reply(line(user.locale, f"reminders.metric_prompt.{question}")))
            return
        case ["a", row, ("done" | "later" | "drop") as answer] if callbacks.number(row) is not None:
            ok = reminders.answer_action(user.id, int(row), answer)
            text = t(user.locale, ACTION_NOTICES[answer] if ok else "reminders.action_gone")
        case _:
            await query.answer(t(user.locale, "tg.unknown_button"))
            return
    await query.answer(text[:200])
    await _close_buttons(context, tapped)
    await reply_plain(update, context, user, Reply(render("line.tg.j2", user.locale, lines=[text])))


async def typed_metric(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The number the owner typed after "update cash": stored, the check scored again, the new figures shown."""
    user = current_user(update, context)
    reminders = service(context.application)
    try:
        report = reminders.update_metric(user.id, update.effective_message.text or "")
    except AnswerError as error:
        reason = reason_text(user.locale, error.reason, error.minimum, error.maximum, error.values)
        await reply_plain(update, context, user, Reply(line(user.locale, "reminders.metric_refused", reason=reason)))
        return
    except LookupError:
        await reply_plain(update, context, user, Reply(line(user.locale, "reminders.metric_stale")))
        return
    cash = next(d for d in report.dimensions if d.id == "cash_flow")
    keys = ["reminders.metric_updated"]
    runway = report.metrics.get("runway_months")
    values: dict[str, Any] = {"overall": report.overall, "band": t(user.locale, f"bands.{cash.band}")}
    if runway is not None:
        keys.append("reminders.metric_updated_runway")
        values["months"] = duration("months", runway, user.locale)
    await reply_plain(update, context, user, Reply(line(user.locale, *keys, **values)))


class AwaitedNumber(MessageHandler):
    """A typed text in a private chat while the owner's tap on "update cash" (or costs) waits for it."""

    def __init__(self, application: Application) -> None:
        super().__init__(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
                         typed_metric)
        self.application = application

    def check_update(self, update: object) -> Any:
        if not super().check_update(update) or not isinstance(update, Update) or update.effective_user is None:
            return False
        return service(self.application).awaits_number(CHANNEL, str(update.effective_user.id))


def handlers(application: Application) -> list:
    return [
        CallbackQueryHandler(on_reminder_button, pattern=rf"^{REMIND}:(s|stop|m|a)(:|$)"),
        AwaitedNumber(application),
    ]
