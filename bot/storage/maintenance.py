"""The operator's tools for the SQLite file: `doctor` says what is wrong with it, `backup` copies it online.

Both only read the live database: the backup uses SQLite's online backup API, so it is consistent while
the bot keeps writing, and it is written beside its destination first and renamed into place when it
has passed an integrity check.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.storage.connection import integrity_problems, unknown_migrations
from bot.storage.faults import Fault, StorageError, classify, has_sqlite_header, on_read_only_fs

LOW_FREE_SPACE = 100 * 1024 * 1024  # ours: below 100 MB free, a busy bot can fill the disk within days


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the doctor's report: `ok` or a problem, a catalog key with its values."""

    ok: bool
    key: str
    values: dict[str, object]


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes. On a read-only file system SQLite cannot make the WAL's `-shm` file
    a reader needs, so the file is opened as immutable there: nothing can change it on such a mount."""
    immutable = "&immutable=1" if on_read_only_fs(path) else ""
    return sqlite3.connect(f"file:{path}?mode=ro{immutable}", uri=True)


def doctor(path: Path, migrations: Migrations) -> list[Finding]:
    """Check the file at `path`: present, SQLite, sound (integrity_check), schema version, free space."""
    if not path.exists():
        return [Finding(False, "doctor.missing", {"path": path})]
    try:
        if not has_sqlite_header(path):
            return [Finding(False, "doctor.not_a_database", {"path": path})]
        db = Database(_read_only(path))
        try:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
            findings = [_integrity(problems if problems != ["ok"] else [])]
            findings.append(_schema(db, migrations))
        finally:
            db.close()
    except sqlite3.Error as error:
        return [Finding(False, "doctor.unreadable", {"path": path, "detail": str(error)})]
    if on_read_only_fs(path):
        findings.append(Finding(False, "doctor.read_only_fs", {"path": path}))
    else:
        findings.append(_free_space(path))
    return findings


def _integrity(problems: list[str]) -> Finding:
    if problems:
        return Finding(False, "doctor.corrupt", {"count": len(problems), "first": problems[0]})
    return Finding(True, "doctor.integrity_ok", {})


def _schema(db: Database, migrations: Migrations) -> Finding:
    unknown = unknown_migrations(db, migrations)
    if unknown:
        return Finding(False, "doctor.too_new", {"names": ", ".join(unknown)})
    applied = len(migrations.applied(db))
    pending = len(migrations.pending(db))
    if pending:
        return Finding(True, "doctor.schema_pending", {"applied": applied, "pending": pending})
    return Finding(True, "doctor.schema_ok", {"applied": applied})


def _free_space(path: Path) -> Finding:
    free = shutil.disk_usage(path.parent).free
    megabytes = free // (1024 * 1024)
    if free < LOW_FREE_SPACE:
        return Finding(False, "doctor.low_space", {"megabytes": megabytes})
    return Finding(True, "doctor.space_ok", {"megabytes": megabytes})


class OntoItself(ValueError):
    """The backup would replace the database it copies (or its WAL or shared-memory file)."""


def backup_path(source: Path, destination: Path) -> Path:
    """Where a backup to `destination` goes: into a folder under the database's own name, as `cp` does."""
    return destination / source.name if destination.is_dir() else destination


def backup(source: Path, destination: Path) -> int:
    """Copy the live database at `source` to `destination` (a file, or a folder to put it in) consistently;
    returns the copy's size in bytes. OntoItself, with nothing touched, when that is the database's own file."""
    if not source.exists() or not has_sqlite_header(source):
        raise StorageError(Fault.NOT_A_DATABASE if source.exists() else Fault.REPLACED, source,
                           "no SQLite database to back up")
    destination = backup_path(source, destination)
    own = [source, source.with_name(source.name + "-wal"), source.with_name(source.name + "-shm")]
    if destination.resolve() in {path.resolve() for path in own}:
        raise OntoItself(str(destination))
    partial = destination.with_name(destination.name + ".partial")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        live, copy = _read_only(source), sqlite3.connect(partial)
        try:
            live.backup(copy)
            problems = integrity_problems(Database(copy))
        finally:
            live.close()
            copy.close()
        if problems:
            raise StorageError(Fault.CORRUPT, source, "; ".join(problems[:3]))
        partial.replace(destination)
    except StorageError:
        partial.unlink(missing_ok=True)
        raise
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise classify(destination, error) from error
    return destination.stat().st_size
