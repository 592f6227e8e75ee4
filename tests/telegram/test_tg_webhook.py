"""Webhook mode as production serves it: `bot.telegram.run.serve` with WEBHOOK_URL set, on 127.0.0.1.

The module's `harness` is started in webhook mode (initialize, post_init, tornado server, set_webhook,
start), so these tests also show that the command menu is registered and the webhook set with its secret.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import tornado.httpserver
import tornado.testing
import tornado.web

from bot.settings import Secret, Settings
from bot.storage.store import Store
from bot.telegram.application import build_application
from bot.telegram.webhook import SECRET_HEADER, webhook_app, webhook_path
from bot.views.i18n import t
from knowledge.loader import get_knowledge
from tests.support.recording_request import make_bot_requests
from tests.support.telegram_core import FakeTelegram
from tests.telegram.conftest import TOKEN, BotHarness, start_app

SECRET = "s3cret-Webhook_value"
PATH = "/tg/hook"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_settings(db_path: Path) -> Settings:
    """Telegram posts to the public https URL; the server listens on PORT behind it (here reached directly)."""
    return Settings(token=Secret(TOKEN), db_path=db_path, webhook_url=f"https://bot.example.com{PATH}",
                    webhook_secret=Secret(SECRET), port=free_port())


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The Application served in webhook mode by production's `serve`."""
    core, db_path = FakeTelegram(), tmp_path / "advisor.db"
    settings = webhook_settings(db_path)
    bot_harness = BotHarness(core, await start_app(core, db_path, settings), db_path, settings=settings)
    try:
        yield bot_harness
    finally:
        await bot_harness.served.close()


@dataclass
class Hook:
    url: str
    client: httpx.AsyncClient
    harness: object

    async def post(self, body: bytes | str, secret: str | None = SECRET, content_type: str = "application/json"):
        headers = {"Content-Type": content_type}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        return await self.client.post(self.url, content=body, headers=headers)


@pytest.fixture
async def hook(harness) -> AsyncIterator[Hook]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield Hook(f"http://127.0.0.1:{harness.settings.port}{PATH}", client, harness)


def start_update(harness, text: str = "/start", user_id: int = 1001) -> dict:
    return harness.core.user_message(user_id, text, "zh-hans", enqueue=False)


async def wait_for_reply(harness, user_id: int = 1001, count: int = 1) -> bool:
    return await harness.core.async_wait_for(lambda: len(harness.core.messages(user_id)) >= count, 5)


def test_webhook_path_is_taken_from_the_url() -> None:
    assert webhook_path("https://bot.example.com/tg") == "/tg"
    assert webhook_path("https://bot.example.com/a/b?x=1") == "/a/b"
    assert webhook_path("https://bot.example.com") == "/"


async def test_valid_update_with_the_secret_is_processed(hook: Hook, harness) -> None:
    response = await hook.post(json.dumps(start_update(harness)))
    assert response.status_code == 200
    assert await wait_for_reply(harness)
    assert "体检" in harness.core.last_message(1001)["text"]


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1], SECRET.upper()])
async def test_wrong_or_missing_secret_gets_403_and_nothing_is_processed(hook: Hook, harness, secret) -> None:
    response = await hook.post(json.dumps(start_update(harness)), secret=secret)
    assert response.status_code == 403
    assert SECRET not in response.text
    await harness.core.async_wait_for(lambda: False, 0.2)
    assert harness.core.calls_to("sendMessage") == []


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"\xff\xfe\x00garbage", b'{"update_id": 1,', b"null"],
    ids=["broken", "empty", "binary", "truncated", "null"],
)
async def test_malformed_json_gets_400(hook: Hook, body: bytes) -> None:
    response = await hook.post(body)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "payload",
    [[], [1, 2], "update", 42, {}, {"foo": "bar"}, {"message": {"text": "hi"}},
     {"update_id": 5, "message": "hi"}, {"update_id": 6, "callback_query": [1]},
     {"update_id": 7, "message": {"text": "no chat, no date"}}],
    ids=["list", "numbers", "string", "number", "empty", "foo", "no-update-id", "message-is-text",
         "query-is-list", "message-without-fields"],
)
async def test_json_that_is_not_an_update_gets_400(hook: Hook, payload) -> None:
    response = await hook.post(json.dumps(payload))
    assert response.status_code == 400, response.text


async def test_server_keeps_serving_after_bad_requests(hook: Hook, harness) -> None:
    assert (await hook.post(json.dumps(start_update(harness)), secret="nope")).status_code == 403
    assert (await hook.post(b"{not json")).status_code == 400
    assert (await hook.post(json.dumps(["not", "an", "update"]))).status_code == 400
    await hook.post(json.dumps({"update_id": 9, "message": "hi"}))  # whatever it answers, it must not stop serving
    assert (await hook.post(json.dumps(start_update(harness)), secret=None)).status_code == 403
    response = await hook.post(json.dumps(start_update(harness, "/help")))
    assert response.status_code == 200
    assert await wait_for_reply(harness)
    assert harness.core.last_message(1001)["text"].startswith(t("zh", "tg.help_title"))
    # and a whole exchange goes on: /check, then the answer to the first question by its number
    assert (await hook.post(json.dumps(start_update(harness, "/check")))).status_code == 200
    assert await wait_for_reply(harness, count=2)
    assert (await hook.post(json.dumps(start_update(harness, "1")))).status_code == 200
    assert await harness.core.async_wait_for(
        lambda: len(harness.query("SELECT * FROM answers")) == 1, 5)


async def test_the_same_update_posted_twice_has_one_effect(hook: Hook, harness) -> None:
    update = json.dumps(start_update(harness, "/help"))
    assert (await hook.post(update)).status_code == 200
    assert (await hook.post(update)).status_code == 200
    assert await wait_for_reply(harness)
    await harness.core.async_wait_for(lambda: False, 0.3)
    assert len(harness.core.calls_to("sendMessage")) == 1


async def test_serve_registers_the_menu_and_the_webhook_with_its_secret(harness) -> None:
    """post_init ran (the command menu in zh, en and the default) and the webhook was set with the secret."""
    assert [c["command"] for c in harness.core.commands("zh")][:3] == ["start", "check", "assess"]
    assert harness.core.commands("en")
    assert harness.core.commands("")
    (registered,) = harness.core.calls_to("setWebhook")
    assert registered["url"] == harness.settings.webhook_url
    assert registered["secret_token"] == SECRET
    assert "callback_query" in registered["allowed_updates"]
    assert harness.core.calls_to("getUpdates") == []  # no polling in webhook mode


async def test_the_update_reaches_the_application_queue(tmp_path: Path) -> None:
    """Without the Application running, a valid POST leaves exactly that update in its update_queue."""
    core = FakeTelegram()
    store = Store(tmp_path / "queue.db")
    app = build_application(Settings(token=Secret(TOKEN), db_path=tmp_path / "queue.db"), store, get_knowledge(),
                            *make_bot_requests(core))
    web = webhook_app(app, f"https://bot.example.com{PATH}", SECRET)
    sock, port = tornado.testing.bind_unused_port()
    server = tornado.httpserver.HTTPServer(web)
    server.add_sockets([sock])
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            update = core.user_message(1001, "/start", "zh-hans", enqueue=False)
            response = await client.post(f"http://127.0.0.1:{port}{PATH}", content=json.dumps(update),
                                         headers={SECRET_HEADER: SECRET})
            assert response.status_code == 200
            queued = app.update_queue.get_nowait()
            assert queued.update_id == update["update_id"]
            assert queued.effective_message.text == "/start"
            assert app.update_queue.empty()
            response = await client.post(f"http://127.0.0.1:{port}{PATH}", content=b"{",
                                         headers={SECRET_HEADER: SECRET})
            assert response.status_code == 400
            assert app.update_queue.empty()
    finally:
        server.stop()
        await server.close_all_connections()
        store.close()
