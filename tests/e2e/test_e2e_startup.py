"""Starting `sme-advisor run` when the network is against it: a refused webhook, an unreachable or silent
Bot API; and SIGTERM, which ends the process within 5 s whatever the network does."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import E2E_TOKEN, BotProcess, free_port, wait_until

STOP_WITHIN = 5.0


@pytest.fixture
def silent_api() -> Iterator[tuple[str, list[socket.socket]]]:
    """An address that accepts connections and never answers (a hung proxy or API server)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    closing = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not closing.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", held
    finally:
        closing.set()
        thread.join(2)
        for connection in held:
            connection.close()
        listener.close()


def stop_and_time(process: BotProcess) -> tuple[int, float]:
    started = time.monotonic()
    process.proc.terminate()
    code = process.wait(STOP_WITHIN + 5)
    return code, time.monotonic() - started


def assert_clean(output: str) -> None:
    assert "Traceback" not in output
    assert "still running" not in output
    assert E2E_TOKEN.split(":", 1)[1] not in output


def test_a_refused_webhook_shows_telegrams_reason_in_one_line(emulator, bot_process, tmp_path) -> None:
    port = free_port()  # the emulator, like Telegram, wants an https URL
    process = bot_process(TELEGRAM_BOT_TOKEN=E2E_TOKEN, TELEGRAM_API_URL=emulator.url, PORT=str(port),
                          WEBHOOK_URL=f"http://127.0.0.1:{port}/tg", SME_ADVISOR_DB=str(tmp_path / "w.db"))
    assert process.wait() == 1
    output = process.output
    assert_clean(output)
    (line,) = [x for x in output.splitlines() if "webhook" in x]
    assert "an https url must be provided" in line.lower()
    assert "WEBHOOK_URL" in line


def test_an_unreachable_api_is_retried_one_line_a_try_and_sigterm_stops_it(bot_process, tmp_path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    process = bot_process(TELEGRAM_BOT_TOKEN=E2E_TOKEN, TELEGRAM_API_URL=closed, SME_ADVISOR_DB=str(tmp_path / "u.db"))
    assert wait_until(lambda: "try 2" in process.output, 10), process.output
    code, took = stop_and_time(process)
    assert code == 0
    assert took < STOP_WITHIN
    output = process.output
    assert_clean(output)
    tries = [x for x in output.splitlines() if "unreachable" in x]
    assert len(tries) >= 2
    assert len(output.splitlines()) <= len(tries) + 2


def test_sigterm_stops_within_5_s_while_the_api_never_answers(silent_api, bot_process, tmp_path) -> None:
    url, connections = silent_api
    process = bot_process(TELEGRAM_BOT_TOKEN=E2E_TOKEN, TELEGRAM_API_URL=url, SME_ADVISOR_DB=str(tmp_path / "s.db"))
    assert wait_until(lambda: connections, 10)  # started, and waiting for getMe's answer
    time.sleep(0.3)
    assert process.alive, process.output
    code, took = stop_and_time(process)
    assert code == 0
    assert took < STOP_WITHIN
    assert_clean(process.output)


def test_sigterm_stops_within_5_s_when_the_api_hangs_while_running(emulator, bot_process, tmp_path) -> None:
    core = emulator.core
    process = bot_process(TELEGRAM_BOT_TOKEN=E2E_TOKEN, TELEGRAM_API_URL=emulator.url,
                          SME_ADVISOR_DB=str(tmp_path / "h.db"))
    assert core.wait_for(lambda: bool(core.calls_to("getUpdates")), 10), process.output
    core.delay_next("*", 60, times=1000)  # from now on every call hangs for a minute
    core.user_message(1001, "/start", "zh-hans")
    time.sleep(0.5)
    code, took = stop_and_time(process)
    assert code == 0
    assert took < STOP_WITHIN
    assert_clean(process.output)


def test_polling_failures_while_running_are_one_line_each_and_the_bot_recovers(emulator, bot_process,
                                                                                 tmp_path) -> None:
    """The API answers getUpdates with 502 three times, then works again: three WARNING lines, no traceback,
    and the next message is answered."""
    core = emulator.core
    process = bot_process(TELEGRAM_BOT_TOKEN=E2E_TOKEN, TELEGRAM_API_URL=emulator.url,
                          SME_ADVISOR_DB=str(tmp_path / "p.db"))
    assert core.wait_for(lambda: bool(core.calls_to("getUpdates")), 10), process.output
    core.fail("getUpdates", 502, times=3)
    assert wait_until(lambda: process.output.count("getting updates failed") == 3, 15), process.output
    core.user_message(1001, "/start", "zh-hans")
    assert core.wait_for(lambda: bool(core.messages(1001)), 15), process.output
    failures = [x for x in process.output.splitlines() if "getting updates failed" in x]
    assert all("WARNING" in x and "Bad Gateway" in x for x in failures), failures
    assert_clean(process.output)
