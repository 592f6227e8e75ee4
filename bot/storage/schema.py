"""The schema: sqlite-utils migrations, applied in order at start-up; a migration once shipped never changes."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

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


@migrations()
def m003_session_seq_and_owed_prompts(db: Database) -> None:
    """The session's step counter as a column (steps commit by compare-and-swap on it), and owed prompts."""
    db["sessions"].add_column("seq", int, not_null_default=0)
    db.execute("UPDATE sessions SET seq = COALESCE(json_extract(state, '$.seq'), 0)")
    # ON DELETE CASCADE: forgetting a user forgets what they were owed
    db.execute("CREATE TABLE owed_prompts (user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
               " seq INTEGER NOT NULL, since TEXT NOT NULL)")


_this_second: tuple[int, str] = (0, "")


def now() -> str:
    """The time in UTC to the second, as ISO 8601; made once a second (every write asks for it)."""
    global _this_second
    second = int(time.time())
    if second != _this_second[0]:
        _this_second = (second, datetime.fromtimestamp(second, UTC).isoformat())
    return _this_second[1]


@migrations()
def m_issue9_reports_and_focus_actions(db: Database) -> None:
    """Each finished check's report as JSON with the knowledge base's version; the owner's chosen focus actions."""
    # ON DELETE CASCADE: forgetting a user (or a check) forgets its reports and actions
    db.execute("CREATE TABLE reports (assessment_id INTEGER PRIMARY KEY REFERENCES assessments(id) ON DELETE CASCADE,"
               " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, finished TEXT NOT NULL,"
               " kb_version TEXT NOT NULL, answered INTEGER NOT NULL, report TEXT NOT NULL)")
    db.execute("CREATE INDEX idx_reports_user ON reports (user_id, finished)")
    db.execute("CREATE TABLE focus_actions (id INTEGER PRIMARY KEY,"
               " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, action TEXT NOT NULL,"
               " dimension TEXT NOT NULL, assessment_id INTEGER REFERENCES assessments(id) ON DELETE SET NULL,"
               " chosen TEXT NOT NULL, status TEXT NOT NULL, closed TEXT)")
    db.execute("CREATE INDEX idx_focus_actions_user ON focus_actions (user_id, status)")


@migrations()
def m_issue10_reminders(db: Database) -> None:
    """Each owner's reminder slot with its next due time (epoch seconds, indexed), and when each reminder was sent."""
    # ON DELETE CASCADE: forgetting a user forgets their reminders
    db.execute("CREATE TABLE reminders (user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
               " frequency TEXT NOT NULL DEFAULT 'off', hour INTEGER NOT NULL DEFAULT 9,"
               " minute INTEGER NOT NULL DEFAULT 0, weekday INTEGER NOT NULL DEFAULT 0,"
               " day INTEGER NOT NULL DEFAULT 1, timezone TEXT, quiet_start INTEGER, quiet_end INTEGER,"
               " next_due INTEGER, last_key TEXT, last_sent INTEGER, suspended INTEGER NOT NULL DEFAULT 0,"
               " proposed INTEGER NOT NULL DEFAULT 0, awaiting TEXT, awaiting_until INTEGER, updated TEXT NOT NULL)")
    # only rows with a slot are in the index, so finding the due ones costs the same however many are off
    db.execute("CREATE INDEX idx_reminders_due ON reminders (next_due) WHERE next_due IS NOT NULL")
    db.execute("CREATE TABLE reminder_history (user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
               " key TEXT NOT NULL, sent INTEGER NOT NULL, PRIMARY KEY (user_id, key))")


@migrations()
def m_issue11_sharing(db: Database) -> None:
    """Share links (only the token's hash), the cached share card, and partners' blind assessments."""
    # ON DELETE CASCADE: forgetting the owner kills their links, card and the comparisons holding their data
    db.execute("CREATE TABLE share_links (id INTEGER PRIMARY KEY,"
               " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, kind TEXT NOT NULL,"
               " token_hash TEXT NOT NULL UNIQUE, created INTEGER NOT NULL, expires INTEGER NOT NULL,"
               " revoked INTEGER, views INTEGER NOT NULL DEFAULT 0, last_viewed INTEGER)")
    db.execute("CREATE INDEX idx_share_links_user ON share_links (user_id, revoked)")
    db.execute("CREATE TABLE share_cards (user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
               " figures INTEGER NOT NULL DEFAULT 0, card_key TEXT, file_id TEXT)")
    # user_id is the partner; the row ties the partner's own assessment to the owner's company
    db.execute("CREATE TABLE partner_assessments ("
               "assessment_id INTEGER PRIMARY KEY REFERENCES assessments(id) ON DELETE CASCADE,"
               " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
               " owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
               " company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,"
               " link_id INTEGER REFERENCES share_links(id) ON DELETE CASCADE,"
               " mode TEXT NOT NULL DEFAULT 'partner', started TEXT NOT NULL, announced INTEGER NOT NULL DEFAULT 0)")
    db.execute("CREATE INDEX idx_partner_assessments_owner ON partner_assessments (owner_id)")
    db.execute("CREATE INDEX idx_partner_assessments_partner ON partner_assessments (user_id, announced)")


@migrations()
def m_issue12_answers_without_rowid(db: Database) -> None:
    """Answers and dimension scores keyed by their primary key alone (WITHOUT ROWID): one B-tree each.

    A rowid table with a composite key keeps a second B-tree for the key, so every answer wrote two pages;
    the update benchmark counted 1.07 of its 7.1 pages per answer in that index.
    """
    db.execute("CREATE TABLE answers_keyed (assessment_id INTEGER NOT NULL REFERENCES assessments(id),"
               " question_id TEXT NOT NULL, value TEXT NOT NULL, answered_at TEXT NOT NULL,"
               " PRIMARY KEY (assessment_id, question_id)) WITHOUT ROWID")
    db.execute("INSERT INTO answers_keyed SELECT assessment_id, question_id, value, answered_at FROM answers"
               " WHERE assessment_id IS NOT NULL AND question_id IS NOT NULL")
    db.execute("CREATE TABLE dimension_scores_keyed (assessment_id INTEGER NOT NULL REFERENCES assessments(id),"
               " dimension TEXT NOT NULL, score INTEGER, band TEXT, PRIMARY KEY (assessment_id, dimension))"
               " WITHOUT ROWID")
    db.execute("INSERT INTO dimension_scores_keyed SELECT assessment_id, dimension, score, band FROM dimension_scores"
               " WHERE assessment_id IS NOT NULL AND dimension IS NOT NULL")
    for table in ("answers", "dimension_scores"):
        db.execute(f"DROP TABLE {table}")
        db.execute(f"ALTER TABLE {table}_keyed RENAME TO {table}")
