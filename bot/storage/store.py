"""The SQLite store: schema by sqlite-utils migrations, and one transaction per conversation step.

Every answer and the session's new stage are committed together before a reply goes out, so a crash,
a kill or a restart loses nothing and the owner continues where they were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from dialogs.conversation import Step
from dialogs.session import Session
from knowledge.scoring import Report

migrations = Migrations("sme_advisor")


@migrations()
def m001_core(db: Database) -> None:
    """Users, companies, assessments, answers, dimension scores and live sessions."""
    db["users"].create(
        {"id": int, "channel": str, "external_id": str, "locale": str, "locale_chosen": int,
         "timezone": str, "active": int, "created": str, "updated": str},
        pk="id", not_null={"channel", "external_id", "locale", "created"},
        defaults={"locale_chosen": 0, "active": 1},
    )
    db["users"].create_index(["channel", "external_id"], unique=True)
    db["companies"].create(
        {"id": int, "owner_id": int, "name": str, "created": str},
        pk="id", foreign_keys=[("owner_id", "users", "id")], not_null={"owner_id", "created"},
    )
    db["companies"].create_index(["owner_id"])
    db["assessments"].create(
        {"id": int, "company_id": int, "user_id": int, "mode": str, "focus": str, "status": str,
         "started": str, "finished": str, "overall": int, "band": str, "report": str},
        pk="id", foreign_keys=[("company_id", "companies", "id"), ("user_id", "users", "id")],
        not_null={"company_id", "user_id", "mode", "status", "started"},
    )
    db["assessments"].create_index(["user_id", "finished"])
    db["answers"].create(
        {"assessment_id": int, "question_id": str, "value": str, "answered_at": str},
        pk=("assessment_id", "question_id"), foreign_keys=[("assessment_id", "assessments", "id")],
        not_null={"value", "answered_at"},
    )
    db["dimension_scores"].create(
        {"assessment_id": int, "dimension": str, "score": int, "band": str},
        pk=("assessment_id", "dimension"), foreign_keys=[("assessment_id", "assessments", "id")],
    )
    db["sessions"].create(
        {"user_id": int, "state": str, "updated": str},
        pk="user_id", foreign_keys=[("user_id", "users", "id")], not_null={"state", "updated"},
    )
    db["processed_updates"].create({"update_id": int, "seen": str}, pk="update_id")


@migrations()
def m002_telegram_prompts(db: Database) -> None:
    """The message that shows a Telegram user's current question, so it can be edited in place."""
    db["telegram_prompts"].create(
        {"user_id": int, "chat_id": int, "message_id": int},
        pk="user_id", foreign_keys=[("user_id", "users", "id")],
    )


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class User:
    id: int
    locale: str
    locale_chosen: bool
    active: bool


@dataclass(frozen=True, slots=True)
class StoredAssessment:
    id: int
    mode: str
    focus: str | None
    started: str
    finished: str | None
    overall: int | None
    band: str | None
    answers: dict[str, Any]


class Store:
    """One SQLite file in WAL mode; all reads and writes of the assistant go through here."""

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

    # -- users ----------------------------------------------------------------------------------

    def user(self, channel: str, external_id: str, locale: str) -> User:
        """The user behind a channel identity, created on first contact with the given locale."""
        row = self.db.execute(
            "SELECT id, locale, locale_chosen, active FROM users WHERE channel = ? AND external_id = ?",
            [channel, external_id],
        ).fetchone()
        if row is None:
            with self.db.atomic():
                cursor = self.db.execute(
                    "INSERT INTO users (channel, external_id, locale, locale_chosen, active, created, updated)"
                    " VALUES (?, ?, ?, 0, 1, ?, ?)",
                    [channel, external_id, locale, now(), now()],
                )
            return User(cursor.lastrowid, locale, False, True)
        return User(row[0], row[1], bool(row[2]), bool(row[3]))

    def set_locale(self, user_id: int, locale: str) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE users SET locale = ?, locale_chosen = 1, updated = ? WHERE id = ?",
                            [locale, now(), user_id])

    def set_active(self, user_id: int, active: bool) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE users SET active = ?, updated = ? WHERE id = ?", [int(active), now(), user_id])

    # -- sessions -------------------------------------------------------------------------------

    def load_session(self, user_id: int) -> Session:
        row = self.db.execute("SELECT state FROM sessions WHERE user_id = ?", [user_id]).fetchone()
        return Session.from_dict(json.loads(row[0])) if row else Session()

    def commit_step(self, user_id: int, session: Session, step: Step, report: Report | None = None,
                    update_id: int | None = None) -> None:
        """Store a step's answers, the assessment's lifecycle and the new session in one transaction."""
        stamp = now()
        with self.db.atomic():
            if update_id is not None:
                self.db.execute("INSERT OR IGNORE INTO processed_updates (update_id, seen) VALUES (?, ?)",
                                [update_id, stamp])
            if step.started:
                session.assessment_id = self._start_assessment(user_id, session, stamp)
            if session.assessment_id is not None:
                self._write_answers(session.assessment_id, step.recorded, stamp)
                if step.finished and report is not None:
                    self._finish_assessment(session.assessment_id, report, stamp)
            self.db.execute(
                "INSERT INTO sessions (user_id, state, updated) VALUES (?, ?, ?)"
                " ON CONFLICT(user_id) DO UPDATE SET state = excluded.state, updated = excluded.updated",
                [user_id, json.dumps(session.to_dict(), ensure_ascii=False), stamp],
            )

    def _company(self, user_id: int, stamp: str) -> int:
        row = self.db.execute("SELECT id FROM companies WHERE owner_id = ? ORDER BY id LIMIT 1", [user_id]).fetchone()
        if row:
            return row[0]
        return self.db.execute("INSERT INTO companies (owner_id, name, created) VALUES (?, NULL, ?)",
                               [user_id, stamp]).lastrowid

    def _start_assessment(self, user_id: int, session: Session, stamp: str) -> int:
        if session.assessment_id is not None:  # an unfinished check replaced by a new one
            self.db.execute("UPDATE assessments SET status = 'abandoned' WHERE id = ? AND status = 'open'",
                            [session.assessment_id])
        cursor = self.db.execute(
            "INSERT INTO assessments (company_id, user_id, mode, focus, status, started)"
            " VALUES (?, ?, ?, ?, 'open', ?)",
            [self._company(user_id, stamp), user_id, session.mode, session.focus, stamp],
        )
        carried = [(cursor.lastrowid, q, json.dumps(v, ensure_ascii=False), stamp) for q, v in session.carried.items()]
        self.db.conn.executemany("INSERT INTO answers (assessment_id, question_id, value, answered_at)"
                                 " VALUES (?, ?, ?, ?)", carried)
        return cursor.lastrowid

    def _write_answers(self, assessment_id: int, recorded: dict[str, Any], stamp: str) -> None:
        for question_id, value in recorded.items():
            if value is None:
                self.db.execute("DELETE FROM answers WHERE assessment_id = ? AND question_id = ?",
                                [assessment_id, question_id])
            else:
                self.db.execute(
                    "INSERT INTO answers (assessment_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(assessment_id, question_id) DO UPDATE"
                    " SET value = excluded.value, answered_at = excluded.answered_at",
                    [assessment_id, question_id, json.dumps(value, ensure_ascii=False), stamp],
                )

    def _finish_assessment(self, assessment_id: int, report: Report, stamp: str) -> None:
        self.db.execute(
            "UPDATE assessments SET status = 'finished', finished = ?, overall = ?, band = ? WHERE id = ?",
            [stamp, report.overall, report.band, assessment_id],
        )
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO dimension_scores (assessment_id, dimension, score, band) VALUES (?, ?, ?, ?)",
            [(assessment_id, d.id, d.score, d.band) for d in report.dimensions],
        )

    # -- Telegram --------------------------------------------------------------------------------

    def prompt_message(self, user_id: int) -> tuple[int, int] | None:
        """(chat id, message id) of the message showing this user's current question."""
        row = self.db.execute("SELECT chat_id, message_id FROM telegram_prompts WHERE user_id = ?",
                              [user_id]).fetchone()
        return (row[0], row[1]) if row else None

    def set_prompt_message(self, user_id: int, chat_id: int, message_id: int | None) -> None:
        with self.db.atomic():
            if message_id is None:
                self.db.execute("DELETE FROM telegram_prompts WHERE user_id = ?", [user_id])
            else:
                self.db.execute("INSERT OR REPLACE INTO telegram_prompts (user_id, chat_id, message_id)"
                                " VALUES (?, ?, ?)", [user_id, chat_id, message_id])

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

    def purge_updates(self, keep_days: int = 7) -> int:
        """Forget processed update ids older than `keep_days`; returns how many were removed."""
        cutoff = (datetime.now(UTC) - timedelta(days=keep_days)).isoformat(timespec="seconds")
        with self.db.atomic():
            return self.db.execute("DELETE FROM processed_updates WHERE seen < ?", [cutoff]).rowcount

    # -- reading back ---------------------------------------------------------------------------

    def seen_update(self, update_id: int) -> bool:
        """Whether this Telegram update was already processed (the same update twice has one effect)."""
        row = self.db.execute("SELECT 1 FROM processed_updates WHERE update_id = ?", [update_id]).fetchone()
        return row is not None

    def mark_update(self, update_id: int) -> None:
        with self.db.atomic():
            self.db.execute("INSERT OR IGNORE INTO processed_updates (update_id, seen) VALUES (?, ?)",
                            [update_id, now()])

    def answers(self, assessment_id: int) -> dict[str, Any]:
        rows = self.db.execute("SELECT question_id, value FROM answers WHERE assessment_id = ?", [assessment_id])
        return {q: json.loads(v) for q, v in rows}

    def latest_finished(self, user_id: int) -> StoredAssessment | None:
        """The owner's most recent finished assessment, with its answers."""
        row = self.db.execute(
            "SELECT id, mode, focus, started, finished, overall, band FROM assessments"
            " WHERE user_id = ? AND status = 'finished' ORDER BY finished DESC, id DESC LIMIT 1",
            [user_id],
        ).fetchone()
        if row is None:
            return None
        return StoredAssessment(*row, answers=self.answers(row[0]))
