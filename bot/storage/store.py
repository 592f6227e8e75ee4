"""The SQLite store: one file in WAL mode; every read and write of the assistant goes through here.

`Store` combines one records class per aggregate (users, checks, Telegram prompts, processed updates).
"""

from __future__ import annotations

from pathlib import Path

from bot.storage.actions import ActionRecords
from bot.storage.checks import CheckRecords, StoredAssessment
from bot.storage.connection import open_database
from bot.storage.dump import DumpRecords
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

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.db = open_database(self.path, migrations)  # a StorageError when the file cannot be used

    def close(self) -> None:
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
