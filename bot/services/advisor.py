"""The one path every channel takes: load the session, step the conversation, commit, then reply."""

from __future__ import annotations

from bot.services.ports import SessionStore
from dialogs.conversation import Begin, Conversation, Event, Step
from dialogs.outputs import ReportReady
from dialogs.session import Session
from knowledge.model import KnowledgeBase
from knowledge.scoring import Report, assess


class Advisor:
    """Channel-agnostic application service over the store and the conversation."""

    def __init__(self, store: SessionStore, kb: KnowledgeBase) -> None:
        self.store = store
        self.kb = kb
        self.conversation = Conversation(kb)

    def handle(self, user_id: int, event: Event, update_id: int | None = None) -> tuple[Session, Step]:
        """Apply one event and commit everything it changed before the caller replies."""
        session = self.store.load_session(user_id)
        step = self.conversation.step(session, event)
        report = next((o.report for o in step.outputs if isinstance(o, ReportReady)), None)
        self.store.commit_step(user_id, session, step, report, update_id)
        return session, step

    def begin(self, user_id: int, mode: str, focus: str | None = None, update_id: int | None = None,
              replace: bool = False):
        """Start a check (over an open one only with `replace`); a re-check carries the last report's answers."""
        carried = {}
        if mode == "recheck":
            latest = self.store.latest_finished(user_id)
            carried = latest.answers if latest else {}
        return self.handle(user_id, Begin(mode, focus, carried, replace), update_id)

    def latest_report(self, user_id: int) -> Report | None:
        """The report of the owner's last finished check, scored with the current knowledge base."""
        latest = self.store.latest_finished(user_id)
        return assess(self.kb, latest.answers) if latest else None
