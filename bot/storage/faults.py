"""Storage faults as the operator should read them: which file, what is wrong with it, and how to fix it.

Every error SQLite or the file system raises while the store opens or writes is turned into one
`StorageError` of a known kind; the command line prints it as one line in the operator's language and
exits 2. Nothing here writes to the database, so a fault never touches what the store already holds.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"


class Fault(StrEnum):
    """What went wrong; each kind has a cause and a fix in the locale catalogs (`storage.<kind>`)."""

    READ_ONLY = "read_only"  # no permission to create or write the file or its folder
    READ_ONLY_FS = "read_only_fs"  # the file system is mounted read-only (a volume mounted with :ro)
    NOT_A_FOLDER = "not_a_folder"  # a part of the path that must be a folder is a file
    NOT_A_DATABASE = "not_a_database"  # the file exists but is not SQLite
    CORRUPT = "corrupt"  # SQLite's integrity check fails, or the file is truncated
    DISK_FULL = "disk_full"
    REPLACED = "replaced"  # the file was deleted, moved or replaced while the process ran
    LOCKED = "locked"  # another process holds a write lock longer than the busy timeout
    TOO_NEW = "too_new"  # written by a newer version of the assistant
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class StorageError(Exception):
    """A storage fault of a known kind at `path`; `detail` is SQLite's or the OS's own words."""

    fault: Fault
    path: Path
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.fault.value}: {self.path}: {self.detail}"


_SQLITE_WORDS: tuple[tuple[str, Fault], ...] = (
    ("readonly", Fault.READ_ONLY),
    ("read-only", Fault.READ_ONLY),
    ("unable to open database file", Fault.READ_ONLY),
    ("file is not a database", Fault.NOT_A_DATABASE),
    ("malformed", Fault.CORRUPT),
    ("disk i/o error", Fault.CORRUPT),
    ("database or disk is full", Fault.DISK_FULL),
    ("database is locked", Fault.LOCKED),
)

_ERRNO: dict[int, Fault] = {
    errno.EACCES: Fault.READ_ONLY,
    errno.EPERM: Fault.READ_ONLY,
    errno.EROFS: Fault.READ_ONLY_FS,
    errno.ENOTDIR: Fault.NOT_A_FOLDER,
    errno.EEXIST: Fault.NOT_A_FOLDER,
    errno.ENOSPC: Fault.DISK_FULL,
    errno.EDQUOT: Fault.DISK_FULL,
}


def classify(path: Path, error: BaseException) -> StorageError:
    """The StorageError for an exception raised while opening or writing the database at `path`."""
    if isinstance(error, StorageError):
        return error
    detail = str(error)
    if isinstance(error, OSError) and error.errno in _ERRNO:
        return StorageError(_ERRNO[error.errno], path, detail)
    if isinstance(error, sqlite3.Error):
        words = detail.lower()
        for word, fault in _SQLITE_WORDS:
            if word in words:
                return StorageError(_refine_open_failure(path, fault), path, detail)
    return StorageError(Fault.UNKNOWN, path, detail)


def _refine_open_failure(path: Path, fault: Fault) -> Fault:
    """SQLite says "unable to open" for a missing folder, a folder that is a file, no permission and a
    read-only file system alike; the nearest part of the path that exists tells them apart."""
    if fault is not Fault.READ_ONLY:
        return fault
    for parent in (path, *path.parents):
        if parent.exists():
            if parent != path and not parent.is_dir():
                return Fault.NOT_A_FOLDER
            return Fault.READ_ONLY_FS if on_read_only_fs(parent) else Fault.READ_ONLY
    return Fault.READ_ONLY


def on_read_only_fs(path: Path) -> bool:
    """Whether `path` lies on a file system mounted read-only."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the database file, or None when there is none (yet)."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def has_sqlite_header(path: Path) -> bool:
    """Whether the file starts with SQLite's magic header; an empty file (a new database) counts as one."""
    with path.open("rb") as file:
        head = file.read(len(SQLITE_HEADER))
    return head in (b"", SQLITE_HEADER)
