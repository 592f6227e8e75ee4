"""Reminders as a use case: the owner's schedule, what is due for them, snooze, stop, and the answers to a
reminder (an action done or dropped, a metric updated and the check scored again). Channel-agnostic; the
clock is injected, so tests control time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.services.actions import ActionPlanService
from bot.services.ports import ReminderSettings, ReminderStore
from bot.services.remind_parsing import RemindCommand
from bot.services.reminder_content import DAY, OpenCheck, Reminder, choose, due_reminders
from bot.services.schedule import Clock, Schedule, epoch, from_epoch, next_slot, quiet_end, utc_now
from dialogs.answers import AnswerError, parse_answer
from knowledge.model import KnowledgeBase
from knowledge.scoring import Report, assess

METRIC_QUESTIONS = {"cash": "cash_available", "costs": "cash_fixed_costs"}  # the runway check-in's two buttons
AWAIT_FOR = timedelta(hours=1)  # how long a tap on "update cash" waits for the typed number
SNOOZES = {"day": timedelta(days=1), "week": timedelta(weeks=1)}


@dataclass(frozen=True, slots=True)
class Proposal:
    """A schedule that fits the owner's risks, and why (`reason`: cash, fatal, weak or healthy)."""

    schedule: Schedule
    reason: str


def propose_schedule(report: dict[str, Any], timezone: str) -> Proposal:
    """Weekly on Monday at 9:00 while cash or any board is fatal, or runway is under 6 months; else monthly."""
    bands = {d["id"]: d["band"] for d in report["dimensions"]}
    runway = report.get("metrics", {}).get("runway_months")
    if bands.get("cash_flow") == "fatal" or (runway is not None and runway < 6):
        return Proposal(Schedule("weekly", 9, 0, 0, 1, timezone), "cash")
    if "fatal" in bands.values():
        return Proposal(Schedule("weekly", 9, 0, 0, 1, timezone), "fatal")
    reason = "weak" if "weak" in bands.values() else "healthy"
    return Proposal(Schedule("monthly", 9, 0, 0, 1, timezone), reason)


def proposal_for(report: Report, timezone: str) -> Proposal:
    """The proposal for a report just scored (the check's last message offers it)."""
    return propose_schedule({"dimensions": [{"id": d.id, "band": d.band} for d in report.dimensions],
                             "metrics": dict(report.metrics)}, timezone)


def schedule_of(row: ReminderSettings | None, default_timezone: str) -> Schedule:
    if row is None:
        return Schedule(timezone=default_timezone)
    quiet = (row.quiet_start, row.quiet_end) if row.quiet_start is not None and row.quiet_end is not None else None
    return Schedule(row.frequency, row.hour, row.minute, row.weekday, row.day,  # type: ignore[arg-type]
                    row.timezone or default_timezone, quiet)


def settings_of(schedule: Schedule) -> dict[str, Any]:
    quiet = schedule.quiet or (None, None)
    return {"frequency": schedule.frequency, "hour": schedule.hour, "minute": schedule.minute,
            "weekday": schedule.weekday, "day": schedule.day, "timezone": schedule.timezone,
            "quiet_start": quiet[0], "quiet_end": quiet[1]}


def applied(schedule: Schedule, command: RemindCommand) -> Schedule:
    """The schedule after a /remind command; a time left out keeps the current one."""
    if command.kind == "off":
        return schedule.with_(frequency="off")
    if command.kind == "timezone":
        return schedule.with_(timezone=command.timezone)
    if command.kind == "quiet":
        return schedule.with_(quiet=command.quiet)
    if command.kind != "schedule":
        return schedule
    changes: dict[str, object] = {"frequency": command.frequency} if command.frequency is not None else {}
    for name in ("hour", "minute", "weekday", "day"):
        if getattr(command, name) is not None:
            changes[name] = getattr(command, name)
    return schedule.with_(**changes)


class ReminderService:
    """One owner's reminders over the store; `clock` returns the current aware datetime."""

    def __init__(self, store: ReminderStore, kb: KnowledgeBase, default_timezone: str,
                 clock: Clock = utc_now) -> None:
        self.store = store
        self.kb = kb
        self.default_timezone = default_timezone
        self.clock = clock

    def schedule(self, user_id: int) -> Schedule:
        return schedule_of(self.store.reminder(user_id), self.default_timezone)

    def next_time(self, user_id: int) -> datetime | None:
        """The next reminder in the owner's time zone, None when reminders are off."""
        row = self.store.reminder(user_id)
        if row is None or row.next_due is None:
            return None
        return from_epoch(row.next_due).astimezone(self.schedule(user_id).zone)

    def set_schedule(self, user_id: int, schedule: Schedule, proposed: bool = False) -> datetime | None:
        """Store the schedule with its first slot from now; that slot in the owner's time zone (None: off).

        `proposed`: the owner accepted the schedule the report proposed (kept in the row).
        """
        slot = next_slot(schedule, self.clock())
        self.store.save_reminder(user_id, settings_of(schedule), epoch(slot) if slot else None, proposed)
        return slot.astimezone(schedule.zone) if slot else None

    def apply(self, user_id: int, command: RemindCommand) -> tuple[Schedule, datetime | None]:
        schedule = applied(self.schedule(user_id), command)
        if command.kind == "show":
            return schedule, self.next_time(user_id)
        return schedule, self.set_schedule(user_id, schedule)

    def snooze(self, user_id: int, how_long: str) -> datetime | None:
        """The next reminder a day or a week from now (out of quiet hours); None when reminders are off."""
        schedule = self.schedule(user_id)
        until = quiet_end(self.clock() + SNOOZES[how_long], schedule)
        return until.astimezone(schedule.zone) if self.store.snooze(user_id, epoch(until)) else None

    def resume_if_suspended(self, user_id: int) -> None:
        """An owner who had blocked the bot wrote again: their schedule runs again from now."""
        row = self.store.reminder(user_id)
        if row is not None and row.suspended:
            slot = next_slot(self.schedule(user_id), self.clock())
            self.store.resume_reminders(user_id, epoch(slot) if slot else None)

    def due(self, user_id: int) -> list[Reminder]:
        """Everything due for the owner now, most urgent first."""
        session = self.store.load_session(user_id)
        open_check: OpenCheck | None = None
        if session.has_open_check and session.assessment_id is not None:
            open_check = (session.mode or "full", len(session.asked), 0, session.assessment_id)
        return due_reminders(self.kb, self.store.latest_kept_report(user_id), self.store.focus_actions(user_id),
                             open_check, self.store.reminder_history(user_id), epoch(self.clock()))

    def compose(self, user_id: int, last_key: str | None) -> Reminder | None:
        """The reminder a slot sends now; None when nothing is due (the slot passes silently)."""
        return choose(self.due(user_id), last_key)

    def shown(self, user_id: int, reminders: list[Reminder]) -> None:
        """Reminders shown outside a slot (the console): their cadence counts from now."""
        self.store.note_sent(user_id, [r.key for r in reminders], epoch(self.clock()))

    def answer_action(self, user_id: int, row_id: int, answer: str) -> bool:
        """done / drop close the action in the plan; "later" (not yet) asks again in a week."""
        if answer == "later":
            if not any(a.id == row_id and a.status == "open" for a in self.store.focus_actions(user_id)):
                return False
            self.store.note_sent(user_id, [f"action:{row_id}"], epoch(self.clock()))
            return True
        status = {"done": "done", "drop": "dropped"}.get(answer)
        return status is not None and ActionPlanService(self.store, self.kb).close(user_id, row_id, status)

    def await_metric(self, user_id: int, which: str) -> str | None:
        """The owner tapped "update cash" (or costs): their next typed number answers it; its question id."""
        question = METRIC_QUESTIONS.get(which)
        if question is not None and self.store.reminder(user_id) is not None:
            self.store.set_awaiting(user_id, question, epoch(self.clock() + AWAIT_FOR))
        return question

    def awaited(self, user_id: int) -> str | None:
        """The metric question a typed number now answers, if the owner tapped its button within the hour."""
        row = self.store.reminder(user_id)
        return row.awaiting if row is not None and self._still_awaited(row.awaiting, row.awaiting_until) else None

    def awaits_number(self, channel: str, external_id: str) -> bool:
        """Whether a number typed by this identity now answers a metric question (see `awaited`)."""
        found = self.store.awaiting_of(channel, external_id)
        return found is not None and self._still_awaited(*found)

    def _still_awaited(self, question: str | None, until: int | None) -> bool:
        return question is not None and (until or 0) >= epoch(self.clock())

    def update_metric(self, user_id: int, text: str) -> Report:
        """The typed number replaces the awaited answer and the check is scored again, and kept; AnswerError
        (the number refused, nothing changed) or LookupError (nothing awaited, or no finished check)."""
        question_id = self.awaited(user_id)
        latest = self.store.latest_finished(user_id)
        if question_id is None or latest is None:
            raise LookupError("no metric is awaited")
        question = self.kb.questions[question_id]
        value = parse_answer(self.kb, question, text)
        answers = {**latest.answers, question_id: value}
        report = assess(self.kb, answers)
        self.store.keep_updated_check(user_id, question.dimension, answers, report)
        self.store.set_awaiting(user_id, None, None)
        self.store.note_sent(user_id, ["runway"], epoch(self.clock()))  # checked in: next month again
        return report


__all__ = ["DAY", "AnswerError", "Proposal", "Reminder", "ReminderService", "applied", "proposal_for",
           "propose_schedule"]
