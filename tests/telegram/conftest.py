"""The real PTB Application over a recording fake Bot API, with a real SQLite file per test.

Fixtures:
- ``harness``: one Application (built by ``build_application``) over a FakeTelegram, with its Store, started
  by production's ``bot.telegram.run.serve`` in polling mode (initialize, post_init, the Updater, start);
  updates enter its ``update_queue`` as the Updater's would, so they pass the per-owner processor.
  ``harness.chat(user_id, language_code)`` gives a scripted user, ``await harness.restart()`` stops the
  Application and closes the Store, then serves a new pair over the same SQLite file (a process restart).
- ``chat``: the default user (zh-hans) of ``harness``.

The scripted user (:class:`Chat`) extends ChatClient with what the tests of the conversation need:
the current question, its option and navigation buttons, answering it, and running a whole check.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.settings import Secret, Settings
from bot.storage.store import Store
from bot.telegram import sending
from bot.telegram.application import build_application
from bot.telegram.run import serve
from knowledge.loader import get_knowledge
from knowledge.model import KnowledgeBase, Question
from tests.support.chat_client import ChatClient
from tests.support.recording_request import make_bot_requests
from tests.support.telegram_core import FakeTelegram, JSONDict
from tests.support.typed import typed_number

TOKEN = "123456:TEST-token-never-logged"
TOKEN_SECRET_PART = TOKEN.split(":", 1)[1]

# Numbers a struggling company would type, so the report has fatal short boards, traps and findings.
BAD_NUMBERS = {
    "cash_available": "10万",
    "cash_fixed_costs": "20万",
    "cash_receivables": "80%",
    "cash_inventory": "200天",
    "ret_repeat_share": "5%",
    "ret_complaint_hours": "72",
    "ret_referral_share": "1%",
    "cost_headcount": "30",
    "cost_managers": "12",
    "adapt_online_share": "0",
    "risk_top_customer_share": "70%",
    "risk_backup_supplier_count": "0",
}
REPORT_TITLE = {"zh": "中小企业经营体检报告", "en": "SME business health check"}
PROGRESS = {"zh": re.compile(r"维度 \d/8 · .+ · 第 \d+/\d+ 题"),
            "en": re.compile(r"Dimension \d/8 · .+ · question \d+/\d+")}


def stamp_of(data: str | None) -> tuple[str, str] | None:
    """(assessment, seq) of a question button's callback data, None for any other button."""
    if not data or not data.startswith(("a:", "n:")):
        return None
    parts = data.split(":")
    return (parts[1], parts[2]) if len(parts) == 4 else None


class Chat(ChatClient):
    """A scripted Telegram user who also knows where the conversation stands (through the harness)."""

    PROGRESS = PROGRESS
    REPORT_TITLE = REPORT_TITLE
    BAD_NUMBERS = BAD_NUMBERS
    stamp_of = staticmethod(stamp_of)

    def __init__(self, harness: BotHarness, user_id: int, language_code: str | None) -> None:
        super().__init__(harness.core, harness.process, user_id=user_id, language_code=language_code)
        self.harness = harness

    # -- what the bot shows ---------------------------------------------------------------------

    @property
    def question_message(self) -> JSONDict | None:
        """The newest bot message that carries question buttons (options or back/skip/why/pause)."""
        for message in reversed(self.messages):
            if any(stamp_of(data) for _, data in self.core.buttons(message)):
                return message
        return None

    @property
    def option_buttons(self) -> list[tuple[str, str]]:
        message = self.question_message
        return [(t, d) for t, d in self.core.buttons(message) if d and d.startswith("a:")]

    def nav(self, action: str) -> str:
        """Callback data of the back / skip / why / cancel button of the current question."""
        message = self.question_message
        for _, data in self.core.buttons(message):
            if data and data.startswith("n:") and data.endswith(f":{action}"):
                return data
        raise AssertionError(f"no {action!r} button on the current question: {self.core.buttons(message)}")

    def texts(self, messages: list[JSONDict] | None = None) -> list[str]:
        return [m.get("text", m.get("caption", "")) for m in (self.messages if messages is None else messages)]

    # -- where the conversation stands ----------------------------------------------------------

    @property
    def db_user_id(self) -> int | None:
        row = self.harness.query("SELECT id FROM users WHERE channel = 'telegram' AND external_id = ?",
                                 str(self.user_id))
        return row[0][0] if row else None

    @property
    def session(self) -> Any:
        return self.harness.store.load_session(self.db_user_id) if self.db_user_id else None

    @property
    def current_question(self) -> Question | None:
        session = self.session
        return self.harness.kb.questions.get(session.current or "") if session else None

    def stored_answers(self, assessment_id: int | None = None) -> dict[str, Any]:
        """Answers stored in SQLite for the given (default: the current) assessment."""
        assessment_id = assessment_id or (self.session.assessment_id if self.session else None)
        rows = self.harness.query("SELECT question_id, value FROM answers WHERE assessment_id = ?", assessment_id)
        return {q: json.loads(v) for q, v in rows}

    # -- acting -----------------------------------------------------------------------------------

    async def answer(self, pick: int = 0, numbers: dict[str, str] | None = None,
                     text: str = "小区里的上班族") -> Question:
        """Answer the current question: tap option `pick` (negative counts from the end) or type a value."""
        question = self.current_question
        assert question is not None, "no question is waiting"
        options = self.option_buttons
        if question.kind == "choice":
            assert options, f"choice question {question.id} shows no option buttons"
            await self.click(options[pick][1], message_id=self.question_message["message_id"])
        elif question.kind == "number":
            await self.send((numbers or {}).get(question.id) or typed_number(get_knowledge(), question, "10"))
        else:
            await self.send(text)
        return question

    async def finish_check(self, pick: int = 0, numbers: dict[str, str] | None = None, limit: int = 80) -> list[str]:
        """Answer until the report arrives; returns every bot text sent or edited after the last answer."""
        for _ in range(limit):
            await self.answer(pick, numbers)
            if self.session.current is None:
                return self.reply_texts
        raise AssertionError("the check did not finish")


@dataclass
class Served:
    """An Application running under `serve` in a task of the test's event loop."""

    app: Application
    store: Store
    stop: asyncio.Event
    task: asyncio.Task

    async def close(self) -> None:
        self.stop.set()
        await self.task
        self.store.close()


@dataclass
class BotHarness:
    core: FakeTelegram
    served: Served
    db_path: Path
    kb: KnowledgeBase = field(default_factory=get_knowledge)
    token: str = TOKEN
    settings: Settings | None = None  # the settings it was served with, when not the default (polling)

    @property
    def app(self) -> Application:
        return self.served.app

    @property
    def store(self) -> Store:
        return self.served.store

    async def process(self, update: JSONDict) -> None:
        """Queue one update as the Updater would and wait until every queued update was handled."""
        await self.feed(update)

    async def feed(self, *updates: JSONDict) -> None:
        """Queue updates together (they are in flight at once) and wait until all were handled."""
        for update in updates:
            await self.app.update_queue.put(Update.de_json(update, self.app.bot))
        await self.app.update_queue.join()

    def chat(self, user_id: int = 1001, language_code: str | None = "zh-hans") -> Chat:
        return Chat(self, user_id, language_code)

    def query(self, sql: str, *params: Any) -> list[tuple]:
        """Read the SQLite file through a connection of its own, as an operator would."""
        with sqlite3.connect(self.db_path) as connection:
            return connection.execute(sql, params).fetchall()

    async def restart(self) -> None:
        """Stop the Application and close the Store, then serve both anew over the same file."""
        await self.served.close()
        self.served = await start_app(self.core, self.db_path)


async def start_app(core: FakeTelegram, db_path: Path, settings: Settings | None = None) -> Served:
    """Build the Application and start it with production's `serve` (polling); returns once it handles updates."""
    store = Store(db_path, group_commit=True)  # as `sme-advisor run` opens it
    settings = settings or Settings(token=Secret(TOKEN), db_path=db_path)
    request, updates_request = make_bot_requests(core)
    app = build_application(settings, store, get_knowledge(), request, updates_request)
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(app, settings, stop, ready))
    waiting = asyncio.create_task(ready.wait())
    await asyncio.wait([task, waiting], return_when=asyncio.FIRST_COMPLETED)
    if not ready.is_set():
        waiting.cancel()
        store.close()
        await task  # raises what stopped it from starting
    return Served(app, store, stop, task)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[BotHarness]:
    core = FakeTelegram()
    db_path = tmp_path / "advisor.db"
    bot_harness = BotHarness(core, await start_app(core, db_path), db_path)
    try:
        yield bot_harness
    finally:
        await bot_harness.served.close()


@pytest.fixture(autouse=True)
def instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed Bot API call is tried again at once (production waits RETRY_DELAYS between attempts)."""
    monkeypatch.setattr(sending, "RETRY_DELAYS", (0.0,) * len(sending.RETRY_DELAYS))


@pytest.fixture
def chat(harness: BotHarness) -> Chat:
    return harness.chat()


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """For tests that call bot.logs.configure_logging: put the root logger and quiet loggers back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "apscheduler")}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, old in quiet.items():
            logging.getLogger(name).setLevel(old)
