"""Updates of different owners run concurrently; one owner's updates run one at a time, in arrival order.

PTB hands every update to `do_process_update` in the order it left the update queue, each in its own task
(`ApplicationBuilder().concurrent_updates(OwnerQueues())`). Each owner has an `asyncio.Lock`, whose waiters
are woken first come, first served, so an owner's updates keep their order while everyone else's run
alongside. Jobs that write to an owner's chat (re-sending an owed prompt) take the same lock.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates held at once, across owners; an owner's queued updates count too, so keep it well above the
# number of owners expected to write in the same second.
MAX_CONCURRENT_UPDATES = 512


def owner_of(update: object) -> int | None:
    """The Telegram user an update belongs to (else its chat); None for updates that belong to nobody."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


class OwnerQueues(BaseUpdateProcessor):
    """One queue per owner: concurrency across owners, order within one."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}  # tasks holding or waiting for each owner's lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        owner = owner_of(update)
        if owner is None:
            await coroutine
            return
        async with self.owner(owner):
            await coroutine

    @contextlib.asynccontextmanager
    async def owner(self, owner: int) -> AsyncIterator[None]:
        """Hold this owner's turn: nothing else of theirs runs until the block ends."""
        lock = self._locks.setdefault(owner, asyncio.Lock())
        self._holders[owner] = self._holders.get(owner, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._holders[owner] -= 1
            if not self._holders[owner]:  # nobody else waits: forget the lock, so memory follows activity
                del self._holders[owner]
                del self._locks[owner]

    @property
    def owners(self) -> int:
        """Owners with an update running or waiting."""
        return len(self._locks)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: the locks go with their last holder."""
