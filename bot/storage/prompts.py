"""Prompts: the Telegram message that shows a user's current question (edited in place), and owed prompts.

A prompt is owed from the transaction that committed its step (`CheckRecords.commit_step`) until the
channel confirms it was sent (`prompt_delivered`); whatever is still owed at start-up is sent again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True, slots=True)
class OwedPrompt:
    user_id: int
    external_id: str  # the Telegram user id, which is also their private chat's id
    seq: int  # the step whose prompt is owed
    locale: str


class PromptRecords:
    """Reads and writes of the telegram_prompts and owed_prompts tables."""

    db: Database

    def prompt_message(self, user_id: int) -> tuple[int, int] | None:
        """(chat id, message id) of the message showing this user's current question."""
        row = self.db.execute("SELECT chat_id, message_id FROM telegram_prompts WHERE user_id = ?",
                              [user_id]).fetchone()
        return (row[0], row[1]) if row else None

    def set_prompt_message(self, user_id: int, chat_id: int, message_id: int | None) -> None:
        with self.db.atomic():
            if message_id is None:
                self.db.execute("DELETE FROM telegram_prompts WHERE user_id = ?", [user_id])
            else:
                self.db.execute("INSERT OR REPLACE INTO telegram_prompts (user_id, chat_id, message_id)"
                                " VALUES (?, ?, ?)", [user_id, chat_id, message_id])

    def owed_prompt(self, user_id: int) -> int | None:
        """The step whose prompt this user is owed, if any."""
        row = self.db.execute("SELECT seq FROM owed_prompts WHERE user_id = ?", [user_id]).fetchone()
        return row[0] if row else None

    def owed_prompts(self, channel: str) -> list[OwedPrompt]:
        """Every prompt still owed to an active user of `channel`, oldest first."""
        rows = self.db.execute(
            "SELECT o.user_id, u.external_id, o.seq, u.locale FROM owed_prompts o JOIN users u ON u.id = o.user_id"
            " WHERE u.channel = ? AND u.active = 1 ORDER BY o.since, o.user_id", [channel])
        return [OwedPrompt(*row) for row in rows]

    def prompt_delivered(self, user_id: int, seq: int, shown_in: tuple[int, int | None] | None = None) -> None:
        """The prompt of step `seq` was confirmed sent: neither it nor an older one is owed any more.

        `shown_in`, when given, is (chat id, message id) of the message now showing the question (None: no
        question is shown), recorded in the same transaction as `set_prompt_message` would.
        """
        with self.db.atomic():
            if shown_in is not None:
                self.set_prompt_message(user_id, *shown_in)
            self.db.execute("DELETE FROM owed_prompts WHERE user_id = ? AND seq <= ?", [user_id, seq])
