"""The console at start-up: what is due for the owner ("2 reminders due: …"), the same content Telegram sends."""

from __future__ import annotations

from collections.abc import Callable

from bot.services.advisor import Advisor
from bot.services.reminders import ReminderService
from bot.services.schedule import Clock, utc_now
from bot.views.reminders import due_text

# the console itself resumes an unfinished check and offers the first one, so it never reminds of those
NOT_IN_CONSOLE = ("nudge", "first_check")


def show_due(advisor: Advisor, user_id: int, locale: str, say: Callable[[str], None], clock: Clock = utc_now) -> int:
    """Print what is due and count it as shown (each reminder's cadence restarts); how many were due."""
    reminders = ReminderService(advisor.store, advisor.kb, "UTC", clock)  # content only: no slot is computed
    due = [r for r in reminders.due(user_id) if r.kind not in NOT_IN_CONSOLE]
    if due:
        say(due_text(advisor.kb, due, locale) + "\n")
        reminders.shown(user_id, due)
    return len(due)
