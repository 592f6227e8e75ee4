"""Units read, not dropped: every number question converts the unit the owner wrote into its metric's unit."""

from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.answers import AnswerError, ValueToConfirm, number_answer
from dialogs.parsing import NumberError, read_number
from dialogs.units import NAMED, RULES, accepted_units
from knowledge.loader import get_knowledge

KB = get_knowledge()

# (question id, typed, stored value in the metric's unit), in both languages.
READ = [
    # a share said as a part of the whole: half is 50%, not 1.5 (一 and 半); a third is 33.3%
    ("risk_top_customer_share", "一半", 50), ("risk_top_customer_share", "大概一半", 50),
    ("risk_top_customer_share", "一半左右", 50), ("risk_top_customer_share", "half", 50),
    ("risk_top_customer_share", "about half", 50), ("ret_repeat_share", "三分之一", 100 / 3),
    ("ret_repeat_share", "四分之三", 75), ("ret_repeat_share", "3/4", 75), ("risk_top_customer_share", "过半", 50),
    ("risk_top_customer_share", "半数", 50), ("risk_top_customer_share", "全部", 100), ("ret_repeat_share", "all", 100),
    ("cash_inventory", "半年", 182.5), ("cash_inventory", "一个半月", 45), ("ret_complaint_hours", "half a day", 12),
    # monthly fixed costs given for another period: a month is a twelfth of a year, 365 / 12 days
    ("cash_fixed_costs", "每年120万", 100_000), ("cash_fixed_costs", "120万/年", 100_000),
    ("cash_fixed_costs", "年均120万", 100_000), ("cash_fixed_costs", "1.2 million a year", 100_000),
    ("cash_fixed_costs", "yearly 1.2m", 100_000), ("cash_fixed_costs", "每季度30万", 100_000),
    ("cash_fixed_costs", "每周1万", 10_000 * 52 / 12), ("cash_fixed_costs", "每天3000", 3000 * 365 / 12),
    ("cash_fixed_costs", "每月10万", 100_000), ("cash_fixed_costs", "10万/月", 100_000),
    ("cash_fixed_costs", "100k a month", 100_000), ("cash_fixed_costs", "monthly 100k", 100_000),
    # inventory days: days, weeks, months (30 days), years (365)
    ("cash_inventory", "1年", 365), ("cash_inventory", "1 year", 365), ("cash_inventory", "一年", 365),
    ("cash_inventory", "3个月", 90), ("cash_inventory", "3 months", 90), ("cash_inventory", "三个月", 90),
    ("cash_inventory", "6周", 42), ("cash_inventory", "6 weeks", 42), ("cash_inventory", "两个星期", 14),
    ("cash_inventory", "45天", 45), ("cash_inventory", "45 days", 45), ("cash_inventory", "45", 45),
    ("cash_inventory", "半年", 182.5), ("cash_inventory", "一年半", 547.5), ("cash_inventory", "1年3个月", 455),
    ("cash_inventory", "2-3个月", 75), ("cash_inventory", "1 quarter", 90), ("cash_inventory", "约两个多月", 60),
    # complaint hours: hours, days (24 hours)
    ("ret_complaint_hours", "2天", 48), ("ret_complaint_hours", "2 days", 48), ("ret_complaint_hours", "两天", 48),
    ("ret_complaint_hours", "4小时", 4), ("ret_complaint_hours", "4 hours", 4), ("ret_complaint_hours", "48h", 48),
    ("ret_complaint_hours", "半天", 12), ("ret_complaint_hours", "30分钟", 0.5), ("ret_complaint_hours", "1天半", 36),
    ("ret_complaint_hours", "两个半小时", 2.5), ("ret_complaint_hours", "within 4 hours", 4),
    # shares: %, written out, tenths
    ("ret_repeat_share", "55%", 55), ("ret_repeat_share", "55", 55), ("ret_repeat_share", "百分之五十五", 55),
    ("ret_repeat_share", "55 percent", 55), ("ret_repeat_share", "0.55%", 0.55), ("ret_repeat_share", "五成", 50),
    ("ret_repeat_share", "1", 1), ("risk_top_customer_share", "70%", 70), ("ret_repeat_share", "三十", 30),
    ("cash_inventory", "one and a half months", 45), ("cash_inventory", "a month and a half", 45),
    # money: 元, 万, 亿, k, M
    ("cash_available", "50万", 500_000), ("cash_available", "50万元", 500_000), ("cash_available", "1.2亿", 1.2e8),
    ("cash_available", "500k", 500_000), ("cash_available", "1.5M", 1_500_000), ("cash_available", "¥30万", 300_000),
    ("cash_available", "RMB 5000", 5000), ("cash_available", "一百二十万", 1_200_000),
    ("cash_available", "8万块钱", 80_000),
    ("cash_fixed_costs", "每月8万", 80_000), ("cash_fixed_costs", "8万/月", 80_000),
    ("cash_fixed_costs", "80k a month", 80_000), ("cash_fixed_costs", "80k per month", 80_000),
    # counts
    ("cost_headcount", "8人", 8), ("cost_headcount", "8 people", 8), ("cost_headcount", "八个人", 8),
    # digits of any script
    ("cost_headcount", "٣٠", 30), ("cost_headcount", "३०", 30), ("cost_headcount", "３０", 30),
    ("cost_headcount", "𝟑𝟎", 30),
]


@pytest.mark.parametrize(("question", "typed", "stored"), READ)
def test_units_are_read_into_the_metric_unit(question: str, typed: str, stored: float) -> None:
    assert number_answer(KB, KB.questions[question], typed) == pytest.approx(stored)


REFUSED = [
    # a foreign currency is never read as yuan
    ("cash_available", "50万美元", "foreign_currency"), ("cash_available", "$500k", "foreign_currency"),
    ("cash_available", "500k USD", "foreign_currency"), ("cash_available", "€20,000", "foreign_currency"),
    ("cash_available", "HK$100万", "foreign_currency"), ("cash_available", "100万港币", "foreign_currency"),
    ("cash_available", "20 dollars", "foreign_currency"), ("cash_fixed_costs", "5万欧元", "foreign_currency"),
    # a unit of another kind
    ("cash_available", "3个月", "wrong_unit"), ("cash_available", "30%", "wrong_unit"),
    ("ret_complaint_hours", "3个月", "wrong_unit"), ("ret_complaint_hours", "50元", "wrong_unit"),
    ("cash_inventory", "30%", "wrong_unit"), ("cost_headcount", "3天", "wrong_unit"),
    ("ret_repeat_share", "3天", "wrong_unit"), ("ret_repeat_share", "5万元", "amount_not_share"),
    # an amount for a share: the overdue money, not its share of a month's revenue
    ("cash_receivables", "30万", "amount_not_share"), ("ret_repeat_share", "2k", "amount_not_share"),
    ("risk_top_customer_share", "10-20万", "amount_not_share"),
    ("cash_receivables", "三十万", "amount_not_share"), ("ret_repeat_share", "3万5", "amount_not_share"),
    # odd digits and monsters
    ("cost_headcount", "10²", "odd_digit"), ("cost_headcount", "①", "odd_digit"), ("cost_headcount", "½", "odd_digit"),
    ("cost_headcount", "Ⅻ", "odd_digit"), ("cash_available", "1" * 400, "too_long"),
    ("cash_available", "9" * 100, "too_large"),
    # a part of the whole for a number that is not a share
    ("cash_inventory", "一半", "wrong_unit"), ("cost_headcount", "三分之一", "wrong_unit"),
    # a rate of another kind, or two of them
    ("cash_fixed_costs", "每小时500", "wrong_period"), ("cash_fixed_costs", "每月10万, 每年120万", "ambiguous"),
    # a count typed as a range whose middle is no whole number: one number, please (5-7 is 6, and taken)
    ("cost_headcount", "五六个人", "range_not_whole"), ("cost_headcount", "5-6", "range_not_whole"),
    ("risk_backup_supplier_count", "一两个", "range_not_whole"), ("cost_headcount", "5.5", "not_whole"),
]


@pytest.mark.parametrize(("question", "typed", "reason"), REFUSED)
def test_units_that_cannot_be_used_are_refused_with_a_reason(question: str, typed: str, reason: str) -> None:
    with pytest.raises(AnswerError) as caught:
        number_answer(KB, KB.questions[question], typed)
    assert caught.value.reason == reason


@pytest.mark.parametrize(("typed", "share"), [("0.55", 55), ("0.5", 50), (".3", 30), ("0.05", 5), ("0.3-0.5", 40)])
def test_a_fraction_for_a_share_is_confirmed_as_a_percentage(typed: str, share: float) -> None:
    with pytest.raises(ValueToConfirm) as caught:
        number_answer(KB, KB.questions["ret_repeat_share"], typed)
    assert caught.value.value == pytest.approx(share)


def test_a_fraction_from_an_answers_file_is_refused_as_ambiguous() -> None:
    with pytest.raises(AnswerError) as caught:
        number_answer(KB, KB.questions["risk_top_customer_share"], 0.55)
    assert caught.value.reason == "confirm_share"


def test_an_amount_from_an_answers_file_is_never_asked_back_but_a_bare_text_one_is_refused() -> None:
    """A file's number is what its author wrote (80 is ¥80); its text "80" would be asked back, which a file
    cannot answer: refused with the reason, which says how to write either reading."""
    question = KB.questions["cash_available"]
    assert number_answer(KB, question, 80) == 80
    with pytest.raises(AnswerError) as caught:
        number_answer(KB, question, "80")
    assert caught.value.reason == "confirm_amount"
    assert number_answer(KB, question, "80元") == 80


def test_only_the_amounts_an_owner_thinks_of_in_wan_are_asked_back() -> None:
    """Counts, days and hours have no 万 to leave off: a small bare number there is what it says."""
    asked = {q.metric for q in KB.questions.values() if q.metric and KB.metrics[q.metric].confirm_below is not None}
    assert asked == {"cash_on_hand", "monthly_fixed_costs"}
    assert number_answer(KB, KB.questions["cost_headcount"], "8") == 8


def test_a_huge_integer_from_a_file_is_too_large_not_an_overflow() -> None:
    with pytest.raises(AnswerError) as caught:
        number_answer(KB, KB.questions["cash_available"], 10**400)
    assert caught.value.reason == "too_large"


def test_every_metric_unit_of_a_question_has_a_rule_and_names() -> None:
    units = {KB.metrics[q.metric].unit for q in KB.questions.values() if q.kind == "number"}
    assert units <= set(RULES)
    assert units <= set(NAMED)
    assert set(accepted_units("days")) >= {"days", "weeks", "months", "years"}
    assert set(accepted_units("hours")) >= {"hours", "days"}


@pytest.mark.parametrize("question", [q.id for q in KB.questions.values() if q.kind == "number"])
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_every_question_example_is_read_as_meant(question: str, locale: str) -> None:
    """The example a question shows is accepted and not misread (e.g. "45天" is 45 days, "4 小时" 4 hours)."""
    q = KB.questions[question]
    example = q.example(locale).removeprefix("例如").removeprefix("e.g.").split(" or ")[0].strip()
    assert number_answer(KB, q, example) == pytest.approx(read_number(example).value())


@given(st.text(max_size=60))
def test_number_answers_are_total_over_unicode(text: str) -> None:
    for question in ("cash_available", "cash_inventory", "ret_complaint_hours", "ret_repeat_share", "cost_managers"):
        try:
            value = number_answer(KB, KB.questions[question], text)
        except AnswerError:
            continue
        assert math.isfinite(value)


@given(st.text(alphabet=st.sampled_from(list("0123456789.-万亿年月天周小时半个%¥$元美k hdays²①٣")), max_size=30))
def test_unit_like_text_is_total(text: str) -> None:
    with contextlib.suppress(NumberError):
        read_number(text)
