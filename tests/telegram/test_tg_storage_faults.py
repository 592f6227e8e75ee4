"""A storage fault mid-run: the owner is never told an unsaved answer was saved; a replaced file stops the bot.

The disk fills up through SQLite's `PRAGMA max_page_count` on the store's own connection (the database
cannot grow past its current pages), which SQLite reports exactly as a full disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3

import pytest

from bot.cli import main
from bot.storage.faults import Fault, StorageError
from bot.telegram import run
from bot.telegram.storage_faults import FAULT_KEY
from bot.views.i18n import t
from tests.telegram.conftest import BotHarness, Chat


def fill_the_disk(harness: BotHarness) -> None:
    """No page left: the file may not grow, and its free pages are taken by a filler table."""
    db = harness.store.db
    db.execute("CREATE TABLE IF NOT EXISTS f12_filler (blob BLOB)")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    for size in (4000, 500, 50):
        with contextlib.suppress(sqlite3.OperationalError):
            while True:
                db.execute("INSERT INTO f12_filler VALUES (zeroblob(?))", [size])


def free_the_disk(harness: BotHarness) -> None:
    harness.store.db.execute("PRAGMA max_page_count = 1073741823")


async def reach_a_text_question(chat: Chat) -> str:
    """Start the full assessment and answer until a question that takes typed text is waiting; its id."""
    await chat.send("/assess")
    for _ in range(80):
        if chat.current_question.kind == "text":
            return chat.current_question.id
        await chat.answer()
    raise AssertionError("no text question in the check")


LONG_ANSWER = "附近写字楼的上班族，" * 100  # the longest answer kept (1,000 characters)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
async def test_a_full_disk_says_the_answer_was_not_saved_and_the_bot_goes_on(harness: BotHarness,
                                                                             language: str) -> None:
    chat = harness.chat(language_code=language)
    locale = "zh" if language.startswith("zh") else "en"
    await reach_a_text_question(chat)
    fill_the_disk(harness)
    for _ in range(40):  # the pages still half empty take a few answers; then a write needs a new page
        question = (await chat.answer(text=LONG_ANSWER)).id
        if t(locale, "tg.not_saved") in chat.reply_texts:
            break
        assert question in chat.stored_answers()  # acknowledged: the bot moved on, so it is stored
    assert chat.reply_texts == [t(locale, "tg.not_saved")]  # never "your answers are saved"
    assert [text for text, _ in chat.buttons] == [t(locale, "buttons.resume")]
    assert question not in chat.stored_answers()
    assert chat.current_question.id == question
    assert not harness.served.stop.is_set()  # the disk may be freed: the bot goes on
    free_the_disk(harness)
    await chat.answer(text=LONG_ANSWER)  # the same answer again, now with room
    assert question in chat.stored_answers()
    assert chat.current_question.id != question


async def test_a_replaced_database_stops_the_bot_with_the_fault(harness: BotHarness) -> None:
    chat = harness.chat()
    await reach_a_text_question(chat)
    os.replace(harness.db_path, harness.db_path.with_suffix(".moved"))
    await chat.send("附近写字楼的上班族")
    assert chat.reply_texts == [t("zh", "tg.not_saved")]
    await asyncio.wait_for(harness.served.task, 5)  # serve returned: the bot stopped by itself
    assert harness.app.bot_data[FAULT_KEY].fault is Fault.REPLACED
    assert not harness.db_path.exists()  # and it wrote no fresh file in its place


async def test_a_disk_that_cannot_sync_says_not_saved_and_stops_the_bot(harness: BotHarness,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    chat = harness.chat()
    await reach_a_text_question(chat)

    def failing(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing)
    monkeypatch.setattr(os, "fdatasync", failing)
    await chat.send("附近写字楼的上班族")
    assert chat.reply_texts == [t("zh", "tg.not_saved")]  # not "saved", and not silence
    assert [text for text, _ in chat.buttons] == [t("zh", "buttons.resume")]  # and no next question went out
    assert harness.store.group_commit.pending  # the answer is in SQLite but not known to be on disk
    await asyncio.wait_for(harness.served.task, 5)
    assert harness.app.bot_data[FAULT_KEY].fault is Fault.CORRUPT  # one line for the operator, exit 2


def test_run_prints_the_fault_in_one_line_and_exits_2(monkeypatch: pytest.MonkeyPatch, tmp_path, capsys) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:RUN-token-never-printed")
    monkeypatch.setenv("SME_ADVISOR_DB", str(tmp_path / "run.db"))
    monkeypatch.setenv("SME_ADVISOR_LOCALE", "en")
    monkeypatch.delenv("WEBHOOK_URL", raising=False)

    async def serve(application, settings, stop=None, ready=None) -> None:
        application.bot_data[FAULT_KEY] = StorageError(Fault.CORRUPT, settings.db_path, "malformed")

    monkeypatch.setattr(run, "serve", serve)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "run.db" in err
    assert "backup" in err
    assert "Traceback" not in err
