"""Group commit: many owners' commits made durable by one fsync, before anything acknowledges them.

With `synchronous=FULL` every commit waits for its own fsync of the WAL: about 2.3 ms here, and a step
made four commits. The bot opens its store with `synchronous=NORMAL` instead, where a commit writes its WAL
frames without syncing them (still safe against a killed process), and the channel calls
`GroupCommit.durable()` before every Bot API call (`bot.telegram.durable`). It returns once the WAL, and
so every commit made before the call, is on disk. The guarantee is FULL's: no reply tells an owner their
answer is kept before it would survive a power loss.

The sync runs in a thread of its own, so the event loop goes on with other owners meanwhile (the GIL is
released while the kernel syncs). The first waiter starts one at the end of the loop's current turn, so
every owner whose update ran in that turn shares it; whoever commits while it runs is covered by the next
one, started as soon as it ends. Handing the result back takes a switch of the GIL, which the loop's
thread gives up at every SQLite statement it runs. Measured with 50 owners answering every 0.5 s
(tests/bench/bench_updates.py): the hand-back took a median of 0.17 ms (p95 2.4), the syncs 0.8 ms (p95
6.6), time the loop used to stand still for; with the owners going flat out, 3% more updates a second.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.storage.faults import Fault, StorageError, classify


class GroupCommit:
    """Makes the commits of one SQLite connection durable in batches (WAL mode with synchronous=NORMAL).

    Used from one event loop's thread at a time; only `sync_now` runs in the sync thread.
    """

    def __init__(self, path: Path, changes: Callable[[], int]) -> None:
        """`changes()` is the connection's running count of changed rows (`sqlite3.Connection.total_changes`)."""
        self.path = path
        self.wal = Path(f"{path}-wal")
        self._changes = changes
        self._synced = changes()  # opening committed the migrations with FULL: on disk already
        self._next: list[asyncio.Future[None]] | None = None  # waiters for the sync to start next, if any
        self._running: tuple[int, list[asyncio.Future[None]]] | None = None  # (changes it covers, its waiters)
        self._wal_inode: int | None = None  # only the sync thread reads and writes it
        self._thread: ThreadPoolExecutor | None = None
        self._failed: BaseException | None = None  # the error of a sync that failed: every later waiter gets it

    @property
    def pending(self) -> bool:
        """Whether some commit of this connection may not be on disk yet."""
        return self._changes() > self._synced

    async def durable(self) -> None:
        """Return once every commit made before this call is on disk (a StorageError if it cannot be).

        Each waiter awaits a future of its own, so one cancelled leaves the sync to the others.
        """
        if not self.pending:
            return
        if self._failed is not None:
            raise self._failed
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        if self._running is not None and self._changes() <= self._running[0]:
            self._running[1].append(waiter)  # the sync under way covers every commit made so far
        else:
            if self._next is None:
                self._next = []
                if self._running is None:
                    loop.call_soon(self._start, loop)
            self._next.append(waiter)
        await waiter

    def close(self) -> None:
        """Wait for a sync under way; its waiters are given its result, if their loop still runs."""
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        waiters, self._next = self._next or [], None
        running = self._running = (self._changes(), waiters)  # every commit made so far, the waiters' included
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wal-sync")
        loop.run_in_executor(self._thread, self.sync_now).add_done_callback(
            lambda synced: self._finished(loop, running, synced))

    def _finished(self, loop: asyncio.AbstractEventLoop, running: tuple[int, list[asyncio.Future[None]]],
                  synced: asyncio.Future[None]) -> None:
        self._running = None
        covered, waiters = running
        error = None if synced.cancelled() else synced.exception()
        if error is not None and self._failed is None:
            self._failed = error  # see sync_now: no later sync can prove anything
        elif not synced.cancelled() and self._failed is None:
            self._synced = max(self._synced, covered)
        for waiter in waiters:
            if waiter.done():  # a waiter cancelled meanwhile
                continue
            if synced.cancelled():
                waiter.cancel()
            elif self._failed is not None:
                waiter.set_exception(self._failed)
            else:
                waiter.set_result(None)
        if self._next is not None:
            self._start(loop)

    def sync_now(self) -> None:
        """Sync the WAL file (and its folder the first time a WAL file is seen, as SQLite's FULL would).

        `fdatasync`, as SQLite itself syncs on Linux: the data and whatever is needed to read it back (the
        file's size) reach the disk, the modification time need not (0.22 ms against 0.27-0.45 for fsync
        here, a WAL rewritten in place).

        The WAL file is opened read-only and closed again; SQLite keeps no locks on it (they live in the
        `-shm` file and the database file, which this never opens).
        """
        try:
            fd = os.open(self.wal, os.O_RDONLY)
            try:
                os.fdatasync(fd)
                inode = os.fstat(fd).st_ino
            finally:
                os.close(fd)
            if inode != self._wal_inode:
                folder = os.open(self.path.parent, os.O_RDONLY)
                try:
                    os.fsync(folder)
                finally:
                    os.close(folder)
                self._wal_inode = inode
        except FileNotFoundError as error:  # the WAL was deleted under us: commits since may be gone with it
            raise StorageError(Fault.REPLACED, self.path, "its WAL file was deleted while the process ran") from error
        except OSError as error:
            # After a failed fsync the kernel may have dropped the unsynced pages, so a later fsync that
            # succeeds proves nothing (PostgreSQL stops for the same reason): fatal, the bot stops.
            fault = classify(self.path, error)
            raise StorageError(Fault.CORRUPT, self.path, f"fsync of the WAL failed: {fault.detail}") from error
