"""Free-text input parsing: numbers as owners type them, free answers, and option picks.

Pure functions (no I/O, no project imports). Chinese numerals are read with ``cn2an``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import cn2an

__all__ = ["NumberError", "clean_free_text", "match_option", "parse_number"]

NUMBER_ERROR_REASONS = frozenset({"empty", "not_a_number", "too_large", "ambiguous"})

#: Longest input (after normalisation) that parse_number looks at; longer is not a number.
MAX_NUMBER_CHARS = 200
#: Largest absolute value parse_number returns.
MAX_ABS_NUMBER = Decimal(10) ** 15
#: Longest input match_option looks at.
MAX_OPTION_CHARS = 200


class NumberError(ValueError):
    """Why a text is not a number we accept; .reason is one of: "empty", "not_a_number", "too_large", "ambiguous"."""

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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Latin words that carry no value: hedges, units, currencies, conjunctions ("3 or 6" stays two numbers).
_NOISE_WORDS = _words(
    """
    about around approx approximately roughly circa ca nearly almost maybe probably perhaps
    over under more less than at least most up some just only
    or and
    month months mo mos day days year years yr yrs week weeks wk wks hour hours hr hrs h
    people person persons staff employee employees customer customers client clients
    store stores shop shops time times per
    percent pct percentage
    rmb cny usd hkd eur yuan dollar dollars bucks kuai
    """
)
# Chinese words that carry no value. Words that begin with a numeral character (一共, 百分之)
# must be here so they are read as a word before numerals are.
_NOISE_CJK = _words(
    """
    百分之 一共 总共 共 合计 总计 一般 平均 大约 大概 大致 大体 约 约为 差不多 将近 接近 近 左右 上下
    估计 预计 可能 应该 也许 至少 最少 最多 不到 不足 超过 以上 以下 以内 多 余 来
    吧 啊 呀 呢 哦 嗯 的 了 是 有 就 我 我们 每 或 或者 还是 和 跟
    个 月 天 日 年 周 星期 礼拜 季度 小时 人 名 位 家 间 次 单 件 笔 户 岁 平 平米 平方米 米
    员工 客户 门店 店 元 块 块钱 钱 圆 人民币 美元 美金 港币 港元 刀
    """
)
_NOISE_CHARS = frozenset(".,。、!?;:'\"`()[]{}《》【】「」『』“”‘’…·*_#+/≈%\u20e3\ufe0e\ufe0f")

_DASHES = "-‐‑‒–—―−﹣"
_TILDES = "~〜∼"
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    rf"|(?P<noise>{'|'.join(sorted(_NOISE_CJK, key=len, reverse=True))})"
    rf"|(?P<phrase>(?:{_ARABIC}|{_CN})+)"
    r"|(?P<word>[a-z]+)"
    rf"|(?P<dash>[{_DASHES}])"
    rf"|(?P<tilde>[{_TILDES}])"
    r"|(?P<sep>到|至)"
)
_PART = re.compile(f"{_ARABIC}|{_CN}")
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?|[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|\.[0-9]+")
_CN_POINT_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])[点點](?=[0-9])")  # "3点5万" = 3.5万
_MAX_CN_CHARS = 40


@dataclass
class _Quantity:
    value: Decimal  # signed, units applied
    explicit_unit: bool  # digits followed by a unit ("20万") or a multiplier token ("20 k")
    trailing: Decimal  # the multiplier a range's lower end may share ("10-20万" → 万)
    last_factor: Decimal = field(default=Decimal(0))


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
        return "num", _chinese(text), False, Decimal(1)  # "3万5", "1万2千"
    trailing = Decimal(1) if any(ch.isdigit() for ch in text) else _chinese_trailing_unit(text)
    return "num", _chinese(text), False, trailing


def _normalise(text: str) -> str:
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc":
            out.append(" ")
        elif category != "Cf":  # zero-width and direction marks
            out.append(ch)
    normalised = unicodedata.normalize("NFKC", "".join(out)).casefold().strip()
    return _CN_POINT_BETWEEN_DIGITS.sub(".", normalised)


def _is_ignorable_char(ch: str) -> bool:
    return ch in _NOISE_CHARS or unicodedata.category(ch) in ("So", "Sc") or "\U0001f3fb" <= ch <= "\U0001f3ff"


def _tokens(text: str) -> Iterator[tuple[str, Decimal | None, bool, Decimal]]:
    """Meaningful tokens: ("num"|"mul"|"dash"|"tilde"|"sep"|"neg", value, explicit_unit, trailing)."""
    one = Decimal(1)
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            ch = text[pos]
            pos += 1
            if ch == "负":
                yield "neg", None, False, one
            elif not _is_ignorable_char(ch):
                raise _fail("not_a_number", ch)
            continue
        pos = match.end()
        kind, token = match.lastgroup, match.group()
        if kind in ("space", "noise"):
            continue
        if kind == "phrase":
            yield _phrase(token)
        elif kind == "word":
            if token in _WORD_MULTIPLIERS:
                yield "mul", Decimal(_WORD_MULTIPLIERS[token]), True, one
            elif token in _RANGE_WORDS:
                yield "sep", None, False, one
            elif token not in _NOISE_WORDS:
                raise _fail("not_a_number", token)
        else:
            yield str(kind), None, False, one


def _quantities(text: str) -> tuple[list[_Quantity], list[bool]]:
    """The numbers in the text with their units, and whether each pair is joined by a range separator."""
    quantities: list[_Quantity] = []
    joined: list[bool] = []
    expecting, sign = True, 1
    for kind, value, explicit, trailing in _tokens(text):
        if expecting:
            if kind == "tilde":  # "~50" = about 50
                continue
            if kind in ("dash", "neg") and sign == 1:
                sign = -1
                continue
            if kind != "num" or value is None:
                raise _fail("not_a_number", "a unit or separator without a number")
            quantities.append(_Quantity(sign * value, explicit, trailing, trailing if explicit else Decimal(0)))
            expecting, sign = False, 1
            continue
        current = quantities[-1]
        if kind == "mul" and value is not None:
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
            quantities.append(_Quantity(value, explicit, trailing, trailing if explicit else Decimal(0)))
        else:
            raise _fail("not_a_number", "a minus sign after a number")
    if not quantities or expecting:
        raise _fail("not_a_number", "no number" if not quantities else "a range without an upper end")
    return quantities, joined


def parse_number(text: str) -> float:
    """The number an owner typed, as people type it; raises NumberError.

    Accepts thousands separators, full-width forms, Chinese numerals and units (万, 亿, 千),
    k/m/bn/w suffixes, currency and unit words, percentages, and a range (answered by its middle;
    a unit on the upper end applies to the lower: "10-20万" → 150000).
    """
    if not isinstance(text, str) or not text.strip():
        raise _fail("empty" if isinstance(text, str) else "not_a_number")
    if len(text) > MAX_NUMBER_CHARS * 4:
        raise _fail("not_a_number", "too long")
    normalised = _normalise(text)
    if not normalised:
        raise _fail("empty")
    if len(normalised) > MAX_NUMBER_CHARS:
        raise _fail("not_a_number", "too long")

    quantities, joined = _quantities(normalised)
    if len(quantities) == 1:
        value = quantities[0].value
    elif len(quantities) == 2 and joined == [True]:
        low, high = quantities
        lower = low.value
        shared = high.trailing
        if not low.explicit_unit and shared > 1 and lower * shared <= high.value:
            lower = _check_size(lower * shared)  # "10-20万", "一到两万"
        if lower > high.value:
            raise _fail("ambiguous", "a range from high to low")
        value = (lower + high.value) / 2
    else:
        raise _fail("ambiguous", "more than one number")

    result = float(_check_size(value))
    if not math.isfinite(result):
        raise _fail("too_large")
    return result if result else 0.0  # never -0.0


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

_EDGE_PUNCTUATION = " .。!?,、;:'\"“”‘’()[]【】「」#*"
_OPTION_NUMBER = re.compile(r"[0-9]{1,6}")


def _fold(text: str) -> str:
    """Case-, width- and spacing-insensitive form used to compare an answer with labels."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split()).strip(_EDGE_PUNCTUATION)


def match_option(text: str, options: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """The option id the text picks: a 1-based number ("2", "２", "2."), or a label (any of the labels given
    for that option, e.g. zh and en) matched case- and width-insensitively, exactly or as the unique
    prefix/the unique option whose label contains the text (min 2 chars). None when nothing or more than
    one option matches."""
    if not isinstance(text, str) or len(text) > MAX_OPTION_CHARS:
        return None
    answer = _fold(text)
    if not answer:
        return None
    if _OPTION_NUMBER.fullmatch(answer):
        index = int(answer)
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
