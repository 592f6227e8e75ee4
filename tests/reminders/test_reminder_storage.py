"""The reminders table: the due ones found by the index, a send recorded with its slot, /forget and /export."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.reminders import settings_of
from bot.services.schedule import Schedule
from bot.storage.store import Store

WEEKLY = settings_of(Schedule("weekly", 9, 0, 0, 1, "Asia/Shanghai"))


@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path / "advisor.db")
    yield store
    store.close()


def owner(store: Store, name: str) -> int:
    return store.user("telegram", name, "zh").id


def test_the_due_ones_earliest_first_and_only_of_active_owners(store: Store) -> None:
    users = [owner(store, str(n)) for n in range(5)]
    for n, user in enumerate(users):
        store.save_reminder(user, WEEKLY, 1000 + n * 100)
    store.save_reminder(users[4], settings_of(Schedule("off")), None)
    store.set_active(users[1], False)
    due = store.due_reminders(1250, 10)
    assert [d.row.user_id for d in due] == [users[0], users[2]]
    assert due[0].external_id == "0"
    assert store.due_reminders(1250, 1)[0].row.user_id == users[0]


def test_the_due_query_uses_the_partial_index(store: Store) -> None:
    plan = store.db.execute("EXPLAIN QUERY PLAN SELECT user_id FROM reminders WHERE next_due IS NOT NULL"
                            " AND next_due <= 5 ORDER BY next_due").fetchall()
    assert any("idx_reminders_due" in row[-1] for row in plan), plan


def test_a_send_moves_the_slot_once_by_compare_and_swap(store: Store) -> None:
    user = owner(store, "a")
    store.save_reminder(user, WEEKLY, 1000)
    assert store.record_sent(user, 1000, "runway", 1001, 2000)
    assert not store.record_sent(user, 1000, "runway", 1002, 3000)  # a second sweep of the same slot
    row = store.reminder(user)
    assert (row.next_due, row.last_key) == (2000, "runway")
    assert store.reminder_history(user) == {"runway": 1002}


def test_a_blocked_owner_is_suspended_until_resumed(store: Store) -> None:
    user = owner(store, "a")
    store.save_reminder(user, WEEKLY, 1000)
    store.suspend_reminders(user)
    assert store.due_reminders(10**10, 10) == []
    store.resume_reminders(user, 5000)
    assert store.reminder(user).next_due == 5000
    assert not store.reminder(user).suspended


def test_forget_and_export_cover_the_reminders(store: Store) -> None:
    user, other = owner(store, "a"), owner(store, "b")
    for u in (user, other):
        store.save_reminder(u, WEEKLY, 1000)
        store.note_sent(u, ["runway", "dim:cash_flow"], 900)
    rows = store.user_rows(user)
    assert [r["user_id"] for r in rows["reminders"]] == [user]
    assert {r["key"] for r in rows["reminder_history"]} == {"runway", "dim:cash_flow"}
    store.forget(user)
    assert store.reminder(user) is None
    assert store.reminder_history(user) == {}
    assert store.reminder(other) is not None
