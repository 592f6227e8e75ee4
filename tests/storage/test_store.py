"""The SQLite store: migrations, WAL, one transaction per step, the assessment record, users kept apart."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

import bot.storage.checks as storage
from bot.services.advisor import Advisor
from bot.storage.store import Store, migrations
from dialogs.conversation import Answer, Back, Skip
from dialogs.machine import Stage
from knowledge.loader import get_knowledge
from knowledge.model import DIMENSION_IDS, KnowledgeBase
from knowledge.scoring import Report
from tests.conversation.conv_support import report_of, valid_value

CORE_TABLES = {"users", "companies", "assessments", "answers", "dimension_scores", "sessions", "processed_updates"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return get_knowledge()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "advisor.db"


@pytest.fixture
def store(db_path: Path):
    store = Store(db_path)
    yield store
    store.close()


@pytest.fixture
def advisor(store: Store, kb: KnowledgeBase) -> Advisor:
    return Advisor(store, kb)


def raw(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read with a separate connection: what another process would see on disk."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def answer_current(advisor: Advisor, user_id: int, overrides: dict[str, Any] | None = None):
    session = advisor.store.load_session(user_id)
    question = advisor.kb.questions[session.current]
    return advisor.handle(user_id, Answer(valid_value(advisor.kb, question, overrides)))


def finish(advisor: Advisor, user_id: int, mode: str = "quick", overrides: dict[str, Any] | None = None) -> Report:
    advisor.begin(user_id, mode)
    for _ in range(100):
        _, step = answer_current(advisor, user_id, overrides)
        report = report_of(step)
        if report is not None:
            return report
    raise AssertionError("no report")


def stored_answers(db_path: Path, assessment_id: int) -> dict[str, Any]:
    rows = raw(db_path, "SELECT question_id, value FROM answers WHERE assessment_id = ?", (assessment_id,))
    return {q: json.loads(v) for q, v in rows}


def stored_session(db_path: Path, user_id: int) -> str | None:
    rows = raw(db_path, "SELECT state FROM sessions WHERE user_id = ?", (user_id,))
    return rows[0][0] if rows else None


# --------------------------------------------------------------------------- schema


def test_migrations_apply_on_a_fresh_file(store: Store, db_path: Path) -> None:
    assert db_path.exists()
    tables = {r[0] for r in raw(db_path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables >= CORE_TABLES
    applied = [r[0] for r in raw(db_path, "SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    assert applied == [m.name for m in migrations._migrations]


def test_migrations_are_idempotent(db_path: Path) -> None:
    first = Store(db_path)
    user = first.user("test", "owner", "zh")
    first.close()
    second = Store(db_path)
    try:
        assert second.user("test", "owner", "zh").id == user.id
        applied = [r[0] for r in raw(db_path, "SELECT name FROM _sqlite_migrations")]
        assert len(applied) == len(set(applied)) == len(migrations._migrations)
        assert migrations.pending(second.db) == []
    finally:
        second.close()


def test_a_database_of_the_previous_version_keeps_its_answers_and_scores(db_path: Path) -> None:
    """The newest migration rebuilds answers and dimension_scores WITHOUT ROWID; every row they held stays."""
    previous = Migrations("sme_advisor")
    for migration in migrations._migrations[:-1]:
        previous(name=migration.name)(migration.fn)
    db_path.parent.mkdir(parents=True)
    old = Database(db_path)
    previous.apply(old)
    stamp = "2026-11-30T09:00:00+00:00"
    old.execute("INSERT INTO users (id, channel, external_id, locale, created) VALUES (1, 'test', 'o', 'zh', ?)",
                [stamp])
    old.execute("INSERT INTO companies (id, owner_id, created) VALUES (1, 1, ?)", [stamp])
    old.execute("INSERT INTO assessments (id, company_id, user_id, mode, status, started, finished, overall, band)"
                " VALUES (1, 1, 1, 'quick', 'finished', ?, ?, 61, 'fair')", [stamp, stamp])
    answers = [(1, "cash_available", json.dumps(800000), stamp), (1, "ret_repeat_share", json.dumps(40), stamp)]
    old.conn.executemany("INSERT INTO answers VALUES (?, ?, ?, ?)", answers)
    old.conn.executemany("INSERT INTO dimension_scores VALUES (?, ?, ?, ?)", [(1, "cash", 72, "fair")])
    old.conn.commit()
    old.close()

    store = Store(db_path)
    try:
        for table in ("answers", "dimension_scores"):
            sql = store.db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
            assert sql.endswith("WITHOUT ROWID")
        assert store.latest_finished(1).answers == {"cash_available": 800000, "ret_repeat_share": 40}
        assert store.db.execute("SELECT * FROM dimension_scores").fetchall() == [(1, "cash", 72, "fair")]
        assert raw(db_path, "PRAGMA integrity_check") == [("ok",)]
    finally:
        store.close()


def test_wal_mode_is_on(store: Store, db_path: Path) -> None:
    assert raw(db_path, "PRAGMA journal_mode") == [("wal",)]
    assert store.db.execute("PRAGMA foreign_keys").fetchone() == (1,)


# --------------------------------------------------------------------------- one transaction per step


class SessionWriteFails:
    """Stands in for bot.storage.checks.json: answers serialise, the session's state does not (a crash mid-commit)."""

    loads = staticmethod(json.loads)
    answers_serialised = 0

    @classmethod
    def dumps(cls, obj: Any, **kwargs: Any) -> str:
        if isinstance(obj, dict) and "stage" in obj:
            raise OSError("disk vanished while writing the session")
        cls.answers_serialised += 1
        return json.dumps(obj, **kwargs)


def test_commit_step_rolls_back_answers_when_the_session_write_fails(
    advisor: Advisor, store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = store.user("test", "owner", "zh").id
    advisor.begin(user, "quick")
    session, _ = answer_current(advisor, user)
    assessment = session.assessment_id
    answers_before = stored_answers(db_path, assessment)
    state_before = stored_session(db_path, user)
    assert len(answers_before) == 1

    SessionWriteFails.answers_serialised = 0
    monkeypatch.setattr(storage, "json", SessionWriteFails)
    with pytest.raises(OSError, match="disk vanished"):
        answer_current(advisor, user)
    assert SessionWriteFails.answers_serialised >= 1, "the answer was written before the failure"
    assert not store.db.conn.in_transaction

    assert stored_answers(db_path, assessment) == answers_before
    assert stored_session(db_path, user) == state_before

    monkeypatch.undo()
    reloaded = store.load_session(user)
    assert reloaded.to_dict() == session.to_dict()
    session, step = answer_current(advisor, user)
    assert step.recorded
    assert len(stored_answers(db_path, assessment)) == 2


def test_a_failed_start_leaves_no_assessment(
    advisor: Advisor, store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = store.user("test", "owner", "zh").id
    monkeypatch.setattr(storage, "json", SessionWriteFails)
    with pytest.raises(OSError, match="disk vanished"):
        advisor.begin(user, "quick")
    assert raw(db_path, "SELECT count(*) FROM assessments") == [(0,)]
    assert stored_session(db_path, user) is None
    monkeypatch.undo()
    session, step = advisor.begin(user, "quick")
    assert step.started
    assert raw(db_path, "SELECT id, status FROM assessments") == [(session.assessment_id, "open")]


def test_each_answer_is_on_disk_before_the_reply(advisor: Advisor, store: Store, db_path: Path) -> None:
    user = store.user("test", "owner", "zh").id
    session, _ = advisor.begin(user, "quick")
    for n in range(1, 6):
        session, step = answer_current(advisor, user)
        (question_id, value), = step.recorded.items()
        assert stored_answers(db_path, session.assessment_id)[question_id] == json.loads(json.dumps(value))
        assert len(stored_answers(db_path, session.assessment_id)) == n
        assert json.loads(stored_session(db_path, user)) == session.to_dict()


# --------------------------------------------------------------------------- the assessment record


def test_a_finished_check_writes_the_assessment_and_eight_scores(
    advisor: Advisor, store: Store, db_path: Path
) -> None:
    user = store.user("test", "owner", "zh").id
    report = finish(advisor, user, "quick")
    session = store.load_session(user)
    assert session.stage == Stage.REPORT
    (row,) = raw(db_path, "SELECT id, status, overall, band, finished, mode FROM assessments WHERE user_id = ?",
                 (user,))
    assert row[0] == session.assessment_id
    assert row[1:4] == ("finished", report.overall, report.band)
    assert row[4] is not None
    assert row[5] == "quick"
    scores = raw(db_path, "SELECT dimension, score, band FROM dimension_scores WHERE assessment_id = ?", (row[0],))
    assert len(scores) == 8
    assert {d for d, _, _ in scores} == set(DIMENSION_IDS)
    assert {(d.id, d.score, d.band) for d in report.dimensions} == set(scores)
    assert stored_answers(db_path, row[0]) == json.loads(json.dumps(session.answers))


def test_answers_carry_answered_at_timestamps(advisor: Advisor, store: Store, db_path: Path) -> None:
    user = store.user("test", "owner", "zh").id
    advisor.begin(user, "quick")
    for _ in range(3):
        answer_current(advisor, user)
    stamps = [r[0] for r in raw(db_path, "SELECT answered_at FROM answers")]
    assert len(stamps) == 3
    for stamp in stamps:
        parsed = datetime.fromisoformat(stamp)
        assert parsed.tzinfo is not None
        assert abs((datetime.now(parsed.tzinfo) - parsed).total_seconds()) < 60


def test_reanswering_after_back_updates_the_row(advisor: Advisor, store: Store, db_path: Path, kb) -> None:
    user = store.user("test", "owner", "zh").id
    session, _ = advisor.begin(user, "quick")
    first = session.current
    advisor.handle(user, Answer("1"))
    advisor.handle(user, Back())
    advisor.handle(user, Answer("3"))
    rows = raw(db_path, "SELECT value FROM answers WHERE assessment_id = ? AND question_id = ?",
               (session.assessment_id, first))
    assert rows == [(json.dumps(kb.questions[first].options[2].id),)]


def test_skip_deletes_the_row(advisor: Advisor, store: Store, db_path: Path) -> None:
    user = store.user("test", "owner", "zh").id
    session, _ = advisor.begin(user, "quick")
    first = session.current
    advisor.handle(user, Answer("1"))
    assert first in stored_answers(db_path, session.assessment_id)
    advisor.handle(user, Back())
    _, step = advisor.handle(user, Skip())
    assert step.recorded == {first: None}
    assert first not in stored_answers(db_path, session.assessment_id)
    assert store.load_session(user).asked == [first]


def test_two_users_are_kept_apart(advisor: Advisor, store: Store, db_path: Path) -> None:
    alice = store.user("test", "alice", "zh").id
    bob = store.user("test", "bob", "en").id
    assert alice != bob
    a_session, _ = advisor.begin(alice, "quick")
    b_session, _ = advisor.begin(bob, "full")
    assert a_session.assessment_id != b_session.assessment_id
    for _ in range(3):
        answer_current(advisor, alice)
    answer_current(advisor, bob, {"pos_focus_self": "niche_gap"})
    a_answers = stored_answers(db_path, a_session.assessment_id)
    b_answers = stored_answers(db_path, b_session.assessment_id)
    assert len(a_answers) == 3
    assert b_answers == {"pos_focus_self": "niche_gap"}
    assert a_answers["pos_focus_self"] == "everyone"
    assert store.load_session(alice).mode == "quick"
    assert store.load_session(bob).mode == "full"
    assert len(store.load_session(bob).asked) == 1
    owners = dict(raw(db_path, "SELECT id, user_id FROM assessments"))
    assert owners == {a_session.assessment_id: alice, b_session.assessment_id: bob}

    while report_of(answer_current(advisor, alice)[1]) is None:
        pass
    assert store.latest_finished(alice) is not None
    assert store.latest_finished(bob) is None
    assert store.load_session(bob).stage == Stage.ASKING


def test_latest_finished_is_the_last_finished_check(advisor: Advisor, store: Store, kb: KnowledgeBase) -> None:
    user = store.user("test", "owner", "zh").id
    assert store.latest_finished(user) is None
    finish(advisor, user, "quick")
    first_id = store.load_session(user).assessment_id
    best = {q.id: q.options[-1].id for q in kb.questions.values() if q.kind == "choice"}
    second_report = finish(advisor, user, "full", best)
    second = store.load_session(user)
    advisor.begin(user, "quick")  # a third, still open
    answer_current(advisor, user)

    latest = store.latest_finished(user)
    assert latest is not None
    assert latest.id == second.assessment_id != first_id
    assert (latest.mode, latest.overall, latest.band) == ("full", second_report.overall, second_report.band)
    assert latest.answers == json.loads(json.dumps(second.answers))


def test_recheck_stores_the_carried_answers(advisor: Advisor, store: Store, db_path: Path, kb) -> None:
    user = store.user("test", "owner", "zh").id
    finish(advisor, user, "full")
    previous = store.latest_finished(user)
    session, step = advisor.begin(user, "recheck", focus="team")
    assert step.started
    kept = {q: v for q, v in previous.answers.items() if kb.questions[q].dimension != "team"}
    assert session.carried == kept
    assert stored_answers(db_path, session.assessment_id) == kept
    while True:
        _, step = answer_current(advisor, user, {"team_self": "strong"})
        if step.finished:
            break
    latest = store.latest_finished(user)
    assert latest.id == session.assessment_id
    assert latest.mode == "recheck"
    assert latest.focus == "team"
    assert {q for q in latest.answers if kb.questions[q].dimension == "team"} == {
        q.id for q in kb.dimension("team").questions}


def test_the_same_update_is_recorded_once(advisor: Advisor, store: Store) -> None:
    user = store.user("test", "owner", "zh").id
    assert not store.seen_update(42)
    advisor.begin(user, "quick", update_id=42)
    assert store.seen_update(42)
