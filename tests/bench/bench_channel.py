"""The Telegram channel under load: owners answering a quick check at once through the real Application.

A fake Bot API answers every call after 50 ms (a server's round trip to Telegram), the store is a real SQLite
file and PTB's rate limiter is on. Each owner reads a question for THINK seconds before answering, starting at
a random moment of the first THINK, so 50 owners offer 50 * 2 / 4 = 25 rate-limited calls a second (an answer
costs an edit and a send; answering the button is not rate limited), under Telegram's 30. One owner alone
reads for 0.25 s (8 calls a second). Measured per answer: from the update entering the Application to
the Bot API confirming the next question. The bare bot makes one Bot API call per update, under the same load.
"""

from __future__ import annotations

import asyncio
import random
import statistics
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, CallbackQueryHandler, MessageHandler, filters

from bot.settings import Secret, Settings
from bot.storage.store import Store
from bot.telegram.application import build_application
from bot.telegram.processor import OwnerQueues
from knowledge.loader import get_knowledge
from tests.support.recording_request import make_bot_requests
from tests.support.telegram_core import CoreEvent, FakeTelegram, JSONDict
from tests.support.typed import typed_number

TOKEN = "123456:BENCH-token"
LATENCY = 0.05
THINK = {1: 0.25, 50: 4.0}
NUMBERS = {"cash_available": "80万", "cash_fixed_costs": "10万", "ret_repeat_share": "40%",
           "ret_complaint_hours": "4", "cost_headcount": "20", "cost_managers": "3", "adapt_online_share": "30%",
           "risk_top_customer_share": "20%", "risk_backup_supplier_count": "2", "cash_receivables": "10%",
           "cash_inventory": "30天"}


def stamp_of(message: JSONDict) -> str | None:
    """The step stamp a question message's buttons carry."""
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data") or ""
            if data.startswith(("a:", "n:")):
                return ":".join(data.split(":")[1:3])
    return None


class Arrivals:
    """Futures resolved when a bot message that satisfies `wanted` reaches a chat (at the Bot API's answer)."""

    def __init__(self, core: FakeTelegram) -> None:
        self.waiting: dict[int, tuple[Callable[[JSONDict], bool], asyncio.Future]] = {}
        core.subscribe(self._on_event)

    def expect(self, chat_id: int, wanted: Callable[[JSONDict], bool]) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = (wanted, future)
        return future

    def _on_event(self, event: CoreEvent) -> None:
        if event.kind != "message" or event.chat_id not in self.waiting:
            return
        wanted, future = self.waiting[event.chat_id]
        if wanted(event.message) and not future.done():
            future.set_result((asyncio.get_running_loop().time(), event.message))
            del self.waiting[event.chat_id]


async def timed(app, arrivals: Arrivals, update: JSONDict, chat_id: int,
                wanted: Callable[[JSONDict], bool]) -> tuple[float, JSONDict]:
    """Queue one update; seconds until the wanted message was confirmed, and that message."""
    future = arrivals.expect(chat_id, wanted)
    started = asyncio.get_running_loop().time()
    await app.update_queue.put(Update.de_json(update, app.bot))
    arrived, message = await asyncio.wait_for(future, 30)
    return arrived - started, message


def finished(store: Store, db_id: int) -> bool:
    """The check is over: what arrives now is the report, not a question."""
    return store.load_session(db_id).current is None


async def advisor_owner(app, core: FakeTelegram, store: Store, arrivals: Arrivals, user_id: int, think: float,
                        times: list[float]) -> None:
    """/check, then answer every question after reading it for `think` seconds."""
    await asyncio.sleep(random.uniform(0, think))
    update = core.user_message(user_id, "/check", "zh-hans", enqueue=False)
    _, message = await timed(app, arrivals, update, user_id, lambda m: stamp_of(m) is not None)
    kb = get_knowledge()
    db_id = store.db.execute("SELECT id FROM users WHERE external_id = ?", [str(user_id)]).fetchone()[0]
    while True:
        await asyncio.sleep(think)
        session = store.load_session(db_id)
        question = kb.questions[session.current]
        old = stamp_of(message)
        if question.kind == "choice":
            option = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                          if b["callback_data"].startswith("a:"))
            update = core.user_click(user_id, message["message_id"], option, enqueue=False)
        else:
            update = core.user_message(user_id, NUMBERS.get(question.id) or typed_number(kb, question, "10"),
                                     "zh-hans", enqueue=False)
        elapsed, message = await timed(app, arrivals, update, user_id,
                                       lambda m, old=old: stamp_of(m) not in (None, old) or finished(store, db_id))
        if stamp_of(message) is None:
            return  # the last answer: the report follows
        times.append(elapsed)


async def bare_owner(app, core: FakeTelegram, arrivals: Arrivals, user_id: int, think: float, answers: int,
                     times: list[float]) -> None:
    await asyncio.sleep(random.uniform(0, think))
    for n in range(answers):
        await asyncio.sleep(think)
        update = core.user_message(user_id, str(n), "zh-hans", enqueue=False)
        elapsed, _ = await timed(app, arrivals, update, user_id, lambda m: True)
        times.append(elapsed)


async def bare_reply(update: Update, context) -> None:
    """One Bot API call per update: the next 'question', with a button."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("1", callback_data="a:1:1:x")]])
    await context.bot.send_message(update.effective_chat.id, "next question", reply_markup=keyboard)


def bare_application(core: FakeTelegram):
    request, updates = make_bot_requests(core)
    app = (ApplicationBuilder().token(TOKEN).request(request).get_updates_request(updates)
           .rate_limiter(AIORateLimiter(max_retries=3)).concurrent_updates(OwnerQueues()).build())
    app.add_handlers([MessageHandler(filters.ALL, bare_reply), CallbackQueryHandler(bare_reply)])
    return app


async def run(owners: int, db_path: Path | None, bare: bool) -> list[float]:
    core = FakeTelegram()
    store = Store(db_path) if db_path else None
    if bare:
        app = bare_application(core)
    else:
        settings = Settings(token=Secret(TOKEN), db_path=db_path)
        app = build_application(settings, store, get_knowledge(), *make_bot_requests(core))
    await app.initialize()
    await app.start()
    core.latency = LATENCY
    arrivals, times = Arrivals(core), []
    think = THINK[owners]
    try:
        if bare:
            answers = 15  # as many as a quick check's answers that lead to a next question
            jobs: list[Awaitable] = [bare_owner(app, core, arrivals, 9000 + i, think, answers, times)
                                     for i in range(owners)]
        else:
            jobs = [advisor_owner(app, core, store, arrivals, 9000 + i, think, times) for i in range(owners)]
        await asyncio.gather(*jobs)
        await app.update_queue.join()
    finally:
        await app.stop()
        await app.shutdown()
        if store:
            store.close()
    return times


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


@pytest.mark.parametrize("owners", [1, 50])
def test_answer_to_next_question(tmp_path: Path, owners: int) -> None:
    random.seed(owners)
    bot_times = asyncio.run(run(owners, tmp_path / "bench.db", bare=False))
    bare_times = asyncio.run(run(owners, None, bare=True))
    (median, p95), (bare_median, bare_p95) = summary(bot_times), summary(bare_times)
    RESULTS[owners] = (median, p95, bare_median, bare_p95)
    print(f"\n[bench] answer to next question, {owners} owner(s), think {THINK[owners]} s,"
          f" Bot API {LATENCY * 1000:.0f} ms:"
          f" median {median * 1000:.0f} ms ({median / LATENCY:.2f} round trips), p95 {p95 * 1000:.0f} ms"
          f" over {len(bot_times)} answers; bare bot median {bare_median * 1000:.0f} ms, p95 {bare_p95 * 1000:.0f} ms")
    assert median <= 1.6 * LATENCY
    assert p95 <= 1.5 * bare_p95
    if 1 in RESULTS and 50 in RESULTS:
        alone, crowd = RESULTS[1][0], RESULTS[50][0]
        print(f"[bench] 50 owners against 1: median {crowd / alone:.2f}x, p95 {RESULTS[50][1] / RESULTS[1][1]:.2f}x")
        assert crowd <= 1.2 * alone


RESULTS: dict[int, tuple[float, float, float, float]] = {}
