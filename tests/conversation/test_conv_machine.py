"""The shared transitions machine: built once, never holding a session, every stage and row used."""

from __future__ import annotations

from pathlib import Path

import pytest
from transitions import MachineError
from transitions.core import Transition

from dialogs.conversation import Answer, Back, Begin, Cancel, Conversation, Offer, Resume, Skip, Why
from dialogs.machine import TRANSITIONS, Stage, machine, mermaid
from dialogs.outputs import Ask, Menu, Notice, Paused
from dialogs.session import Session
from knowledge.model import KnowledgeBase
from tests.conversation.conv_support import Driver

README = Path(__file__).resolve().parents[2] / "README.md"

Move = tuple[str, Stage, Stage]




@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[Move]:
    """Every (trigger, source, dest) the shared machine actually takes, checking no session is attached to it.

    An internal transition (dest None) stays where it is: its dest is its source."""
    moves: list[Move] = []
    real = Transition.execute

    def spy(self: Transition, event_data) -> bool:
        assert not any(m is event_data.model for m in event_data.machine.models), "a session was attached"
        executed = real(self, event_data)
        if executed:
            moves.append((event_data.event.name, Stage[self.source], Stage[self.dest or self.source]))
        return executed

    monkeypatch.setattr(Transition, "execute", spy)
    return moves


def table_rows() -> set[Move]:
    """Every row of TRANSITIONS, one entry per source."""
    rows = set()
    for row in TRANSITIONS:
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        rows |= {(row["trigger"], Stage(s), Stage(row["dest"] or s)) for s in sources}
    return rows


def without_seq(session: Session) -> dict:
    """The session's data apart from its step counter."""
    return {k: v for k, v in session.to_dict().items() if k != "seq"}


def attached() -> list[object]:
    return list(machine().models)


# --------------------------------------------------------------------------- one machine, attached per step


def test_machine_is_built_once_and_shared(kb: KnowledgeBase) -> None:
    assert machine() is machine()
    assert Conversation(kb).machine is machine()
    assert Conversation(kb).machine is Conversation(kb).machine


def test_machine_has_no_auto_transitions() -> None:
    session = Session()
    machine().add_model(session, initial=session.stage)
    try:
        assert not hasattr(session, "to_ASKING")
        assert not hasattr(session, "to_asking")
    finally:
        machine().remove_model(session)


def test_sessions_are_never_attached(conv: Conversation, taken: list[Move]) -> None:
    drivers = [Driver(conv) for _ in range(3)]
    for driver in drivers:
        driver.send(Begin("quick"))
        assert attached() == []
    for _ in range(5):
        for driver in drivers:
            driver.answer()
            assert not any(m is driver.session for m in attached())
    assert attached() == []
    assert taken, "the spy saw the sessions move"


def test_a_session_keeps_only_its_data_after_a_step(conv: Conversation) -> None:
    driver = Driver(conv)
    for event in (Offer(), Begin("quick"), Answer("1"), Why(), Back(), Cancel(), Resume()):
        driver.send(event)
        assert set(vars(driver.session)) == set(driver.session.to_dict()), event
        assert not hasattr(driver.session, "trigger")


def test_a_failing_step_leaves_nothing_on_the_session(conv: Conversation, monkeypatch: pytest.MonkeyPatch) -> None:
    driver = Driver(conv)
    driver.send(Begin("quick"))

    def boom(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(conv, "_answer", boom)
    with pytest.raises(RuntimeError, match="boom"):
        conv.step(driver.session, Answer("1"))
    assert attached() == []
    assert not hasattr(driver.session, "trigger")


def test_machine_refuses_a_move_the_table_does_not_have() -> None:
    session = Session()
    machine().add_model(session, initial=session.stage)
    try:
        with pytest.raises(MachineError):
            machine().events["advance"].trigger(session)
        with pytest.raises(MachineError):
            machine().events["back"].trigger(session)
        assert session.stage == Stage.IDLE
    finally:
        machine().remove_model(session)
    assert attached() == []


# --------------------------------------------------------------------------- invalid moves become notices


@pytest.mark.parametrize(
    ("event", "key"),
    [
        (Answer("1"), "no_open_check"),
        (Skip(), "no_open_check"),
        (Back(), "no_open_check"),
        (Why(), "no_open_check"),
        (Cancel(), "nothing_to_cancel"),
        (Resume(), "nothing_to_resume"),
    ],
)
def test_moves_while_idle_give_a_notice(conv: Conversation, event: object, key: str) -> None:
    session = Session()
    step = conv.step(session, event)
    assert step.outputs == [Notice(key)]
    assert step.recorded == {}
    assert session.stage == Stage.IDLE
    assert session.answers == {}


@pytest.mark.parametrize("event", [Answer("1"), Skip(), Back(), Why()])
def test_moves_while_paused_say_the_check_is_paused(conv: Conversation, event: object) -> None:
    driver = Driver(conv)
    driver.send(Begin("quick"))
    driver.answer()
    driver.send(Cancel())
    before = without_seq(driver.session)
    step = driver.send(event)
    assert step.outputs == [Notice("paused_check")]
    assert step.recorded == {}
    assert without_seq(driver.session) == before


@pytest.mark.parametrize(
    ("event", "key"),
    [(Answer("1"), "no_open_check"), (Back(), "no_open_check"), (Cancel(), "nothing_to_cancel"),
     (Resume(), "nothing_to_resume")],
)
def test_moves_after_the_report_give_a_notice(conv: Conversation, event: object, key: str) -> None:
    driver = Driver(conv)
    driver.send(Begin("quick"))
    driver.run_to_report()
    step = driver.send(event)
    assert step.outputs == [Notice(key)]
    assert driver.session.stage == Stage.REPORT


def test_back_at_the_first_question_is_refused_with_a_notice(conv: Conversation) -> None:
    driver = Driver(conv)
    first = driver.send(Begin("full")).outputs[0]
    step = driver.send(Back())
    assert step.outputs[0] == Notice("first_question")
    assert isinstance(step.outputs[1], Ask)
    assert step.outputs[1].question == first.question
    assert driver.session.stage == Stage.ASKING


# --------------------------------------------------------------------------- coverage of the table


def exercise_every_move(conv: Conversation) -> None:
    """Scenarios meant to take every row of TRANSITIONS between them."""
    a = Driver(conv)
    a.send(Offer())  # idle -> choosing
    assert isinstance(a.steps[-1].outputs[0], Menu)
    a.send(Offer())  # choosing -> choosing
    a.send(Cancel())  # choosing -> idle
    a.send(Offer())
    a.send(Begin("quick"))  # choosing -> asking
    a.answer()  # advance asking -> asking
    a.answer()  # advance asking -> insight, proceed insight -> asking
    a.send(Back())  # back
    a.send(Offer())  # asking -> choosing
    assert a.steps[-1].outputs == [Menu(open_check=("quick", 1, len(conv.plan_for(a.session))))]
    a.send(Resume())  # choosing -> asking
    a.send(Cancel())  # asking -> idle
    assert isinstance(a.steps[-1].outputs[0], Paused)
    a.send(Resume())  # idle -> asking
    a.send(Begin("quick", replace=True))  # asking -> asking (fresh, once the owner confirmed)
    a.run_to_report()  # proceed insight -> report
    a.send(Resume())  # report -> asking, if it can ever hold
    a.send(Offer())  # report -> choosing
    b = Driver(conv)
    b.send(Begin("quick"))  # idle -> asking
    b.run_to_report()
    b.send(Begin("full"))  # report -> asking


def test_every_row_of_the_table_is_taken(conv: Conversation, taken: list[Move]) -> None:
    exercise_every_move(conv)
    missing = table_rows() - set(taken)
    assert not missing, f"rows of TRANSITIONS no scenario takes: {sorted(missing)}"
    assert set(taken) <= table_rows()


def test_every_stage_is_reachable(conv: Conversation, taken: list[Move]) -> None:
    exercise_every_move(conv)
    reached = {Stage.IDLE} | {dest for _, _, dest in taken}
    assert reached == set(Stage)


# --------------------------------------------------------------------------- the picture


def test_readme_diagram_is_current() -> None:
    """README embeds the diagram the table draws today (fails until README carries it)."""
    assert README.exists(), "README.md is missing"
    diagram = mermaid()
    assert diagram.startswith("stateDiagram")
    assert diagram in README.read_text(encoding="utf-8"), "README's Mermaid diagram is stale: paste mermaid() in"
