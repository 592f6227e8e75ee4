"""Webhook mode: bot.telegram.webhook.UpdateHandler behind a real tornado HTTPServer on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
import tornado.httpserver
import tornado.testing
import tornado.web

from bot.telegram.webhook import SECRET_HEADER, webhook_app, webhook_path
from bot.views.i18n import t

SECRET = "s3cret-Webhook_value"
PATH = "/tg/hook"


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
    app = harness.app
    web = webhook_app(app, f"https://bot.example.com{PATH}", SECRET)
    sock, port = tornado.testing.bind_unused_port()
    server = tornado.httpserver.HTTPServer(web)
    server.add_sockets([sock])
    await app.start()
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            yield Hook(f"http://127.0.0.1:{port}{PATH}", client, harness)
    finally:
        server.stop()
        await server.close_all_connections()
        await app.stop()


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


async def test_the_update_reaches_the_application_queue(harness) -> None:
    """Without the Application running, a valid POST leaves exactly that update in its update_queue."""
    web = webhook_app(harness.app, f"https://bot.example.com{PATH}", SECRET)
    sock, port = tornado.testing.bind_unused_port()
    server = tornado.httpserver.HTTPServer(web)
    server.add_sockets([sock])
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            update = start_update(harness)
            response = await client.post(f"http://127.0.0.1:{port}{PATH}", content=json.dumps(update),
                                         headers={SECRET_HEADER: SECRET})
            assert response.status_code == 200
            queued = harness.app.update_queue.get_nowait()
            assert queued.update_id == update["update_id"]
            assert queued.effective_message.text == "/start"
            assert harness.app.update_queue.empty()
            response = await client.post(f"http://127.0.0.1:{port}{PATH}", content=b"{",
                                         headers={SECRET_HEADER: SECRET})
            assert response.status_code == 400
            assert harness.app.update_queue.empty()
    finally:
        server.stop()
        await server.close_all_connections()
