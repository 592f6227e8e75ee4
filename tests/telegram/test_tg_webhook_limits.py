"""The webhook against hostile or broken clients: bodies that are not updates, bodies too large, slow clients.

Each refusal is one WARNING line without a traceback; the server goes on serving.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.telegram import webhook
from bot.telegram.webhook_body import MAX_BODY_BYTES
from tests.support.telegram_core import FakeTelegram
from tests.telegram.conftest import BotHarness, start_app
from tests.telegram.test_tg_webhook import PATH, SECRET, Hook, start_update, wait_for_reply, webhook_settings

NOT_UPDATES = {
    "id-is-text": b'{"update_id": "abc"}',
    "null": b"null",
    "array": b"[1]",
    "float": b"1.5",
    "id-2^63": json.dumps({"update_id": 2**63}).encode(),
    "id-2^31": json.dumps({"update_id": 2**31}).encode(),
    "id-negative": b'{"update_id": -1}',
    "id-bool": b'{"update_id": true}',
    "id-float": b'{"update_id": 7.0}',
    "id-huge": b'{"update_id": 1' + b"0" * 5000 + b"}",
    "deep": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.fixture
async def harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BotHarness]:
    """Webhook mode with timeouts short enough to watch a slow client being cut off."""
    monkeypatch.setattr(webhook, "IDLE_TIMEOUT", 0.5)
    monkeypatch.setattr(webhook, "BODY_TIMEOUT", 0.5)
    core, db_path = FakeTelegram(), tmp_path / "advisor.db"
    settings = webhook_settings(db_path)
    bot_harness = BotHarness(core, await start_app(core, db_path, settings), db_path, settings=settings)
    try:
        yield bot_harness
    finally:
        await bot_harness.served.close()


@pytest.fixture
async def hook(harness: BotHarness) -> AsyncIterator[Hook]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield Hook(f"http://127.0.0.1:{harness.settings.port}{PATH}", client, harness)


@pytest.fixture
def warnings(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def assert_one_warning(caplog: pytest.LogCaptureFixture, status: int) -> None:
    refused = [r for r in caplog.records if r.name == webhook.__name__ and r.levelno >= logging.WARNING]
    assert len(refused) == 1, [r.getMessage() for r in refused]
    assert str(status) in refused[0].getMessage()
    assert refused[0].exc_info is None
    assert "\n" not in refused[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.parametrize("body", NOT_UPDATES.values(), ids=NOT_UPDATES.keys())
async def test_a_body_that_is_not_an_update_gets_400_and_one_warning(hook: Hook, harness: BotHarness,
                                                                     warnings: pytest.LogCaptureFixture,
                                                                     body: bytes) -> None:
    response = await hook.post(body)
    assert response.status_code == 400
    assert_one_warning(warnings, 400)
    assert harness.core.calls_to("sendMessage") == []


async def test_the_largest_telegram_update_id_is_accepted(hook: Hook, harness: BotHarness) -> None:
    update = {**start_update(harness), "update_id": 2**31 - 1}
    assert (await hook.post(json.dumps(update))).status_code == 200
    assert await wait_for_reply(harness)


async def test_a_declared_length_over_1_mb_gets_413_before_the_body_is_sent(harness: BotHarness,
                                                                             warnings: pytest.LogCaptureFixture
                                                                             ) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", harness.settings.port)
    writer.write(f"POST {PATH} HTTP/1.1\r\nHost: x\r\n{webhook.SECRET_HEADER}: {SECRET}\r\n"
                 f"Content-Type: application/json\r\nContent-Length: {50 * MAX_BODY_BYTES}\r\n\r\n{{".encode())
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 3)
    writer.close()
    assert status.split()[1] == b"413"
    assert_one_warning(warnings, 413)


async def test_a_chunked_body_over_1_mb_gets_413(hook: Hook, warnings: pytest.LogCaptureFixture) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b" " * (MAX_BODY_BYTES // 2)

    try:
        response = await hook.client.post(hook.url, content=chunks(), headers={webhook.SECRET_HEADER: SECRET})
    except httpx.HTTPError:  # the server may close while the client is still writing
        pass
    else:
        assert response.status_code == 413
    assert_one_warning(warnings, 413)


async def test_a_wrong_secret_is_refused_before_a_large_body_is_read(hook: Hook) -> None:
    response = await hook.post(b" " * (MAX_BODY_BYTES + 1), secret="wrong")
    assert response.status_code == 403


@pytest.mark.parametrize("sent", [f"POST {PATH} HTTP/1.1\r\nHost: x\r\n",
                                  f"POST {PATH} HTTP/1.1\r\nHost: x\r\n{webhook.SECRET_HEADER}: {SECRET}\r\n"
                                  "Content-Length: 100\r\n\r\n{\"update_id\": 1"],
                         ids=["slow-headers", "slow-body"])
async def test_a_slow_client_is_cut_off(hook: Hook, harness: BotHarness, sent: str) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", harness.settings.port)
    writer.write(sent.encode())
    await writer.drain()
    rest = await asyncio.wait_for(reader.read(), 3)  # the server closes the connection
    writer.close()
    assert b"200" not in rest
    response = await hook.post(json.dumps(start_update(harness, "/help")))  # and goes on serving
    assert response.status_code == 200
