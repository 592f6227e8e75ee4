"""When a reminder is due: the owner's slot (daily, weekly, monthly at a local time) in their time zone.

Pure: every function takes the moment it reasons about, so tests control time. Times are aware datetimes;
wall-clock arithmetic happens in the owner's zone (zoneinfo), so 09:00 stays 09:00 across daylight-saving
changes. A slot that does not exist (02:30 on the night clocks spring forward) happens at the same offset as
the hour before it, i.e. an hour later on the new clock; a slot that exists twice (01:30 when clocks fall
back) happens once, at its first occurrence. Quiet hours move a slot that falls inside them to their end.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Frequency = Literal["daily", "weekly", "monthly", "off"]
FREQUENCIES: tuple[Frequency, ...] = ("daily", "weekly", "monthly")
Clock = Callable[[], datetime]
MINUTES_PER_DAY = 24 * 60


def utc_now() -> datetime:
    """The production clock: now, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Schedule:
    """The owner's reminder slot; `quiet` is (start, end) in minutes after local midnight, end exclusive."""

    frequency: Frequency = "off"
    hour: int = 9
    minute: int = 0
    weekday: int = 0  # Monday = 0, for weekly
    day: int = 1  # day of the month, for monthly; 31 means the month's last day in shorter months
    timezone: str = "Asia/Shanghai"
    quiet: tuple[int, int] | None = None

    @property
    def active(self) -> bool:
        return self.frequency in FREQUENCIES

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def with_(self, **changes: object) -> Schedule:
        return replace(self, **changes)


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The wall-clock time `at` on `day` in `zone` as a real instant (see the module's note on DST gaps)."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC).astimezone(zone)  # normalises a time in a gap to the instant it means


def _days_from(start: date, schedule: Schedule) -> list[date]:
    """Candidate days from `start` on: enough that one of them is after any moment on `start`."""
    if schedule.frequency == "daily":
        return [start + timedelta(days=n) for n in range(3)]
    if schedule.frequency == "weekly":
        first = start + timedelta(days=(schedule.weekday - start.weekday()) % 7)
        return [first + timedelta(weeks=n) for n in range(3)]
    days = []
    year, month = start.year, start.month
    for _ in range(3):
        last = calendar.monthrange(year, month)[1]
        days.append(date(year, month, min(schedule.day, last)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def in_quiet_hours(moment: datetime, schedule: Schedule) -> bool:
    """Whether the owner's local time at `moment` is inside their quiet hours (which may wrap midnight)."""
    if schedule.quiet is None:
        return False
    start, end = schedule.quiet
    local = moment.astimezone(schedule.zone)
    minute = local.hour * 60 + local.minute
    if start <= end:
        return start <= minute < end
    return minute >= start or minute < end


def quiet_end(moment: datetime, schedule: Schedule) -> datetime:
    """The first moment at or after `moment` outside quiet hours (`moment` itself when it is outside)."""
    if not in_quiet_hours(moment, schedule) or schedule.quiet is None:
        return moment
    end = schedule.quiet[1]
    local = moment.astimezone(schedule.zone)
    at = time(end // 60, end % 60)
    same_day = local_moment(local.date(), at, schedule.zone)
    result = same_day if same_day > moment else local_moment(local.date() + timedelta(days=1), at, schedule.zone)
    return result.astimezone(UTC)


def next_slot(schedule: Schedule, after: datetime) -> datetime | None:
    """The first slot strictly after `after`, in UTC, moved out of quiet hours; None when reminders are off."""
    if not schedule.active:
        return None
    zone = schedule.zone
    start = after.astimezone(zone).date() - timedelta(days=1)  # a day back: the zone may be behind UTC's date
    at = time(schedule.hour, schedule.minute)
    for day in _days_from(start, schedule) + _days_from(start + timedelta(days=32), schedule):
        moment = local_moment(day, at, zone)
        if moment > after:
            return quiet_end(moment, schedule).astimezone(UTC)
    raise AssertionError("no slot found")  # unreachable: the candidate days span more than a period


def epoch(moment: datetime) -> int:
    """Seconds since 1970 (UTC), the form `next_due` is stored and indexed in."""
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
