"""Partner links opened: a read-only summary, or a blind assessment of the owner's company; then the comparison.

Every refusal (unknown, expired, revoked, malformed, or a user who sent too many bad ones) is the same sentence.
When a partner's assessment is finished, the hook after the main handlers sends both sides the comparison once.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes, TypeHandler

from bot.services.partners import Comparison
from bot.services.ports import SharedLink
from bot.storage.store import User
from bot.telegram import callbacks
from bot.telegram.context import current_user, deps
from bot.telegram.delivery import deliver, reply_plain
from bot.telegram.replies import Reply, line
from bot.telegram.sending import send
from bot.telegram.share_common import button, partners, radar, send_photo, sharing
from bot.views.share_card import card_text, comparison_text


async def open_payload(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> None:
    """A /start payload that is not one of the built-in ones: a partner link, or the one polite refusal."""
    user = current_user(update, context)
    link = sharing(context).open(str(update.effective_user.id), payload)
    if link is None:
        await reply_plain(update, context, user, Reply(line(user.locale, "share.not_found")))
    elif link.kind == "view":
        await _show_summary(update, context, user, link)
    else:
        await _begin_partner_check(update, context, user, link)


async def _show_summary(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, link: SharedLink) -> None:
    """The owner's card in the partner's language, with a button to run their own check."""
    d = deps(context)
    report = d.advisor.latest_report(link.user_id)
    if report is None:
        await reply_plain(update, context, user, Reply(line(user.locale, "share.not_found")))
        return
    figures = d.store.share_card(link.user_id)[0]
    keyboard = InlineKeyboardMarkup([[button(user.locale, "own_check", callbacks.pack(callbacks.MENU, "quick"))]])
    photo = await radar(context, [{x.id: x.score for x in report.dimensions}], user.locale)
    await send_photo(context, update.effective_chat.id, photo,
                     card_text(d.kb, report, user.locale, figures, audience="partner"), keyboard)


async def _begin_partner_check(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User,
                               link: SharedLink) -> None:
    """The same questions the owner answered, about the owner's company, in the partner's own assessment."""
    d = deps(context)
    service = partners(context)
    if link.user_id == user.id:
        await reply_plain(update, context, user, Reply(line(user.locale, "share.invite_own")))
        return
    if d.store.latest_finished(link.user_id) is None:
        await reply_plain(update, context, user, Reply(line(user.locale, "share.owner_gone")))
        return
    if d.store.load_session(user.id).has_open_check:
        await reply_plain(update, context, user, Reply(line(user.locale, "share.invite_busy")))
        return
    session, step = d.advisor.begin(user.id, service.owner_mode(link.user_id), update_id=update.update_id)
    service.record(session.assessment_id, user.id, link.user_id, link.id)
    await reply_plain(update, context, user, Reply(line(user.locale, "share.invite_intro")))
    await deliver(update, context, user, session, step)


async def send_comparison(context: ContextTypes.DEFAULT_TYPE, chat_id: int, locale: str, comparison: Comparison,
                          viewer: str) -> None:
    """Both radars on one chart, then both scores and the gap per dimension."""
    photo = await radar(context, [comparison.scores("owner"), comparison.scores("partner")], locale)
    await send_photo(context, chat_id, photo, line(locale, f"share.compare_title_{viewer}", number=comparison.number))
    await send(context.bot, chat_id, Reply(comparison_text(deps(context).kb, comparison, locale, viewer)))


async def announce_comparisons(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After a partner's step: a partner assessment just finished, so both sides get the comparison, once."""
    if update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE or not update.effective_user:
        return
    store = deps(context).store
    user_id = store.telegram_user_id(str(update.effective_user.id))  # never re-creates a forgotten user
    if user_id is None:
        return
    for check in store.finished_unannounced(user_id):
        comparison = partners(context).comparison(check.owner_id, check.assessment_id)
        if comparison is None or not store.claim_announcement(check.assessment_id):
            continue
        partner = store.telegram_chat_of(user_id)
        if partner is not None:
            await send_comparison(context, partner[0], partner[1], comparison, "partner")
        owner = store.telegram_chat_of(check.owner_id)
        if owner is not None:
            await send_comparison(context, owner[0], owner[1], comparison, "owner")


def after_handlers() -> list:
    """For a group after the main one (before the update is marked seen)."""
    return [TypeHandler(Update, announce_comparisons)]
