"""Free-text input parsing: numbers as owners type them (with the units they wrote), free answers, option picks.

Pure functions (no I/O). Chinese numerals are read with ``cn2an``; unit words are data in ``dialogs.unit_words``
and what a question makes of them is ``dialogs.units``. Total over Unicode: digits of any script are read,
any other input raises NumberError, never another exception.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

import cn2an

from dialogs.unit_words import CJK_UNITS, RATE_PATTERN, TIME_UNITS, WORD_UNITS, rate_period

__all__ = ["NumberError", "Reading", "clean_free_text", "match_option", "odd_option_number", "parse_number",
           "read_number"]

NUMBER_ERROR_REASONS = frozenset({"empty", "not_a_number", "too_large", "too_long", "ambiguous", "odd_digit"})

#: Longest input (after normalisation) that parse_number looks at; longer is not a number.
MAX_NUMBER_CHARS = 200
#: Largest absolute value parse_number returns.
MAX_ABS_NUMBER = Decimal(10) ** 15
#: Longest input match_option looks at.
MAX_OPTION_CHARS = 200


class NumberError(ValueError):
    """Why a text is not a number we accept; .reason is one of NUMBER_ERROR_REASONS.

    "too_long": longer than any number; "odd_digit": a superscript, circled or fraction digit (², ①, ½).
    """

    reason: str

    def __init__(self, reason: str, detail: str = "") -> None:
        if reason not in NUMBER_ERROR_REASONS:
            raise ValueError(f"unknown NumberError reason: {reason!r}")
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


# --------------------------------------------------------------------------- numbers: vocabulary

_ARABIC = r"(?:[0-9]+(?:[.,][0-9]+)*|\.[0-9]+)(?:e[+-]?[0-9]+)?"
_CN_NUMERALS = "零〇一二两兩三四五六七八九十壹贰貳叁參肆伍陆陸柒捌玖拾廿幺"
_CN_UNITS: dict[str, int] = {
    "百": 100, "佰": 100, "千": 1000, "仟": 1000,
    "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8,
}  # fmt: skip
_CN = f"[{_CN_NUMERALS}{''.join(_CN_UNITS)}点點]+"

# Latin multipliers written after a number ("12k", "1.5 million", "50w" = 50万).
_WORD_MULTIPLIERS: dict[str, int] = {
    "k": 10**3, "thousand": 10**3, "thousands": 10**3,
    "w": 10**4,
    "m": 10**6, "mn": 10**6, "mio": 10**6, "million": 10**6, "millions": 10**6,
    "bn": 10**9, "billion": 10**9, "billions": 10**9,
}  # fmt: skip
_RANGE_WORDS = frozenset({"to", "till", "until"})

# English number words, read as the digits they stand for before anything else ("two weeks", "thirty percent",
# "a hundred and twenty", "half a day"); "twenty-five" is one number, "20-30" stays a range.
_EN_ONES = {word: n for n, word in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"))}
_EN_TENS = {word: 10 * n for n, word in enumerate(
    ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), start=2)}
_NOTHING = frozenset({"none", "nothing", "没有", "无"})  # the whole answer, for a count or a share: 0
_EN_WORD = "|".join(sorted({*_EN_ONES, *_EN_TENS}, key=len, reverse=True))
_EN_COMPOUND = re.compile(rf"\b({'|'.join(_EN_TENS)})-({'|'.join(w for w in _EN_ONES if 0 < _EN_ONES[w] < 10)})\b")
_EN_AND_A_HALF = re.compile(r" and an? half\b")  # "one and a half months", "a year and a half": as 一年半
_EN_RUN = re.compile(rf"\b(?:half an?|an?(?= [a-z])|{_EN_WORD}|hundred)(?: (?:and )?(?:an?|{_EN_WORD}|hundred)\b)*\b")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Latin words that carry no value: hedges, units, currencies, conjunctions ("3 or 6" stays two numbers).
_NOISE_WORDS = _words(
    """
    about around approx approximately roughly circa ca nearly almost maybe probably perhaps
    over under more less than at least most up some just only
    or and
    people person persons staff employee employees customer customers client clients
    supplier suppliers manager managers store stores shop shops time times per in within
    """
)
# Chinese words that carry no value. Words that begin with a numeral character (一共, 百分之)
# must be here so they are read as a word before numerals are.
_NOISE_CJK = _words(
    """
    百分之 一共 总共 共 合计 总计 一般 平均 大约 大概 大致 大体 约 约为 差不多 将近 接近 近 左右 上下
    估计 预计 可能 应该 也许 至少 最少 最多 不到 不足 超过 以上 以下 以内 多 余 来
    吧 啊 呀 呢 哦 嗯 的 了 是 有 就 我 我们 自己 每 或 或者 还是 和 跟 内 之内 还 还有 账上 连 含 包括 包含
    个 人 名 位 家 间 次 单 件 笔 户 岁 平 平米 平方米 米
    员工 客户 门店 店 钱 供应商 经理 主管
    """
)
_NOISE_CHARS = frozenset(".,。、!?;:'\"`()[]{}《》【】「」『』“”‘’…·*_#+/≈\u20e3\ufe0e\ufe0f")

_DASHES = "-‐‑‒–—―−﹣"
_TILDES = "~〜∼"
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    rf"|(?P<rate>{RATE_PATTERN})"
    rf"|(?P<unit>{'|'.join(re.escape(u) for u in sorted(CJK_UNITS, key=len, reverse=True))})"
    rf"|(?P<noise>{'|'.join(sorted(_NOISE_CJK, key=len, reverse=True))})"
    rf"|(?P<phrase>(?:{_ARABIC}|{_CN})+)"
    r"|(?P<half>半)"
    r"|(?P<word>[a-z]+)"
    rf"|(?P<dash>[{_DASHES}])"
    rf"|(?P<tilde>[{_TILDES}])"
    r"|(?P<sep>到|至)"
)
_PART = re.compile(f"{_ARABIC}|{_CN}")
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?|[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|\.[0-9]+")
_CN_POINT_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])[点點](?=[0-9])")  # "3点5万" = 3.5万
_PER_CENT = re.compile(r"\bper\s+cent\b")  # British English: "30 per cent"
_MAX_CN_CHARS = 40


@dataclass
class _Quantity:
    value: Decimal  # signed, multipliers applied
    explicit_unit: bool  # digits followed by a multiplier ("20万") or a multiplier token ("20 k")
    trailing: Decimal  # the multiplier a range's lower end may share ("10-20万" → 万)
    last_factor: Decimal = field(default=Decimal(0))
    unit: str | None = None  # what it counts, as written: days, months, percent, cny, fx:usd, ... (unit_words)


def _fail(reason: str, detail: str = "") -> NumberError:
    return NumberError(reason, detail)


def _check_size(value: Decimal) -> Decimal:
    if not value.is_finite() or abs(value) > MAX_ABS_NUMBER:
        raise _fail("too_large")
    return value


def _unit_chain(units: str) -> Decimal:
    """Product of a unit run: "千万" → 10**7; units must grow left to right ("万千" is not a number)."""
    product, previous = Decimal(1), 0
    for ch in units:
        factor = _CN_UNITS[ch]
        if factor <= previous:
            raise _fail("not_a_number", units)
        product *= factor
        previous = factor
    return product


def _arabic(text: str) -> Decimal:
    mantissa, _, exponent = text.partition("e")
    if not _PLAIN.fullmatch(mantissa):
        raise _fail("not_a_number", text)  # "1.2.3", "3,6", "12,00"
    if len(exponent.lstrip("+-")) > 6:
        raise _fail("too_large" if not exponent.startswith("-") else "not_a_number", text)
    value = Decimal(mantissa.replace(",", "") + (f"e{exponent}" if exponent else ""))
    return _check_size(value)


def _chinese(text: str) -> Decimal:
    if len(text) > _MAX_CN_CHARS:
        raise _fail("not_a_number", text)
    _, point, decimals = text.replace("點", "点").partition("点")
    if point and len(decimals) > 15:  # cn2an warns and truncates beyond 16 places
        raise _fail("not_a_number", text)
    try:
        result = cn2an.cn2an(text, "smart")
    except Exception:  # a third-party parser: any failure means "not a numeral"
        raise _fail("not_a_number", text) from None
    try:
        return _check_size(Decimal(str(result)))
    except InvalidOperation:
        raise _fail("not_a_number", text) from None


def _chinese_trailing_unit(text: str) -> Decimal:
    """The unit a range's lower end may share: "二十万" → 万, "五千" → 千, "十五" → 1."""
    text = text.replace("萬", "万").replace("億", "亿")
    if match := re.search("[万亿]+$", text):
        try:
            return _unit_chain(match.group())
        except NumberError:
            return Decimal(1)
    if len(text) == 2 and text[0] in _CN_NUMERALS and text[1] in _CN_UNITS:
        return Decimal(_CN_UNITS[text[1]])
    return Decimal(1)


def _phrase(text: str) -> tuple[str, Decimal, bool, Decimal]:
    """A run of digits and Chinese numerals → ("mul", factor, …) or ("num", value, explicit_unit, trailing)."""
    if all(ch in _CN_UNITS for ch in text):  # "万" in "50 万"
        return "mul", _unit_chain(text), True, Decimal(1)
    parts = _PART.findall(text)
    if parts[0][0] in "0123456789.":
        number = _arabic(parts[0])
        if len(parts) == 1:
            return "num", number, False, Decimal(1)
        if len(parts) == 2 and all(ch in _CN_UNITS for ch in parts[1]):
            unit = _unit_chain(parts[1])
            return "num", _check_size(number * unit), True, unit
        if any(ch in ",e" for ch in text):
            raise _fail("not_a_number", text)
        return "num", _chinese(text), _scaled(text), Decimal(1)  # "3万5", "1万2千"
    trailing = Decimal(1) if any(ch.isdigit() for ch in text) else _chinese_trailing_unit(text)
    return "num", _chinese(text), _scaled(text), trailing


def _scaled(numeral: str) -> bool:
    """A numeral counted in 万 or 亿 ("三十万", "3万5"): an amount, as "30万" is (see Reading.multiplied)."""
    return any(ch in "万萬亿億" for ch in numeral)


_ODD_DIGIT_CATEGORIES = ("No", "Nl")  # ², ①, ½, Ⅻ: digits that are not plain digits
_ALLOWED_NL = "〇"  # the ideographic zero is an ordinary Chinese numeral


def _plain_char(ch: str) -> str:
    """A character with digits of any script made ASCII ("٣" → "3", "３" → "3"); control characters made spaces."""
    category = unicodedata.category(ch)
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if category in _ODD_DIGIT_CATEGORIES and ch not in _ALLOWED_NL:
        raise _fail("odd_digit", ch)
    if category == "Cc":
        return " "
    return "" if category == "Cf" else ch  # Cf: zero-width and direction marks


def _normalise(text: str) -> str:
    normalised = unicodedata.normalize("NFKC", "".join(_plain_char(ch) for ch in text)).casefold().strip()
    normalised = _PER_CENT.sub("percent", _CN_POINT_BETWEEN_DIGITS.sub(".", normalised))
    return _english_numbers(_approximate(_parts_of_the_whole(normalised)))


# A part of the whole, as a share is said ("一半", "about half", "三分之一", "3/4", "全部"), written in tenths
# (成), so a share reads it as a percentage and any other number refuses the unit; "一半" read as numerals would
# be 1.5.
# "Half" with a unit ("half a day", "a year and a half") and 半 after a number ("一年半") stay what they were.
_SMALL = {ch: n for n, ch in enumerate("一二三四五六七八九十", start=1)} | {"两": 2}  # and list positions
_SMALL_NUMBER = f"[{''.join(_SMALL)}]|[0-9]{{1,2}}"
_CN_FRACTION = re.compile(f"(?P<whole>{_SMALL_NUMBER})分之(?P<part>{_SMALL_NUMBER})")
_SLASH_FRACTION = re.compile(r"(?<![0-9.,/])(?P<part>[1-9])\s*/\s*(?P<whole>[1-9]|10)(?![0-9.,/])")
_HALF = re.compile(r"一半|半数|过半|(?<!\ba )\bhalf\b(?! an?\b)")  # 过半, over half: 50%, as 多 is its number
_ALL = re.compile(r"全部|\ball\b")


def _parts_of_the_whole(text: str) -> str:
    def tenths(match: re.Match[str]) -> str:
        whole, part = (int(n) if n.isdigit() else _SMALL[n] for n in (match["whole"], match["part"]))
        return f"{Decimal(part * 10) / Decimal(whole):.12g}成" if whole else match.group()

    if "半" in text or "half" in text:
        text = _HALF.sub("5成", text)
    if "全部" in text or "all" in text:
        text = _ALL.sub("10成", text)
    return _SLASH_FRACTION.sub(tenths, _CN_FRACTION.sub(tenths, text)) if "分之" in text or "/" in text else text


# Approximate numbers (概数): two neighbouring numerals say "this or the next" ("三四个月", three or four months;
# "三五个", the set phrase for a few), so they are written out as a range, which is answered by its middle;
# read as one numeral they would be 34. The numerals before the pair and the place values after it belong to
# both ends: "十五六万" is 15万 to 16万, "七八十万" 70万 to 80万. Digits written one by one ("一二零零") are
# never a pair: the pair must not touch another digit.
_CN_DIGIT = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_PLACE = "十拾百佰千仟万萬亿億"
_CN_ANY_DIGIT = f"零〇{''.join(_CN_DIGIT)}"
_APPROXIMATE_PAIR = re.compile(
    rf"(?<![{_CN_ANY_DIGIT}])(?P<before>(?:[{_CN_ANY_DIGIT}]?[{_CN_PLACE}])*)"
    rf"(?P<low>[{''.join(_CN_DIGIT)}])(?P<high>[{''.join(_CN_DIGIT)}])"
    rf"(?P<places>[{_CN_PLACE}]*)(?![{_CN_ANY_DIGIT}{_CN_PLACE}])"
)
_APPROXIMATE_DIGITS = re.compile(r"(?<![0-9.,])([0-9])、([0-9])(?![0-9.,])")  # "7、8个": 7 or 8


def _approximate(text: str) -> str:
    """Approximate numbers written as the ranges they are: "三四个月" → "三到四个月", "7、8个" → "7到8个"."""
    def pair(match: re.Match[str]) -> str:
        low, high = _CN_DIGIT[match["low"]], _CN_DIGIT[match["high"]]
        if high != low + 1 and (low, high) != (3, 5):
            return match.group()
        before, places = match["before"], match["places"]
        return f"{before}{match['low']}{places}到{before}{match['high']}{places}"

    def digits(match: re.Match[str]) -> str:
        return f"{match[1]}到{match[2]}" if int(match[2]) == int(match[1]) + 1 else match.group()

    return _APPROXIMATE_DIGITS.sub(digits, _APPROXIMATE_PAIR.sub(pair, text))


def _english_numbers(text: str) -> str:
    """English number words as digits ("two weeks" → "2 weeks"); a run that is not one number is left alone."""
    if not any("a" <= ch <= "z" for ch in text):
        return text
    spaced = _EN_AND_A_HALF.sub(" 半", _EN_COMPOUND.sub(r"\1 \2", " ".join(text.split())))

    def digits(run: re.Match[str]) -> str:
        if run.group() in ("a", "an") and any(ch.isdigit() for ch in spaced[:run.start()]):
            return run.group()  # "80k a month": per month, not one more number
        return _english_value(run.group()) or run.group()

    return _EN_RUN.sub(digits, spaced)


def _english_value(run: str) -> str | None:
    """The digits of one run of number words, or None ("and", "hundred" alone, "two three")."""
    words = [word for word in run.split() if word != "and"]
    if words[:1] == ["half"]:
        return "0.5" if len(words) == 2 else None  # "half a day"
    value, last = 0, None
    for word in words:
        if word == "hundred":
            if last == "hundred" or value >= 100:
                return None
            value, last = (value or 1) * 100, word
            continue
        number = 1 if word in ("a", "an") else _EN_ONES.get(word, _EN_TENS.get(word))
        if number is None or (last is not None and last != "hundred" and not (last in _EN_TENS and number < 10)):
            return None  # "two three": two numbers, not one
        value, last = value + number, word
    return str(value) if last is not None else None


def _is_ignorable_char(ch: str) -> bool:
    return ch in _NOISE_CHARS or unicodedata.category(ch) in ("So", "Sc") or "\U0001f3fb" <= ch <= "\U0001f3ff"


Token = tuple[str, Decimal | None, bool, Decimal, str | None]  # kind, value, explicit unit, trailing, unit


def _tokens(text: str) -> Iterator[Token]:
    """Meaningful tokens: kind is num, mul, unit, half, dash, tilde, sep, neg or rate (its period as the unit)."""
    one = Decimal(1)
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            ch = text[pos]
            pos += 1
            if ch == "负":
                yield "neg", None, False, one, None
            elif not _is_ignorable_char(ch):
                raise _fail("not_a_number", ch)
            continue
        pos = match.end()
        kind, token = match.lastgroup, match.group()
        if kind in ("space", "noise"):
            continue
        if kind == "rate":
            yield "rate", None, False, one, rate_period(token)
            continue
        if kind == "phrase":
            yield (*_phrase(token), None)
        elif kind == "unit":
            yield "unit", None, False, one, CJK_UNITS[token]
        elif kind == "word":
            if token in _WORD_MULTIPLIERS:
                yield "mul", Decimal(_WORD_MULTIPLIERS[token]), True, one, None
            elif token in WORD_UNITS:
                yield "unit", None, False, one, WORD_UNITS[token]
            elif token in _RANGE_WORDS:
                yield "sep", None, False, one, None
            elif token not in _NOISE_WORDS:
                raise _fail("not_a_number", token)
        else:
            yield str(kind), None, False, one, None


def _set_unit(quantity: _Quantity, unit: str) -> None:
    if quantity.unit not in (None, unit):
        raise _fail("ambiguous", "two units on one number")
    quantity.unit = unit


def _new_quantity(value: Decimal, explicit: bool, trailing: Decimal, unit: str | None) -> _Quantity:
    return _Quantity(value, explicit, trailing, trailing if explicit else Decimal(0), unit)


def _quantities(text: str) -> tuple[list[_Quantity], list[bool], str | None]:
    """The numbers in the text with their multipliers and units, whether each pair is joined as a range, and
    the period of the rate written ("每年", "a month"), if one is."""
    quantities: list[_Quantity] = []
    joined: list[bool] = []
    per: str | None = None
    expecting, sign, prefix = True, 1, None  # prefix: a unit written before its number ("$5", "百分之三十")
    for kind, value, explicit, trailing, unit in _tokens(text):
        if kind == "rate":
            if per not in (None, unit):
                raise _fail("ambiguous", "two rates")
            per = unit
            continue
        if kind == "unit" and unit is not None and (expecting or quantities[-1].unit is not None):
            if prefix not in (None, unit):
                raise _fail("ambiguous", "two units on one number")
            prefix = unit
            continue
        if expecting:
            if kind == "tilde":  # "~50" = about 50
                continue
            if kind in ("dash", "neg") and sign == 1:
                sign = -1
                continue
            if kind == "half":  # "半年" = half a year
                kind, value = "num", Decimal("0.5")
            if kind != "num" or value is None:
                raise _fail("not_a_number", "a unit or separator without a number")
            quantities.append(_new_quantity(sign * value, explicit, trailing, prefix))
            expecting, sign, prefix = False, 1, None
            continue
        current = quantities[-1]
        if kind == "unit" and unit is not None:
            _set_unit(current, unit)
        elif kind == "half":  # "一年半", "两个半小时"
            if current.last_factor or current.value != current.value.to_integral_value():
                raise _fail("not_a_number", "half of a fraction")
            current.value += Decimal("0.5") if current.value >= 0 else Decimal("-0.5")
        elif kind == "mul" and value is not None:
            if value <= current.last_factor:
                raise _fail("not_a_number", "units in the wrong order")
            current.value = _check_size(current.value * value)
            current.trailing *= value
            current.explicit_unit = True
            current.last_factor = value
        elif kind in ("dash", "tilde", "sep"):
            joined.append(True)
            expecting = True
        elif kind == "num" and value is not None:
            joined.append(False)
            quantities.append(_new_quantity(value, explicit, trailing, prefix))
            prefix = None
        else:
            raise _fail("not_a_number", "a minus sign after a number")
    if not quantities or expecting:
        raise _fail("not_a_number", "no number" if not quantities else "a range without an upper end")
    if prefix is not None:  # "3个月 $" : a unit left over after every number has one
        raise _fail("ambiguous", "two units on one number")
    return quantities, joined, per


@dataclass(frozen=True, slots=True)
class Reading:
    """What a text says: one number, a range (answered by its middle) or a sum ("1年3个月"), each with its unit.

    Values are floats with multipliers (万, k) applied; units are the canonical names of ``dialogs.unit_words``,
    None where none was written. Turning units into the question's unit is ``dialogs.units``' job.
    """

    parts: tuple[tuple[float, str | None], ...]
    combine: Literal["one", "range", "sum"] = "one"
    multiplied: bool = False  # a multiplier ("20万", "3千", "12k", "三十万"): an amount, whatever its unit
    per: str | None = None  # the period of a rate written with it ("每年120万": year), see dialogs.units

    @property
    def units(self) -> frozenset[str]:
        return frozenset(unit for _, unit in self.parts if unit is not None)

    def value(self, factor: Callable[[str | None], float] = lambda _unit: 1.0) -> float:
        """The number, each part multiplied by `factor(its unit)`; ambiguous for a range from high to low."""
        values = [_finite(v * factor(u)) for v, u in self.parts]
        if self.combine == "one":
            return values[0]
        if self.combine == "sum":
            return _finite(math.fsum(values))
        low, high = values
        if low > high:
            raise _fail("ambiguous", "a range from high to low")
        return _finite((low + high) / 2)


def _finite(value: float) -> float:
    if not math.isfinite(value) or abs(value) > MAX_ABS_NUMBER:
        raise _fail("too_large")
    return value if value else 0.0  # never -0.0


def _is_duration_sum(quantities: list[_Quantity], joined: list[bool]) -> bool:
    """"1年3个月", "2小时30分钟": numbers with time units, largest unit first, none joined as a range."""
    units = [q.unit for q in quantities]
    if any(joined) or any(u not in TIME_UNITS for u in units):
        return False
    order = [TIME_UNITS.index(u) for u in units]  # type: ignore[arg-type]
    return all(a > b for a, b in itertools.pairwise(order))


def read_number(text: str) -> Reading:
    """The number an owner typed, as people type it, with the units they wrote; raises NumberError.

    Accepts thousands separators, digits of any script, full-width forms, Chinese numerals and multipliers
    (万, 亿, 千), English number words ("two weeks", "a hundred and twenty", "a year and a half"), "没有" or
    "none" alone for 0, k/m/bn/w suffixes, unit words and symbols (天, months, %, 元, $), 半 ("一年半"), a range
    ("10-20万": a multiplier or unit on the upper end applies to the lower) and a duration in parts ("1年3个月").
    """
    if not isinstance(text, str) or not text.strip():
        raise _fail("empty" if isinstance(text, str) else "not_a_number")
    if len(text) > MAX_NUMBER_CHARS * 4:
        raise _fail("too_long")
    normalised = _normalise(text)
    if not normalised:
        raise _fail("empty")
    if normalised.strip(" .。!！") in _NOTHING:  # "how many backup suppliers?" "none" / "没有"
        return Reading(((0.0, None),))
    if len(normalised) > MAX_NUMBER_CHARS:
        raise _fail("too_long")

    quantities, joined, per = _quantities(normalised)
    multiplied = any(q.explicit_unit for q in quantities)
    if len(quantities) == 1:
        only = quantities[0]
        return Reading(((float(_check_size(only.value)), only.unit),), multiplied=multiplied, per=per)
    if len(quantities) == 2 and joined == [True]:
        low, high = quantities
        lower = low.value
        shared = high.trailing
        if not low.explicit_unit and shared > 1 and lower * shared <= high.value:
            lower = _check_size(lower * shared)  # "10-20万", "一到两万"
        low_unit, high_unit = low.unit or high.unit, high.unit or low.unit
        if low_unit == high_unit and lower > high.value:
            raise _fail("ambiguous", "a range from high to low")
        return Reading(((float(lower), low_unit), (float(_check_size(high.value)), high_unit)), "range", multiplied,
                       per)
    if _is_duration_sum(quantities, joined):
        return Reading(tuple((float(q.value), q.unit) for q in quantities), "sum", multiplied, per)
    raise _fail("ambiguous", "more than one number")


def parse_number(text: str) -> float:
    """The number an owner typed, whatever unit they wrote it in (see `read_number`); raises NumberError.

    A duration in parts ("1年3个月") has no single value without a unit to convert to: ambiguous here.
    """
    reading = read_number(text)
    if reading.combine == "sum":
        raise _fail("ambiguous", "a duration in parts")
    return reading.value()


# --------------------------------------------------------------------------- free text

_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")


def clean_free_text(text: str, limit: int = 1000) -> str:
    """Free text kept as typed but safe to store: NUL and other control chars (except newline/tab) removed,
    Unicode NFC, stripped, cut to `limit` characters (add "…" when cut)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", _UNSAFE_CHARS.sub("", text)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip().rstrip("\u200d") + "…"
    return text


# --------------------------------------------------------------------------- options

_EDGE_PUNCTUATION = " .。!?,、;:'\"“”‘’()[]【】「」#*\ufe0f\u20e3"  # with a keycap's marks: "2️⃣" is 2
_OPTION_NUMBER = re.compile(r"[0-9]{1,6}")
# A list position said in words: "选3", "第三个", "3号", "option 3", "the third one".
_EN_POSITIONS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                 "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
_OPTION_POSITION = re.compile(
    r"(?:我选|选择?|第|选第)?(?P<cn>[0-9]{1,2}|[一二两三四五六七八九十])(?:个|项|号|条|种)?(?:选项)?吧?"
    rf"|(?:option|choice|number|no\.?|the)? ?"
    rf"(?:(?P<en>{'|'.join(_EN_POSITIONS)})(?: one| option)?|(?P<digits>[0-9]{{1,2}}))"
)


def _fold(text: str) -> str:
    """Case-, width- and spacing-insensitive form used to compare an answer with labels."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split()).strip(_EDGE_PUNCTUATION)


def odd_option_number(text: str) -> bool:
    """Whether the text is a list position written with a superscript, circled or fraction digit ("²", "①",
    "(②)"), which NFKC would read as the plain digit it looks like: refused as a typed number is ("odd_digit").
    Digits of any script are plain digits ("٣", "３")."""
    if not isinstance(text, str) or len(text) > MAX_OPTION_CHARS:
        return False
    core = text.strip().strip(_EDGE_PUNCTUATION)
    categories = [unicodedata.category(ch) for ch in core if ch not in _ALLOWED_NL]
    return (bool(categories) and all(c in ("Nd", *_ODD_DIGIT_CATEGORIES) for c in categories)
            and any(c in _ODD_DIGIT_CATEGORIES for c in categories))


def _option_position(answer: str) -> int | None:
    """The 1-based list position a folded answer names: "2", "选2", "第二个", "2号", "option 2", "the second"."""
    if _OPTION_NUMBER.fullmatch(answer):
        return int(answer)
    match = _OPTION_POSITION.fullmatch(answer)
    if match is None:
        return None
    if match["cn"]:
        return int(match["cn"]) if match["cn"].isdigit() else _SMALL[match["cn"]]
    return _EN_POSITIONS[match["en"]] if match["en"] else int(match["digits"])


def match_option(text: str, options: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """The option id the text picks: a 1-based number ("2", "２", "2.", "2️⃣", "选2", "第二个", "the second"), or a
    label (any of the labels given for that option, e.g. zh and en) matched case- and width-insensitively,
    exactly or as the unique prefix/the unique option whose label contains the text (min 2 chars). None when
    nothing or more than one option matches."""
    if not isinstance(text, str) or len(text) > MAX_OPTION_CHARS:
        return None
    answer = _fold(text)
    if not answer:
        return None
    index = _option_position(answer)
    if index is not None:
        return options[index - 1][0] if 1 <= index <= len(options) else None

    folded: list[tuple[str, list[str]]] = []
    for option_id, labels in options:
        label_list = [labels] if isinstance(labels, str) else list(labels)
        folded.append((option_id, [_fold(label) for label in label_list]))

    stages: list[Callable[[str], bool]] = [lambda label: label == answer]
    if len(answer) >= 2:
        stages += [lambda label: label.startswith(answer), lambda label: answer in label]
    for stage in stages:
        ids = list(dict.fromkeys(oid for oid, labels in folded if any(stage(label) for label in labels if label)))
        if ids:
            return ids[0] if len(ids) == 1 else None
    return None


# --------------------------------------------------------------------------- yes and no

_YES = _words("""y yes yep yup yeah ok okay sure right correct exactly 是 是的 是啊 是呀 对 对的 对啊 对呀 没错 好 好的
               好啊 嗯 嗯嗯 行 可以 没问题 确认 确定 正确""")
_NO = _words("n no nope nah not wrong 不 不是 不是的 不对 不对的 否 错 错了 错的 没有 不要 不用")


def _word(text: object) -> str:
    return _fold(str(text))[:20] if isinstance(text, str) else ""


def is_yes(text: object) -> bool:
    """A typed yes in either language ("是", "对", "y", "OK")."""
    return _word(text) in _YES


def is_no(text: object) -> bool:
    """A typed no in either language ("不是", "否", "n", "no")."""
    return _word(text) in _NO
