"""Delivered prompts in the bot: written by the next write transaction, or at the end of the loop's turn.

The bot marks a prompt delivered after every answer; in a group-commit store with an event loop running,
that mark does not take a transaction of its own. These tests pin what must still hold: every read sees it,
a transaction that rolls back does not lose it, closing writes it, and nothing of it reaches another user.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.storage.store import Store
from dialogs.conversation import Answer, Begin, Conversation
from knowledge.loader import get_knowledge


@pytest.fixture
def store(tmp_path: Path):
    opened = Store(tmp_path / "marks.db", group_commit=True)
    yield opened
    opened.close()


def begun(store: Store, external_id: str = "77") -> tuple[int, int]:
    """A user with the first question of a quick check owed; (user id, the owed step)."""
    user = store.user("telegram", external_id, "zh")
    session = store.load_session(user.id)
    step = Conversation(get_knowledge()).step(session, Begin("quick"))
    assert store.commit_step(user.id, session, step, expected_seq=0, owed=session.seq) == "committed"
    return user.id, session.seq


def stored(store: Store, user_id: int) -> tuple:
    """What the tables hold, read past the store (no write of waiting marks first)."""
    owed = store.db.conn.execute("SELECT seq FROM owed_prompts WHERE user_id = ?", [user_id]).fetchall()
    shown = store.db.conn.execute("SELECT chat_id, message_id FROM telegram_prompts WHERE user_id = ?",
                                  [user_id]).fetchall()
    return owed, shown


def transactions(store: Store) -> list[str]:
    begun_: list[str] = []
    store.db.conn.set_trace_callback(lambda sql: begun_.append(sql) if sql == "BEGIN" else None)
    return begun_


async def test_a_mark_rides_with_the_next_write_of_anyone(store: Store) -> None:
    user_id, seq = begun(store)
    other = store.user("telegram", "78", "en").id
    began = transactions(store)
    store.prompt_delivered(user_id, seq, (77, 5))
    assert began == []  # nothing written yet
    assert store.delivered
    assert stored(store, user_id) == ([(seq,)], [])
    store.set_active(other, False)  # another user's write transaction carries it
    assert began == ["BEGIN"]
    assert store.delivered == []
    assert stored(store, user_id) == ([], [(77, 5)])


async def test_without_another_write_it_is_written_at_the_end_of_the_loop_turn(store: Store) -> None:
    user_id, seq = begun(store)
    store.prompt_delivered(user_id, seq, (77, 5))
    await asyncio.sleep(0)
    assert store.delivered == []
    assert stored(store, user_id) == ([], [(77, 5)])


async def test_every_read_of_the_prompt_tables_sees_a_waiting_mark(store: Store) -> None:
    user_id, seq = begun(store)
    store.prompt_delivered(user_id, seq, (77, 5))
    assert store.prompt_message(user_id) == (77, 5)
    store.prompt_delivered(user_id, seq, (77, 6))
    assert store.owed_prompt(user_id) is None
    assert store.prompt_message(user_id) == (77, 6)  # marks are written in the order they were made
    assert store.owed_prompts("telegram") == []


async def test_a_transaction_that_rolls_back_keeps_the_marks_it_carried(store: Store) -> None:
    user_id, seq = begun(store)
    session = store.load_session(user_id)
    option = get_knowledge().questions[session.current].options[0].id
    step = Conversation(get_knowledge()).step(session, Answer(option))
    store.prompt_delivered(user_id, seq, (77, 5))
    # a stale step: its transaction, which wrote the mark first, is rolled back
    assert store.commit_step(user_id, session, step, expected_seq=seq + 5) == "stale"
    assert store.delivered
    assert store.prompt_message(user_id) == (77, 5)


async def test_closing_writes_what_waits(tmp_path: Path) -> None:
    store = Store(tmp_path / "close.db", group_commit=True)
    user_id, seq = begun(store)
    store.prompt_delivered(user_id, seq, (77, 5))
    store.close()
    reopened = Store(tmp_path / "close.db")
    try:
        assert reopened.owed_prompt(user_id) is None
        assert reopened.prompt_message(user_id) == (77, 5)
    finally:
        reopened.close()


async def test_a_mark_for_a_user_forgotten_meanwhile_lands_before_the_forgetting(store: Store) -> None:
    user_id, seq = begun(store)
    store.prompt_delivered(user_id, seq, (77, 5))
    store.forget(user_id)  # its transaction writes the mark first, then deletes everything of the user
    assert stored(store, user_id) == ([], [])
    await asyncio.sleep(0)
    assert stored(store, user_id) == ([], [])


def test_outside_an_event_loop_a_mark_is_written_at_once(store: Store) -> None:
    user_id, seq = begun(store)
    store.prompt_delivered(user_id, seq, (77, 5))
    assert store.delivered == []
    assert stored(store, user_id) == ([], [(77, 5)])


def test_an_update_newer_than_every_claimed_one_is_unseen_without_a_read(tmp_path: Path) -> None:
    store = Store(tmp_path / "seen.db", group_commit=True)
    store.mark_update(40)
    store.close()
    store = Store(tmp_path / "seen.db", group_commit=True)  # a restart: the newest claim is read once
    try:
        reads: list[str] = []
        store.db.conn.set_trace_callback(reads.append)
        assert not store.seen_update(41)
        assert reads == []
        assert store.seen_update(40)  # delivered again after the restart: still seen
        assert not store.seen_update(39)  # older, never claimed: looked up, not assumed
        assert len(reads) == 2
    finally:
        store.close()
