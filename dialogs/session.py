"""One owner's conversation as plain JSON-able data: stage, mode, position and answers."""

from __future__ import annotations

from typing import Any

from dialogs.machine import Stage

SESSION_VERSION = 1
DATA_FIELDS = frozenset(
    ("stage", "mode", "focus", "answers", "carried", "asked", "current", "assessment_id", "seq", "pending", "version")
)
MODES = ("quick", "full", "recheck")


class Session:
    """The model the shared machine moves (never attached to it), saved as JSON after each step."""

    def __init__(
        self,
        stage: Stage | str = Stage.IDLE,
        mode: str | None = None,
        focus: str | None = None,
        answers: dict[str, Any] | None = None,
        carried: dict[str, Any] | None = None,
        asked: list[str] | None = None,
        current: str | None = None,
        assessment_id: int | None = None,
        seq: int = 0,
        pending: dict[str, Any] | None = None,
        version: int = SESSION_VERSION,
    ) -> None:
        self.stage = Stage(stage)
        self.mode = mode  # quick, full or recheck
        self.focus = focus  # the dimension a re-check covers
        self.answers = dict(answers or {})  # question id -> option id, number or text
        self.carried = dict(carried or {})  # a re-check's answers for the other dimensions, from the last report
        self.asked = list(asked or [])  # questions answered or skipped, in order: the path `back` walks
        self.current = current  # the question waiting for an answer
        self.assessment_id = assessment_id  # the stored assessment this check writes to
        self.seq = seq  # bumped whenever the question moves on, so a button from an older one is recognised
        self.pending = dict(pending) if pending else None  # {"question", "value", "kind"}: waiting for "55%?"
        self.version = version

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "stage": str(self.stage),
            "mode": self.mode,
            "focus": self.focus,
            "answers": dict(self.answers),
            "carried": dict(self.carried),
            "asked": list(self.asked),
            "current": self.current,
            "assessment_id": self.assessment_id,
            "seq": self.seq,
            "pending": dict(self.pending) if self.pending else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        """Rebuild a saved session; unknown keys from a newer version are ignored."""
        return cls(**{k: data[k] for k in DATA_FIELDS if k in data})

    @property
    def has_open_check(self) -> bool:
        """A check was started, not finished, and has a question waiting."""
        return self.mode is not None and self.current is not None and self.stage != Stage.REPORT

    # Conditions of the machine's table: each reads the Facts the conversation passes with the trigger.
    def dimension_done(self, facts: Any) -> bool:
        return facts.dimension_done

    def plan_done(self, facts: Any) -> bool:
        return facts.plan_done

    def can_go_back(self, facts: Any) -> bool:
        return facts.can_go_back

    def __repr__(self) -> str:
        return f"Session(stage={self.stage!s}, mode={self.mode}, current={self.current}, answers={len(self.answers)})"
