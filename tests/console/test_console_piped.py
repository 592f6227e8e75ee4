"""`sme-advisor console` as a real process: piped checks, kill -9 and resume, bad lines, keywords."""

from __future__ import annotations

import json
import os
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bot.views.i18n import catalog, t
from dialogs.conversation import Begin, Conversation
from knowledge.loader import get_knowledge
from knowledge.model import DIMENSION_IDS, KnowledgeBase
from tests.conversation.conv_support import Driver, console_line

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30
LOCALES = ["zh", "en"]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return get_knowledge()


def console_env(db: Path, locale: str) -> dict[str, str]:
    dropped = ("TELEGRAM_BOT_TOKEN", "SME_ADVISOR_DB", "SME_ADVISOR_LOCALE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(SME_ADVISOR_DB=str(db), SME_ADVISOR_LOCALE=locale)
    return env


def run_console(db: Path, locale: str, lines: list[str]) -> subprocess.CompletedProcess[str]:
    """Pipe the lines in, read everything out; the process must end by itself."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"], cwd=ROOT, env=console_env(db, locale),
        input="".join(f"{line}\n" for line in lines), capture_output=True, text=True, encoding="utf-8",
        timeout=TIMEOUT, check=False,
    )


def planned_questions(kb: KnowledgeBase, mode: str, overrides: dict[str, Any] | None = None) -> list[str]:
    """The questions a straight run with these answers asks, in order (worked out in-process)."""
    driver = Driver(Conversation(kb))
    driver.send(Begin(mode))
    driver.run_to_report(overrides)
    return driver.asked


def answer_lines(kb: KnowledgeBase, questions: list[str], overrides: dict[str, Any] | None = None) -> list[str]:
    return [console_line(kb, kb.questions[q], overrides) for q in questions]


def report_part(stdout: str, locale: str) -> str:
    marker = t(locale, "conv.report_ready")
    assert marker in stdout, stdout[-2000:]
    return stdout.split(marker, 1)[1]


def assert_clean_exit(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]


def assert_report_names_every_dimension(kb: KnowledgeBase, stdout: str, locale: str) -> None:
    report = report_part(stdout, locale)
    assert t(locale, "report.title") in report
    for dimension_id in DIMENSION_IDS:
        assert kb.dimension(dimension_id).title(locale) in report, dimension_id


def db_rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def reask_prefix(locale: str) -> str:
    return catalog(locale)["conv.reask"].split("{reason}")[0]


# --------------------------------------------------------------------------- whole checks


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("mode", "choice"), [("quick", "1"), ("full", "2")])
def test_piped_check_ends_in_a_report(tmp_path: Path, kb: KnowledgeBase, locale: str, mode: str, choice: str) -> None:
    db = tmp_path / "advisor.db"
    questions = planned_questions(kb, mode)
    result = run_console(db, locale, [choice, *answer_lines(kb, questions)])
    assert_clean_exit(result)
    assert_report_names_every_dimension(kb, result.stdout, locale)
    assert t(locale, "console.bye") in result.stdout
    if locale == "zh":  # full-width brackets in Chinese, the examples under the number questions included
        assert not [line for line in result.stdout.splitlines() if "(" in line or ")" in line]
    (status, stored_mode), = db_rows(db, "SELECT status, mode FROM assessments")
    assert (status, stored_mode) == ("finished", mode)
    assert db_rows(db, "SELECT count(*) FROM dimension_scores") == [(8,)]
    stored = {q for (q,) in db_rows(db, "SELECT question_id FROM answers")}
    assert stored == set(questions)


def test_end_of_input_saves_and_the_next_run_resumes(tmp_path: Path, kb: KnowledgeBase) -> None:
    db = tmp_path / "advisor.db"
    questions = planned_questions(kb, "quick")
    lines = answer_lines(kb, questions)
    first = run_console(db, "en", ["1", *lines[:4]])
    assert_clean_exit(first)
    assert t("en", "console.saved") in first.stdout
    second = run_console(db, "en", lines[4:])
    assert_clean_exit(second)
    resumed = second.stdout.split(t("en", "conv.resumed"), 1)
    assert len(resumed) == 2, second.stdout[:2000]
    assert resumed[1].lstrip().startswith("[")  # the progress line of the question it stopped at
    assert kb.questions[questions[4]].text("en") in resumed[1].split(">", 1)[0]
    assert_report_names_every_dimension(kb, second.stdout, "en")


# --------------------------------------------------------------------------- kill -9 and resume


class LiveConsole:
    """The console with a pipe on each side, fed one line at a time once it shows its answer prompt."""

    def __init__(self, db: Path, locale: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "console"], cwd=ROOT, env=console_env(db, locale),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self.out = b""

    def write(self, line: str) -> None:
        self.proc.stdin.write(f"{line}\n".encode())
        self.proc.stdin.flush()

    def wait_for_prompt(self) -> str:
        """Read until the console waits for an answer (its prompt is '> ' at the end of the output)."""
        deadline = time.monotonic() + TIMEOUT
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline:
            if self.out.endswith(b"> "):
                return self.out.decode("utf-8")
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise AssertionError(f"console ended early: {self.out.decode('utf-8', 'replace')[-1500:]}")
                self.out += chunk
        raise AssertionError(f"no prompt within {TIMEOUT}s: {self.out.decode('utf-8', 'replace')[-1500:]}")

    def answer(self, line: str) -> None:
        """Wait for the prompt, then type the line; the next prompt is waited for by the next call."""
        self.wait_for_prompt()
        self.out += b"\n"  # what a terminal would echo; keeps the last prompt from matching twice
        self.write(line)

    def kill(self) -> int:
        self.proc.kill()
        code = self.proc.wait(timeout=TIMEOUT)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            pipe.close()
        return code


@pytest.mark.parametrize("locale", LOCALES)
def test_kill_in_the_middle_then_resume_at_the_same_question(tmp_path: Path, kb: KnowledgeBase, locale: str) -> None:
    db = tmp_path / "advisor.db"
    questions = planned_questions(kb, "full")
    lines = answer_lines(kb, questions)
    done = 7

    console = LiveConsole(db, locale)
    try:
        console.write("2")  # the full assessment
        for line in lines[:done]:
            console.answer(line)
        shown = console.wait_for_prompt()  # the next question is on screen, so the answers are committed
        assert kb.questions[questions[done]].text(locale) in shown.rsplit("]", 1)[-1]
    finally:
        code = console.kill()
    assert code == -9

    stored = dict(db_rows(db, "SELECT question_id, value FROM answers"))
    assert set(stored) == set(questions[:done])
    (state,), = db_rows(db, "SELECT state FROM sessions")
    assert json.loads(state)["current"] == questions[done]

    result = run_console(db, locale, lines[done:])
    assert_clean_exit(result)
    _, after = result.stdout.split(t(locale, "conv.resumed"), 1)
    assert kb.questions[questions[done]].text(locale) in after.split(">", 1)[0]
    assert_report_names_every_dimension(kb, result.stdout, locale)
    assert db_rows(db, "SELECT status FROM assessments") == [("finished",)]
    assert {q for (q,) in db_rows(db, "SELECT question_id FROM answers")} == set(questions)


# --------------------------------------------------------------------------- bad lines and keywords


@pytest.mark.parametrize("locale", LOCALES)
def test_bad_lines_get_a_reask_and_the_run_still_finishes(tmp_path: Path, kb: KnowledgeBase, locale: str) -> None:
    db = tmp_path / "advisor.db"
    questions = planned_questions(kb, "quick")
    lines = answer_lines(kb, questions)
    number_at = next(i for i, q in enumerate(questions) if kb.questions[q].kind == "number")
    bad = ["", "😀", "<b>", "x" * 10240]
    piped = ["1", *bad, *lines[:number_at], *bad, "\x00", *lines[number_at:]]
    result = run_console(db, locale, piped)
    assert_clean_exit(result)
    assert result.stdout.count(reask_prefix(locale)) == 2 * len(bad) + 1
    assert "x" * 200 not in result.stdout, "a re-ask is short: it does not echo a 10 KB line"
    assert_report_names_every_dimension(kb, result.stdout, locale)
    assert db_rows(db, "SELECT status FROM assessments") == [("finished",)]
    assert db_rows(db, "SELECT count(*) FROM answers") == [(len(questions),)]


@pytest.mark.parametrize(("locale", "back", "why", "skip"), [("en", "b", "?", "s"), ("zh", "返回", "为什么", "跳过")])
def test_back_why_and_skip_keywords_work_over_the_pipe(
    tmp_path: Path, kb: KnowledgeBase, locale: str, back: str, why: str, skip: str
) -> None:
    db = tmp_path / "advisor.db"
    questions = planned_questions(kb, "quick")
    lines = answer_lines(kb, questions)
    first, second = (kb.questions[q] for q in questions[:2])
    assert first.kind == second.kind == "choice"
    result = run_console(db, locale, ["1", "1", back, "2", why, skip, *lines[2:]])
    assert_clean_exit(result)
    out = result.stdout
    assert t(locale, "conv.back") in out
    assert t(locale, "conv.previous", value=first.options[0].label(locale)) in out
    assert t(locale, "conv.why", why=second.why(locale)) in out
    assert_report_names_every_dimension(kb, out, locale)
    stored = {q: json.loads(v) for q, v in db_rows(db, "SELECT question_id, value FROM answers")}
    assert stored[first.id] == first.options[1].id
    assert second.id not in stored
    assert set(stored) == set(questions) - {second.id}


def test_quit_keyword_saves_and_leaves(tmp_path: Path, kb: KnowledgeBase) -> None:
    db = tmp_path / "advisor.db"
    result = run_console(db, "zh", ["1", "1", "退出", "1", "1"])
    assert_clean_exit(result)
    assert t("zh", "console.saved") in result.stdout
    assert db_rows(db, "SELECT count(*) FROM answers") == [(1,)]
