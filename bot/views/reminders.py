"""What a reminder, the /remind settings and the proposed schedule say, in zh and en. No I/O."""

from __future__ import annotations

from datetime import datetime

from bot.services.reminder_content import Reminder
from bot.services.schedule import Schedule
from bot.services.timezones import CHINESE_PLACES
from bot.views.formatting import duration, metric_value
from bot.views.i18n import t
from bot.views.render import render
from knowledge.model import KnowledgeBase


def clock(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


def _weekday(locale: str, index: int) -> str:
    return t(locale, "reminders.weekdays").split()[index]


def _counted(locale: str, key: str, n: int) -> str:
    return t(locale, f"reminders.{key}_one") if n == 1 else t(locale, f"reminders.{key}_other", n=n)


def zone_label(zone: str, locale: str) -> str:
    """A time zone as a button names it: its city, "New York" / "纽约" (the zone's first place we know in Chinese)."""
    if locale == "zh" and (place := next((p for p, z in CHINESE_PLACES.items() if z == zone), None)):
        return place
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def schedule_text(schedule: Schedule, locale: str) -> str:
    """"every Monday at 09:00" / "每周一 09:00"."""
    return t(locale, f"reminders.frequency.{schedule.frequency}", time=clock(schedule.hour, schedule.minute),
             weekday=_weekday(locale, schedule.weekday), day=schedule.day)


def when_text(moment: datetime, locale: str) -> str:
    """A moment already in the owner's zone: "Mon 8 Jun, 09:00" / "6 月 8 日（周一）09:00"."""
    weekday = _weekday(locale, moment.weekday())
    month = t(locale, "reminders.months").split()[moment.month - 1]
    return t(locale, "reminders.next_format", weekday=weekday[:3] if locale == "en" else weekday,
             month=month, day=moment.day, time=clock(moment.hour, moment.minute))


def settings_lines(schedule: Schedule, next_time: datetime | None, locale: str, notice: str = "") -> list[str]:
    """The confirmation: the schedule, the next time in the owner's zone, quiet hours, how to type changes."""
    lines = [notice] if notice else []
    if not schedule.active:
        lines.append(t(locale, "reminders.off_line"))
        lines.append(t(locale, "reminders.zone_line", zone=schedule.timezone))  # a zone set while off shows
    else:
        lines.append(t(locale, "reminders.schedule_line", schedule=schedule_text(schedule, locale),
                       zone=schedule.timezone))
        if next_time is not None:
            lines.append(t(locale, "reminders.next_line", when=when_text(next_time, locale)))
    if schedule.quiet is not None:
        start, end = schedule.quiet
        lines.append(t(locale, "reminders.quiet_line", start=clock(start // 60, start % 60),
                       end=clock(end // 60, end % 60)))
    lines.append(t(locale, "reminders.hint"))
    return lines


def settings_text(schedule: Schedule, next_time: datetime | None, locale: str, notice: str = "") -> str:
    return render("remind.tg.j2", locale, title=t(locale, "reminders.title"),
                  lines=settings_lines(schedule, next_time, locale, notice))


def _board_lines(kb: KnowledgeBase, r: Reminder, locale: str) -> list[str]:
    lines = [t(locale, "reminders.dimension", title=kb.dimension(r.dimension or "").title(locale),
               band=t(locale, f"bands.{r.values['band']}"))]
    if r.trap:
        trap = kb.traps[r.trap]
        lines.append(t(locale, "reminders.trap", title=trap.title(locale), explanation=trap.explanation(locale)))
    if r.action:
        action = kb.actions[r.action]
        lines.append(t(locale, "reminders.key_action", title=action.title(locale), how=action.how(locale)))
    return lines


def reminder_lines(kb: KnowledgeBase, r: Reminder, locale: str, console: bool = False) -> list[str]:
    """The reminder's sentences, plain text (the templates escape them); the console has no buttons to point at."""
    v = r.values
    if r.kind == "dimension":
        return _board_lines(kb, r, locale)
    if r.kind == "nudge":
        return [t(locale, "reminders.nudge", mode=t(locale, f"modes.{v['mode']}"),
                  answered=_counted(locale, "answered", v["answered"]))]
    if r.kind == "runway":
        key = "reminders.runway_console" if console else "reminders.runway"
        return [t(locale, key, months=duration("months", v["months"], locale))]
    if r.kind == "concentration":
        return [t(locale, "reminders.concentration", share=metric_value("percent", v["share"], locale))]
    if r.kind == "action":
        title = kb.actions[r.action or ""].title(locale)
        if v["days"] < 1:
            return [t(locale, "reminders.action_today", title=title)]
        return [t(locale, "reminders.action", title=title, days=_counted(locale, "days", v["days"]))]
    if r.kind == "reassess":
        return [t(locale, "reminders.reassess", months=duration("months", max(v["months"], 1), locale))]
    return [t(locale, f"reminders.{r.kind}")]  # supplier, first_check


def reminder_text(kb: KnowledgeBase, r: Reminder, locale: str) -> str:
    """The reminder as a Telegram message (HTML)."""
    return render("reminder.tg.j2", locale, label=_label(r, locale), lines=reminder_lines(kb, r, locale))


def _label(r: Reminder, locale: str) -> str:
    label = t(locale, f"reminders.console_label.{r.kind}")
    return label[:1].upper() + label[1:]


def due_text(kb: KnowledgeBase, due: list[Reminder], locale: str) -> str:
    """The console's start-up line: "2 reminders due:" and one line per reminder (plain text)."""
    head = t(locale, "reminders.console_due_one") if len(due) == 1 else t(locale, "reminders.console_due",
                                                                         count=len(due))
    items = [t(locale, "reminders.console_item", label=_label(r, locale),
               text=reminder_lines(kb, r, locale, console=True)[0]) for r in due]
    return render("reminders_due.txt.j2", locale, head=head, items=items)
