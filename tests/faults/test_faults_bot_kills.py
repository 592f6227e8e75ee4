"""SIGKILL at random points of scripted Telegram conversations: no acknowledged answer is ever lost.

`sme-advisor run` polls the Bot API emulator; an answer is acknowledged when the bot has sent the next
question. Each round starts the process on the same SQLite file, resumes the open assessment with /assess,
answers a few questions, sends one more answer and kills the process a random few milliseconds later.
After each kill the file passes `PRAGMA integrity_check`, holds every acknowledged answer, and after the
restart the waiting question is sent again and is the first one not yet answered (read once the restarted
process has handled what the killed one left: the update it had fetched comes again, its owed prompt is
sent). Two lanes (an emulator and a database each) run side by side to keep the suite short.
"""

from __future__ import annotations

import random
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.e2e.conftest import E2E_TOKEN, BotProcess, ScriptedUser, base_env
from tests.faults.support import fire_answer, integrity, settled_question, wait_ready
from tests.support.emulator_server import EmulatorServer

LANES = 2
KILLS_PER_LANE = 10  # 20 in all; with the console suite's 30, 50


def stored(db: Path) -> set[str]:
    with sqlite3.connect(db) as connection:
        return {row[0] for row in connection.execute("SELECT question_id FROM answers")}


def run_lane(lane: int, folder: Path) -> int:
    rng = random.Random(1200 + lane)
    db = folder / f"lane{lane}.db"
    acknowledged: set[str] = set()
    kills = 0
    with EmulatorServer(token=E2E_TOKEN) as emulator:
        user = ScriptedUser(emulator.core, user_id=2000 + lane)
        env = base_env(TELEGRAM_BOT_TOKEN=E2E_TOKEN, TELEGRAM_API_URL=emulator.url, SME_ADVISOR_DB=str(db))
        for round_no in range(KILLS_PER_LANE):
            commands_before = len(emulator.core.calls_to("setMyCommands"))
            mark = emulator.core.seq
            process = BotProcess(env, folder / f"lane{lane}-{round_no}.log")
            try:
                wait_ready(emulator, commands_before)
                # /assess starts the assessment, or resumes it after a kill
                assess = emulator.core.user_message(user.user_id, "/assess", user.language_code)["update_id"]
                current = settled_question(user, db, assess, mark, "the waiting question after the restart")
                assert acknowledged <= stored(db), (round_no, acknowledged - stored(db))
                assert current not in stored(db), f"round {round_no}: {current} was answered already"
                for _ in range(rng.randint(0, 2)):
                    question = user.shown_question(user.question()).id
                    user.answer_current()
                    if user.shown_question(user.question()).id != question:  # the bot sent the next question
                        acknowledged.add(question)
                fire_answer(user)
                time.sleep(rng.uniform(0, 0.06))
            finally:
                process.kill()
                process.stop()
            kills += 1
            assert integrity(db) == "ok"
            assert acknowledged <= stored(db), f"lane {lane}, lost after kill {kills}: {acknowledged - stored(db)}"
    return kills


def test_sigkill_at_random_points_of_telegram_conversations_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    with ThreadPoolExecutor(LANES) as pool:
        kills = sum(pool.map(run_lane, range(LANES), [tmp_path] * LANES))
    assert kills == LANES * KILLS_PER_LANE
