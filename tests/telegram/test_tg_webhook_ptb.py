"""Why webhook mode does not use PTB's `run_webhook`: its handler breaks README's contract (see README, Telegram).

These tests pin PTB's own behaviour; when one fails, PTB changed and `bot/telegram/webhook.py` may be replaced.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import tornado.httpserver
import tornado.testing
from telegram import Bot
from telegram.ext._utils.webhookhandler import WebhookAppClass

SECRET = "s3cret"


@pytest.fixture
async def ptb_hook() -> AsyncIterator[str]:
    app = WebhookAppClass("/hook", Bot("123:ABC"), asyncio.Queue(), secret_token=SECRET)
    sock, port = tornado.testing.bind_unused_port()
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets([sock])
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        server.stop()
        await server.close_all_connections()


@pytest.mark.parametrize(("body", "status"), [(b"{not json", 500), (b"\xff\xfe", 500)],
                         ids=["malformed-json-500", "not-utf8-500"])
async def test_ptb_webhook_does_not_answer_malformed_bodies_with_400(ptb_hook: str, body: bytes, status: int) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.post(ptb_hook, content=body, headers={"Content-Type": "application/json",
                                                                       "X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert response.status_code == status  # README promises 400 for malformed JSON: our server gives it
