"""Slots across time zones and daylight-saving changes, quiet hours, and the text forms of /remind."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.remind_parsing import RemindCommand, RemindSyntaxError, parse_clock, parse_remind
from bot.services.schedule import Schedule, in_quiet_hours, next_slot, quiet_end

NY = ZoneInfo("America/New_York")
SH = ZoneInfo("Asia/Shanghai")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slots(schedule: Schedule, start: datetime, count: int) -> list[datetime]:
    found, moment = [], start
    for _ in range(count):
        moment = next_slot(schedule, moment)
        found.append(moment)
    return found


def test_daily_nine_in_new_york_stays_nine_across_the_march_change() -> None:
    daily = Schedule("daily", 9, 0, timezone="America/New_York")
    found = slots(daily, utc(2026, 3, 6, 12), 4)  # DST starts Sunday 8 March 2026
    assert [s.astimezone(NY).hour for s in found] == [9, 9, 9, 9]
    assert [s.hour for s in found] == [14, 14, 13, 13]  # 09:00 EST is 14:00 UTC, 09:00 EDT 13:00 UTC
    assert found[2] - found[1] == timedelta(hours=23)


def test_daily_nine_in_new_york_across_the_november_change() -> None:
    daily = Schedule("daily", 9, 0, timezone="America/New_York")
    found = slots(daily, utc(2026, 10, 30, 12), 4)  # DST ends Sunday 1 November 2026
    assert [s.astimezone(NY).hour for s in found] == [9, 9, 9, 9]
    assert found[2] - found[1] == timedelta(hours=25)


def test_a_slot_in_the_spring_gap_happens_once_an_hour_later_on_the_new_clock() -> None:
    daily = Schedule("daily", 2, 30, timezone="America/New_York")
    found = slots(daily, utc(2026, 3, 7, 12), 3)
    assert [s.astimezone(NY).strftime("%d %H:%M") for s in found] == ["08 03:30", "09 02:30", "10 02:30"]


def test_a_slot_in_the_autumn_overlap_happens_once() -> None:
    daily = Schedule("daily", 1, 30, timezone="America/New_York")
    found = slots(daily, utc(2026, 10, 31, 12), 3)
    local = [s.astimezone(NY) for s in found]
    assert [s.strftime("%d %H:%M") for s in local] == ["01 01:30", "02 01:30", "03 01:30"]
    assert local[0].utcoffset() == timedelta(hours=-4)  # the first 01:30, still daylight time


def test_shanghai_has_no_daylight_saving_so_every_slot_is_one_utc_hour() -> None:
    weekly = Schedule("weekly", 9, 0, weekday=0, timezone="Asia/Shanghai")
    found = slots(weekly, utc(2026, 3, 1), 40)
    assert {s.hour for s in found} == {1}
    assert {s.astimezone(SH).weekday() for s in found} == {0}
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(found))


def test_weekly_and_monthly_slots_in_the_owners_zone() -> None:
    weekly = Schedule("weekly", 9, 0, weekday=0, timezone="Asia/Singapore")
    # Sunday 23:00 UTC is Monday 07:00 in Singapore: the slot is that same Monday
    assert next_slot(weekly, utc(2026, 6, 7, 23)) == utc(2026, 6, 8, 1)
    monthly = Schedule("monthly", 9, 0, day=31, timezone="Asia/Shanghai")
    found = slots(monthly, utc(2026, 1, 1), 3)
    assert [s.astimezone(SH).date().isoformat() for s in found] == ["2026-01-31", "2026-02-28", "2026-03-31"]


def test_a_slot_strictly_after_the_moment_and_none_when_off() -> None:
    daily = Schedule("daily", 9, 0, timezone="Asia/Shanghai")
    assert next_slot(daily, utc(2026, 6, 1, 1)) == utc(2026, 6, 2, 1)
    assert next_slot(daily, utc(2026, 6, 1, 0, 59)) == utc(2026, 6, 1, 1)
    assert next_slot(Schedule("off"), utc(2026, 6, 1)) is None


def test_quiet_hours_wrap_midnight_and_move_a_slot_to_their_end() -> None:
    quiet = Schedule("daily", 23, 0, timezone="Asia/Shanghai", quiet=(22 * 60, 8 * 60))
    assert in_quiet_hours(utc(2026, 6, 1, 15), quiet)  # 23:00 local
    assert in_quiet_hours(utc(2026, 6, 1, 23), quiet)  # 07:00 local
    assert not in_quiet_hours(utc(2026, 6, 1, 0), quiet)  # 08:00 local
    assert next_slot(quiet, utc(2026, 6, 1, 1)) == utc(2026, 6, 2, 0)  # 23:00 moves to 08:00 the next day
    assert quiet_end(utc(2026, 6, 1, 2), quiet) == utc(2026, 6, 1, 2)
    daytime = Schedule("daily", 13, 0, timezone="America/New_York", quiet=(12 * 60, 14 * 60))
    assert next_slot(daytime, utc(2026, 3, 7, 12)).astimezone(NY).strftime("%d %H:%M") == "07 14:00"


@pytest.mark.parametrize(("text", "expected"), [
    ("daily 09:00", ("schedule", "daily", None, None, 9, 0)),
    ("weekly mon 09:00", ("schedule", "weekly", 0, None, 9, 0)),
    ("monthly 1 09:00", ("schedule", "monthly", None, 1, 9, 0)),
    ("weekly friday 6pm", ("schedule", "weekly", 4, None, 18, 0)),
    ("每周一 9点", ("schedule", "weekly", 0, None, 9, 0)),
    ("每天 9:00", ("schedule", "daily", None, None, 9, 0)),
    ("每月1号 9点", ("schedule", "monthly", None, 1, 9, 0)),
    ("每月十五号 九点半", ("schedule", "monthly", None, 15, 9, 30)),
    ("星期五 下午3点", ("schedule", "weekly", 4, None, 15, 0)),
    ("daily", ("schedule", "daily", None, None, None, None)),
])
def test_text_forms(text: str, expected: tuple) -> None:
    c = parse_remind(text)
    assert (c.kind, c.frequency, c.weekday, c.day, c.hour, c.minute) == expected


def test_time_zone_quiet_off_and_show() -> None:
    assert parse_remind("tz Asia/Singapore").timezone == "Asia/Singapore"
    assert parse_remind("时区 America/New_York").timezone == "America/New_York"
    assert parse_remind("quiet 22:00-08:00").quiet == (1320, 480)
    assert parse_remind("免打扰 22点-7点").quiet == (1320, 420)
    assert parse_remind("quiet off").quiet is None
    assert parse_remind("off").kind == parse_remind("关闭").kind == "off"
    assert parse_remind("").kind == "show"


@pytest.mark.parametrize(("text", "reason"), [
    ("tz Mars/Olympus", "timezone"), ("weekly someday 9:00", "weekday"), ("monthly 32 9:00", "day"),
    ("daily 25:00", "time"), ("sometimes", "unknown"), ("quiet 22", "quiet"),
])
def test_what_is_not_understood_says_why(text: str, reason: str) -> None:
    with pytest.raises(RemindSyntaxError) as raised:
        parse_remind(text)
    assert raised.value.reason == reason


def test_clock_words() -> None:
    assert parse_clock("早上8点") == (8, 0)
    assert parse_clock("晚上8点") == (20, 0)
    assert parse_clock("12am") == (0, 0)


@pytest.mark.parametrize(("typed", "zone"), [
    ("tz Asia/Shanghai", "Asia/Shanghai"), ("tz asia/singapore", "Asia/Singapore"), ("tz Singapore", "Asia/Singapore"),
    ("tz new york", "America/New_York"), ("tz London", "Europe/London"), ("时区 上海", "Asia/Shanghai"),
    ("时区 深圳", "Asia/Shanghai"), ("tz 香港", "Asia/Hong_Kong"), ("tz Hong Kong", "Asia/Hong_Kong"),
    ("tz UTC", "UTC"),
])
def test_a_time_zone_is_read_as_owners_type_it(typed: str, zone: str) -> None:
    assert parse_remind(typed) == RemindCommand("timezone", timezone=zone)


@pytest.mark.parametrize("typed", ["tz America", "tz 火星", "tz", "tz " + "x" * 300, "tz ../etc/passwd"])
def test_a_place_that_is_no_time_zone_is_refused(typed: str) -> None:
    with pytest.raises(RemindSyntaxError):
        parse_remind(typed)


def test_the_zone_buttons_name_cities_as_the_owner_reads_them() -> None:
    from bot.telegram.reminder_keyboards import ZONES
    from bot.views.reminders import zone_label

    assert [zone_label(z, "en") for z in ZONES] == ["Shanghai", "Hong Kong", "Singapore", "London", "New York"]
    assert [zone_label(z, "zh") for z in ZONES] == ["上海", "香港", "新加坡", "伦敦", "纽约"]
    assert all(parse_remind(f"tz {zone_label(z, locale)}").timezone == z for z in ZONES for locale in ("zh", "en"))
