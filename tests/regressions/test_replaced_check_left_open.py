"""Regression: beginning a new check over an open one must mark the old assessment 'abandoned'.

Broke because Conversation._begin clears session.assessment_id before Store.commit_step looks at it, so
Store._start_assessment never sees the check it replaces and the old row stays 'open' for ever.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.services.advisor import Advisor
from bot.storage.store import Store
from dialogs.conversation import Answer
from knowledge.loader import get_knowledge


def test_begin_over_an_open_check_abandons_it(tmp_path: Path) -> None:
    db_path = tmp_path / "advisor.db"
    store = Store(db_path)
    try:
        advisor = Advisor(store, get_knowledge())
        user = store.user("test", "owner", "zh").id
        first, _ = advisor.begin(user, "quick")
        advisor.handle(user, Answer("1"))
        second, _ = advisor.begin(user, "full", replace=True)  # the owner confirmed discarding it
        with sqlite3.connect(db_path) as conn:
            statuses = dict(conn.execute("SELECT id, status FROM assessments").fetchall())
        assert first.assessment_id != second.assessment_id
        assert statuses == {first.assessment_id: "abandoned", second.assessment_id: "open"}
        assert store.latest_finished(user) is None
    finally:
        store.close()
