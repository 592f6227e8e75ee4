"""Processed Telegram update ids, so the same update delivered twice has one effect.

A step claims its update inside the step's own transaction (`CheckRecords.commit_step`); updates that
change nothing stored are claimed after their reply (`mark_update`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from bot.storage.schema import now


class UpdateRecords:
    """Reads and writes of the processed_updates table."""

    db: Database
    claimed_here: set[int]  # update ids this process's steps claimed (see CheckRecords.commit_step)
    newest_claimed: int  # no update id above it was claimed when this process looked (Telegram's ids only grow)

    def purge_updates(self, keep_days: int = 7) -> int:
        """Forget processed update ids older than `keep_days`; returns how many were removed."""
        cutoff = (datetime.now(UTC) - timedelta(days=keep_days)).isoformat(timespec="seconds")
        with self.db.atomic():
            return self.db.execute("DELETE FROM processed_updates WHERE seen < ?", [cutoff]).rowcount

    def seen_update(self, update_id: int) -> bool:
        """Whether this Telegram update was already processed (the same update twice has one effect).

        An update a step of this process claimed is known without a read (`claimed_here`), and so is one newer
        than every update claimed so far, which is what nearly every update is. (A second process serving the
        same bot could have claimed it; its step's own claim still refuses it, see storage.checks.)
        """
        if update_id in self.claimed_here:
            return True
        if update_id > self.newest_claimed:
            return False
        row = self.db.execute("SELECT 1 FROM processed_updates WHERE update_id = ?", [update_id]).fetchone()
        return row is not None

    def mark_update(self, update_id: int) -> None:
        with self.db.atomic():
            self.db.execute("INSERT OR IGNORE INTO processed_updates (update_id, seen) VALUES (?, ?)",
                            [update_id, now()])
        self.newest_claimed = max(self.newest_claimed, update_id)

    def _newest_stored_update(self) -> int:
        return self.db.execute("SELECT coalesce(max(update_id), -1) FROM processed_updates").fetchone()[0]
