"""The console shows what is due at start-up, the same content Telegram sends, once per cadence."""

from __future__ import annotations

import io
from pathlib import Path

from bot.console.channel import CONSOLE_USER, ConsoleChannel
from bot.console.reminders import show_due
from bot.services.advisor import Advisor
from bot.storage.store import Store
from knowledge.loader import get_knowledge
from tests.reminders.test_reminder_content import STRUGGLING, Clock
from tests.storage.test_store import finish


def start_console(store: Store, locale: str) -> str:
    out = io.StringIO()
    ConsoleChannel(Advisor(store, get_knowledge()), locale, io.StringIO("q\n"), out).run()
    return out.getvalue()


def test_the_console_lists_the_due_reminders_at_start_then_not_again(tmp_path: Path) -> None:
    store = Store(tmp_path / "advisor.db")
    try:
        assert "reminder" not in start_console(store, "en")  # no report yet: the console offers the check itself
        user = store.user(*CONSOLE_USER, "en").id
        finish(Advisor(store, get_knowledge()), user, overrides=STRUGGLING)
        first = start_console(store, "en")
        head = next(line for line in first.splitlines() if "reminders due:" in line)
        count = int(head.split()[0])
        assert count >= 4
        assert "  · Cash runway check-in: At your last check your cash covered about half a month" in first
        assert "  · Customer concentration check-in:" in first
        assert "reminders due" not in start_console(store, "en")  # shown: each waits for its cadence
        later = Clock()
        later.advance(days=8)
        said: list[str] = []
        assert show_due(Advisor(store, get_knowledge()), user, "zh", said.append, later) >= 1
        assert said[0].startswith("有 ")
    finally:
        store.close()


def test_the_struggling_owner_sees_the_cash_check_in_first(tmp_path: Path) -> None:
    store = Store(tmp_path / "advisor.db")
    try:
        user = store.user(*CONSOLE_USER, "zh").id
        finish(Advisor(store, get_knowledge()), user, overrides=STRUGGLING)
        said: list[str] = []
        show_due(Advisor(store, get_knowledge()), user, "zh", said.append, Clock())
        lines = said[0].splitlines()
        assert lines[1].startswith("  · 现金跑道检查：上次体检时")
    finally:
        store.close()
