"""Units in the conversation: "55%?" confirmed before it is stored, contradicting answers refused with the reason,
and a re-ask that names the units a question takes, in the owner's language."""

from __future__ import annotations

import pytest

from bot.views.i18n import t
from bot.views.prompts import confirm_value_view, reask_view
from bot.views.render import render
from dialogs.conversation import Answer, Back, Begin, Confirm, Conversation, Skip
from dialogs.outputs import Ask, ConfirmValue, Reask
from dialogs.session import Session
from knowledge.model import KnowledgeBase
from tests.conversation.conv_support import Driver


def waiting_at(conv: Conversation, question_id: str, mode: str = "quick") -> Driver:
    driver = Driver(conv)
    driver.send(Begin(mode))
    while driver.session.current != question_id:
        driver.answer()
    return driver


@pytest.mark.parametrize("yes", [Confirm(True), Answer("是"), Answer("对"), Answer("y"), Answer("Yes")])
def test_a_fraction_is_stored_as_a_share_once_confirmed(conv: Conversation, yes) -> None:
    driver = waiting_at(conv, "ret_repeat_share")
    step = driver.send(Answer("0.55"))
    assert step.outputs[0] == ConfirmValue("ret_repeat_share", pytest.approx(55), step.outputs[0].progress)
    assert step.recorded == {}
    assert driver.session.current == "ret_repeat_share"
    assert Session.from_dict(driver.session.to_dict()).pending == driver.session.pending  # survives a restart
    step = driver.send(yes)
    assert step.recorded == {"ret_repeat_share": pytest.approx(55)}
    assert driver.session.pending is None


@pytest.mark.parametrize("no", [Confirm(False), Answer("不是"), Answer("no"), Answer("n")])
def test_a_declined_share_is_asked_again_and_nothing_stored(conv: Conversation, no) -> None:
    driver = waiting_at(conv, "ret_repeat_share")
    driver.send(Answer("0.55"))
    step = driver.send(no)
    assert isinstance(step.outputs[0], Reask)
    assert step.outputs[0].reason == "share_declined"
    assert step.recorded == {}
    step = driver.send(Answer("0.55%"))
    assert step.recorded == {"ret_repeat_share": pytest.approx(0.55)}


@pytest.mark.parametrize("question", ["cash_available", "cash_fixed_costs"])
def test_a_bare_small_amount_is_stored_once_confirmed(conv: Conversation, question: str) -> None:
    """"80" for cash or monthly costs is asked back (most owners who type it mean 80万); yes stores ¥80."""
    driver = waiting_at(conv, question)
    step = driver.send(Answer("80"))
    assert step.outputs[0] == ConfirmValue(question, 80, step.outputs[0].progress, "amount")
    assert step.recorded == {}
    assert Session.from_dict(driver.session.to_dict()).pending == {"question": question, "value": 80, "kind": "amount"}
    assert driver.send(Confirm(True)).recorded == {question: 80}


@pytest.mark.parametrize(("locale", "typed", "shown"), [("en", "80.5", "¥80.5"), ("zh", "999.6", "999.6元")])
def test_a_small_amount_is_asked_back_as_it_would_be_stored(conv: Conversation, locale, typed, shown) -> None:
    """Not rounded to whole yuan: "¥81" on the yes button would store 80.5."""
    driver = waiting_at(conv, "cash_available")
    asked = driver.send(Answer(typed)).outputs[0]
    assert confirm_value_view(conv.kb, asked, locale)["value"] == shown


def test_a_declined_amount_is_asked_again_with_its_unit(conv: Conversation) -> None:
    driver = waiting_at(conv, "cash_fixed_costs")
    driver.send(Answer("80"))
    step = driver.send(Answer("不是"))
    assert (type(step.outputs[0]), step.outputs[0].reason) == (Reask, "amount_declined")
    assert step.recorded == {}
    assert driver.send(Answer("8万")).recorded == {"cash_fixed_costs": 80_000}


@pytest.mark.parametrize("typed", ["0", "1000", "999元", "80万", "3千", "5k", "1.2M"])
def test_an_amount_with_a_unit_or_of_a_thousand_and_more_is_not_asked_back(conv: Conversation, typed: str) -> None:
    driver = waiting_at(conv, "cash_available")
    assert "cash_available" in driver.send(Answer(typed)).recorded


def test_a_session_kept_before_amounts_were_confirmed_still_declines_as_a_share(conv: Conversation) -> None:
    """A pending confirmation stored without its kind (before this change) is a share's."""
    driver = waiting_at(conv, "ret_repeat_share")
    driver.send(Answer("0.55"))
    driver.session.pending.pop("kind")
    assert driver.send(Confirm(False)).outputs[0].reason == "share_declined"


def test_another_number_instead_of_yes_replaces_the_fraction(conv: Conversation) -> None:
    driver = waiting_at(conv, "ret_repeat_share")
    driver.send(Answer("0.55"))
    assert driver.send(Answer("40%")).recorded == {"ret_repeat_share": 40}


def test_skip_drops_the_pending_share(conv: Conversation) -> None:
    driver = waiting_at(conv, "ret_repeat_share")
    driver.send(Answer("0.55"))
    driver.send(Skip())
    assert driver.session.pending is None
    assert "ret_repeat_share" not in driver.session.answers


def test_more_managers_than_staff_is_refused_with_the_reason(conv: Conversation) -> None:
    driver = waiting_at(conv, "cost_headcount")
    driver.send(Answer("5"))
    step = driver.send(Answer("10"))
    reask = step.outputs[0]
    assert isinstance(reask, Reask)
    assert (reask.reason, reask.values) == ("managers_above_headcount", {"other": 5})
    assert step.recorded == {}
    assert driver.send(Answer("5")).recorded == {"cost_managers": 5}  # as many as the staff is fine


def test_lowering_the_headcount_below_the_managers_is_refused(conv: Conversation) -> None:
    driver = waiting_at(conv, "cost_headcount")
    driver.send(Answer("12"))
    driver.send(Answer("4"))
    while driver.session.current != "cost_headcount":
        driver.send(Back())
    step = driver.send(Answer("3"))
    assert step.outputs[0].reason == "headcount_below_managers"


@pytest.mark.parametrize(("locale", "words"), [("zh", ["管理者", "5 人"]), ("en", ["managers", "(5)"])])
def test_the_contradiction_reason_reads_well(kb: KnowledgeBase, locale: str, words: list[str]) -> None:
    reask = Reask("cost_managers", "managers_above_headcount", None, None, (4, 8, 2, 2), {"other": 5})
    text = reask_view(kb, reask, locale)["reason"]
    assert all(w in text for w in words)


@pytest.mark.parametrize(("question", "reason", "locale", "hint"), [
    ("cash_inventory", "wrong_unit", "zh", "3个月"), ("cash_inventory", "wrong_unit", "en", "3 months"),
    ("ret_complaint_hours", "wrong_unit", "zh", "2天"), ("ret_complaint_hours", "wrong_unit", "en", "2 days"),
    ("cash_available", "foreign_currency", "zh", "50万"), ("cash_available", "foreign_currency", "en", "500k"),
    ("cash_receivables", "amount_not_share", "zh", "30%"), ("cash_receivables", "amount_not_share", "en", "30%"),
])
def test_a_refused_unit_is_reasked_with_an_example_in_the_owners_language(
    conv: Conversation, kb: KnowledgeBase, question: str, reason: str, locale: str, hint: str
) -> None:
    driver = waiting_at(conv, question, mode="full")
    typed = {"wrong_unit": "30%", "foreign_currency": "$500k", "amount_not_share": "30万"}[reason]
    reask = driver.send(Answer(typed)).outputs[0]
    assert (reask.reason, reask.values) == (reason, {"unit": kb.metrics[kb.questions[question].metric].unit})
    view = reask_view(kb, reask, locale)
    assert hint in view["example"]
    assert t(locale, f"reasons.{reason}") in view["reason"]


@pytest.mark.parametrize(("locale", "text"), [("zh", "你是指 55% 吗？"), ("en", "Did you mean 55%?")])
def test_the_share_question_is_put_in_the_owners_language(kb: KnowledgeBase, locale: str, text: str) -> None:
    view = confirm_value_view(kb, ConfirmValue("ret_repeat_share", 55.0, (5, 8, 1, 2)), locale)
    assert view["confirm"] == text


def test_units_on_the_conversation_store_the_converted_value(conv: Conversation) -> None:
    driver = waiting_at(conv, "ret_complaint_hours")
    assert driver.send(Answer("2天")).recorded == {"ret_complaint_hours": 48}
    assert isinstance(driver.steps[-1].outputs[-1], Ask)


@pytest.mark.parametrize(("locale", "joined"), [("zh", "。回复"), ("en", "options. Reply")])
@pytest.mark.parametrize("template", ["reask.txt.j2", "reask.tg.j2"])
def test_a_reask_joins_its_sentences_as_the_language_does(kb: KnowledgeBase, locale: str, joined: str,
                                                          template: str) -> None:
    """No space after Chinese full-width punctuation; one between English sentences."""
    reask = Reask("pos_focus_self", "unknown_option", None, None, (1, 8, 1, 2), {})
    text = render(template, locale, v=reask_view(kb, reask, locale))
    assert joined in text.replace("<i>", "")
    assert "。 " not in text


@pytest.mark.parametrize(("question", "typed", "locale", "bound"), [
    ("cash_receivables", "1500%", "zh", "不能大于 1,000%"),
    ("cash_receivables", "1500%", "en", "must not be above 1,000%"),
    ("cash_inventory", "20年", "zh", "不能大于 3,650 天"), ("cash_inventory", "20 years", "en", "above 3,650 days"),
    ("ret_complaint_hours", "-3", "zh", "不能小于 0 小时"), ("ret_complaint_hours", "-3", "en", "below 0 hours"),
])
def test_a_number_out_of_range_is_refused_with_the_bound_in_its_unit(
    conv: Conversation, kb: KnowledgeBase, question: str, typed: str, locale: str, bound: str
) -> None:
    """"must not be above 1,000" leaves the owner guessing 1,000 what; the bound comes with the metric's unit."""
    driver = waiting_at(conv, question, mode="full")
    reask = driver.send(Answer(typed)).outputs[0]
    assert isinstance(reask, Reask)
    assert bound in reask_view(kb, reask, locale)["reason"]


@pytest.mark.parametrize("template", ["reask.txt.j2", "reask.tg.j2"])
@pytest.mark.parametrize(("question", "reason", "values"), [
    ("cash_receivables", "above_max", {"unit": "percent"}), ("cash_inventory", "wrong_unit", {"unit": "days"}),
    ("risk_backup_supplier_count", "wrong_unit", {"unit": "count"}), ("cash_available", "foreign_currency", {}),
])
def test_an_english_reask_starts_each_sentence_with_a_capital(kb: KnowledgeBase, template: str, question: str,
                                                              reason: str, values: dict) -> None:
    """"…above 1,000%. E.g. 30%": the example is a sentence of its own after the reason."""
    unit = kb.metrics[kb.questions[question].metric].unit
    reask = Reask(question, reason, 0.0, 1000.0, (3, 8, 1, 2), values or {"unit": unit})
    text = render(template, "en", v=reask_view(kb, reask, "en")).replace("<i>", "")
    second = text.split(". ", 1)[1]
    assert second[:1].isupper(), text
