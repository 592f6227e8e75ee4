"""The owner's focus actions: at most three open at a time, each with the day it was chosen and how it ended."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlite_utils import Database

from bot.storage.reports import precise_now

MAX_OPEN = 3  # the article's 聚焦: no more than three at a time
Status = Literal["open", "done", "dropped"]
Choice = Literal["chosen", "already", "full"]


@dataclass(frozen=True, slots=True)
class FocusActionRow:
    id: int
    action: str
    dimension: str
    assessment_id: int | None
    chosen: str
    status: Status
    closed: str | None


_COLUMNS = "id, action, dimension, assessment_id, chosen, status, closed"


class ActionRecords:
    """Reads and writes of the focus_actions table."""

    db: Database

    def focus_actions(self, user_id: int) -> list[FocusActionRow]:
        """Every action the owner chose, oldest first."""
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM focus_actions WHERE user_id = ? ORDER BY chosen, id",  # noqa: S608
                               [user_id]).fetchall()
        return [FocusActionRow(*row) for row in rows]

    def choose_action(self, user_id: int, action: str, dimension: str, assessment_id: int | None) -> Choice:
        """Add an open action unless it is open already or three are; one transaction, so two taps cannot make four."""
        with self.db.atomic():
            open_ids = [r[0] for r in self.db.execute(
                "SELECT action FROM focus_actions WHERE user_id = ? AND status = 'open'", [user_id])]
            if action in open_ids:
                return "already"
            if len(open_ids) >= MAX_OPEN:
                return "full"
            self.db.execute(
                "INSERT INTO focus_actions (user_id, action, dimension, assessment_id, chosen, status)"
                " VALUES (?, ?, ?, ?, ?, 'open')", [user_id, action, dimension, assessment_id, precise_now()])
        return "chosen"

    def close_action(self, user_id: int, row_id: int, status: Status) -> bool:
        """Mark one open action done or dropped; False when it is not this owner's open action."""
        with self.db.atomic():
            return self.db.execute(
                "UPDATE focus_actions SET status = ?, closed = ? WHERE id = ? AND user_id = ? AND status = 'open'",
                [status, precise_now(), row_id, user_id]).rowcount == 1
