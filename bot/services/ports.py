"""What the services need from storage, as protocols: the services never import the store itself."""

from __future__ import annotations

from typing import Any, Protocol

from dialogs.conversation import Step
from dialogs.session import Session
from knowledge.scoring import Report


class FinishedCheck(Protocol):
    """A finished assessment as the services read it back."""

    answers: dict[str, Any]


class SessionStore(Protocol):
    """Sessions, committed steps and finished checks of one user."""

    def load_session(self, user_id: int) -> Session: ...

    def commit_step(self, user_id: int, session: Session, step: Step, report: Report | None = None,
                    update_id: int | None = None) -> None: ...

    def latest_finished(self, user_id: int) -> FinishedCheck | None: ...
