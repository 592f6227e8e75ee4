"""stdin for the console that answers whatever question is waiting when the script says VALID."""

from __future__ import annotations

import io
from pathlib import Path

from bot.console.channel import CONSOLE_USER
from bot.storage.store import Store
from knowledge.loader import get_knowledge
from tests.support.typed import typed_number

KB = get_knowledge()
VALID = "\x00VALID\x00"  # the script's word for "a good answer to the question now waiting" ("3" at a menu)


class Script(io.StringIO):
    """stdin for the console: each VALID line becomes a good answer to the question waiting at that moment."""

    def __init__(self, lines: list[str], db: Path) -> None:
        super().__init__()
        self.lines = list(lines)
        self.db = db

    def readline(self, size: int | None = -1) -> str:
        if not self.lines:
            return ""
        line = self.lines.pop(0)
        return (self._valid() if line == VALID else line) + "\n"

    def _valid(self) -> str:
        store = Store(self.db)
        try:
            user = store.user(*CONSOLE_USER, "zh")
            question = KB.questions.get(store.load_session(user.id).current or "")
        finally:
            store.close()
        if question is None:  # a menu: the first, or the one after a report (3: re-check one dimension)
            return "3"
        return {"choice": "1", "number": typed_number(KB, question, "5"), "text": "附近的上班族"}[question.kind]
