"""The console's side of issue 8: a numbered choice before an open check is discarded, "55%?" as a y/n line,
and units read from a typed line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.console.channel import CONSOLE_USER, ConsoleChannel
from bot.services.advisor import Advisor
from bot.storage.store import Store
from bot.views.i18n import t
from dialogs.conversation import Answer, Cancel
from knowledge.loader import get_knowledge
from tests.conversation.conv_support import valid_value


@pytest.fixture
def advisor(tmp_path: Path):
    store = Store(tmp_path / "advisor.db")
    try:
        yield Advisor(store, get_knowledge())
    finally:
        store.close()


def run(advisor: Advisor, locale: str, lines: list[str]) -> str:
    out = io.StringIO()
    ConsoleChannel(advisor, locale, io.StringIO("".join(f"{line}\n" for line in lines)), out).run()
    return out.getvalue()


def user_id(advisor: Advisor, locale: str) -> int:
    return advisor.store.user(*CONSOLE_USER, locale).id


def answer_until(advisor: Advisor, uid: int, question_id: str, mode: str = "quick") -> None:
    advisor.begin(uid, mode)
    while (current := advisor.store.load_session(uid).current) != question_id:
        question = advisor.kb.questions[current]
        advisor.handle(uid, Answer(str(valid_value(advisor.kb, question)) if question.kind == "number" else "1"))


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_new_check_over_a_paused_one_asks_first_and_1_continues(advisor: Advisor, locale: str) -> None:
    uid = user_id(advisor, locale)
    advisor.begin(uid, "quick")
    for _ in range(3):
        current = advisor.kb.questions[advisor.store.load_session(uid).current]
        advisor.handle(uid, Answer("1" if current.kind != "number" else str(valid_value(advisor.kb, current))))
    advisor.handle(uid, Cancel())
    before = advisor.store.load_session(uid).to_dict()
    out = run(advisor, locale, ["2", "1", "q"])
    planned = advisor.conversation.open_summary(advisor.store.load_session(uid))[2]
    assert t(locale, "conv.confirm_discard", mode=t(locale, "modes.quick"), answered=3, planned=planned) in out
    after = advisor.store.load_session(uid).to_dict()
    assert (after["assessment_id"], after["answers"], after["mode"]) == (
        before["assessment_id"], before["answers"], "quick")


def test_2_discards_and_starts_over(advisor: Advisor) -> None:
    uid = user_id(advisor, "zh")
    advisor.begin(uid, "quick")
    advisor.handle(uid, Answer("1"))
    advisor.handle(uid, Cancel())
    old = advisor.store.load_session(uid).assessment_id
    run(advisor, "zh", ["2", "2", "q"])
    session = advisor.store.load_session(uid)
    assert session.mode == "full"
    assert session.assessment_id != old
    assert session.answers == {}


@pytest.mark.parametrize(("locale", "yes"), [("zh", "是"), ("zh", "y"), ("en", "y"), ("en", "yes")])
def test_a_fraction_for_a_share_is_confirmed_on_a_y_n_line(advisor: Advisor, locale: str, yes: str) -> None:
    uid = user_id(advisor, locale)
    answer_until(advisor, uid, "ret_repeat_share")
    out = run(advisor, locale, ["0.55", yes, "q"])
    assert t(locale, "conv.confirm_share", value="55%") in out
    assert t(locale, "console.confirm_hint") in out
    assert advisor.store.load_session(uid).answers["ret_repeat_share"] == 55


@pytest.mark.parametrize(("locale", "typed"), [("zh", "2天"), ("en", "2 days")])
def test_units_typed_in_the_console_are_read(advisor: Advisor, locale: str, typed: str) -> None:
    uid = user_id(advisor, locale)
    answer_until(advisor, uid, "ret_complaint_hours")
    run(advisor, locale, [typed, "q"])
    assert advisor.store.load_session(uid).answers["ret_complaint_hours"] == 48


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_first_choice_names_its_options_and_a_wrong_number_names_the_right_ones(advisor: Advisor,
                                                                                    locale: str) -> None:
    out = run(advisor, locale, ["4", "q"])
    assert f"  1. {t(locale, 'buttons.quick')}\n  2. {t(locale, 'buttons.full')}\n" in out
    assert "  3. " not in out
    assert t(locale, "console.unknown_choice_two") in out
    assert t(locale, "console.unknown_choice") not in out


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_after_a_report_the_third_option_is_a_recheck(advisor: Advisor, locale: str) -> None:
    uid = user_id(advisor, locale)
    advisor.begin(uid, "quick")
    while advisor.store.load_session(uid).stage != "report":
        question = advisor.kb.questions[advisor.store.load_session(uid).current]
        advisor.handle(uid, Answer(str(valid_value(advisor.kb, question)) if question.kind == "number" else "1"))
    out = run(advisor, locale, ["9", ""])  # a returning owner with a finished report: the same three
    assert f"  3. {t(locale, 'buttons_glance.recheck')}" in out
    assert t(locale, "console.unknown_choice") in out
