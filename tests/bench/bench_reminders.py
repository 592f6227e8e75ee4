"""Reminders at scale: finding the due ones among many owners, and the send rate under Telegram's limits.

1. Find: owners with reminders in a real SQLite file (synchronous=FULL, WAL), 1,000 of them due (1% of
   100,000), and 10k, 100k or 1M more that are not due yet. The time is `due_reminders` (what each sweep runs
   first: a range scan of the partial index on `next_due`), the median of 20 runs. Goal: under 20 ms at 100k,
   and flat in the owners who are not due.
2. Send: the real Application and the real sweep over a fake Bot API that answers after 50 ms and enforces
   Telegram's limits (more than 30 messages in any second overall, or more than 1 a second to one chat, is a
   429 with retry_after). SENDS due owners, about 11 s of sending. Goal: above 90% of 30 messages a second,
   no 429.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.settings import Secret, Settings
from bot.storage.store import Store
from bot.telegram import reminder_jobs
from bot.telegram.application import build_application
from knowledge.loader import get_knowledge
from tests.support.recording_request import make_bot_requests
from tests.support.telegram_core import ApiError, FakeTelegram

DUE = 1_000
NOT_DUE = (10_000, 100_000, 1_000_000)
SENDS = 300
NOW = 2_000_000_000  # epoch seconds of the sweep
LIMIT, PER_CHAT = 30, 1  # messages per second: overall, and to one chat


def fill(store: Store, due: int, not_due: int) -> None:
    """Users and their weekly reminders: `due` slots in the past, spread evenly among `not_due` in the next week."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    total = due + not_due
    step = total // due
    with store.db.atomic():
        store.db.conn.executemany(
            "INSERT INTO users (id, channel, external_id, locale, locale_chosen, active, created, updated)"
            " VALUES (?, 'telegram', ?, 'zh', 0, 1, ?, ?)",
            ((n, str(10**6 + n), stamp, stamp) for n in range(1, total + 1)))
        store.db.conn.executemany(
            "INSERT INTO reminders (user_id, frequency, timezone, next_due, updated)"
            " VALUES (?, 'weekly', 'Asia/Shanghai', ?, ?)",
            ((n, NOW - 1 - n % 3600 if n % step == 0 and n // step <= due else NOW + 1 + n % 604_800, stamp)
             for n in range(1, total + 1)))


def find_time(path: Path, not_due: int) -> float:
    """Median seconds of one `due_reminders` over DUE due and `not_due` other owners."""
    store = Store(path)
    try:
        fill(store, DUE, not_due)
        assert len(store.due_reminders(NOW, reminder_jobs.BATCH)) == DUE
        runs = []
        for _ in range(20):
            start = time.perf_counter()
            store.due_reminders(NOW, reminder_jobs.BATCH)
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)
    finally:
        store.close()


def test_finding_the_due_reminders_is_fast_and_flat(tmp_path: Path) -> None:
    times = {n: find_time(tmp_path / f"find-{n}.db", n) for n in (99_000, *NOT_DUE)}
    print(f"\nreminders: find the {DUE:,} due among {DUE + 99_000:,} owners with reminders (1% due): "
          f"{times[99_000] * 1000:.2f} ms (median of 20)")
    for n in NOT_DUE:
        print(f"reminders: find the {DUE:,} due with {n:,} not due: {times[n] * 1000:.2f} ms")
    assert times[99_000] < 0.020
    assert times[1_000_000] < 3 * times[10_000] + 0.002  # flat: the index holds the due ones first


class Limits:
    """Telegram's limits on sendMessage, enforced: a 429 with retry_after past them."""

    def __init__(self, core: FakeTelegram) -> None:
        self.sent: deque[float] = deque()
        self.by_chat: dict[Any, float] = {}
        self.times: list[float] = []
        self.refused = 0
        self.send = core._methods["sendmessage"][1]
        core.register("sendMessage", self.checked)

    def checked(self, params: dict[str, Any]) -> Any:
        now = time.monotonic()
        while self.sent and now - self.sent[0] >= 1.0:
            self.sent.popleft()
        chat = params.get("chat_id")
        if len(self.sent) >= LIMIT or now - self.by_chat.get(chat, -10.0) < 1.0 / PER_CHAT:
            self.refused += 1
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        self.sent.append(now)
        self.by_chat[chat] = now
        self.times.append(now)
        return self.send(params)


async def test_the_sweep_sends_near_telegrams_limit_without_a_429(tmp_path: Path) -> None:
    core = FakeTelegram()
    core.latency = 0.05
    limits = Limits(core)
    store = Store(tmp_path / "send.db")
    fill(store, SENDS, 0)
    request, updates = make_bot_requests(core)
    settings = Settings(token=Secret("123456:BENCH-token"), db_path=tmp_path / "send.db")
    app = build_application(settings, store, get_knowledge(), request, updates)
    await app.initialize()
    try:
        reminder_jobs.runtime(app).clock = lambda: datetime.fromtimestamp(NOW, UTC) + timedelta(seconds=1)
        start = time.monotonic()
        result = await reminder_jobs.sweep(app)
        elapsed = time.monotonic() - start
    finally:
        await app.shutdown()
        store.close()
    rate = result.sent / elapsed
    print(f"\nreminders: sent {result.sent} in {elapsed:.1f} s = {rate:.1f} messages/s "
          f"({rate / LIMIT:.0%} of Telegram's {LIMIT}/s), {limits.refused} refused with 429")
    assert result.sent == SENDS
    assert limits.refused == 0
    assert rate > 0.9 * LIMIT
