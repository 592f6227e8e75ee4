"""The buttons of /remind, of the proposed schedule and of a reminder message (callback data `rm:...`)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.reminder_content import Reminder
from bot.services.reminders import proposal_for
from bot.services.schedule import Schedule
from bot.telegram import callbacks
from bot.views.i18n import t
from bot.views.reminders import clock, schedule_text, zone_label
from knowledge.scoring import Report

REMIND = "rm"
# rm:f:<frequency> | rm:h:<hour> | rm:z:<zone> | rm:q:<start-end|off> | rm:off | rm:show
# rm:p:<frequency>:<weekday>:<day>:<hour>:<minute>:<reason> (accept the report's proposal)
# rm:s:<day|week> (snooze) | rm:stop | rm:m:<cash|costs> | rm:a:<action row>:<done|later|drop>
HOURS = (8, 9, 12, 18, 20)
ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Europe/London", "America/New_York")
QUIET = (22 * 60, 8 * 60)


def data(*args: object) -> str:
    return callbacks.pack(REMIND, *args)


def _button(locale: str, key: str, callback: str, **values: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(locale, f"buttons_reminders.{key}", **values), callback_data=callback)


def settings_keyboard(schedule: Schedule, locale: str) -> InlineKeyboardMarkup:
    """Frequency, time, time zone, quiet hours and off; the current choice is marked with •."""
    def mark(chosen: bool, button: InlineKeyboardButton) -> InlineKeyboardButton:
        return InlineKeyboardButton(f"• {button.text}", callback_data=button.callback_data) if chosen else button

    frequencies = [mark(schedule.frequency == f, _button(locale, f, data("f", f)))
                   for f in ("daily", "weekly", "monthly")]
    hours = [mark(schedule.active and (schedule.hour, schedule.minute) == (h, 0),
                  _button(locale, "time", data("h", h), time=clock(h, 0))) for h in HOURS]
    zones = [mark(schedule.timezone == z, _button(locale, "zone", data("z", z), zone=zone_label(z, locale)))
             for z in ZONES]
    quiet = (_button(locale, "quiet_off", data("q", "off")) if schedule.quiet else
             _button(locale, "quiet", data("q", f"{QUIET[0]}-{QUIET[1]}")))
    return InlineKeyboardMarkup([frequencies, hours, zones[:3], zones[3:],
                                 [quiet, _button(locale, "off", data("off"))]])


def proposal_row(report: Report, locale: str) -> list[InlineKeyboardButton]:
    """Under a finished check's report: one tap sets the schedule that fits its risks (see `propose_schedule`)."""
    proposal = proposal_for(report, "UTC")  # the callback carries no zone: the owner's own applies
    s = proposal.schedule
    return [_button(locale, "propose", data("p", s.frequency, s.weekday, s.day, s.hour, s.minute, proposal.reason),
                    schedule=schedule_text(s, locale))]


def _content_row(r: Reminder, locale: str) -> list[InlineKeyboardButton]:
    """What the reminder asks for, in place: update the numbers, tick the action, continue, check again."""
    if r.kind == "runway":
        return [_button(locale, "update_cash", data("m", "cash")), _button(locale, "update_costs", data("m", "costs"))]
    if r.kind == "action" and r.action_row is not None:
        return [_button(locale, answer, data("a", r.action_row, answer)) for answer in ("done", "later", "drop")]
    if r.kind == "nudge":
        return [_button(locale, "resume", callbacks.pack(callbacks.MENU, "resume"))]
    if r.kind in ("reassess", "first_check"):
        return [_button(locale, "quick", callbacks.pack(callbacks.MENU, "quick"))]
    if r.dimension is not None:
        return [_button(locale, "recheck", callbacks.pack(callbacks.RECHECK, r.dimension))]
    return []


def reminder_keyboard(r: Reminder, locale: str) -> InlineKeyboardMarkup:
    """The reminder's own buttons, then snooze a day or a week, and stop."""
    rows = [row for row in [_content_row(r, locale)] if row]
    rows.append([_button(locale, "snooze_day", data("s", "day")), _button(locale, "snooze_week", data("s", "week"))])
    rows.append([_button(locale, "stop", data("stop"))])
    return InlineKeyboardMarkup(rows)
