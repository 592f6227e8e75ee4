"""The Telegram harness (tests/telegram/conftest.py) for the in-process fuzz tests, with Telegram's rate limits
lifted: the limiter still runs, but it waits for nothing, so an example costs the bot's own work only."""

from __future__ import annotations

import pytest
from telegram.ext import AIORateLimiter

from bot.telegram import application
from tests.telegram.conftest import harness, instant_retries  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch: pytest.MonkeyPatch) -> None:
    def limiter(max_retries: int = 0) -> AIORateLimiter:
        return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=max_retries)

    monkeypatch.setattr(application, "AIORateLimiter", limiter)
