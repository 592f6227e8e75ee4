"""Group commit: the bot's commits become durable in batches, by an fsync of the WAL, before any reply."""

from __future__ import annotations

import asyncio
import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.storage.faults import Fault, StorageError
from bot.storage.store import Store


def synchronous(store: Store) -> int:
    return store.db.execute("PRAGMA synchronous").fetchone()[0]


@pytest.fixture
def fsynced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path of every file or folder synced (fsync or fdatasync), in order (the real call still runs)."""
    paths: list[str] = []

    def spying(real: Callable[[int], None]) -> Callable[[int], None]:
        def spy(fd: int) -> None:
            paths.append(os.readlink(f"/proc/self/fd/{fd}"))
            real(fd)
        return spy

    monkeypatch.setattr(os, "fsync", spying(os.fsync))
    monkeypatch.setattr(os, "fdatasync", spying(os.fdatasync))
    return paths


def test_the_console_commits_each_step_with_full_and_the_bot_in_groups(tmp_path: Path) -> None:
    each, grouped = Store(tmp_path / "each.db"), Store(tmp_path / "grouped.db", group_commit=True)
    try:
        assert (synchronous(each), each.group_commit) == (2, None)  # FULL: its own fsync per commit
        assert synchronous(grouped) == 1
        assert grouped.group_commit is not None
    finally:
        each.close()
        grouped.close()


async def test_one_fsync_covers_every_commit_made_before_it(tmp_path: Path, fsynced: list[str]) -> None:
    store = Store(tmp_path / "g.db", group_commit=True)
    try:
        assert not store.group_commit.pending
        await store.durable()
        assert fsynced == []  # nothing to sync

        async def owner(n: int) -> None:
            store.user("telegram", str(n), "zh")  # a commit, then a reply that needs it on disk
            await store.durable()

        await asyncio.gather(*(owner(n) for n in range(20)))
        wal, folder = str(tmp_path / "g.db-wal"), str(tmp_path)
        assert fsynced == [wal, folder]  # one for all twenty; the folder once, for the new WAL file
        assert not store.group_commit.pending
        store.user("telegram", "21", "zh")
        assert store.group_commit.pending
        await store.durable()
        assert fsynced == [wal, folder, wal]
    finally:
        store.close()


async def test_a_failed_fsync_is_a_fatal_storage_error_for_every_waiter(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "g.db", group_commit=True)

    def failing(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    try:
        store.user("telegram", "1", "zh")
        monkeypatch.setattr(os, "fsync", failing)
        monkeypatch.setattr(os, "fdatasync", failing)
        results = await asyncio.gather(store.durable(), store.durable(), return_exceptions=True)
        assert all(isinstance(r, StorageError) for r in results), results
        assert {r.fault for r in results} == {Fault.CORRUPT}  # the bot stops: a later fsync proves nothing
        assert "fsync" in str(results[0])
        assert store.group_commit.pending  # not on disk: nothing may acknowledge it
    finally:
        store.close()


async def test_a_deleted_wal_is_the_replaced_database_fault(tmp_path: Path) -> None:
    store = Store(tmp_path / "g.db", group_commit=True)
    try:
        store.user("telegram", "1", "zh")
        os.remove(tmp_path / "g.db-wal")
        with pytest.raises(StorageError) as raised:
            await store.durable()
        assert raised.value.fault is Fault.REPLACED  # the bot stops with one line, as for a replaced file
    finally:
        store.close()


async def test_a_waiter_cancelled_leaves_the_sync_to_the_others(tmp_path: Path, fsynced: list[str]) -> None:
    store = Store(tmp_path / "g.db", group_commit=True)
    try:
        store.user("telegram", "1", "zh")
        leaving, staying = asyncio.ensure_future(store.durable()), asyncio.ensure_future(store.durable())
        await asyncio.sleep(0)  # both wait for the one sync scheduled
        leaving.cancel()
        await staying  # synced all the same
        assert leaving.cancelled()
        assert fsynced == [str(tmp_path / "g.db-wal"), str(tmp_path)]
        assert not store.group_commit.pending
    finally:
        store.close()


async def test_after_a_failed_sync_no_later_sync_is_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "g.db", group_commit=True)
    real = os.fdatasync

    def failing(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    try:
        store.user("telegram", "1", "zh")
        monkeypatch.setattr(os, "fdatasync", failing)
        with pytest.raises(StorageError):
            await store.durable()
        monkeypatch.setattr(os, "fdatasync", real)  # the disk answers again: what it dropped stays dropped
        store.user("telegram", "2", "zh")
        with pytest.raises(StorageError) as raised:
            await store.durable()
        assert raised.value.fault is Fault.CORRUPT
        assert store.group_commit.pending  # nothing may acknowledge either commit
    finally:
        store.close()
