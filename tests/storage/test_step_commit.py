"""The step's commit: a compare-and-swap on the session's step counter, the update claimed in the same
transaction, and the owed prompt recorded with the answer; a refused commit stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.store import Store
from dialogs.conversation import Answer, Begin, Conversation
from knowledge.loader import get_knowledge


@pytest.fixture
def store(tmp_path: Path):
    opened = Store(tmp_path / "steps.db")
    yield opened
    opened.close()


def begun(store: Store) -> tuple[int, Conversation]:
    user = store.user("telegram", "77", "zh")
    conversation = Conversation(get_knowledge())
    session = store.load_session(user.id)
    step = conversation.step(session, Begin("quick"))
    assert store.commit_step(user.id, session, step, update_id=1, expected_seq=0, owed=session.seq) == "committed"
    return user.id, conversation


def snapshot(store: Store, user_id: int) -> tuple:
    rows = store.db.execute("SELECT state, seq FROM sessions WHERE user_id = ?", [user_id]).fetchall()
    return rows, store.db.execute("SELECT * FROM answers").fetchall(), store.owed_prompt(user_id)


def test_a_step_from_an_older_seq_is_stale_and_stores_nothing(store) -> None:
    user_id, conversation = begun(store)
    first, second = store.load_session(user_id), store.load_session(user_id)
    read = first.seq
    option = get_knowledge().questions[first.current].options[0].id
    assert store.commit_step(user_id, first, conversation.step(first, Answer(option)), update_id=2,
                             expected_seq=read) == "committed"
    before = snapshot(store, user_id)
    assert store.commit_step(user_id, second, conversation.step(second, Answer(option)), update_id=3,
                             expected_seq=read) == "stale"
    assert snapshot(store, user_id) == before
    assert not store.seen_update(3)  # the claim was rolled back with the rest


def test_an_update_claimed_twice_is_a_duplicate_and_stores_nothing(store) -> None:
    user_id, conversation = begun(store)
    session = store.load_session(user_id)
    read = session.seq
    before = snapshot(store, user_id)
    option = get_knowledge().questions[session.current].options[0].id
    assert store.commit_step(user_id, session, conversation.step(session, Answer(option)), update_id=1,
                             expected_seq=read) == "duplicate"
    assert snapshot(store, user_id) == before


def test_the_owed_prompt_is_recorded_with_the_step_and_cleared_on_delivery(store) -> None:
    user_id, _ = begun(store)
    seq = store.load_session(user_id).seq
    assert store.owed_prompt(user_id) == seq
    (owed,) = store.owed_prompts("telegram")
    assert (owed.user_id, owed.external_id, owed.seq, owed.locale) == (user_id, "77", seq, "zh")
    assert store.owed_prompts("console") == []
    store.prompt_delivered(user_id, seq)
    assert store.owed_prompt(user_id) is None


def test_forgetting_a_user_forgets_what_they_were_owed(store) -> None:
    user_id, _ = begun(store)
    store.forget(user_id)
    assert store.db.execute("SELECT COUNT(*) FROM owed_prompts").fetchone() == (0,)
