"""The SQLite store: one file in WAL mode; every read and write of the assistant goes through here.

`Store` combines one records class per aggregate (users, checks, Telegram prompts, processed updates).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from bot.storage.actions import ActionRecords
from bot.storage.checks import CheckRecords, StoredAssessment
from bot.storage.connection import SYNCHRONOUS, open_database
from bot.storage.dump import DumpRecords
from bot.storage.faults import StorageError
from bot.storage.group_commit import GroupCommit
from bot.storage.prompts import PromptRecords
from bot.storage.reminders import ReminderRecords
from bot.storage.reports import ReportRecords
from bot.storage.schema import migrations
from bot.storage.shares import ShareRecords
from bot.storage.updates import UpdateRecords
from bot.storage.users import User, UserRecords

__all__ = ["Store", "StoredAssessment", "User", "migrations"]


class Store(UserRecords, CheckRecords, ReportRecords, ActionRecords, ReminderRecords, DumpRecords, PromptRecords,
            UpdateRecords, ShareRecords):
    """One SQLite file in WAL mode, checked and migrated on open (see `bot.storage.connection`)."""

    def __init__(self, path: Path | str, *, group_commit: bool = False) -> None:
        """With `group_commit`, commits are made durable by `await durable()` (see `bot.storage.group_commit`)
        rather than each by its own fsync; whoever replies to a user must await it first."""
        self.path = Path(path)
        self.claimed_here: set[int] = set()
        self.finished_here: set[int] = set()
        self.delivered, self._delivery_flush = [], None
        in_groups = group_commit and str(path) != ":memory:"
        # a StorageError when the file cannot be used
        self.db = open_database(self.path, migrations, synchronous="NORMAL" if in_groups else SYNCHRONOUS)
        if in_groups and self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.execute(f"PRAGMA synchronous={SYNCHRONOUS}")  # no WAL to sync here: every commit syncs
            in_groups = False
        self.group_commit = GroupCommit(self.path, lambda: self.db.conn.total_changes) if in_groups else None
        self.newest_claimed = self._newest_stored_update()

    async def durable(self) -> None:
        """Return once every commit made so far is on disk (at once when each commit syncs itself)."""
        if self.group_commit is not None:
            await self.group_commit.durable()

    def close(self) -> None:
        if self._delivery_flush is not None:
            self._delivery_flush[0].cancel()
            self._delivery_flush = None
        with contextlib.suppress(StorageError):  # what cannot be written stays owed: the next process sends it
            self.write_delivered()
        self.db.close()

    def forget(self, user_id: int) -> None:
        """Delete everything stored about a user, in one transaction."""
        with self.db.atomic():
            assessments = "SELECT id FROM assessments WHERE user_id = ?"
            self.db.execute(f"DELETE FROM answers WHERE assessment_id IN ({assessments})", [user_id])  # noqa: S608
            self.db.execute(
                f"DELETE FROM dimension_scores WHERE assessment_id IN ({assessments})", [user_id]  # noqa: S608
            )
            for table in ("assessments", "sessions", "telegram_prompts", "reminders", "reminder_history"):
                self.db.execute(f"DELETE FROM {table} WHERE user_id = ?", [user_id])  # noqa: S608
            self.db.execute("DELETE FROM companies WHERE owner_id = ?", [user_id])
            self.db.execute("DELETE FROM users WHERE id = ?", [user_id])
