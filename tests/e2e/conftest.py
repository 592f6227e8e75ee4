"""End-to-end: `python -m bot.cli run` as a real process against the Bot API emulator on 127.0.0.1.

Fixtures:
- ``emulator``: a started :class:`EmulatorServer` (token :data:`E2E_TOKEN`).
- ``bot_process``: a factory ``bot_process(**env)`` that starts the bot process; every process it started
  is terminated (SIGTERM, then SIGKILL) when the test ends.
- ``user``: a scripted Telegram user (:class:`ScriptedUser`) on the emulator.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from knowledge.loader import get_knowledge
from knowledge.model import Question
from tests.support.emulator_server import EmulatorServer
from tests.support.telegram_core import FakeTelegram, JSONDict
from tests.support.typed import typed_number

E2E_TOKEN = "987654:E2E-secret-token-value"
ROOT = Path(__file__).resolve().parents[2]
WAIT = 10.0
OUR_VARIABLES = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "WEBHOOK_URL", "WEBHOOK_SECRET", "PORT",
                 "SME_ADVISOR_DB", "SME_ADVISOR_LOCALE", "SME_ADVISOR_TZ", "LOG_LEVEL")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stamp_of(data: str | None) -> tuple[str, str] | None:
    if not data or not data.startswith(("a:", "n:")):
        return None
    parts = data.split(":")
    return (parts[1], parts[2]) if len(parts) == 4 else None


class BotProcess:
    """One `python -m bot.cli run` process; its stderr goes to a file the test can read."""

    def __init__(self, env: dict[str, str], log_path: Path, args: tuple[str, ...] = ("run",)) -> None:
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT,
        )

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    @property
    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_bytes().decode("utf-8", "replace")

    def wait(self, timeout: float = WAIT) -> int:
        return self.proc.wait(timeout)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as in a crash or an OOM kill."""
        if self.alive:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(WAIT)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end in time."""
        if self.alive:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(WAIT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(WAIT)
        self._log.close()


def base_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in OUR_VARIABLES}
    env.update(PYTHONUNBUFFERED="1", **values)
    return env


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(token=E2E_TOKEN) as server:
        yield server


@pytest.fixture
def bot_process(tmp_path: Path) -> Iterator[Callable[..., BotProcess]]:
    started: list[BotProcess] = []

    def start(args: tuple[str, ...] = ("run",), **values: str) -> BotProcess:
        process = BotProcess(base_env(**values), tmp_path / f"bot-{len(started)}.log", args)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop()


class ScriptedUser:
    """A Telegram user on the emulator who waits for the bot process to answer."""

    def __init__(self, core: FakeTelegram, user_id: int = 1001, language_code: str = "zh-hans") -> None:
        self.core = core
        self.user_id = user_id
        self.language_code = language_code

    # -- looking -------------------------------------------------------------------------------------

    @property
    def messages(self) -> list[JSONDict]:
        return self.core.messages(self.user_id)

    def question(self) -> JSONDict | None:
        """The newest bot message with question buttons."""
        for message in reversed(self.messages):
            if any(stamp_of(d) for _, d in self.core.buttons(message)):
                return message
        return None

    @staticmethod
    def shown_question(message: JSONDict) -> Question:
        """The knowledge-base question a bot message shows (by its text in either language)."""
        text = message.get("text", "")
        found = [q for q in get_knowledge().questions.values() if q.text("zh") in text or q.text("en") in text]
        assert len(found) == 1, f"cannot tell which question this is: {text[:120]!r}"
        return found[0]

    def stamp(self) -> tuple[str, str] | None:
        message = self.question()
        stamps = [stamp_of(d) for _, d in self.core.buttons(message)] if message else []
        return next((s for s in stamps if s), None)

    def wait_for(self, predicate: Callable[[], Any], what: str, timeout: float = WAIT) -> None:
        if not self.core.wait_for(lambda: bool(predicate()), timeout):
            raise AssertionError(f"timed out waiting for {what}; last bot messages: "
                                 f"{[m.get('text', '')[:80] for m in self.messages[-3:]]}")

    def wait_new_message(self, since: int, predicate: Callable[[JSONDict], bool], what: str) -> JSONDict:
        found: list[JSONDict] = []

        def check() -> bool:
            found[:] = [m for m in self.core.messages_since(self.user_id, since) if predicate(m)]
            return bool(found)

        self.wait_for(check, what)
        return found[-1]

    # -- acting ---------------------------------------------------------------------------------------

    def send(self, text: str) -> int:
        """Write to the bot; returns the seq mark to wait from."""
        mark = self.core.seq
        self.core.user_message(self.user_id, text, self.language_code)
        return mark

    def click(self, data: str, message_id: int | None = None) -> int:
        mark = self.core.seq
        if message_id is None:
            message = next(m for m in reversed(self.messages) if data in [d for _, d in self.core.buttons(m)])
            message_id = message["message_id"]
        self.core.user_click(self.user_id, message_id, data)
        return mark

    def answer_current(self, number: str = "30", text: str = "附近写字楼的上班族") -> str:
        """Tap the first option of the current question, or type a value; waits until the bot moved on.

        Returns what was answered: the callback data tapped or the text typed.
        """
        message = self.question()
        recent = [(m.get("text", "")[:60], self.core.buttons(m)) for m in self.messages[-3:]]
        assert message is not None, f"no question is waiting: {recent}"
        old = self.stamp()
        options = [d for _, d in self.core.buttons(message) if d and d.startswith("a:")]
        if options:
            mark, given = self.click(options[0], message["message_id"]), options[0]
        else:
            question = self.shown_question(message)
            value = text if question.kind == "text" else typed_number(get_knowledge(), question, number)
            mark, given = self.send(value), value
        self.wait_for(lambda: self.stamp() not in (None, old) or self.report_started(mark),
                      "the next question or the report")
        return given

    def report_started(self, since: int = 0) -> bool:
        return any("中小企业经营体检报告" in m.get("text", "") or "SME business health check" in m.get("text", "")
                   for m in self.core.messages_since(self.user_id, since))


@pytest.fixture
def user(emulator: EmulatorServer) -> ScriptedUser:
    return ScriptedUser(emulator.core)


def query(db_path: Path, sql: str, *params: Any) -> list[tuple]:
    connection = sqlite3.connect(db_path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def wait_until(predicate: Callable[[], Any], timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


@pytest.fixture
def tools() -> SimpleNamespace:
    """The helpers of this folder, for the test modules (which cannot import conftest)."""
    return SimpleNamespace(token=E2E_TOKEN, root=ROOT, wait=WAIT, free_port=free_port, query=query,
                           wait_until=wait_until, stamp_of=stamp_of, base_env=base_env)
