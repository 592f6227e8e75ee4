"""The one path every channel takes: load the session, step the conversation, commit, then reply."""

from __future__ import annotations

from bot.services.ports import SessionStore
from dialogs.conversation import Begin, Conversation, Event, Step
from dialogs.machine import Stage
from dialogs.outputs import Ask, Output, Reask, ReportReady
from dialogs.session import Session
from knowledge.model import KnowledgeBase
from knowledge.scoring import Report, assess

PROMPTS = (Ask, Reask, ReportReady)  # what the owner needs in order to go on: owed until it is sent


class StaleStep(Exception):
    """The event was meant for an earlier step (an older question): nothing was applied."""


class DuplicateUpdate(Exception):
    """The update behind the event was already applied once: nothing was applied again."""


class Advisor:
    """Channel-agnostic application service over the store and the conversation.

    With `owes_prompts`, a step that shows a question or the report records it as owed in the step's
    transaction; the channel clears it once the send is confirmed and sends it again after a failure.
    """

    def __init__(self, store: SessionStore, kb: KnowledgeBase, owes_prompts: bool = False) -> None:
        self.store = store
        self.kb = kb
        self.conversation = Conversation(kb)
        self.owes_prompts = owes_prompts

    def handle(self, user_id: int, event: Event, update_id: int | None = None,
               expected_seq: int | None = None, session: Session | None = None,
               partner_of: tuple[int, int, int] | None = None) -> tuple[Session, Step]:
        """Apply one event and commit everything it changed before the caller replies.

        `session` is the owner's session as the caller just read it, if it did (stepped in place); the commit
        is a compare-and-swap on its step counter all the same: StaleStep when the session is no
        longer at `expected_seq` (or moved on while this step was computed), DuplicateUpdate when
        `update_id` was already applied. In both cases nothing is stored.
        """
        session = session if session is not None else self.store.load_session(user_id)
        read_seq = session.seq
        if expected_seq is not None and expected_seq != read_seq:
            raise StaleStep(f"step {expected_seq} is gone; the session is at {read_seq}")
        step = self.conversation.step(session, event)
        report = next((o.report for o in step.outputs if isinstance(o, ReportReady)), None)
        owed = session.seq if self.owes_prompts and any(isinstance(o, PROMPTS) for o in step.outputs) else None
        outcome = self.store.commit_step(user_id, session, step, report, update_id, read_seq, owed, partner_of)
        if outcome == "stale":
            raise StaleStep(f"the session moved on from step {read_seq} while this step was computed")
        if outcome == "duplicate":
            raise DuplicateUpdate(f"update {update_id} was already applied")
        return session, step

    def begin(self, user_id: int, mode: str, focus: str | None = None, update_id: int | None = None,
              replace: bool = False, partner_of: tuple[int, int, int] | None = None):
        """Start a check (over an open one only with `replace`); a re-check carries the last report's answers.

        `partner_of`: the check is a partner's assessment of (owner id, company id, share link id).
        """
        carried = {}
        if mode == "recheck":
            latest = self.store.latest_finished(user_id)
            carried = latest.answers if latest else {}
        return self.handle(user_id, Begin(mode, focus, carried, replace), update_id, partner_of=partner_of)

    def latest_report(self, user_id: int) -> Report | None:
        """The report of the owner's last finished check, scored with the current knowledge base."""
        latest = self.store.latest_finished(user_id)
        return assess(self.kb, latest.answers) if latest else None

    def pending_prompt(self, user_id: int) -> tuple[Session, list[Output]]:
        """What the owner needs to go on, read without changing anything: the waiting question, or the report."""
        session = self.store.load_session(user_id)
        if session.stage == Stage.ASKING and session.current is not None:
            return session, [self.conversation.ask_output(session)]
        if session.stage == Stage.REPORT:
            report = self.latest_report(user_id)
            return session, [ReportReady(report)] if report is not None else []
        return session, []
