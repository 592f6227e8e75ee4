"""Nothing reaches Telegram before what it acknowledges is on disk.

Every Bot API call but getUpdates passes PTB's rate limiter; this one first waits for the store's group
commit (`bot.storage.group_commit`), then hands the call to the real limiter. One place covers every reply:
the next question, a report, a reminder, a share link. Only calls that acknowledge nothing skip the wait
(`acknowledging_nothing`): "your answer was not saved", and a tapped button's bare callback answer.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from telegram.ext import BaseRateLimiter

from bot.storage.store import Store

_acknowledging = contextvars.ContextVar("acknowledging", default=True)


@contextlib.contextmanager
def acknowledging_nothing() -> Iterator[None]:
    """Calls made inside acknowledge no commit ("your answer was not saved"), so they need not wait for one:
    when the disk cannot sync, the owner can still be told."""
    token = _acknowledging.set(False)
    try:
        yield
    finally:
        _acknowledging.reset(token)


class DurableRateLimiter(BaseRateLimiter):
    """Awaits `store.durable()` before each call, then applies `inner` (Telegram's limits) to it."""

    def __init__(self, store: Store, inner: BaseRateLimiter) -> None:
        self.store = store
        self.inner = inner

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def process_request(self, callback, args, kwargs, endpoint: str, data: dict[str, Any],
                              rate_limit_args: Any) -> Any:
        if _acknowledging.get():
            await self.store.durable()
        return await self.inner.process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
