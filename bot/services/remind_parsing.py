"""The text forms of /remind, in English and Chinese: `daily 09:00`, `weekly mon 9:00`, `monthly 1 09:00`,
`tz Asia/Singapore` (or `tz singapore`), `quiet 22:00-08:00`, `off`; `每天 9:00`, `每周一 9点`, `每月1号 9点半`,
`时区 上海`, `关闭`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.services.timezones import find_timezone

WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS_ZH = "一二三四五六日"
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_AFTERNOON = ("下午", "晚上", "傍晚", "pm")
_CLOCK = re.compile(r"(?P<h>\d{1,2})(?::(?P<m>\d{2})|点(?:(?P<half>半)|(?P<zm>\d{1,2})分?)?|时)?(?P<ap>am|pm)?$")

Kind = Literal["schedule", "timezone", "quiet", "off", "show"]


class RemindSyntaxError(ValueError):
    """Why a /remind text was not understood: a catalog key under `reminders.errors.`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RemindCommand:
    kind: Kind
    frequency: str | None = None
    weekday: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    timezone: str | None = None
    quiet: tuple[int, int] | None = None


def _chinese_number(text: str) -> int | None:
    """"1", "十五", "二十一": a small whole number written either way."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    tens, _, units = text.partition("十")
    if "十" not in text:
        return _CN_DIGITS.get(text)
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)


def parse_clock(text: str) -> tuple[int, int]:
    """"09:00", "9点", "九点半", "下午3点", "3pm" → (hour, minute); RemindSyntaxError("time") otherwise."""
    word = text.strip().lower()
    afternoon = any(word.startswith(p) for p in _AFTERNOON[:3])
    for prefix in ("早上", "上午", "中午", *_AFTERNOON[:3]):
        word = word.removeprefix(prefix)
    word = re.sub(r"^([零一二两三四五六七八九十]+)(?=点|时)",
                  lambda m: str(_chinese_number(m[1]) if _chinese_number(m[1]) is not None else m[1]), word)
    match = _CLOCK.match(word)
    if match is None:
        raise RemindSyntaxError("time")
    hour = int(match["h"])
    minute = 30 if match["half"] else int(match["m"] or match["zm"] or 0)
    if (afternoon or match["ap"] == "pm") and hour < 12:
        hour += 12
    if match["ap"] == "am" and hour == 12:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise RemindSyntaxError("time")
    return hour, minute


def valid_timezone(name: str) -> str:
    """The time zone `name` stands for, an IANA name or a city as people type it ("New York", "上海",
    `bot.services.timezones`); RemindSyntaxError("timezone") for anything else ("America" is a folder)."""
    zone = find_timezone(name)
    if zone is None:
        raise RemindSyntaxError("timezone")
    try:
        ZoneInfo(zone)  # a place of ours that this machine's zone database lacks
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise RemindSyntaxError("timezone") from None
    return zone


def _clock_of(words: list[str]) -> tuple[int | None, int | None]:
    if not words:
        return None, None
    if len(words) > 1:
        raise RemindSyntaxError("time")
    return parse_clock(words[0])


def _schedule(frequency: str, words: list[str], weekday: int | None = None, day: int | None = None) -> RemindCommand:
    hour, minute = _clock_of(words)
    return RemindCommand("schedule", frequency, weekday, day, hour, minute)


def _quiet(words: list[str]) -> RemindCommand:
    if words in (["off"], ["关闭"], ["关"]):
        return RemindCommand("quiet", quiet=None)
    parts = re.split(r"[-~到至]", "".join(words))
    if len(parts) != 2:
        raise RemindSyntaxError("quiet")
    (h1, m1), (h2, m2) = parse_clock(parts[0]), parse_clock(parts[1])
    return RemindCommand("quiet", quiet=(h1 * 60 + m1, h2 * 60 + m2))


def _chinese_head(head: str, rest: list[str]) -> RemindCommand | None:
    """每天 / 每周一 / 星期一 / 每月1号, with the time possibly glued on ("每天9点")."""
    match = re.match(r"(每天|每日)(.*)$", head)
    if match:
        return _schedule("daily", [w for w in [match[2], *rest] if w])
    match = re.match(r"(?:每周|每星期|星期|周)([一二三四五六日天])(.*)$", head)
    if match:
        return _schedule("weekly", [w for w in [match[2], *rest] if w], WEEKDAYS_ZH.index(match[1].replace("天", "日")))
    match = re.match(r"每月(\d{1,2}|[一二三四五六七八九十]{1,3})[号日](.*)$", head)
    if match:
        day = _chinese_number(match[1])
        if day is None or not 1 <= day <= 31:
            raise RemindSyntaxError("day")
        return _schedule("monthly", [w for w in [match[2], *rest] if w], day=day)
    return None


def parse_remind(text: str) -> RemindCommand:
    """What the words after /remind ask for; an empty text shows the settings."""
    words = unicodedata.normalize("NFKC", text).strip().split()
    if not words:
        return RemindCommand("show")
    head, rest = words[0].lower(), words[1:]
    if head in ("off", "stop", "关闭", "关", "停止"):
        return RemindCommand("off")
    if head in ("tz", "timezone", "时区"):
        if not rest:
            raise RemindSyntaxError("timezone")
        return RemindCommand("timezone", timezone=valid_timezone(" ".join(rest)))  # "tz new york"
    if head in ("quiet", "免打扰"):
        return _quiet(rest)
    if head == "daily":
        return _schedule("daily", rest)
    if head == "weekly":
        if not rest or rest[0].lower()[:3] not in WEEKDAYS_EN:
            raise RemindSyntaxError("weekday")
        return _schedule("weekly", rest[1:], WEEKDAYS_EN.index(rest[0].lower()[:3]))
    if head == "monthly":
        # isdecimal, not isdigit: int() refuses "፩" and "²", which isdigit() accepts
        if not rest or not rest[0].isdecimal() or len(rest[0]) > 9 or not 1 <= int(rest[0]) <= 31:
            raise RemindSyntaxError("day")
        return _schedule("monthly", rest[1:], day=int(rest[0]))
    chinese = _chinese_head(head, rest)
    if chinese is not None:
        return chinese
    raise RemindSyntaxError("unknown")
