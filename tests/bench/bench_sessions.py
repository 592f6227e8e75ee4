"""Benchmarks: memory per live session on the shared machine, and answers per second through dialogs + storage.

Run with `make bench` (or `.venv/bin/python -m pytest tests/bench -s -p no:cacheprovider -o addopts=""`).
They print their figures and PASS/MISS against the goals; they assert only that the figures make sense.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from bot.services.advisor import Advisor
from bot.storage.store import Store
from dialogs.conversation import Answer, Begin, Conversation
from dialogs.machine import Stage, machine
from dialogs.session import Session
from knowledge.loader import get_knowledge
from knowledge.model import KnowledgeBase
from tests.conversation.conv_support import Driver, console_line

N_SESSIONS = 10_000
SESSION_GOAL_BYTES = 5 * 1024
N_USERS = 50
MIN_ANSWERS = 5_000
# per second. FULL waits for the disk on every commit; ours: 200/s is over 6x the 30 messages a second Telegram
# lets one bot send, so storage is never what an owner waits for. NORMAL only shows what FULL costs.
ANSWERS_GOAL = {"FULL": 200, "NORMAL": 2_000}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return get_knowledge()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def mid_check(kb: KnowledgeBase, answered: int = 10) -> dict[str, Any]:
    """A real quick check stopped after `answered` answers, as stored."""
    driver = Driver(Conversation(kb))
    driver.send(Begin("quick"))
    for _ in range(answered):
        driver.answer()
    data = driver.session.to_dict()
    assert len(data["answers"]) == answered
    return data


def sessions_like(template: dict[str, Any], n: int) -> list[Session]:
    """n distinct sessions mid-check: own dicts and lists, numbers varied per owner."""
    made = []
    for i in range(n):
        answers = {q: (v + i if isinstance(v, int | float) else v) for q, v in template["answers"].items()}
        made.append(Session.from_dict({**template, "answers": answers, "asked": list(template["asked"]),
                                   "assessment_id": i + 1, "seq": i}))
    return made


def traced() -> int:
    return tracemalloc.get_traced_memory()[0]


def test_memory_per_live_session(kb: KnowledgeBase) -> None:
    shared = machine()
    template = mid_check(kb)
    assert shared.models == []

    gc.collect()
    tracemalloc.start()
    try:
        base = traced()
        sessions = sessions_like(template, N_SESSIONS)
        fresh = (traced() - base) / N_SESSIONS

        started = time.perf_counter()
        for session in sessions:
            shared.add_model(session, initial=session.stage)
        attach_seconds = time.perf_counter() - started
        attached = (traced() - base) / N_SESSIONS
        assert len(shared.models) == N_SESSIONS
        assert all(s.stage == Stage.ASKING for s in sessions)
        bound = len(set(vars(sessions[0])) - set(vars(Session())))

        for session in sessions:  # in attach order (each is found at the head of the list), as Conversation.step
            shared.remove_model(session)
        gc.collect()
        detached = (traced() - base) / N_SESSIONS
        del sessions
    finally:
        tracemalloc.stop()
    assert shared.models == []

    print()
    print(f"[bench] memory per live session ({N_SESSIONS:,} sessions mid quick check, "
          f"{len(template['answers'])} answers each, all attached to the one shared machine)")
    print(f"  not attached (fresh from JSON) : {fresh:8,.0f} B/session")
    print(f"  attached with add_model        : {attached:8,.0f} B/session   goal < {SESSION_GOAL_BYTES:,} B"
          f"   {verdict(attached < SESSION_GOAL_BYTES)}")
    print(f"  of which the machine adds      : {attached - fresh:8,.0f} B/session ({bound} methods bound on the model)")
    print(f"  after remove_model             : {detached:8,.0f} B/session")
    print(f"  attach time                    : {attach_seconds:8.2f} s for {N_SESSIONS:,} (under tracemalloc)")
    assert 0 < fresh <= attached
    assert bound == 0
    assert attach_seconds > 0


@pytest.mark.parametrize("synchronous", ["FULL", "NORMAL"])
def test_answers_per_second_through_dialogs_and_storage(tmp_path: Path, kb: KnowledgeBase, synchronous: str) -> None:
    """FULL is what the store runs (an acknowledged answer survives a power loss); NORMAL shows what it costs."""
    store = Store(tmp_path / "bench.db")
    store.db.execute(f"PRAGMA synchronous={synchronous}")
    goal = ANSWERS_GOAL[synchronous]
    try:
        advisor = Advisor(store, kb)
        typed = {q.id: console_line(kb, q) for q in kb.questions.values()}  # as owners type them: "1", "500000"
        users = [store.user("bench", f"owner-{i}", "zh").id for i in range(N_USERS)]
        current: dict[int, str | None] = dict.fromkeys(users)
        latencies: list[float] = []
        checks = 0
        wall = time.perf_counter()
        while len(latencies) < MIN_ANSWERS:
            for user in users:
                if current[user] is None:
                    session, _ = advisor.begin(user, "quick")
                    current[user] = session.current
                    continue
                started = time.perf_counter()
                session, step = advisor.handle(user, Answer(typed[current[user]]))  # load, step, commit
                latencies.append(time.perf_counter() - started)
                assert step.recorded, f"answer refused: {step.outputs}"
                if step.finished:
                    checks += 1
                current[user] = session.current if session.stage == Stage.ASKING else None
        wall = time.perf_counter() - wall
        stored = store.db.execute("SELECT count(*) FROM answers").fetchone()[0]
        finished = store.db.execute("SELECT count(*) FROM assessments WHERE status = 'finished'").fetchone()[0]
    finally:
        store.close()

    answering = sum(latencies)
    rate = len(latencies) / answering
    ordered = sorted(latencies)
    print()
    print(f"[bench] answers through Advisor.handle (load_session -> step -> commit_step), one core, "
          f"{N_USERS} owners doing quick checks on one SQLite file (WAL, synchronous={synchronous})")
    print(f"  answers            : {len(latencies):,} in {answering:.2f} s ({checks} checks finished, "
          f"{wall:.2f} s wall incl. starts)")
    print(f"  answers per second : {rate:8,.0f}   goal > {goal:,}/s   {verdict(rate > goal)}")
    print(f"  latency            : median {statistics.median(latencies) * 1000:.2f} ms, "
          f"p99 {ordered[int(len(ordered) * 0.99)] * 1000:.2f} ms, max {ordered[-1] * 1000:.2f} ms")
    assert rate > 0
    assert checks == finished > 0
    assert stored > 0
