"""Bad answers get a re-ask and change nothing; free text is kept as typed; sessions survive a JSON round trip."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.answers import TEXT_LIMIT
from dialogs.conversation import Answer, Back, Begin, Cancel, Conversation, Event, Offer, Resume, Skip, Why
from dialogs.outputs import Ask, Reask
from dialogs.session import Session
from knowledge.model import KnowledgeBase
from tests.conversation.conv_support import Driver, last_ask, valid_value

BAD_INPUTS = {
    "empty": "",
    "10 KB": "很长的回答" * 2048,
    "emoji": "😀🚀",
    "markup": "<b>1</b>",
    "nul": "\x00",
    "negative": "-5",
    "overflow": "1e999",
    "huge": "99999999999999999999",
}
WAITING = {  # a question of each kind that can be waiting
    "number": "cash_available",
    "integer": "risk_backup_supplier_count",
    "percent": "ret_repeat_share",
    "choice": "pos_focus_self",
}




def waiting_at(conv: Conversation, question_id: str, mode: str = "quick") -> Driver:
    driver = Driver(conv)
    driver.send(Begin(mode))
    while driver.session.current != question_id:
        driver.answer()
    return driver


def without_seq(session: Session) -> dict:
    return {k: v for k, v in session.to_dict().items() if k != "seq"}


# --------------------------------------------------------------------------- bad answers


@pytest.mark.parametrize("kind", list(WAITING))
@pytest.mark.parametrize("bad", list(BAD_INPUTS.values()), ids=list(BAD_INPUTS))
def test_bad_answer_gets_a_reask_and_changes_nothing(
    conv: Conversation, kb: KnowledgeBase, kind: str, bad: str
) -> None:
    question = kb.questions[WAITING[kind]]
    driver = waiting_at(conv, question.id)
    asked_with = last_ask(driver.steps[-1])
    before = without_seq(driver.session)

    step = driver.send(Answer(bad))

    assert len(step.outputs) == 1
    reask = step.outputs[0]
    assert isinstance(reask, Reask)
    assert reask.question == question.id
    assert reask.progress == asked_with.progress
    assert reask.reason in {"empty", "not_a_number", "too_large", "too_long", "ambiguous", "unknown_option",
                            "below_min", "above_max", "not_whole", "range_not_whole"}
    assert step.recorded == {}
    assert not step.started
    assert not step.finished
    assert without_seq(driver.session) == before

    value = valid_value(kb, question)
    step = driver.send(Answer(str(value) if question.kind == "number" else "1"))
    assert step.recorded == {question.id: value}
    assert driver.session.answers[question.id] == value


@pytest.mark.parametrize(("bad", "reason"), [("-5", "below_min"), ("", "empty"), ("😀", "not_a_number")])
def test_number_reask_says_why(conv: Conversation, bad: str, reason: str) -> None:
    driver = waiting_at(conv, "cash_available")
    reask = driver.send(Answer(bad)).outputs[0]
    assert isinstance(reask, Reask)
    assert reask.reason == reason


def test_choice_answers_by_number_label_or_id(conv: Conversation, kb: KnowledgeBase) -> None:
    question = kb.questions["pos_focus_self"]
    for raw in ("2", question.options[1].label.zh, question.options[1].label.en, question.options[1].id):
        driver = waiting_at(conv, question.id)
        step = driver.send(Answer(raw))
        assert step.recorded == {question.id: question.options[1].id}, raw


# --------------------------------------------------------------------------- free text


def text_question(kb: KnowledgeBase) -> str:
    return next(q.id for q in kb.questions.values() if q.kind == "text")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("我们卖🍰蛋糕给白领 😀", "我们卖🍰蛋糕给白领 😀"),
        ("<b>写字楼</b> & <i>社区</i>", "<b>写字楼</b> & <i>社区</i>"),
        ("社区\x00烘焙\x00店", "社区烘焙店"),
        ("  两行\n说明  ", "两行\n说明"),
    ],
)
def test_free_text_is_kept_as_typed_without_nul(conv: Conversation, kb: KnowledgeBase, typed: str, kept: str) -> None:
    qid = text_question(kb)
    driver = waiting_at(conv, qid, "full")
    step = driver.send(Answer(typed))
    assert step.recorded == {qid: kept}
    assert driver.session.answers[qid] == kept


def test_free_text_is_cut_to_the_limit(conv: Conversation, kb: KnowledgeBase) -> None:
    qid = text_question(kb)
    driver = waiting_at(conv, qid, "full")
    driver.send(Answer("白领客户" * 2560))  # 10 KB
    stored = driver.session.answers[qid]
    assert len(stored) <= TEXT_LIMIT
    assert len(stored) >= TEXT_LIMIT - 2
    assert stored.startswith("白领客户白领客户")


@pytest.mark.parametrize("blank", ["", "   ", "\x00", "\x00\x00 \n"])
def test_blank_free_text_is_reasked(conv: Conversation, kb: KnowledgeBase, blank: str) -> None:
    qid = text_question(kb)
    driver = waiting_at(conv, qid, "full")
    before = without_seq(driver.session)
    step = driver.send(Answer(blank))
    assert step.outputs == [Reask(qid, "empty", None, None, last_ask(driver.steps[-2]).progress)]
    assert without_seq(driver.session) == before


# --------------------------------------------------------------------------- JSON round trip


def data(session: Session) -> dict:
    """What a session is, compared by value (Session objects themselves are models with identity)."""
    assert isinstance(session, Session)
    return session.to_dict()


def round_trip(session: Session) -> Session:
    return Session.from_dict(json.loads(json.dumps(session.to_dict(), ensure_ascii=False)))


def test_session_round_trips_through_json_at_every_step_of_a_flow(conv: Conversation, kb: KnowledgeBase) -> None:
    events: list[Event] = [Offer(), Begin("full")]
    driver = Driver(conv)
    script = [*events, Answer("1"), Why(), Skip(), Back(), Answer("<b>x</b>"), Answer("2"), Cancel(), Resume()]
    for event in script:
        driver.send(event)
        copy = round_trip(driver.session)
        assert data(copy) == data(driver.session)
        assert copy.stage == driver.session.stage
        driver.session = copy  # keep going with the reloaded one, as the bot does on every update
    driver.run_to_report()
    assert data(round_trip(driver.session)) == data(driver.session)
    driver.send(Begin("recheck", focus="cash_flow", carried=dict(driver.session.answers)))
    assert driver.session.carried
    assert data(round_trip(driver.session)) == data(driver.session)
    driver.session.answers[text_question(kb)] = "老板说:😀 <b>“好”</b>"
    assert data(round_trip(driver.session)) == data(driver.session)


def test_from_dict_ignores_keys_of_a_newer_version() -> None:
    saved = Session(stage="asking", mode="quick", current="pos_focus_self", seq=7).to_dict()
    saved["something_new"] = {"x": 1}
    expected = Session(stage="asking", mode="quick", current="pos_focus_self", seq=7)
    assert Session.from_dict(saved).to_dict() == expected.to_dict()


EVENTS = st.sampled_from(["answer", "bad", "skip", "back", "why", "cancel", "resume", "offer", "quick", "full"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EVENTS, min_size=1, max_size=40))
def test_reloaded_session_behaves_like_the_original(conv: Conversation, kb: KnowledgeBase, moves: list[str]) -> None:
    original = Session()
    for move in moves:
        event = to_event(kb, original, move)
        copy = round_trip(original)
        assert data(copy) == data(original)
        from_original = conv.step(original, event)
        from_copy = conv.step(copy, event)
        assert from_copy.outputs == from_original.outputs
        assert from_copy.recorded == from_original.recorded
        assert data(copy) == data(original)
        original = copy  # a fresh object every step, as after a load


def to_event(kb: KnowledgeBase, session: Session, move: str) -> Event:
    question = kb.questions.get(session.current or "")
    simple = {"skip": Skip(), "back": Back(), "why": Why(), "cancel": Cancel(), "resume": Resume(), "offer": Offer(),
              "quick": Begin("quick"), "full": Begin("full"), "bad": Answer("😀")}
    if move in simple:
        return simple[move]
    return Answer(valid_value(kb, question) if question else "1")


def test_ask_outputs_are_plain_data(conv: Conversation) -> None:
    driver = Driver(conv)
    step = driver.send(Begin("quick"))
    ask = step.outputs[0]
    assert isinstance(ask, Ask)
    json.dumps([ask.question, ask.progress, ask.previous, ask.note, ask.can_go_back])


@pytest.mark.parametrize("raw", ["②", "²", "(②)"])
def test_a_choice_by_an_odd_digit_is_asked_again_for_plain_digits(conv: Conversation, kb: KnowledgeBase,
                                                                  raw: str) -> None:
    driver = waiting_at(conv, "pos_focus_self")
    step = driver.send(Answer(raw))
    assert step.recorded == {}
    assert isinstance(step.outputs[0], Reask)
    assert step.outputs[0].reason == "odd_digit"
