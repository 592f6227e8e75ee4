"""RecordingRequest: a PTB ``BaseRequest`` that answers from a :class:`FakeTelegram` in-process (no sockets).

Usage::

    core = FakeTelegram()
    request, updates_request = make_bot_requests(core)
    app = ApplicationBuilder().token("123:ABC").request(request).get_updates_request(updates_request).build()
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from telegram.request import BaseRequest, RequestData

from tests.support.telegram_core import FakeTelegram, JSONDict

_DEFAULT = BaseRequest.DEFAULT_NONE


def decode_request_data(request_data: RequestData | None) -> JSONDict:
    """Turn PTB's RequestData into plain params; uploaded files become ``{"_upload": True, ...}`` markers."""
    if request_data is None:
        return {}
    params: JSONDict = dict(request_data.parameters)
    if request_data.contains_files:
        for name, part in request_data.multipart_data.items():
            file_name, content = (part[0], part[1]) if isinstance(part, tuple) else (None, part)
            size = len(content) if isinstance(content, bytes | bytearray) else None
            params.setdefault(name, {"_upload": True, "field": name, "file_name": file_name, "size": size})
    return params


class RecordingRequest(BaseRequest):
    """Serves every Bot API request from ``core``; HTTP status codes match Telegram's so PTB raises
    BadRequest / Forbidden / RetryAfter / InvalidToken exactly as in production.

    ``getUpdates`` long polling waits asynchronously (never blocks the event loop) and is cancellable; any
    other call is answered after ``core.delay_for(method)`` seconds (``core.latency``, ``core.delay_next``).
    """

    def __init__(self, core: FakeTelegram, *, read_timeout: float | None = 5.0) -> None:
        self.core = core
        self._read_timeout = read_timeout
        self.initialized = False

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout (only reported to PTB; nothing here actually times out)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to set up."""
        self.initialized = True

    async def shutdown(self) -> None:
        """Nothing to tear down."""
        self.initialized = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = _DEFAULT,
        write_timeout: Any = _DEFAULT,
        connect_timeout: Any = _DEFAULT,
        pool_timeout: Any = _DEFAULT,
    ) -> tuple[int, bytes]:
        """Answer one request: ``(http_status, json_body)``."""
        if "/file/bot" in url:
            envelope: JSONDict = {"ok": False, "error_code": 404, "description": "Not Found"}
        else:
            api_method = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
            params = decode_request_data(request_data)
            if api_method.lower() == "getupdates":
                envelope = await self._get_updates(params)
            else:
                delay = self.core.delay_for(api_method)  # the round trip to a server; answered after it
                if delay:
                    await asyncio.sleep(delay)
                envelope = self.core.handle(api_method, params)
        status = 200 if envelope.get("ok") else int(envelope.get("error_code", 500))
        return status, json.dumps(envelope, ensure_ascii=False).encode("utf-8")

    async def _get_updates(self, params: JSONDict) -> JSONDict:
        envelope = self.core.handle("getUpdates", params, block=False)
        timeout = float(params.get("timeout") or 0)
        if not envelope.get("ok") or envelope["result"] or timeout <= 0:
            return envelope
        generation = self.core.wake_generation  # wake_all() ends the wait early
        await self.core.async_wait_for(
            lambda: self.core.pending_update_count() > 0 or self.core.wake_generation != generation, timeout
        )
        rest = {**params, "offset": None}  # already confirmed above; do not re-record
        return self.core.handle(
            "getUpdates", {k: v for k, v in rest.items() if v is not None}, block=False, record=False
        )


def make_bot_requests(core: FakeTelegram) -> tuple[RecordingRequest, RecordingRequest]:
    """``(request, get_updates_request)`` for ``ApplicationBuilder().request(..).get_updates_request(..)``."""
    return RecordingRequest(core), RecordingRequest(core, read_timeout=5.0)
