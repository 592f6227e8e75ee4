"""Checks: the live session, its open assessment, the answers and the finished reports, written together.

Every answer, the session's new stage and the prompt the owner is now owed are committed in one transaction
before a reply goes out, so a crash, a kill or a restart loses nothing and the owner continues where they
were. The session is written by compare-and-swap on its step counter (`sessions.seq`), and the Telegram
update that caused the step is claimed in the same transaction: a step read from a session that has
since moved on, or a second delivery of the same update, changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlite_utils import Database

from bot.storage.schema import now
from dialogs.conversation import Step
from dialogs.session import Session
from knowledge.scoring import Report

Outcome = Literal["committed", "stale", "duplicate"]


class _Refused(Exception):
    """Raised inside the step's transaction to roll it back."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


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


CLAIMED_KEPT = 4096


class CheckRecords:
    """Sessions, assessments, answers and dimension scores."""

    db: Database
    claimed_here: set[int]  # the update ids this process's steps claimed (see UpdateRecords.seen_update)
    newest_claimed: int
    finished_here: set[int]  # users whose check finished in this process and nobody has looked at since

    def load_session(self, user_id: int) -> Session:
        row = self.db.execute("SELECT state FROM sessions WHERE user_id = ?", [user_id]).fetchone()
        return Session.from_dict(json.loads(row[0])) if row else Session()

    def commit_step(self, user_id: int, session: Session, step: Step, report: Report | None = None,
                    update_id: int | None = None, expected_seq: int | None = None,
                    owed: int | None = None, partner_of: tuple[int, int, int] | None = None) -> Outcome:
        """Store a step in one transaction: answers, the assessment's lifecycle, the new session, the owed prompt.

        `partner_of` (owner id, the owner's company, share link) ties an assessment this step starts to the
        owner who invited the partner, in the same transaction (bot/storage/shares.py).
        "stale" (nothing stored) when the session's stored step counter is no longer `expected_seq`;
        "duplicate" (nothing stored) when `update_id` was already claimed by another step.
        """
        stamp = now()
        try:
            with self.db.atomic():
                if update_id is not None and not self._claim_update(update_id, stamp):
                    raise _Refused("duplicate")
                if step.started:
                    session.assessment_id = self._start_assessment(user_id, session, stamp)
                    if partner_of is not None:
                        self.add_partner_assessment(session.assessment_id, user_id, *partner_of)
                if session.assessment_id is not None:
                    self._write_answers(session.assessment_id, step.recorded, stamp)
                    if step.finished and report is not None:
                        self._finish_assessment(session.assessment_id, report, stamp)
                if not self._write_session(user_id, session, expected_seq, stamp):
                    raise _Refused("stale")  # everything above is rolled back with it
                self._owe(user_id, session.seq, owed, stamp)
        except _Refused as refused:
            return refused.outcome
        if step.finished:
            self.finished_here.add(user_id)
        if update_id is not None:
            if len(self.claimed_here) > CLAIMED_KEPT:
                self.claimed_here.clear()  # only a shortcut for the read: forgetting it costs one read
            self.claimed_here.add(update_id)
            self.newest_claimed = max(self.newest_claimed, update_id)
        return "committed"

    def _claim_update(self, update_id: int, stamp: str) -> bool:
        """Claim a Telegram update for this step; False when another step already claimed it."""
        return self.db.execute("INSERT OR IGNORE INTO processed_updates (update_id, seen) VALUES (?, ?)",
                               [update_id, stamp]).rowcount == 1

    def _write_session(self, user_id: int, session: Session, expected_seq: int | None, stamp: str) -> bool:
        """Write the session; with `expected_seq`, only over that step (compare-and-swap on `seq`), and False
        when the stored session is at another one. A user without a session row may start one from 0."""
        state = self._state(session)
        if expected_seq is not None:
            if self.db.execute("UPDATE sessions SET state = ?, seq = ?, updated = ? WHERE user_id = ? AND seq = ?",
                               [state, session.seq, stamp, user_id, expected_seq]).rowcount:
                return True
            if expected_seq != 0 or self.db.execute("SELECT 1 FROM sessions WHERE user_id = ?", [user_id]).fetchone():
                return False
        self.db.execute(
            "INSERT INTO sessions (user_id, state, seq, updated) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET state = excluded.state, seq = excluded.seq,"
            " updated = excluded.updated",
            [user_id, state, session.seq, stamp],
        )
        return True

    def _owe(self, user_id: int, seq: int, owed: int | None, stamp: str) -> None:
        """The prompt of step `owed` is owed until its send is confirmed; an older one is owed no more."""
        if owed is not None:
            self.db.execute("INSERT OR REPLACE INTO owed_prompts (user_id, seq, since) VALUES (?, ?, ?)",
                            [user_id, owed, stamp])
        else:
            self.db.execute("DELETE FROM owed_prompts WHERE user_id = ? AND seq < ?", [user_id, seq])

    @staticmethod
    def _state(session: Session) -> str:
        return json.dumps(session.to_dict(), ensure_ascii=False)

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
