"""Reminders: each owner's slot with its indexed `next_due` (epoch seconds), and when each reminder was last sent.

The sweep reads the due rows in `next_due` order and, once Telegram confirmed a send, records it and moves
`next_due` to the next slot in one transaction, by compare-and-swap on the slot it read: a restart finds the
slot either still due (not sent, or killed between the send and the commit) or already moved on, and two
sweeps can never both record one slot. A blocked owner's row loses its `next_due` (suspended) until they
write again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.storage.schema import now

_COLUMNS = ("frequency, hour, minute, weekday, day, timezone, quiet_start, quiet_end, next_due, last_key,"
            " last_sent, suspended, proposed, awaiting, awaiting_until")
SETTINGS = ("frequency", "hour", "minute", "weekday", "day", "timezone", "quiet_start", "quiet_end")


@dataclass(frozen=True, slots=True)
class ReminderRow:
    user_id: int
    frequency: str
    hour: int
    minute: int
    weekday: int
    day: int
    timezone: str | None
    quiet_start: int | None
    quiet_end: int | None
    next_due: int | None
    last_key: str | None
    last_sent: int | None
    suspended: bool
    proposed: bool
    awaiting: str | None
    awaiting_until: int | None


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A due row with what the sweep needs to reach the owner."""

    row: ReminderRow
    external_id: str  # the Telegram user id, also their private chat's id
    locale: str


class ReminderRecords:
    """Reads and writes of the reminders and reminder_history tables."""

    db: Database
    _keep_report: Callable[..., None]  # bot.storage.reports.ReportRecords, combined in Store

    def known_user(self, channel: str, external_id: str) -> tuple[int, str, bool] | None:
        """(user id, locale, active) of a channel identity, without creating or changing anyone."""
        found = self.db.execute("SELECT id, locale, active FROM users WHERE channel = ? AND external_id = ?",
                                [channel, external_id]).fetchone()
        return (found[0], found[1], bool(found[2])) if found else None

    def suspended_reminder_of(self, channel: str, external_id: str) -> int | None:
        """The user id of an active channel identity whose reminders are suspended; one read, run after an update
        whose user was read with their reminders suspended (or not read at all)."""
        found = self.db.execute("SELECT u.id FROM users u JOIN reminders r ON r.user_id = u.id"
                                " WHERE u.channel = ? AND u.external_id = ? AND u.active = 1 AND r.suspended = 1",
                                [channel, external_id]).fetchone()
        return found[0] if found else None

    def awaiting_of(self, channel: str, external_id: str) -> tuple[str, int | None] | None:
        """(metric question, until when) a channel identity's typed number would answer; one read, run for
        every typed text. None when nothing is awaited or there is no such user."""
        found = self.db.execute("SELECT r.awaiting, r.awaiting_until FROM users u JOIN reminders r ON r.user_id = u.id"
                                " WHERE u.channel = ? AND u.external_id = ? AND r.awaiting IS NOT NULL",
                                [channel, external_id]).fetchone()
        return (found[0], found[1]) if found else None

    def reminder(self, user_id: int) -> ReminderRow | None:
        found = self.db.execute(f"SELECT user_id, {_COLUMNS} FROM reminders WHERE user_id = ?",  # noqa: S608
                                [user_id]).fetchone()
        return ReminderRow(*found) if found else None

    def save_reminder(self, user_id: int, settings: dict[str, Any], next_due: int | None,
                      proposed: bool = False) -> None:
        """Store the owner's settings (keys of SETTINGS) and their next slot; a new row when there is none.

        `proposed`: the schedule is the one the report proposed; it stays so until the owner changes it.
        """
        values = [settings[k] for k in SETTINGS]
        with self.db.atomic():
            self.db.execute(
                f"INSERT INTO reminders (user_id, {', '.join(SETTINGS)}, next_due, suspended, proposed, updated)"  # noqa: S608
                f" VALUES (?, {', '.join('?' * len(SETTINGS))}, ?, 0, ?, ?) ON CONFLICT(user_id) DO UPDATE SET"
                f" {', '.join(f'{k} = excluded.{k}' for k in SETTINGS)}, next_due = excluded.next_due,"
                " suspended = 0, proposed = excluded.proposed, updated = excluded.updated",
                [user_id, *values, next_due, int(proposed), now()])

    def due_reminders(self, at: int, limit: int) -> list[DueReminder]:
        """Rows due at `at` (epoch seconds) of active Telegram owners, earliest first; a range scan of the index."""
        rows = self.db.execute(
            f"SELECT r.user_id, {', '.join('r.' + c.strip() for c in _COLUMNS.split(','))}, u.external_id, u.locale"  # noqa: S608
            # CROSS JOIN keeps the reminders' index as the outer loop whatever the planner guesses: the cost is
            # the due rows, not the owners (tests/bench/bench_reminders.py)
            " FROM reminders r INDEXED BY idx_reminders_due CROSS JOIN users u ON u.id = r.user_id"
            " WHERE r.next_due IS NOT NULL AND r.next_due <= ? AND u.active = 1 AND u.channel = 'telegram'"
            " ORDER BY r.next_due LIMIT ?", [at, limit]).fetchall()
        return [DueReminder(ReminderRow(*row[:16]), row[16], row[17]) for row in rows]

    def record_sent(self, user_id: int, slot: int, key: str | None, sent: int, next_due: int | None) -> bool:
        """One transaction: the reminder `key` sent at `sent`, and the slot `slot` moved on to `next_due`.

        False (and the slot left alone) when the row no longer has `slot`: the owner changed the schedule
        meanwhile, or another sweep recorded it first.
        """
        with self.db.atomic():
            if key is not None:
                self.db.execute("INSERT INTO reminder_history (user_id, key, sent) VALUES (?, ?, ?)"
                                " ON CONFLICT(user_id, key) DO UPDATE SET sent = excluded.sent", [user_id, key, sent])
            moved = self.db.execute(
                "UPDATE reminders SET next_due = ?, last_key = COALESCE(?, last_key),"
                " last_sent = CASE WHEN ? IS NULL THEN last_sent ELSE ? END, updated = ?"
                " WHERE user_id = ? AND next_due = ?", [next_due, key, key, sent, now(), user_id, slot]).rowcount
            if not moved and key is not None:
                self.db.execute("UPDATE reminders SET last_key = ?, last_sent = ? WHERE user_id = ?",
                                [key, sent, user_id])
        return moved == 1

    def move_slot(self, user_id: int, slot: int, next_due: int) -> bool:
        """Defer or snooze: the slot `slot` becomes `next_due`; False when the row has another slot by now."""
        with self.db.atomic():
            return self.db.execute("UPDATE reminders SET next_due = ?, updated = ? WHERE user_id = ? AND next_due = ?",
                                   [next_due, now(), user_id, slot]).rowcount == 1

    def snooze(self, user_id: int, until: int) -> bool:
        """The next reminder at `until`, whatever the slot was; False for an owner with reminders off."""
        with self.db.atomic():
            return self.db.execute("UPDATE reminders SET next_due = ?, updated = ? WHERE user_id = ?"
                                   " AND frequency != 'off' AND suspended = 0", [until, now(), user_id]).rowcount == 1

    def suspend_reminders(self, user_id: int) -> None:
        """The owner blocked the bot: never tried again until they write to us (`resume_reminders`)."""
        with self.db.atomic():
            self.db.execute("UPDATE reminders SET next_due = NULL, suspended = 1, updated = ? WHERE user_id = ?",
                            [now(), user_id])

    def resume_reminders(self, user_id: int, next_due: int | None) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE reminders SET next_due = ?, suspended = 0, updated = ? WHERE user_id = ?"
                            " AND suspended = 1", [next_due, now(), user_id])

    def reminder_history(self, user_id: int) -> dict[str, int]:
        """When each reminder key was last sent (epoch seconds)."""
        return dict(self.db.execute("SELECT key, sent FROM reminder_history WHERE user_id = ?", [user_id]).fetchall())

    def note_sent(self, user_id: int, keys: list[str], sent: int) -> None:
        """Reminders shown outside a slot (the console at start-up), so their cadence counts from now."""
        with self.db.atomic():
            self.db.conn.executemany("INSERT INTO reminder_history (user_id, key, sent) VALUES (?, ?, ?)"
                                     " ON CONFLICT(user_id, key) DO UPDATE SET sent = excluded.sent",
                                     [(user_id, k, sent) for k in keys])

    def set_awaiting(self, user_id: int, question: str | None, until: int | None) -> None:
        """The metric question the owner's next typed number answers (a tap on "update cash"), until `until`."""
        with self.db.atomic():
            self.db.execute("UPDATE reminders SET awaiting = ?, awaiting_until = ? WHERE user_id = ?",
                            [question, until, user_id])

    def keep_updated_check(self, user_id: int, dimension: str, answers: dict[str, Any], report: Any) -> int:
        """A finished re-check of `dimension` with `answers` and its `report`, kept like any check; its id."""
        stamp = now()
        with self.db.atomic():
            company = self.db.execute("SELECT id FROM companies WHERE owner_id = ? ORDER BY id LIMIT 1",
                                      [user_id]).fetchone()
            assessment = self.db.execute(
                "INSERT INTO assessments (company_id, user_id, mode, focus, status, started, finished, overall, band)"
                " VALUES (?, ?, 'recheck', ?, 'finished', ?, ?, ?, ?)",
                [company[0], user_id, dimension, stamp, stamp, report.overall, report.band]).lastrowid
            self.db.conn.executemany(
                "INSERT INTO answers (assessment_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)",
                [(assessment, q, json.dumps(v, ensure_ascii=False), stamp) for q, v in answers.items()])
            self.db.conn.executemany(
                "INSERT INTO dimension_scores (assessment_id, dimension, score, band) VALUES (?, ?, ?, ?)",
                [(assessment, d.id, d.score, d.band) for d in report.dimensions])
            self._keep_report(assessment, report, stamp)
        return assessment
