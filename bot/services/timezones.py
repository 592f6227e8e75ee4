"""Time zones as owners type them: "Asia/Shanghai", "asia/shanghai", "Singapore", "new york", "上海", "香港".

An IANA name is taken as it is (any case). Otherwise the words are read as a city: the last part of an IANA
name ("New York" → America/New_York, "Singapore" → Asia/Singapore rather than its old alias), or, in
Chinese, one of the places an owner here most often names. A city that two zones share is not guessed.
"""

from __future__ import annotations

import functools
from zoneinfo import available_timezones

# Places a Chinese-speaking owner names, with their IANA zone; all of mainland China keeps Asia/Shanghai. The
# first place of a zone is its name on a button (`bot.views.reminders.zone_label`).
CHINESE_PLACES: dict[str, str] = {
    **dict.fromkeys(("上海", "中国", "北京", "广州", "深圳", "杭州", "南京", "苏州", "成都", "重庆", "武汉", "西安",
                     "天津", "青岛", "厦门", "长沙", "郑州", "东莞", "佛山", "宁波", "义乌", "中国大陆", "大陆",
                     "北京时间"), "Asia/Shanghai"),
    "香港": "Asia/Hong_Kong", "澳门": "Asia/Macau", "台北": "Asia/Taipei", "台湾": "Asia/Taipei",
    "新加坡": "Asia/Singapore", "吉隆坡": "Asia/Kuala_Lumpur", "马来西亚": "Asia/Kuala_Lumpur",
    "曼谷": "Asia/Bangkok", "泰国": "Asia/Bangkok", "雅加达": "Asia/Jakarta", "胡志明市": "Asia/Ho_Chi_Minh",
    "越南": "Asia/Ho_Chi_Minh", "马尼拉": "Asia/Manila", "东京": "Asia/Tokyo", "日本": "Asia/Tokyo",
    "首尔": "Asia/Seoul", "韩国": "Asia/Seoul", "迪拜": "Asia/Dubai", "伦敦": "Europe/London",
    "英国": "Europe/London", "巴黎": "Europe/Paris", "法国": "Europe/Paris", "柏林": "Europe/Berlin",
    "德国": "Europe/Berlin", "莫斯科": "Europe/Moscow", "纽约": "America/New_York", "洛杉矶": "America/Los_Angeles",
    "旧金山": "America/Los_Angeles", "多伦多": "America/Toronto", "温哥华": "America/Vancouver",
    "悉尼": "Australia/Sydney", "墨尔本": "Australia/Melbourne", "奥克兰": "Pacific/Auckland",
}  # fmt: skip


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())  # reads the zone database's files: once


@functools.cache
def _by_lower_name() -> dict[str, str]:
    return {zone.lower(): zone for zone in _zones()}


@functools.cache
def _by_city() -> dict[str, str | None]:
    """The last part of every region/city zone, lower case, with its zone; None where two zones share it."""
    found: dict[str, str | None] = {}
    for zone in _zones():
        if "/" not in zone or zone.startswith(("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Mexico/", "Chile/")):
            continue
        city = zone.rsplit("/", 1)[1].lower()
        found[city] = zone if found.get(city, zone) == zone else None
    return found


def find_timezone(text: str) -> str | None:
    """The IANA zone the owner means by `text`, or None."""
    words = text.strip()
    if not words:
        return None
    if words in CHINESE_PLACES:
        return CHINESE_PLACES[words]
    key = "_".join(words.split()).lower()
    if "/" in key:
        return _by_lower_name().get(key)
    return _by_city().get(key) or _by_lower_name().get(key)  # "Singapore" is Asia/Singapore, "UTC" is UTC
