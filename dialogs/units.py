"""What a number question accepts: its metric's unit (knowledge/data/metrics.yaml), the units an owner may
write the answer in, and how each converts. Derived from the metric's unit, so a new question needs no code.

"1年" on inventory days is 365 days, "3个月" about 90, "2天" on complaint hours 48 hours; a share typed as a
fraction ("0.55") is confirmed as "55%?" before it is stored (as is a bare amount under its metric's
`confirm_below`, in `dialogs.answers`), and one typed as an amount ("30万", the overdue
money rather than its share) is refused with the unit it takes; a foreign currency is refused, never read as
yuan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from dialogs.parsing import Reading
from dialogs.unit_words import (
    CNY,
    DAYS,
    HOURS,
    MINUTES,
    MONTHS,
    PERCENT,
    QUARTERS,
    TENTHS,
    WEEKS,
    YEARS,
    is_foreign,
)

DAYS_PER_MONTH = 30  # "3个月" of stock is about 90 days: what an owner means, not a calendar
DAYS_PER_YEAR = 365


@dataclass(frozen=True, slots=True)
class UnitRule:
    """The units one metric unit accepts, each with its factor into that unit; a bare number is the unit itself."""

    factors: Mapping[str, float] = field(default_factory=dict)
    confirm_fraction: bool = False  # a bare number between 0 and 1 is asked back as a percentage
    multipliers: bool = True  # 万, 亿, k, M apply; a share written with one ("30万") is an amount, not a share


def _rule(factors: dict[str, float], confirm_fraction: bool = False, multipliers: bool = True) -> UnitRule:
    return UnitRule(MappingProxyType(factors), confirm_fraction, multipliers)


#: Keyed by the metric's `unit` in knowledge/data/metrics.yaml; a unit not listed accepts bare numbers only.
RULES: Mapping[str, UnitRule] = MappingProxyType({
    "days": _rule({DAYS: 1, WEEKS: 7, MONTHS: DAYS_PER_MONTH, QUARTERS: 3 * DAYS_PER_MONTH, YEARS: DAYS_PER_YEAR}),
    "months": _rule({DAYS: 1 / DAYS_PER_MONTH, WEEKS: 7 / DAYS_PER_MONTH, MONTHS: 1, QUARTERS: 3, YEARS: 12}),
    "hours": _rule({MINUTES: 1 / 60, HOURS: 1, DAYS: 24, WEEKS: 24 * 7}),
    "percent": _rule({PERCENT: 1, TENTHS: 10}, confirm_fraction=True, multipliers=False),
    "CNY": _rule({CNY: 1}),
    "count": _rule({}),
})  # fmt: skip

#: The units to name when one is refused, in the order an owner thinks of them (keys of `units_named.*`).
NAMED: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "days": (DAYS, WEEKS, MONTHS, YEARS),
    "months": (MONTHS, WEEKS, DAYS, YEARS),
    "hours": (HOURS, DAYS),
    "percent": (PERCENT,),
    "CNY": (CNY,),
    "count": (),
})  # fmt: skip


class UnitError(ValueError):
    """A unit the question cannot use, and the unit it is in. Reasons: "wrong_unit", "foreign_currency",
    "amount_not_share" (an amount such as "30万" for a share) and "wrong_period" (a monthly amount per hour)."""

    def __init__(self, reason: str, unit: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unit = unit


@dataclass(frozen=True, slots=True)
class Converted:
    value: float  # in the metric's unit
    confirm: bool = False  # a fraction read as a percentage: ask "55%?" before storing
    bare: bool = False  # typed with neither a unit nor a multiplier ("80", not "80万" or "80元")
    ranged: bool = False  # typed as a range ("5-6", "五六个"), answered by its middle


def rule_for(metric_unit: str) -> UnitRule:
    return RULES.get(metric_unit, UnitRule())


def accepted_units(metric_unit: str) -> tuple[str, ...]:
    """The written units this metric unit accepts (besides a bare number)."""
    return tuple(rule_for(metric_unit).factors)


# A period's length in months: a metric counted per month takes "每年120万" as 10万 and "每天3000" as 91,250.
MONTHS_IN = MappingProxyType({"day": 12 / 365, "week": 12 / 52, "month": 1.0, "quarter": 3.0, "year": 12.0})


def convert(reading: Reading, metric_unit: str, per: str | None = None) -> Converted:
    """The reading in the metric's unit (and, for a metric counted `per` a period, per that period); UnitError
    for a foreign currency, a unit of another kind or a rate per a period that does not convert (an hour).
    A metric counted per no period keeps the number of a rate written with it ("每月8万" of cash: 8万)."""
    rule = rule_for(metric_unit)
    if reading.multiplied and not rule.multipliers:
        raise UnitError("amount_not_share", metric_unit)
    for unit in sorted(reading.units):
        if is_foreign(unit):
            raise UnitError("foreign_currency", metric_unit)
        if unit not in rule.factors:
            raise UnitError("wrong_unit", metric_unit)
    value = reading.value(lambda unit: 1.0 if unit is None else rule.factors[unit])
    if per is not None and reading.per is not None and reading.per != per:
        if reading.per not in MONTHS_IN:
            raise UnitError("wrong_period", metric_unit)
        value = value * MONTHS_IN[per] / MONTHS_IN[reading.per]
    if rule.confirm_fraction and not reading.units and 0 < value < 1:
        return Converted(round(value * 100, 9), confirm=True)  # 0.55 → 55, not 55.00000000000001
    return Converted(value, bare=not reading.units and not reading.multiplied, ranged=reading.combine == "range")
