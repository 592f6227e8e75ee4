"""Checks: the live session, its open assessment, the answers and the finished reports, written together.

Every answer and the session's new stage are committed in one transaction before a reply goes out, so a
crash, a kill or a restart loses nothing and the owner continues where they were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.storage.schema import now
from dialogs.conversation import Step
from dialogs.session import Session
from knowledge.scoring import Report


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


class CheckRecords:
    """Sessions, assessments, answers and dimension scores."""

    db: Database

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
        self._keep_report(assessment_id, report, stamp)  # bot/storage/reports.py, in the same transaction

    def answers(self, assessment_id: int) -> dict[str, Any]:
        rows = self.db.execute("SELECT question_id, value FROM answers WHERE assessment_id = ?", [assessment_id])
        return {q: json.loads(v) for q, v in rows}

    def latest_finished(self, user_id: int) -> StoredAssessment | None:
        """The owner's most recent finished assessment, with its answers."""
        row = self.db.execute(
            "SELECT id, mode, focus, started, finished, overall, band FROM assessments"
            " WHERE user_id = ? AND status = 'finished'"
            " AND EXISTS (SELECT 1 FROM answers WHERE assessment_id = assessments.id)"  # never an empty check
            " ORDER BY finished DESC, id DESC LIMIT 1",
            [user_id],
        ).fetchone()
        if row is None:
            return None
        return StoredAssessment(*row, answers=self.answers(row[0]))
