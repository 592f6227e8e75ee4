"""Dates an owner reads: the day of a stored UTC stamp in the owner's own time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.views.formatting import local_date


@pytest.mark.parametrize(("stamp", "zone", "day"), [
    ("2026-03-04T20:30:00+00:00", "Asia/Shanghai", "2026-03-05"),  # 04:30 the next morning
    ("2026-03-04T15:59:59+00:00", "Asia/Shanghai", "2026-03-04"),
    ("2026-03-05T02:00:00+00:00", "America/New_York", "2026-03-04"),  # 21:00 the evening before
    ("2026-03-04T20:30:00", "Asia/Shanghai", "2026-03-05"),  # no offset: stored stamps are UTC
    ("2026-03-04T20:30:00.123456+00:00", "UTC", "2026-03-04"),
])
def test_a_stamp_is_the_day_it_was_where_the_owner_is(stamp: str, zone: str, day: str) -> None:
    assert local_date(stamp, ZoneInfo(zone)) == day


def test_without_a_zone_the_stamp_keeps_its_own_day() -> None:
    assert local_date("2026-03-04T20:30:00+00:00") == "2026-03-04"


@pytest.mark.parametrize(("stamp", "shown"), [(None, ""), ("", ""), ("2026-03-04 garbled", "2026-03-04"), ("x", "x")])
def test_no_stamp_or_a_broken_one_shows_what_there_is(stamp: str | None, shown: str) -> None:
    assert local_date(stamp, ZoneInfo("Asia/Shanghai")) == shown
