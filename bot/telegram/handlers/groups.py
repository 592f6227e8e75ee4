"""Group chats: the check runs in private chats only, so no question or report is ever posted to a group.

In a group the bot answers its own commands, and only those ("/help@OtherBot" is another bot's), with a
"continue in private" deep link (``https://t.me/<bot>?start=<payload>``); it ignores everything else. A member
who taps a button under a message meant for someone else is told it is not theirs. These handlers come first.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.telegram.handlers.start import START_PAYLOADS, addressed_to_us
from bot.telegram.replies import line
from bot.views.i18n import t, telegram_locale

DEFAULT_PAYLOAD = "group"  # /start with a payload that starts nothing: the welcome


def deep_link(username: str, command: str) -> str:
    """The private chat with the bot, starting what the group command asked for."""
    payload = command if command in START_PAYLOADS else DEFAULT_PAYLOAD
    return f"https://t.me/{username}?start={payload}"


def _command(text: str) -> str:
    return text.split(maxsplit=1)[0][1:].partition("@")[0].lower()


async def on_group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Our own command in a group: point to the private chat. Anything else in a group: nothing."""
    message = update.message
    text = (message.text or "") if message is not None else ""
    if message is None or not text.startswith("/") or not addressed_to_us(update, context):
        return
    sender = update.effective_user
    locale = telegram_locale(sender.language_code if sender else None)
    button = InlineKeyboardButton(t(locale, "buttons.private"), url=deep_link(context.bot.username, _command(text)))
    quote = ReplyParameters(message.message_id, allow_sending_without_reply=True)  # the command may be gone
    await message.reply_text(line(locale, "conv.group_private"), parse_mode=ParseMode.HTML,
                             reply_markup=InlineKeyboardMarkup([[button]]), reply_parameters=quote)


class GroupButtonHandler(CallbackQueryHandler):
    """Any button under a message in a group or channel (never a question: those live in private chats)."""

    def check_update(self, update: object) -> bool | object | None:
        query = update.callback_query if isinstance(update, Update) else None
        message = query.message if query is not None else None
        if message is None or message.chat.type == ChatType.PRIVATE:
            return None
        return super().check_update(update)


async def on_group_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The member the message answered is pointed to the private chat; anyone else is told it is not theirs."""
    query = update.callback_query
    locale = telegram_locale(query.from_user.language_code)
    replied = getattr(query.message, "reply_to_message", None)
    owner = replied.from_user.id if replied is not None and replied.from_user is not None else None
    await query.answer(t(locale, "conv.group_private" if owner == query.from_user.id else "tg.not_yours"))


def handlers() -> list:
    return [
        MessageHandler(~filters.ChatType.PRIVATE, on_group_message),
        GroupButtonHandler(on_group_button),
    ]
