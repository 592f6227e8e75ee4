"""SIGKILL at random points of scripted console conversations: no acknowledged answer is ever lost.

An answer is acknowledged when the console has printed what comes after it (the next question, an
insight or the report). Each round starts `sme-advisor console` on the same SQLite file, answers a few
questions as an owner would, and kills the process a random few milliseconds after an answer was typed.
After each kill the file passes `PRAGMA integrity_check`, holds at least every acknowledged answer, and
the next run resumes the open check instead of starting over.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from knowledge.loader import get_knowledge
from tests.support.typed import typed_number

ROOT = Path(__file__).resolve().parents[2]
KILLS = 30
PROMPT = re.compile(r"(?:^|\n)> |\(q to quit\): |or press Enter to quit: |discard it: |its number: ")
WAIT = 15.0
KB = get_knowledge()


class Console:
    """`sme-advisor console` as a process whose output is collected as it arrives."""

    def __init__(self, db: Path) -> None:
        env = {**os.environ, "SME_ADVISOR_DB": str(db), "SME_ADVISOR_LOCALE": "en"}
        env.pop("TELEGRAM_BOT_TOKEN", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "console"], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.output = ""
        self._lock = threading.Lock()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        while chunk := os.read(self.proc.stdout.fileno(), 65536):
            with self._lock:
                self.output += chunk.decode("utf-8", "replace")

    def prompts(self) -> int:
        """How many input prompts ("> " or the menu's) the console has printed so far."""
        with self._lock:
            return len(PROMPT.findall(self.output))

    def wait_prompt(self, seen: int) -> None:
        """Wait until a prompt after the first `seen` ones shows."""
        deadline = time.monotonic() + WAIT
        while self.prompts() <= seen:
            assert self.proc.poll() is None, f"the console ended: {self.output[-500:]!r}"
            assert time.monotonic() < deadline, f"no prompt within {WAIT} s: {self.output[-500:]!r}"
            time.sleep(0.002)

    def say(self, line: str) -> None:
        """Type one line and wait for what the console prints after it."""
        seen = self.prompts()
        self.type(line)
        self.wait_prompt(seen)

    def type(self, line: str) -> None:
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def since(self, mark: int) -> str:
        with self._lock:
            return self.output[mark:]

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=WAIT)


def _answer_for(shown: str) -> str:
    """What an owner types: the second option of a choice, a small number otherwise (5 fits every unit; 5万
    for an amount, which a bare 5 would have asked back)."""
    if "\n  1. " in shown:
        return "2"
    at = {q: max(shown.rfind(q.text("zh")), shown.rfind(q.text("en"))) for q in KB.questions.values()}
    asked = max(at, key=lambda q: at[q])
    return typed_number(KB, asked, "5") if at[asked] >= 0 and asked.kind == "number" else "5"


def _stored_answers(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        count = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    conn.close()
    return count


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    return result


def test_random_kills_lose_no_acknowledged_answer(tmp_path: Path) -> None:
    rng = random.Random(20261201)
    db = tmp_path / "advisor.db"
    resumed = acknowledged_in_all = 0
    for _ in range(KILLS):
        stored_before = _stored_answers(db)
        console = Console(db)
        console.wait_prompt(0)
        mark = 0
        if "picking up where you stopped" in console.output:
            resumed += 1  # the open check goes on at its next question
        else:
            mark = len(console.output)
            console.say("1")  # the quick check
        acknowledged = 0
        for _ in range(rng.randint(0, 4)):
            shown = console.since(mark)
            if "Type 1 or 2" in shown.rsplit("\n", 1)[-1]:
                break  # a finished check: the menu again
            mark = len(console.output)
            console.say(_answer_for(shown))
            if "can't use that answer" not in console.since(mark):
                acknowledged += 1  # the console showed what comes next: this answer was acknowledged
        console.type(_answer_for(console.since(mark)))
        time.sleep(rng.uniform(0, 0.03))  # somewhere inside that last answer's step
        console.kill()
        assert _integrity(db) == "ok"
        assert _stored_answers(db) >= stored_before + acknowledged, "an acknowledged answer was lost"
        acknowledged_in_all += acknowledged
    print(f"[faults] console: {KILLS} kills, {acknowledged_in_all} acknowledged answers, none lost, "
          f"{resumed} resumed, {_stored_answers(db)} answers stored")
    assert acknowledged_in_all >= KILLS
    assert resumed >= KILLS // 2, "the console did not resume the open check after a kill"
