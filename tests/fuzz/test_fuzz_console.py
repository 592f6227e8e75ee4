"""Fuzz: the console (`sme-advisor console`) fed any lines, in-process through `run_console` with its own streams.

The lines mix hostile text with keywords, menu numbers and, where the script says so, a valid answer to whatever
question is waiting (so checks get finished and the menus after a report are reached too). Every run ends by
itself with exit code 0, prints no control character it was given, and leaves a database whose session loads.
"""

from __future__ import annotations

import io
import sqlite3
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.console.channel import CONSOLE_USER, run_console
from bot.settings import Settings
from bot.storage.store import Store
from knowledge.loader import get_knowledge
from tests.fuzz.console_script import VALID, Script
from tests.fuzz.fuzz_support import ODD_DIGITS, fuzz_settings, nasty_text

KB = get_knowledge()
MENU = st.sampled_from(["1", "2", "3", "", " 3 ", "q", "quit", "退出", "b", "s", "?", "back", "跳过", "为什么", "y",
                        "n", "是", "不是", "0", "9", "99", "-1", "9" * 5000, *ODD_DIGITS])
LINES = st.lists(st.one_of(MENU, st.just(VALID), st.just(VALID), st.just(VALID),
                           nasty_text(300, surrogates=False).map(lambda s: s.replace("\n", " ").replace("\r", " "))),
                 max_size=40)


def printed_controls(text: str) -> set[str]:
    return {c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"}


@fuzz_settings(40)
@given(lines=LINES, locale=st.sampled_from(["zh", "en"]), again=st.lists(st.integers(0, 40), max_size=2))
def test_any_lines(tmp_path: Path, lines: list[str], locale: str, again: list[int]) -> None:
    db = tmp_path / "console.db"
    runs = [lines[:n] for n in again] + [lines]  # a run cut short, then the next one resumes
    for script in runs:
        out = io.StringIO()
        assert run_console(Settings(db_path=db, locale=locale), Script(script, db), out) == 0
        printed = out.getvalue()
        assert not printed_controls(printed), f"control characters printed: {printed_controls(printed)}"
    store = Store(db)
    try:
        store.load_session(store.user(*CONSOLE_USER, locale).id)
    finally:
        store.close()
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
