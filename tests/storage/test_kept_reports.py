"""Reports kept as rows, focus actions, the export and /forget: written with the check, read back unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.services.actions import ActionPlanService
from bot.services.advisor import Advisor
from bot.services.export import EXPORT_SCHEMA_VERSION, export_bytes, export_document
from bot.services.history import HistoryService
from bot.storage import reports as kept
from bot.storage.dump import NOT_PERSONAL, UnknownTable, user_key
from bot.storage.store import Store
from dialogs.conversation import Skip
from knowledge.loader import get_knowledge
from knowledge.model import KnowledgeBase
from tests.storage.test_store import answer_current, finish

# choice answers: the first option of every question is the best one, the last the worst
GOOD = {"cash_available": 600_000, "cash_fixed_costs": 50_000}
BAD = {"cash_available": 50_000, "cash_fixed_costs": 100_000}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return get_knowledge()


@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path / "advisor.db")
    yield store
    store.close()


@pytest.fixture
def advisor(store: Store, kb: KnowledgeBase) -> Advisor:
    return Advisor(store, kb)


def owner(store: Store, name: str = "owner") -> int:
    return store.user("console", name, "zh").id


def test_finishing_a_check_keeps_its_report_with_the_knowledge_version(store: Store, advisor: Advisor) -> None:
    user = owner(store)
    report = finish(advisor, user, overrides=BAD)
    rows = store.kept_reports(user)
    assert len(rows) == 1
    row = rows[0]
    assert row.mode == "quick"
    assert row.kb_version == kept.knowledge_version()
    assert row.report["overall"] == report.overall
    assert {d["id"]: d["score"] for d in row.report["dimensions"]} == {d.id: d.score for d in report.dimensions}
    assert row.report["metrics"]["runway_months"] == pytest.approx(0.5)


def test_a_kept_report_is_not_scored_again_when_the_knowledge_base_changes(store: Store, advisor: Advisor) -> None:
    user = owner(store)
    finish(advisor, user, overrides=BAD)
    store.db.execute("UPDATE reports SET report = json_set(report, '$.overall', 77)")
    assert store.latest_kept_report(user).overall == 77
    assert HistoryService(store).entries(user)[0].check.overall == 77


def test_a_check_with_nothing_answered_is_never_the_latest_report(store: Store, advisor: Advisor) -> None:
    user = owner(store)
    finish(advisor, user, overrides=GOOD)
    first = store.latest_kept_report(user)
    advisor.begin(user, "quick")
    for _ in range(100):
        _, step = advisor.handle(user, Skip())
        if step.finished:
            break
    assert store.latest_kept_report(user).assessment_id == first.assessment_id
    assert [r.assessment_id for r in store.kept_reports(user)] == [first.assessment_id]
    assert store.latest_finished(user).id == first.assessment_id


def test_history_gives_the_change_per_dimension_with_arrows(store: Store, advisor: Advisor) -> None:
    user = owner(store)
    finish(advisor, user, overrides=BAD)
    finish(advisor, user, overrides=GOOD)
    entries = HistoryService(store).entries(user)
    assert entries[0].changes == ()
    cash = next(c for c in entries[1].changes if c.dimension == "cash_flow")
    assert cash.before < cash.after
    assert cash.arrow == "↑"
    assert cash.delta == cash.after - cash.before
    overall = entries[1].changes[0]
    assert overall.dimension == "overall"
    assert overall.after == store.latest_kept_report(user).overall


def test_at_most_three_focus_actions_open_and_done_ones_show_in_history(store: Store, advisor: Advisor,
                                                                       kb: KnowledgeBase) -> None:
    user = owner(store)
    finish(advisor, user, overrides=BAD)
    plan = ActionPlanService(store, kb)
    _, candidates = plan.candidates(user)
    assert len(candidates) >= 4
    assert [plan.choose(user, c.action) for c in candidates[:4]] == ["chosen", "chosen", "chosen", "full"]
    assert plan.choose(user, candidates[0].action) == "already"
    assert plan.choose(user, "no_such_action") == "unknown"
    first = plan.open_actions(user)[0]
    assert plan.close(user, first.id, "done")
    assert not plan.close(user, first.id, "dropped")  # closed already
    assert plan.choose(user, candidates[3].action) == "chosen"
    finish(advisor, user, overrides=GOOD)
    entries = HistoryService(store).entries(user)
    assert [a.action for a in entries[1].done] == [first.action]
    assert entries[0].done == ()


def test_schema_scan_every_table_reaches_a_user_or_is_declared_not_personal(store: Store) -> None:
    for table in store.db.table_names():
        key = user_key(store.db, table)
        assert key is not None or table in NOT_PERSONAL, table
    store.db.execute("CREATE TABLE reminders_demo (id INTEGER PRIMARY KEY, note TEXT)")
    with pytest.raises(UnknownTable):
        store.user_rows(1)


def fill_everything(store: Store, advisor: Advisor, kb: KnowledgeBase, name: str) -> int:
    """A user with rows in every table: checks, a half-done one, a chosen action, a Telegram prompt."""
    user = owner(store, name)
    finish(advisor, user, overrides=BAD)
    plan = ActionPlanService(store, kb)
    plan.choose(user, plan.candidates(user)[1][0].action)
    advisor.begin(user, "quick")
    answer_current(advisor, user)
    store.set_prompt_message(user, 42, 7)
    store.save_reminder(user, {"frequency": "weekly", "hour": 9, "minute": 0, "weekday": 0, "day": 1,
                               "timezone": None, "quiet_start": None, "quiet_end": None}, 1000)
    store.note_sent(user, ["runway"], 900)
    store.add_share_link(user, "view", f"hash-{name}", 1000, 2000)
    store.keep_card_file(user, "1", f"file-{name}")
    host = owner(store, f"host-{name}")  # the user answers a host's invitation with their open check
    finish(advisor, host, overrides=GOOD)
    invite = store.add_share_link(host, "invite", f"invite-{name}", 1000, 2000)
    store.add_partner_assessment(store.load_session(user).assessment_id, user, host, store.owner_company(host), invite)
    return user


def user_tables(store: Store) -> set[str]:
    return {t for t in store.db.table_names() if user_key(store.db, t) is not None}


def test_export_round_trips_every_table_with_user_rows(store: Store, advisor: Advisor, kb: KnowledgeBase) -> None:
    user = fill_everything(store, advisor, kb, "one")
    other = fill_everything(store, advisor, kb, "two")
    document = json.loads(export_bytes(export_document(store, user, kept.knowledge_version())))
    assert document["schema_version"] == EXPORT_SCHEMA_VERSION
    tables: dict[str, list[dict[str, Any]]] = document["tables"]
    assert set(tables) == user_tables(store)
    empty = {t for t, rows in tables.items() if not rows}
    assert empty <= {"owed_prompts"}, empty  # owed only while a send is pending
    assert tables["users"] == [{**tables["users"][0], "id": user}]
    assert all(r["user_id"] == user for r in tables["reports"])
    assert tables["reports"][0]["report"] == store.latest_kept_report(user).report
    assessments = {r["id"] for r in tables["assessments"]}
    assert {r["assessment_id"] for r in tables["answers"]} <= assessments
    assert other not in {r.get("user_id") for rows in tables.values() for r in rows}


def test_forget_leaves_no_row_keyed_to_the_user_in_any_table(store: Store, advisor: Advisor,
                                                             kb: KnowledgeBase) -> None:
    user = fill_everything(store, advisor, kb, "one")
    other = fill_everything(store, advisor, kb, "two")
    store.forget(user)
    assert all(rows == [] for rows in store.user_rows(user).values())
    assert sum(len(rows) for rows in store.user_rows(other).values()) > 10
