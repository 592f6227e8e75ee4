"""What the services need from storage, as protocols: the services never import the store itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol

from dialogs.conversation import Step
from dialogs.session import Session
from knowledge.scoring import Report


class FinishedCheck(Protocol):
    """A finished assessment as the services read it back."""

    answers: dict[str, Any]


Outcome = Literal["committed", "stale", "duplicate"]


class SessionStore(Protocol):
    """Sessions, committed steps and finished checks of one user."""

    def load_session(self, user_id: int) -> Session: ...

    def commit_step(self, user_id: int, session: Session, step: Step, report: Report | None = None,
                    update_id: int | None = None, expected_seq: int | None = None,
                    owed: int | None = None, partner_of: tuple[int, int, int] | None = None) -> Outcome:
        """One transaction (a partner's new assessment tied to `partner_of`'s owner, company and link in it);
        "stale" when the stored step counter is not `expected_seq`, "duplicate" when `update_id` was already
        claimed; nothing is stored in either case."""

    def latest_finished(self, user_id: int) -> FinishedCheck | None: ...


class KeptCheck(Protocol):
    """A finished check's stored report (bot/storage/reports.py): history and export never score it again."""

    assessment_id: int
    finished: str
    mode: str
    focus: str | None
    kb_version: str
    report: dict[str, Any]


class ChosenAction(Protocol):
    """A focus action the owner chose: open, done or dropped."""

    id: int
    action: str
    dimension: str
    assessment_id: int | None
    chosen: str
    status: str
    closed: str | None


class HistoryStore(Protocol):
    """The kept reports and the chosen actions of one user."""

    def kept_reports(self, user_id: int) -> Sequence[KeptCheck]: ...

    def latest_kept_report(self, user_id: int) -> KeptCheck | None: ...

    def focus_actions(self, user_id: int) -> Sequence[ChosenAction]: ...


class ActionStore(HistoryStore, Protocol):
    """Choosing and closing focus actions; at most three open, enforced in one transaction."""

    def choose_action(self, user_id: int, action: str, dimension: str, assessment_id: int | None) -> str: ...

    def close_action(self, user_id: int, row_id: int, status: str) -> bool: ...


class ExportStore(HistoryStore, Protocol):
    """Every row stored about a user, by table."""

    def user_rows(self, user_id: int) -> dict[str, list[dict[str, Any]]]: ...


class ReminderSettings(Protocol):
    """An owner's stored reminder slot (bot/storage/reminders.py)."""

    frequency: str
    hour: int
    minute: int
    weekday: int
    day: int
    timezone: str | None
    quiet_start: int | None
    quiet_end: int | None
    next_due: int | None
    last_key: str | None
    suspended: bool
    proposed: bool
    awaiting: str | None
    awaiting_until: int | None


class ReminderStore(ActionStore, Protocol):
    """Reminder slots, when each reminder was sent, and the checks their content comes from."""

    def reminder(self, user_id: int) -> ReminderSettings | None: ...

    def save_reminder(self, user_id: int, settings: dict[str, Any], next_due: int | None,
                      proposed: bool = False) -> None: ...

    def snooze(self, user_id: int, until: int) -> bool: ...

    def reminder_history(self, user_id: int) -> dict[str, int]: ...

    def note_sent(self, user_id: int, keys: list[str], sent: int) -> None: ...

    def set_awaiting(self, user_id: int, question: str | None, until: int | None) -> None: ...

    def awaiting_of(self, channel: str, external_id: str) -> tuple[str, int | None] | None: ...

    def resume_reminders(self, user_id: int, next_due: int | None) -> None: ...

    def load_session(self, user_id: int) -> Session: ...

    def latest_finished(self, user_id: int) -> FinishedCheck | None: ...

    def keep_updated_check(self, user_id: int, dimension: str, answers: dict[str, Any], report: Report) -> int: ...


class SharedLink(Protocol):
    """A partner link as stored (bot/storage/shares.py): never the token, only its hash."""

    id: int
    user_id: int
    kind: str
    created: int
    expires: int
    revoked: int | None
    views: int


class PartnerCheck(Protocol):
    """A partner's blind assessment of an owner's company."""

    assessment_id: int
    partner_id: int
    owner_id: int
    finished: bool


class ShareStore(Protocol):
    """Partner links, the share card's settings, and partners' assessments."""

    def add_share_link(self, user_id: int, kind: str, token_hash: str, created: int, expires: int) -> int: ...

    def share_link_by_hash(self, token_hash: str) -> SharedLink | None: ...

    def count_share_view(self, link_id: int, at: int) -> None: ...

    def live_share_links(self, user_id: int, at: int) -> Sequence[SharedLink]: ...

    def revoke_share_links(self, user_id: int, at: int, link_id: int | None = None) -> int: ...

    def owner_company(self, user_id: int) -> int | None: ...

    def add_partner_assessment(self, assessment_id: int, partner_id: int, owner_id: int, company_id: int,
                               link_id: int) -> None: ...

    def partner_assessments(self, owner_id: int) -> Sequence[PartnerCheck]: ...

    def answers(self, assessment_id: int) -> dict[str, Any]: ...

    def latest_finished(self, user_id: int) -> FinishedCheck | None: ...
