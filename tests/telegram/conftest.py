"""The real PTB Application over a recording fake Bot API, with a real SQLite file per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application

from bot.advisor import Advisor
from bot.app import build_application
from bot.settings import Secret, Settings
from bot.storage import Store
from knowledge.loader import get_knowledge
from tests.support.chat_client import ChatClient
from tests.support.recording_request import make_bot_requests
from tests.support.telegram_core import FakeTelegram

TOKEN = "123456:TEST-token-never-logged"  # noqa: S105 - a fake token


@dataclass
class BotHarness:
    core: FakeTelegram
    app: Application
    store: Store

    async def process(self, update: dict) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    def chat(self, user_id: int = 1001, language_code: str = "zh-hans") -> ChatClient:
        return ChatClient(self.core, self.process, user_id=user_id, language_code=language_code)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[BotHarness]:
    core = FakeTelegram()
    store = Store(tmp_path / "advisor.db")
    settings = Settings(token=Secret(TOKEN), db_path=tmp_path / "advisor.db")
    request, updates_request = make_bot_requests(core)
    app = build_application(settings, Advisor(store, get_knowledge()), request, updates_request)
    await app.initialize()
    await app.post_init(app)
    try:
        yield BotHarness(core, app, store)
    finally:
        await app.shutdown()
        store.close()


@pytest.fixture
def chat(harness: BotHarness) -> ChatClient:
    return harness.chat()
