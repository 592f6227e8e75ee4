"""`sme-advisor console`: the conversation in a terminal, on the same database as the bot.

Works interactively and with piped input (one answer per line); end of input saves and exits cleanly,
and the next run resumes the unfinished check.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.console.files import write_report_files
from bot.console.reminders import show_due
from bot.services.advisor import Advisor
from bot.settings import Settings
from bot.storage.store import Store
from bot.views.i18n import t, words
from bot.views.prompts import ask_view, confirm_value_view, discard_text, insight_view, reask_view
from bot.views.render import render
from bot.views.report import build_report_view
from dialogs.conversation import Answer, Back, Event, Resume, Skip, Why
from dialogs.machine import Stage
from dialogs.outputs import (
    Ask,
    ConfirmDiscard,
    ConfirmValue,
    Insight,
    Menu,
    Notice,
    Output,
    Paused,
    Reask,
    ReportReady,
    WhyWeAsk,
)
from knowledge.loader import get_knowledge

CONSOLE_USER = ("console", "local")


class ConsoleChannel:
    """Reads one line at a time, hands it to the advisor and prints what comes back."""

    def __init__(self, advisor: Advisor, locale: str, stdin: TextIO, stdout: TextIO) -> None:
        self.advisor = advisor
        self.kb = advisor.kb
        self.locale = locale
        self.stdin = stdin
        self.stdout = stdout
        self.user_id = advisor.store.user(*CONSOLE_USER, locale).id
        self.keywords = {name: words(locale, f"console.keywords.{name}") for name in ("back", "skip", "why", "quit")}

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def read(self, prompt: str = "> ") -> str | None:
        """One line without its newline; None at the end of input."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        return None if line == "" else line.rstrip("\r\n")

    def show(self, outputs: list[Output]) -> None:
        for output in outputs:
            if isinstance(output, Ask):
                self.say(render("ask.txt.j2", self.locale, v=ask_view(self.kb, output, self.locale)))
            elif isinstance(output, Reask):
                self.say(render("reask.txt.j2", self.locale, v=reask_view(self.kb, output, self.locale)))
            elif isinstance(output, ConfirmValue):  # the next line's y or n answers it
                self.say(render("confirm.txt.j2", self.locale, v=confirm_value_view(self.kb, output, self.locale)))
            elif isinstance(output, ConfirmDiscard):
                self.say(discard_text(output, self.locale))
            elif isinstance(output, WhyWeAsk):
                self.say(t(self.locale, "conv.why", why=self.kb.questions[output.question].why(self.locale)))
            elif isinstance(output, Insight):
                self.say(render("insight.txt.j2", self.locale, v=insight_view(self.kb, output, self.locale)))
                self.say()
            elif isinstance(output, ReportReady):
                self.say(t(self.locale, "conv.report_ready") + "\n")
                view = build_report_view(self.kb, output.report, self.locale)
                self.say(render("report.txt.j2", self.locale, r=view))
                self.say(write_report_files(self.kb, output.report, self.locale, self.advisor.store.db) or "")
            elif isinstance(output, Paused):
                self.say(t(self.locale, "console.saved"))
            elif isinstance(output, Notice):
                self.say(t(self.locale, f"notices.{output.key}"))
            elif isinstance(output, Menu):
                pass  # the console asks for the choice itself

    def event_for(self, line: str) -> Event | None:
        """A keyword's event; None for an answer or for quitting (see `wants_quit`)."""
        word = line.strip().lower()
        for name, event in (("back", Back()), ("skip", Skip()), ("why", Why())):
            if word in self.keywords[name]:
                return event
        return None

    def choose(self, resumable: bool, again: bool = False) -> bool:
        """Ask for quick (1), full (2) or resume (3); False when the owner leaves."""
        resume = t(self.locale, "console.choose_resume") if resumable else ""
        third = "buttons.resume" if resumable else "buttons_glance.recheck" if again else None
        for n, key in enumerate(("buttons.quick", "buttons.full", third), start=1):
            if key is not None:
                self.say(f"  {n}. {t(self.locale, key)}")
        while True:
            line = self.read(t(self.locale, "console.again") if again else t(self.locale, "console.choose",
                                                                               resume=resume))
            word = (line or "").strip().lower()
            if line is None or word in self.keywords["quit"] or (again and not word):
                return False
            if word in ("1", "2"):
                return self.begin("quick" if word == "1" else "full")
            if word == "3" and resumable:
                _, step = self.advisor.handle(self.user_id, Resume())
                self.show(step.outputs)
                return True
            if word == "3" and again:
                return self.recheck()
            self.say(t(self.locale, "console.unknown_choice" if third else "console.unknown_choice_two"))

    def begin(self, mode: str, focus: str | None = None) -> bool:
        """Start a check; over an open one, first a numbered choice: continue it, or discard it and start over."""
        _, step = self.advisor.begin(self.user_id, mode, focus)
        self.show(step.outputs)
        if not any(isinstance(o, ConfirmDiscard) for o in step.outputs):
            return True
        while True:
            line = self.read(t(self.locale, "console.discard_choice"))
            word = (line or "").strip().lower()
            if line is None or word in self.keywords["quit"]:
                return False
            if word in ("1", "2"):
                step = (self.advisor.handle(self.user_id, Resume())[1] if word == "1" else
                        self.advisor.begin(self.user_id, mode, focus, replace=True)[1])
                self.show(step.outputs)
                return True
            self.say(t(self.locale, "console.unknown_choice_two"))

    def recheck(self) -> bool:
        """Pick a dimension by number and re-check it; the others keep the last report's answers."""
        for n, dimension in enumerate(self.kb.dimensions, start=1):
            self.say(f"  {n}. {dimension.title(self.locale)}")
        while True:
            line = self.read(t(self.locale, "console.pick_dimension"))
            if line is None or line.strip().lower() in self.keywords["quit"]:
                return False
            word = line.strip()  # isdecimal: digits of any script ("٣"), never "²" nor 5,000 digits int() refuses
            if word.isdecimal() and len(word) <= 3 and 1 <= int(word) <= len(self.kb.dimensions):
                return self.begin("recheck", self.kb.dimensions[int(word) - 1].id)
            self.say(t(self.locale, "console.unknown_dimension", count=len(self.kb.dimensions)))

    def run(self) -> int:
        self.say(t(self.locale, "console.title"))
        self.say(t(self.locale, "conv.welcome"))
        self.say(t(self.locale, "console.hint"))
        show_due(self.advisor, self.user_id, self.locale, self.say)  # "2 reminders due: …"
        session = self.advisor.store.load_session(self.user_id)
        if session.stage == Stage.ASKING and session.has_open_check:
            _, step = self.advisor.handle(self.user_id, Resume())
            self.show(step.outputs)
        elif not self.choose(session.has_open_check, again=session.stage == Stage.REPORT):
            self.say(t(self.locale, "console.bye"))
            return 0
        while True:
            line = self.read()
            if line is None or line.strip().lower() in self.keywords["quit"]:
                self.say()
                self.say(t(self.locale, "console.saved"))
                return 0
            session, step = self.advisor.handle(self.user_id, self.event_for(line) or Answer(line))
            self.show(step.outputs)
            if session.stage == Stage.REPORT and not self.choose(False, again=True):
                self.say(t(self.locale, "console.bye"))
                return 0


def run_console(settings: Settings, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Run the console channel until the owner quits or the input ends."""
    store = Store(settings.db_path)
    try:
        advisor = Advisor(store, get_knowledge())
        return ConsoleChannel(advisor, settings.locale, stdin, stdout).run()
    except KeyboardInterrupt:
        stdout.write("\n" + t(settings.locale, "console.saved") + "\n")
        return 0
    finally:
        store.close()
