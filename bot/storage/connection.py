"""Opening the SQLite file safely, and a database that checks it is still writing to that file.

`open_database` refuses a path it cannot use (no permission, a folder that is a file, a file that is
not SQLite, a corrupt or a newer database) with a `StorageError` before anything is written. The
`GuardedDatabase` it returns checks, before each write transaction, that the file it opened is still the
one at the path (same device and inode): a database deleted or replaced while the process
runs stops the process instead of letting it write into a file nobody will read again.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Generator
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.storage.faults import Fault, StorageError, classify, has_sqlite_header, identity

# FULL: a commit is on disk when SQLite returns, so an acknowledged answer survives a power loss, not only a
# kill; its cost per answer is printed by tests/bench/bench_sessions.py (README, "Figures"). The bot opens
# its store with NORMAL and makes its commits durable in groups before it replies (`group_commit`).
SYNCHRONOUS = "FULL"


class GuardedDatabase(Database):
    """A sqlite-utils Database whose write transactions first check the file is still the one it opened."""

    path: Path | None = None
    opened_as: tuple[int, int] | None = None
    # Writes that ride along at the start of the next write transaction, whoever's it is; what it returns runs
    # once that transaction committed (see PromptRecords.prompt_delivered).
    riders: Callable[[], Callable[[], None] | None] | None = None

    @contextlib.contextmanager
    def atomic(self) -> Generator[Database, None, None]:
        outermost = not self.conn.in_transaction
        if outermost:
            self.check_file()
        try:
            with super().atomic() as db:
                committed = self.riders() if outermost and self.riders is not None else None
                yield db
            if committed is not None:
                committed()
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as error:
            if isinstance(error, sqlite3.IntegrityError) or self.path is None:
                raise
            fault = classify(self.path, error)
            if fault.fault is Fault.UNKNOWN:
                raise
            raise fault from error

    def check_file(self) -> None:
        """StorageError(REPLACED) when the file at the path is gone or is no longer the one opened.

        Only `stat`: opening and closing the file here would drop SQLite's POSIX locks on it. A file
        overwritten in place keeps its inode; SQLite itself then reads a bad header and says so.
        """
        if self.path is not None and identity(self.path) != self.opened_as:
            raise StorageError(Fault.REPLACED, self.path, "the file changed since the process opened it")


def open_database(path: Path, migrations: Migrations, synchronous: str = SYNCHRONOUS) -> GuardedDatabase:
    """The migrated database at `path`, or a StorageError saying why it cannot be used.

    The migrations are committed with FULL whatever `synchronous` the connection keeps afterwards.
    """
    if str(path) == ":memory:":
        db = GuardedDatabase(":memory:", execute_plugins=False)
        migrations.apply(db)
        return db
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        existed = path.exists() and path.stat().st_size > 0
        if existed and not has_sqlite_header(path):
            raise StorageError(Fault.NOT_A_DATABASE, path, "the file does not start with SQLite's header")
        db = GuardedDatabase(path, execute_plugins=False)
        db.execute("PRAGMA busy_timeout=5000")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        db.execute("PRAGMA foreign_keys=ON")
        if existed:
            _refuse_damaged(db, path, migrations)
        migrations.apply(db)
        db.execute(f"PRAGMA synchronous={synchronous}")
    except (OSError, sqlite3.Error) as error:
        raise classify(path, error) from error
    db.path, db.opened_as = path, identity(path)
    return db


def _refuse_damaged(db: Database, path: Path, migrations: Migrations) -> None:
    problems = integrity_problems(db)
    if problems:
        raise StorageError(Fault.CORRUPT, path, "; ".join(problems[:3]))
    unknown = unknown_migrations(db, migrations)
    if unknown:
        raise StorageError(Fault.TOO_NEW, path, "unknown migrations: " + ", ".join(unknown))


def integrity_problems(db: Database) -> list[str]:
    """What SQLite's quick_check finds wrong; empty when the file is sound."""
    rows = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
    return [] if rows == ["ok"] else rows


def unknown_migrations(db: Database, migrations: Migrations) -> list[str]:
    """Migrations the file has that this version does not know: it was written by a newer version."""
    known = {m.name for m in migrations.pending(Database(memory=True))}
    return [m.name for m in migrations.applied(db) if m.name not in known]
