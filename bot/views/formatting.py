"""Numbers as an owner reads them: money in 万/亿 for zh and k/M for en, shares in %, units by locale."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from bot.views.i18n import t


def local_date(stamp: str | None, zone: tzinfo | None = None) -> str:
    """The day of a stored stamp (ISO 8601, UTC) in the owner's time zone, "2026-12-02"; "" for none.

    Without a zone the stamp's own (UTC) day; a stamp that does not parse is shown as far as it is a date.
    """
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:10]
    if zone is None:
        return moment.date().isoformat()
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone).date().isoformat()


def plain_number(value: float, digits: int = 1) -> str:
    """12 → "12", 2.5 → "2.5", 1234567 → "1,234,567": no trailing zeros, thousands separated."""
    rounded = round(value, digits)
    if rounded == int(rounded):
        return f"{int(rounded):,}"
    return f"{rounded:,.{digits}f}".rstrip("0").rstrip(".")


def money(value: float, locale: str, places: int = 0) -> str:
    """Money in CNY the way each locale says it; rounded before the unit is chosen (999,999 is ¥1M). Under
    10,000 (no 万 or k) with up to `places` decimals: an amount asked or shown back reads as it is stored.

    From a trillion on, zh says 万亿 (1万亿元, not 10,000亿元) and en says B (¥1,000B, not ¥1,000,000M).
    """
    if locale == "zh":
        if abs(round(value, -8)) >= 1e12:
            return f"{plain_number(value / 1e12, 2)}万亿元"
        if abs(round(value, -4)) >= 1e8:
            return f"{plain_number(value / 1e8, 2)}亿元"
        if abs(value) >= 1e4:
            return f"{plain_number(value / 1e4, 1)}万元"
        return f"{plain_number(value, places)}元"
    if abs(round(value, -7)) >= 1e9:
        return f"¥{plain_number(value / 1e9, 2)}B"
    if abs(round(value, -4)) >= 1e6:
        return f"¥{plain_number(value / 1e6, 2)}M"
    if abs(value) >= 1e4:
        return f"¥{plain_number(value / 1e3, 0)}k"
    return f"¥{plain_number(value, places)}"


SINGULAR = {"months": "month", "days": "day", "hours": "hour"}


def duration(unit: str, value: float, locale: str, exact: bool = False) -> str:
    """1 month / 2 months, 约半个月 / half a month, 不到半个月: the number as an owner says it; `exact`, as
    it was typed (0.3 months, 2.25 months)."""
    if unit == "months" and value < 0.75 and not exact:
        return t(locale, "units.half_month" if value >= 0.35 else "units.under_half_month")
    n = plain_number(value, 2 if exact else 1)
    key = SINGULAR[unit] if n == "1" else unit
    return t(locale, f"units.{key}", n=n)


def metric_value(unit: str, value: float, locale: str, exact: bool = False) -> str:
    """A metric value with its unit: 50万元, 60%, 2.5 个月 / 2.5 months, 1 hour.

    `exact`: an answer shown back to the owner, so money under 10,000, shares and durations keep two decimals
    (¥80.5, 0.55% and 2.25 months read as typed, not ¥80, 0.6% and 2.2 months); a report's figures are rounded.
    """
    if unit == "CNY":
        return money(value, locale, places=2 if exact else 0)
    if unit == "percent":
        return f"{plain_number(value, 2 if exact else 1)}%"
    if unit in SINGULAR:
        return duration(unit, value, locale, exact)
    return t(locale, f"units.{unit}", n=plain_number(value))
