"""The words and symbols owners write after (or before) a number to say what it counts, as data.

Every surface form maps to one canonical unit name; `dialogs.units` decides which units a question accepts
and how they convert. Forms are matched after NFKC and case folding ("Ｈ" → "h", "￥" → "¥").
"""

from __future__ import annotations

# Time.
MINUTES, HOURS, DAYS, WEEKS = "minutes", "hours", "days", "weeks"
MONTHS, QUARTERS, YEARS = "months", "quarters", "years"
# Shares: "30%", "百分之三十", and 成 (tenths: 三成 = 30%).
PERCENT, TENTHS = "percent", "tenths"
# Money: yuan, and every foreign currency under its own name (all refused: we count in yuan).
CNY = "cny"
FOREIGN_PREFIX = "fx:"

TIME_UNITS = (MINUTES, HOURS, DAYS, WEEKS, MONTHS, QUARTERS, YEARS)  # smallest first

#: CJK words and symbols, matched longest first.
CJK_UNITS: dict[str, str] = {
    "分钟": MINUTES, "小时": HOURS, "个小时": HOURS, "钟头": HOURS, "个钟头": HOURS,
    "天": DAYS, "日": DAYS, "周": WEEKS, "星期": WEEKS, "个星期": WEEKS, "礼拜": WEEKS, "个礼拜": WEEKS,
    "月": MONTHS, "个月": MONTHS, "季度": QUARTERS, "个季度": QUARTERS, "年": YEARS,
    "百分之": PERCENT, "%": PERCENT, "成": TENTHS,
    "元": CNY, "块": CNY, "块钱": CNY, "元钱": CNY, "圆": CNY, "人民币": CNY, "¥": CNY,
    "美元": "fx:usd", "美金": "fx:usd", "刀": "fx:usd", "us$": "fx:usd", "$": "fx:dollar",
    "港币": "fx:hkd", "港元": "fx:hkd", "港纸": "fx:hkd", "hk$": "fx:hkd",
    "欧元": "fx:eur", "€": "fx:eur", "英镑": "fx:gbp", "£": "fx:gbp", "日元": "fx:jpy", "日币": "fx:jpy",
    "韩元": "fx:krw", "₩": "fx:krw", "台币": "fx:twd", "新台币": "fx:twd", "nt$": "fx:twd",
    "新币": "fx:sgd", "新加坡元": "fx:sgd", "s$": "fx:sgd", "澳元": "fx:aud", "a$": "fx:aud",
    "加元": "fx:cad", "c$": "fx:cad", "卢布": "fx:rub", "₽": "fx:rub", "卢比": "fx:inr", "₹": "fx:inr",
}  # fmt: skip

#: Latin words.
WORD_UNITS: dict[str, str] = {
    "min": MINUTES, "mins": MINUTES, "minute": MINUTES, "minutes": MINUTES,
    "h": HOURS, "hr": HOURS, "hrs": HOURS, "hour": HOURS, "hours": HOURS,
    "d": DAYS, "day": DAYS, "days": DAYS,
    "wk": WEEKS, "wks": WEEKS, "week": WEEKS, "weeks": WEEKS,
    "mo": MONTHS, "mos": MONTHS, "month": MONTHS, "months": MONTHS,
    "quarter": QUARTERS, "quarters": QUARTERS,
    "yr": YEARS, "yrs": YEARS, "year": YEARS, "years": YEARS,
    "percent": PERCENT, "pct": PERCENT, "percentage": PERCENT,
    "rmb": CNY, "cny": CNY, "yuan": CNY, "kuai": CNY,
    "usd": "fx:usd", "dollar": "fx:dollar", "dollars": "fx:dollar", "bucks": "fx:dollar",
    "hkd": "fx:hkd", "eur": "fx:eur", "euro": "fx:eur", "euros": "fx:eur", "gbp": "fx:gbp", "pound": "fx:gbp",
    "pounds": "fx:gbp", "jpy": "fx:jpy", "yen": "fx:jpy", "krw": "fx:krw", "won": "fx:krw", "twd": "fx:twd",
    "sgd": "fx:sgd", "aud": "fx:aud", "cad": "fx:cad", "chf": "fx:chf", "rub": "fx:rub", "inr": "fx:inr",
}  # fmt: skip

#: "Per month" and the like: a rate, not what the number counts ("每月8万" is 8万 of money); its period is
#: `rate_period`'s, which a metric counted per period converts from (see dialogs.units).
RATE_PATTERN = (
    r"每(?:个)?(?:月|天|日|年|周|星期|礼拜|小时|季度)|[月日年]均"
    r"|/\s*(?:个)?(?:月|天|日|年|周|小时|季度|month|mo|day|year|yr|week|wk|hour|hr|h)\b"
    r"|(?:per|a|an|each|every)\s+(?:month|day|year|week|hour|quarter)\b"
    r"|monthly|yearly|annually|daily|weekly|hourly|quarterly"
)


def is_foreign(unit: str | None) -> bool:
    return unit is not None and unit.startswith(FOREIGN_PREFIX)


# The words that name a rate's period, checked in this order ("monthly" names a month, not an hour).
_RATE_PERIODS = (("quarter", ("季度", "quarter")), ("hour", ("小时",)), ("month", ("月", "month", "mo")),
                 ("week", ("周", "星期", "礼拜", "week", "wk")), ("year", ("年", "year", "yr", "annual")),
                 ("day", ("天", "日", "day", "daily")), ("hour", ("hour", "hr", "h")))


def rate_period(rate: str) -> str:
    """The period a rate matched by RATE_PATTERN is per: "每年" → year, "/月" → month, "daily" → day."""
    return next(period for period, words in _RATE_PERIODS if any(word in rate for word in words))

