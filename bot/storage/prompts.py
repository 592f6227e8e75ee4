"""Prompts: the Telegram message that shows a user's current question (edited in place), and owed prompts.

A prompt is owed from the transaction that committed its step (`CheckRecords.commit_step`) until the
channel confirms it was sent (`prompt_delivered`); whatever is still owed at start-up is sent again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.storage.connection import GuardedDatabase
from bot.storage.faults import StorageError
from bot.storage.group_commit import GroupCommit

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OwedPrompt:
    user_id: int
    external_id: str  # the Telegram user id, which is also their private chat's id
    seq: int  # the step whose prompt is owed
    locale: str


Delivered = tuple[int, int, tuple[int, int | None] | None]  # prompt_delivered's (user id, seq, shown_in)


class PromptRecords:
    """Reads and writes of the telegram_prompts and owed_prompts tables."""

    db: GuardedDatabase
    group_commit: GroupCommit | None
    delivered: list[Delivered]  # confirmed sends not written yet, oldest first (see prompt_delivered)
    _delivery_flush: tuple[asyncio.Handle, asyncio.AbstractEventLoop] | None  # the write scheduled, on which loop

    def prompt_message(self, user_id: int) -> tuple[int, int] | None:
        """(chat id, message id) of the message showing this user's current question."""
        self.write_delivered()
        row = self.db.execute("SELECT chat_id, message_id FROM telegram_prompts WHERE user_id = ?",
                              [user_id]).fetchone()
        return (row[0], row[1]) if row else None

    def set_prompt_message(self, user_id: int, chat_id: int, message_id: int | None) -> None:
        with self.db.atomic():
            self._show_prompt(user_id, chat_id, message_id)

    def _show_prompt(self, user_id: int, chat_id: int, message_id: int | None) -> None:
        if message_id is None:
            self.db.execute("DELETE FROM telegram_prompts WHERE user_id = ?", [user_id])
        else:
            self.db.execute("INSERT OR REPLACE INTO telegram_prompts (user_id, chat_id, message_id)"
                            " VALUES (?, ?, ?)", [user_id, chat_id, message_id])

    def owed_prompt(self, user_id: int) -> int | None:
        """The step whose prompt this user is owed, if any."""
        self.write_delivered()
        row = self.db.execute("SELECT seq FROM owed_prompts WHERE user_id = ?", [user_id]).fetchone()
        return row[0] if row else None

    def owed_prompts(self, channel: str) -> list[OwedPrompt]:
        """Every prompt still owed to an active user of `channel`, oldest first."""
        self.write_delivered()
        rows = self.db.execute(
            "SELECT o.user_id, u.external_id, o.seq, u.locale FROM owed_prompts o JOIN users u ON u.id = o.user_id"
            " WHERE u.channel = ? AND u.active = 1 ORDER BY o.since, o.user_id", [channel])
        return [OwedPrompt(*row) for row in rows]

    def prompt_delivered(self, user_id: int, seq: int, shown_in: tuple[int, int | None] | None = None) -> None:
        """The prompt of step `seq` was confirmed sent: neither it nor an older one is owed any more.

        `shown_in`, when given, is (chat id, message id) of the message now showing the question (None: no
        question is shown), recorded as `set_prompt_message` would.

        In the bot (group commit, an event loop running) this is written by the next write transaction of
        anyone, or at the end of the loop's turn if none comes first, rather than by a transaction of its
        own: one fewer commit per answer. Every read of these tables writes what waits first, so none reads
        the prompt as still owed; a kill in between leaves it owed, and it is sent again after the restart,
        as after a kill just before this call.
        """
        loop = _running_loop() if self.group_commit is not None else None
        if loop is None:
            with self.db.atomic():
                self._write_delivered([(user_id, seq, shown_in)])
            return
        self.delivered.append((user_id, seq, shown_in))
        if self.db.riders is None:
            self.db.riders = self._ride_along
        if self._delivery_flush is None or self._delivery_flush[1] is not loop:
            self._delivery_flush = (loop.call_soon(self._flush_delivered), loop)

    def write_delivered(self) -> None:
        """Write every confirmed send still waiting (see prompt_delivered); nothing to do most of the time."""
        if self.delivered:
            with self.db.atomic():
                pass  # the transaction's riders write them

    def _ride_along(self) -> Callable[[], None] | None:
        if not self.delivered:
            return None
        riding = len(self.delivered)
        self._write_delivered(self.delivered[:riding])

        def committed() -> None:
            del self.delivered[:riding]

        return committed

    def _flush_delivered(self) -> None:
        self._delivery_flush = None
        try:
            self.write_delivered()
        except StorageError as error:  # kept: the next transaction raises the fault where it can be reported
            log.warning("could not record delivered prompts yet: %s", error.fault.value)

    def _write_delivered(self, delivered: list[Delivered]) -> None:
        for user_id, seq, shown_in in delivered:
            if shown_in is not None:
                self._show_prompt(user_id, *shown_in)
            self.db.execute("DELETE FROM owed_prompts WHERE user_id = ? AND seq <= ?", [user_id, seq])


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
