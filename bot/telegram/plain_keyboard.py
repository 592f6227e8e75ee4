"""Inline keyboards of callback buttons kept as plain rows, sent as the JSON Telegram reads.

PTB makes each button a frozen `TelegramObject` and turns it back into a dict on every send: about 0.3 ms
for a question's eight buttons on this project's CI machine (timed on their own), and a question
keyboard is made for every answer. The conversation's keyboards are therefore plain rows; `bot.telegram.sending`
passes them in `api_kwargs` (PTB's documented way to send parameters as they are), and `markup()` gives PTB's
object wherever one is wanted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

Row = tuple[tuple[str, str], ...]  # (label, callback data) of each button in a row


@dataclass(frozen=True, slots=True)
class PlainKeyboard:
    rows: tuple[Row, ...]

    def wire(self) -> dict[str, Any]:
        """The keyboard as the Bot API's `reply_markup` parameter."""
        return {"inline_keyboard": [[{"text": label, "callback_data": data} for label, data in row]
                                    for row in self.rows]}

    def markup(self) -> InlineKeyboardMarkup:
        """The same keyboard as PTB's object."""
        return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                     for row in self.rows])
