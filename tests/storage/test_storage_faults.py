"""Storage faults: each is one StorageError of a known kind, and nothing the store already holds is touched."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.storage.faults import Fault, StorageError
from bot.storage.store import Store
from bot.storage.users import User
from dialogs.conversation import Step
from dialogs.session import Session


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _store_with_a_user(path: Path) -> User:
    store = Store(path)
    user = store.user("console", "owner", "en")
    store.close()
    return user


def _add_users(store: Store, count: int) -> None:
    for n in range(count):
        store.user("console", f"someone-{n}" * 20, "en")


def _expect(fault: Fault, path: Path) -> StorageError:
    with pytest.raises(StorageError) as caught:
        Store(path)
    assert caught.value.fault is fault, caught.value
    return caught.value


def test_a_folder_in_the_path_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    _expect(Fault.NOT_A_FOLDER, tmp_path / "afile" / "advisor.db")
    assert (tmp_path / "afile").read_text() == "x"


def test_a_file_that_is_not_sqlite_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("my notes, not a database\n")
    _expect(Fault.NOT_A_DATABASE, path)
    assert path.read_text() == "my notes, not a database\n"


def test_a_truncated_database_refuses_to_start(tmp_path: Path) -> None:
    path = tmp_path / "advisor.db"
    store = Store(path)
    for n in range(300):  # enough rows for several pages
        store.user("console", f"owner-{n}", "en")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2)
    before = _fingerprint(path)
    _expect(Fault.CORRUPT, path)
    assert _fingerprint(path) == before


def test_a_database_from_a_newer_version(tmp_path: Path) -> None:
    path = tmp_path / "advisor.db"
    _store_with_a_user(path)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                     " VALUES ('sme_advisor', 'm999_from_the_future', '2030-01-01')")
    conn.close()
    error = _expect(Fault.TOO_NEW, path)
    assert "m999_from_the_future" in error.detail


def test_a_full_disk_is_a_storage_error_and_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "advisor.db"
    store = Store(path)
    user = store.user("console", "owner", "en")
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
    with pytest.raises(StorageError) as caught:
        _add_users(store, 500)
    assert caught.value.fault is Fault.DISK_FULL
    assert store.user("console", "owner", "en").id == user.id


def test_a_database_deleted_while_running_stops_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "advisor.db"
    store = Store(path)
    user = store.user("console", "owner", "en")
    path.unlink()
    with pytest.raises(StorageError) as caught:
        store.set_locale(user.id, "zh")
    assert caught.value.fault is Fault.REPLACED
    assert not path.exists(), "nothing may write a fresh file in its place"


def test_a_database_replaced_while_running_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "advisor.db"
    other = tmp_path / "other.db"
    store = Store(path)
    user = store.user("console", "owner", "en")
    _store_with_a_user(other)
    shutil.move(other, path)
    before = _fingerprint(path)
    with pytest.raises(StorageError) as caught:
        store.commit_step(user.id, Session(), Step())
    assert caught.value.fault is Fault.REPLACED
    assert _fingerprint(path) == before


def test_a_database_locked_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "advisor.db"
    store = Store(path)
    store.db.execute("PRAGMA busy_timeout = 50")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageError) as caught:
            store.user("console", "owner", "en")
        assert caught.value.fault is Fault.LOCKED
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    tmp_path.chmod(0o755)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child drops root (which ignores permissions) before it opens the store
        os.close(read)
        code = 3
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            Store(folder / "advisor.db")
        except StorageError as error:
            os.write(write, error.fault.value.encode())
            code = 0
        except BaseException as error:
            os.write(write, repr(error).encode())
        os._exit(code)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    said = os.read(read, 1000).decode()
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0, said
    assert said == Fault.READ_ONLY.value


def test_a_read_only_file_system_is_told_apart_from_a_missing_permission(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite says "unable to open database file" for both; the mount's read-only flag says which it is."""
    from bot.storage import faults

    class ReadOnlyMount:
        f_flag = os.ST_RDONLY

    monkeypatch.setattr(faults.os, "statvfs", lambda _path: ReadOnlyMount())
    error = faults.classify(tmp_path / "advisor.db", sqlite3.OperationalError("unable to open database file"))
    assert error.fault is Fault.READ_ONLY_FS
    created = faults.classify(tmp_path / "sub", OSError(30, "Read-only file system"))
    assert created.fault is Fault.READ_ONLY_FS
    monkeypatch.undo()
    error = faults.classify(tmp_path / "advisor.db", sqlite3.OperationalError("unable to open database file"))
    assert error.fault is Fault.READ_ONLY
