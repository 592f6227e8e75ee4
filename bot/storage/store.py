"""The SQLite store: one file in WAL mode; every read and write of the assistant goes through here.

`Store` combines one records class per aggregate (users, checks, Telegram prompts, processed updates).
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from bot.storage.actions import ActionRecords
from bot.storage.checks import CheckRecords, StoredAssessment
from bot.storage.dump import DumpRecords
from bot.storage.prompts import PromptRecords
from bot.storage.reports import ReportRecords
from bot.storage.schema import migrations
from bot.storage.updates import UpdateRecords
from bot.storage.users import User, UserRecords

__all__ = ["Store", "StoredAssessment", "User", "migrations"]


class Store(UserRecords, CheckRecords, ReportRecords, ActionRecords, DumpRecords, PromptRecords, UpdateRecords):
    """One SQLite file in WAL mode, its schema migrated on open."""

    def __init__(self, path: Path | str) -> None:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(path, execute_plugins=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=5000")
        migrations.apply(self.db)

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
            for table in ("assessments", "sessions", "telegram_prompts"):
                self.db.execute(f"DELETE FROM {table} WHERE user_id = ?", [user_id])  # noqa: S608
            self.db.execute("DELETE FROM companies WHERE owner_id = ?", [user_id])
            self.db.execute("DELETE FROM users WHERE id = ?", [user_id])
