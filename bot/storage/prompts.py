"""The Telegram message that shows a user's current question, so it can be edited in place."""

from __future__ import annotations

from sqlite_utils import Database


class PromptRecords:
    """Reads and writes of the telegram_prompts table."""

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
