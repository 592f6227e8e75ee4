"""What the SIGKILL tests of the bot process share: the checks after a kill, waiting for a start, fast restarts.

A kill test starts the bot a dozen times or more, and most of a start is Python importing the bot (two
seconds of CPU, several on a busy machine). `Zygote` is one process that imports the bot once and then
forks a fresh `sme-advisor run` for every start: each child is a new process with its own pid, given its own
environment, log file and nothing else of its parent (no database connection, no event loop, no thread),
that runs the product's `bot.cli` main from its beginning (settings, the database opened, the start-up jobs:
owed prompts, the reminder sweep) and is killed with SIGKILL like any process.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from knowledge.loader import get_knowledge
from tests.e2e.conftest import ROOT, ScriptedUser, base_env, query, stamp_of
from tests.support.emulator_server import EmulatorServer
from tests.support.typed import typed_number

WAIT = 20.0
SEED_VARIABLE = "SME_FAULT_SEED"
ZYGOTE = r"""
import json, os, sys, traceback
import bot.cli, bot.telegram.run  # noqa: F401 - the imports, once for every start
for line in sys.stdin:
    verb, _, rest = line.strip().partition(" ")
    if verb == "start":
        job = json.loads(rest)
        pid = os.fork()
        if pid == 0:  # the bot: stdin /dev/null, stdout and stderr its log, its own environment
            log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.environ.clear()
            os.environ.update(job["env"])
            code = 70
            try:
                code = bot.cli.main(["run"])
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 1
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        print(pid, flush=True)
    elif verb == "wait":
        print(os.waitstatus_to_exitcode(os.waitpid(int(rest), 0)[1]), flush=True)
"""

def integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    connection.close()
    return result


def wait_ready(emulator: EmulatorServer, commands_before: int) -> None:
    """The process registered its commands (three calls at each start) and polls for updates."""
    core = emulator.core
    polls = len(core.calls_to("getUpdates"))
    assert core.wait_for(lambda: len(core.calls_to("setMyCommands")) >= commands_before + 3
                         and len(core.calls_to("getUpdates")) > polls, WAIT), "the bot did not start"


def settled_question(user: ScriptedUser, db: Path, update_id: int, mark: int, what: str) -> str:
    """The question the bot waits on once it has handled everything up to `update_id`.

    Settled means: that update is claimed, no prompt is owed, and the newest question message sent after
    `mark` shows the session's current question. Until then the newest one may already be answered: a
    restart re-delivers the update the killed process had fetched but not confirmed (so an answer fired
    before the kill can still land) and re-sends the prompt it owed.
    """
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        claimed = query(db, "SELECT 1 FROM processed_updates WHERE update_id = ?", update_id)
        owed = query(db, "SELECT 1 FROM owed_prompts WHERE user_id = (SELECT id FROM users WHERE external_id = ?)",
                     str(user.user_id))
        current = query(db, "SELECT json_extract(s.state, '$.current') FROM sessions s JOIN users u"
                        " ON u.id = s.user_id WHERE u.external_id = ?", str(user.user_id))
        shown = [m for m in user.core.messages_since(user.user_id, mark)
                 if any(stamp_of(d) for _, d in user.core.buttons(m))]
        if claimed and not owed and current and shown and user.shown_question(shown[-1]).id == current[0][0]:
            return current[0][0]
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def fire_answer(user: ScriptedUser) -> None:
    """Answer the current question without waiting for the bot."""
    message = user.question()
    options = [d for _, d in user.core.buttons(message) if d and d.startswith("a:")]
    if options:
        user.click(options[0], message["message_id"])
    else:
        question = user.shown_question(message)
        user.send("附近写字楼的上班族" if question.kind == "text" else typed_number(get_knowledge(), question, "30"))


def fault_rng(name: str) -> random.Random:
    """A random generator whose seed is printed (pytest shows it with a failure); SME_FAULT_SEED repeats it."""
    seed = int(os.environ.get(SEED_VARIABLE) or random.SystemRandom().randrange(10**9))
    print(f"[faults] {name}: seed {seed} (repeat with {SEED_VARIABLE}={seed})")
    return random.Random(seed)


class Zygote:
    """One process with the bot imported that forks a bot process per `start`; `close()` ends it."""

    def __init__(self, log_path: Path) -> None:
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE], cwd=ROOT, env=base_env(),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log)
        self._lock = threading.Lock()

    def ask(self, line: str) -> str:
        with self._lock:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
            reply = self.proc.stdout.readline().decode().strip()
        assert reply, f"the zygote ended: {Path(self._log.name).read_text()[-800:]}"
        return reply

    def start(self, env: dict[str, str], log_path: Path) -> ForkedBot:
        pid = int(self.ask("start " + json.dumps({"env": env, "log": str(log_path)})))
        return ForkedBot(self, pid, log_path)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(WAIT)
        self._log.close()


class ForkedBot:
    """One `sme-advisor run` forked by the zygote: as `tests.e2e.conftest.BotProcess`, kill() and stop()."""

    def __init__(self, zygote: Zygote, pid: int, log_path: Path) -> None:
        self.zygote, self.pid, self.log_path = zygote, pid, log_path
        self.returncode: int | None = None

    @property
    def alive(self) -> bool:
        if self.returncode is not None:
            return False
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        return state != "Z"

    @property
    def output(self) -> str:
        return self.log_path.read_bytes().decode("utf-8", "replace") if self.log_path.exists() else ""

    def _reap(self) -> int:
        if self.returncode is None:
            self.returncode = int(self.zygote.ask(f"wait {self.pid}"))
        return self.returncode

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as in a crash or an OOM kill."""
        if self.returncode is None:
            os.kill(self.pid, signal.SIGKILL)
        self._reap()

    def stop(self) -> int:
        """SIGTERM, then SIGKILL if it does not end in time; the exit code."""
        if self.returncode is None:
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + WAIT
            while self.alive and time.monotonic() < deadline:
                time.sleep(0.01)
            if self.alive:
                os.kill(self.pid, signal.SIGKILL)
        return self._reap()
