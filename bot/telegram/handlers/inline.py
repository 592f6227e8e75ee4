"""Inline mode: "@bot" in any chat offers the owner's latest card, with a button that opens a summary link.

The card is the photo Telegram already holds (the file_id it returned when /share first sent it); before that, an
article with the same summary. A user without a report gets a result inviting them to start one.
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes, InlineQueryHandler

from bot.telegram.context import current_user, deps
from bot.telegram.share_common import button, link_url, private_url, sharing
from bot.views.i18n import t
from bot.views.share_card import card_text


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = current_user(update, context)
    d = deps(context)
    report, latest = d.advisor.latest_report(user.id), d.store.latest_finished(user.id)
    locale = user.locale
    if report is None or latest is None:
        keyboard = InlineKeyboardMarkup([[button(locale, "start_bot", url=private_url(context))]])
        result = InlineQueryResultArticle(
            "start", t(locale, "share.inline_none_title"),
            InputTextMessageContent(t(locale, "share.inline_none_text")),
            description=t(locale, "share.inline_none_description"), reply_markup=keyboard)
    else:
        url = link_url(context, sharing(context).inline_payload(user.id))
        keyboard = InlineKeyboardMarkup([[button(locale, "open_link", url=url)]])
        figures, key, file_id = d.store.share_card(user.id)
        text = card_text(d.kb, report, locale, figures, audience="inline")
        if file_id and key == str(latest.id):
            result = InlineQueryResultCachedPhoto(f"card-{latest.id}", file_id, caption=text,
                                                  parse_mode=ParseMode.HTML, reply_markup=keyboard)
        else:
            result = InlineQueryResultArticle(
                f"summary-{latest.id}", t(locale, "share.inline_title"),
                InputTextMessageContent(text, parse_mode=ParseMode.HTML),
                description=t(locale, "share.inline_description"), reply_markup=keyboard)
    await update.inline_query.answer([result], cache_time=0, is_personal=True)


def handlers() -> list:
    return [InlineQueryHandler(on_inline_query)]
