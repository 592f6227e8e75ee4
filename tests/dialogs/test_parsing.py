"""Free-text parsing: numbers as owners type them, free answers, option picks."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.parsing import (
    NUMBER_ERROR_REASONS,
    NumberError,
    clean_free_text,
    is_no,
    is_yes,
    match_option,
    odd_option_number,
    parse_number,
)


def full_width(text: str) -> str:
    """ASCII digits and punctuation as their full-width forms ("12" → "１２")."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


# --------------------------------------------------------------------------- parse_number: accepted

ACCEPTED = [
    # plain and decorated
    ("12", 12),
    ("1,200", 1200),
    ("1，200", 1200),
    ("12.5", 12.5),
    (" 约 50 ", 50),
    ("大概3个月", 3),
    ("3个月", 3),
    ("3 months", 3),
    ("50 万元", 500_000),
    ("50万", 500_000),
    ("1.2亿", 120_000_000),
    ("一百二十万", 1_200_000),
    ("两百", 200),
    ("三", 3),
    ("十五天", 15),
    ("30%", 30),
    ("30 %", 30),
    ("百分之三十", 30),
    ("12k", 12_000),
    ("12K", 12_000),
    ("1.5m", 1_500_000),
    ("1.5 million", 1_500_000),
    ("1.5mn", 1_500_000),
    ("2 thousand", 2000),
    ("3bn", 3e9),
    ("50w", 500_000),
    ("50W", 500_000),
    ("3千", 3000),
    ("5千万", 5e7),
    ("５０万", 500_000),
    ("１２．５", 12.5),
    ("-5", -5),
    ("¥30万", 300_000),
    ("￥300,000", 300_000),
    ("RMB 5000", 5000),
    ("$5000", 5000),
    ("0", 0),
    # ranges, answered by their middle
    ("3-6个月", 4.5),
    ("3~6", 4.5),
    ("3～6", 4.5),
    ("3到6", 4.5),
    ("3至6", 4.5),
    ("3 to 6", 4.5),
    ("10-20万", 150_000),
    ("五到十", 7.5),
    ("-5-3", -1),
    ("-5 to -3", -4),
    # a few more forms people type
    ("12.", 12),
    ("3万5", 35_000),
    ("3点5万", 35_000),
    ("一万二", 12_000),
    ("50多万", 500_000),
    ("大约 1.5 million RMB", 1_500_000),
    ("一到两万", 15_000),
    ("五千到一万", 7500),
    ("3千-5万", 26_500),
    ("1e5", 100_000),
    ("负五", -5),
    ("12\u200b", 12),
    # English number words, as 一百二十万 is read in Chinese
    ("twelve", 12),
    ("Twenty-five", 25),
    ("thirty percent", 30),
    ("a hundred and twenty", 120),
    ("one hundred twenty five", 125),
    ("two million", 2_000_000),
    ("fifty thousand", 50_000),
    ("about two months", 2),
    ("a week", 1),
    ("half a day", 0.5),
    ("one and a half months", 1.5),
    ("a year and a half", 1.5),
    ("2 and a half hours", 2.5),
    ("twenty to thirty", 25),
    ("80k a month", 80_000),
    # said in a sentence, as owners say them
    ("连我一共12个人", 12),
    ("12个人（含我）", 12),
    ("我自己一个", 1),
    ("账上大概还有五十万", 500_000),
    ("月均8万", 80_000),
    ("30 per cent", 30),
    # nothing at all, as the whole answer ("how many backup suppliers?")
    ("none", 0),
    ("Nothing.", 0),
    ("没有", 0),
    ("无。", 0),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_parse_number_accepts(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


# Approximate numbers (概数): two neighbouring numerals are a range, "三四个月" three to four months, never 34; the
# numerals before and the place values after belong to both ends ("十五六万" 15万-16万, "七八十万" 70万-80万).
APPROXIMATE = [
    ("五六个", 5.5),
    ("五六个人", 5.5),
    ("三四个月", 3.5),
    ("两三天", 2.5),
    ("两三年", 2.5),
    ("一两个", 1.5),
    ("三五个", 4),
    ("八九成", 8.5),
    ("五六十", 55),
    ("二三十个", 25),
    ("七八十万", 750_000),
    ("六七十万元", 650_000),
    ("三四百万", 3_500_000),
    ("十五六万", 155_000),
    ("十一二个", 11.5),
    ("三十四五", 34.5),
    ("一百五六十万", 1_550_000),
    ("两千三四百", 2350),
    ("一万二三", 12_500),
    ("大概四五个月吧", 4.5),
    ("7、8个", 7.5),
    # not approximate: a numeral read digit by digit, or with its place values
    ("一二零零", 1200),
    ("二〇二六", 2026),
    ("五十六", 56),
    ("一万二", 12_000),
]


@pytest.mark.parametrize(("text", "expected"), APPROXIMATE)
def test_neighbouring_numerals_are_a_range(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["几个", "几十个", "十几个", "二十几万", "7、9个"])
def test_vaguer_approximations_are_refused(text: str) -> None:
    with pytest.raises(NumberError):
        parse_number(text)


def test_parse_number_returns_a_float() -> None:
    assert type(parse_number("12")) is float
    assert math.copysign(1.0, parse_number("-0")) == 1.0  # never -0.0


# --------------------------------------------------------------------------- parse_number: refused

REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    ("\x00\t", "empty"),
    ("abc", "not_a_number"),
    ("很多", "not_a_number"),
    ("不知道", "not_a_number"),
    ("🙂", "not_a_number"),
    ("<b>1</b>", "not_a_number"),
    ("<b>", "not_a_number"),
    ("1.2.3", "not_a_number"),
    ("万", "not_a_number"),
    ("k", "not_a_number"),
    ("3-", "not_a_number"),
    ("十几", "not_a_number"),
    ("12kg", "not_a_number"),
    ("inf", "not_a_number"),
    ("nan", "not_a_number"),
    ("-inf", "not_a_number"),
    ("1 2", "ambiguous"),
    ("3 or 6", "ambiguous"),
    ("3或6", "ambiguous"),
    ("6-3", "ambiguous"),
    ("1-2-3", "ambiguous"),
    ("1e999", "too_large"),
    ("1e99999999999", "too_large"),
    ("1e16", "too_large"),
    ("9" * 20, "too_large"),
    ("2000万亿", "too_large"),
    ("-1e16", "too_large"),
    ("x" * 10_000, "too_long"),
    ("1" * 10_000, "too_long"),
    ("two three", "not_a_number"),  # two numbers' words, not one number
    ("没有2家", "not_a_number"),  # "none" only as the whole answer
    ("a", "not_a_number"),
    ("hundred hundred", "not_a_number"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED, ids=lambda v: repr(v)[:20])
def test_parse_number_refuses(text: str, reason: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)


def test_number_error_rejects_unknown_reasons() -> None:
    with pytest.raises(ValueError, match="unknown"):
        NumberError("nope")


def test_long_input_fails_fast() -> None:
    started = time.perf_counter()
    for text in ("1" * 10_000, "一" * 10_000, "1-" * 5000, " " * 9999 + "1"):
        with pytest.raises(NumberError):
            parse_number(text)
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("text", ["1\x002", "\x001\x00", "1\x1b[31m", "\x7f5", "5\ud800"])
def test_control_characters_do_not_crash(text: str) -> None:
    try:
        value = parse_number(text)
    except NumberError:
        return
    assert math.isfinite(value)


# --------------------------------------------------------------------------- parse_number: properties

whole = st.integers(min_value=0, max_value=10**12)


@given(whole)
def test_integers_round_trip(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n
    assert parse_number(full_width(str(n))) == n


@given(st.integers(min_value=0, max_value=10**11))
def test_wan_multiplies_by_ten_thousand(n: int) -> None:
    assert parse_number(f"{n}万") == n * 10_000


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_two_decimal_floats_round_trip(x: float) -> None:
    text = "%.2f" % x  # noqa: UP031 - the format under test
    assert parse_number(text) == pytest.approx(float(text))


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=1, max_value=10**12))
def test_range_is_answered_by_its_middle(a: int, width: int) -> None:
    b = a + width
    assert parse_number(f"{a}-{b}") == pytest.approx((a + b) / 2)


def _never_crashes(text: str) -> None:
    reason = None
    try:
        value = parse_number(text)
    except NumberError as error:
        reason = error.reason
    if reason is not None:
        assert reason in NUMBER_ERROR_REASONS
    else:
        assert isinstance(value, float)
        assert math.isfinite(value)
        assert abs(value) <= 1e15


@given(st.text())
def test_arbitrary_text_only_raises_number_error(text: str) -> None:
    _never_crashes(text)


@given(st.text(alphabet=st.sampled_from(list("0123456789.,-~ 万千百亿十一二两三五点负零kKmMwWe到至%¥元个月约多"))))
def test_number_like_text_only_raises_number_error(text: str) -> None:
    _never_crashes(text)


# --------------------------------------------------------------------------- clean_free_text


def test_clean_free_text_removes_nul_and_control_characters() -> None:
    assert clean_free_text("a\x00b\x07c\x1b") == "abc"


def test_clean_free_text_keeps_newline_and_tab() -> None:
    assert clean_free_text("line one\r\n\tline two") == "line one\n\tline two"


def test_clean_free_text_cuts_to_the_limit() -> None:
    cleaned = clean_free_text("x" * 10_000)
    assert len(cleaned) == 1000
    assert cleaned.endswith("…")
    assert clean_free_text("abcdef", limit=4) == "abc…"
    assert clean_free_text("abcd", limit=4) == "abcd"


def test_clean_free_text_keeps_emoji_and_markup_as_typed() -> None:
    assert clean_free_text("我们 <b>很好</b> 🙂👍🏽") == "我们 <b>很好</b> 🙂👍🏽"


def test_clean_free_text_strips_whitespace() -> None:
    assert clean_free_text("  \n hello world \t\n ") == "hello world"
    assert clean_free_text(" \x00 ") == ""


def test_clean_free_text_normalises_to_nfc() -> None:
    assert clean_free_text("cafe\u0301") == "caf\u00e9"


def test_clean_free_text_rejects_a_useless_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        clean_free_text("text", limit=0)


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_clean_free_text_never_exceeds_the_limit(text: str, limit: int) -> None:
    cleaned = clean_free_text(text, limit=limit)
    assert len(cleaned) <= limit
    assert "\x00" not in cleaned


# --------------------------------------------------------------------------- match_option

SECTORS = [
    ("retail", ["零售", "Retail"]),
    ("catering", ["餐饮", "Catering"]),
    ("manufacturing", ["制造业", "Manufacturing"]),
    ("services", ["服务业", "Professional services"]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", "catering"),
        ("２", "catering"),
        ("2.", "catering"),
        (" 3 ", "manufacturing"),
        ("(4)", "services"),
        ("零售", "retail"),
        ("餐饮。", "catering"),
        ("Retail", "retail"),
        ("RETAIL", "retail"),
        ("ｒｅｔａｉｌ", "retail"),
        ("cat", "catering"),
        ("manu", "manufacturing"),
        ("制造", "manufacturing"),
        ("services", "services"),
        ("服务", "services"),
        # the position said in words, as owners type it
        ("选2", "catering"),
        ("第二个", "catering"),
        ("2号", "catering"),
        ("二", "catering"),
        ("2️⃣", "catering"),
        ("我选4吧", "services"),
        ("option 3", "manufacturing"),
        ("the third", "manufacturing"),
        ("4th", "services"),
        ("No. 1", "retail"),
    ],
)
def test_match_option_picks(text: str, expected: str) -> None:
    assert match_option(text, SECTORS) == expected


@pytest.mark.parametrize("text", ["0", "5", "99", "", "  ", "?", "x" * 10_000, "bakery", "r", "业", "第五个", "fifth",
                                  "第", "the", "2或3", "2-3"])
def test_match_option_picks_nothing(text: str) -> None:
    assert match_option(text, SECTORS) is None


@pytest.mark.parametrize("text", ["²", "①", " ② ", "(③)", "2²", "½", "Ⅳ", "⑩."])
def test_an_option_number_in_odd_digits_is_refused_as_a_typed_number_is(text: str) -> None:
    assert odd_option_number(text)


@pytest.mark.parametrize("text", ["2", "２", "٣", "2.", "〇", "零售", "①号店", "", "  ", "x" * 10_000])
def test_plain_digits_and_labels_are_not_odd_option_numbers(text: str) -> None:
    assert not odd_option_number(text)


@pytest.mark.parametrize("text", ["是", "对的", "嗯嗯", "是啊", "对呀", "行", "可以", "没问题", "Yes.", "yup", "OK!"])
def test_a_yes_in_either_language(text: str) -> None:
    assert is_yes(text)
    assert not is_no(text)


@pytest.mark.parametrize("text", ["不是", "不是的", "不对的", "错的", "不用", "No!", "nah", "nope"])
def test_a_no_in_either_language(text: str) -> None:
    assert is_no(text)
    assert not is_yes(text)


@pytest.mark.parametrize("text", ["80万", "对，就是80", "也许", "", "不知道"])
def test_an_answer_is_neither_yes_nor_no(text: str) -> None:
    assert not is_yes(text)
    assert not is_no(text)


def test_every_option_label_typed_picks_its_own_option() -> None:
    """So no label reads as a list position ("2个" would pick the second option, whatever it says)."""
    from knowledge.loader import get_knowledge

    picked = {(q.id, o.id, label): match_option(label, [(x.id, (x.label.zh, x.label.en)) for x in q.options])
              for q in get_knowledge().questions.values() if q.kind == "choice"
              for o in q.options for label in (o.label.zh, o.label.en)}
    assert len(picked) > 100
    assert {key: option for key, option in picked.items() if option != key[1]} == {}


def test_match_option_ambiguous_prefix_is_none() -> None:
    options = [("small", ["Small shop"]), ("smart", ["Smart factory"])]
    assert match_option("sm", options) is None
    assert match_option("sma", options) is None
    assert match_option("smal", options) == "small"


def test_match_option_ambiguous_contains_is_none() -> None:
    # "制造" is contained in both, prefix of neither
    options = [("a", ["轻型制造"]), ("b", ["重型制造"])]
    assert match_option("制造", options) is None
    assert match_option("轻型", options) == "a"


def test_match_option_exact_beats_prefix() -> None:
    options = [("one", ["Shop"]), ("two", ["Shop online"])]
    assert match_option("shop", options) == "one"


def test_match_option_accepts_a_single_label_string() -> None:
    assert match_option("零售", [("retail", "零售"), ("other", "其他")]) == "retail"
