"""Partner links opened: a read-only summary, or a blind assessment of the owner's company; then the comparison.

Every refusal (unknown, expired, revoked, malformed, or a user who sent too many bad ones) is the same sentence.
When a partner's assessment is finished, the hook after the main handlers sends both sides the comparison, and
marks it announced once both sends were confirmed; one a kill interrupted is sent again at the next start.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.services.partners import Comparison
from bot.services.ports import SharedLink
from bot.storage.shares import PartnerAssessment
from bot.storage.store import User
from bot.telegram import callbacks
from bot.telegram.context import CHANNEL, current_user, deps
from bot.telegram.delivery import deliver, reply_plain
from bot.telegram.processor import OwnerQueues
from bot.telegram.replies import Reply, line
from bot.telegram.sending import UserBlockedBot, send
from bot.telegram.share_common import button, partners, radar, send_photo, sharing
from bot.views.share_card import card_text, comparison_text

log = logging.getLogger(__name__)


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
    tie = service.tie(link.user_id, link.id)
    if tie is None or d.store.latest_finished(link.user_id) is None:
        await reply_plain(update, context, user, Reply(line(user.locale, "share.owner_gone")))
        return
    if d.store.load_session(user.id).has_open_check:
        await reply_plain(update, context, user, Reply(line(user.locale, "share.invite_busy")))
        return
    # one transaction: a kill cannot leave a started check that is not the partner's assessment
    session, step = d.advisor.begin(user.id, service.owner_mode(link.user_id), update_id=update.update_id,
                                    partner_of=tie)
    await reply_plain(update, context, user, Reply(line(user.locale, "share.invite_intro")))
    await deliver(update, context, user, session, step)


async def send_comparison(context: ContextTypes.DEFAULT_TYPE, chat_id: int, locale: str, comparison: Comparison,
                          viewer: str) -> None:
    """Both radars on one chart, then both scores and the gap per dimension."""
    photo = await radar(context, [comparison.scores("owner"), comparison.scores("partner")], locale)
    await send_photo(context, chat_id, photo, line(locale, f"share.compare_title_{viewer}", number=comparison.number))
    await send(context.bot, chat_id, Reply(comparison_text(deps(context).kb, comparison, locale, viewer)))


async def announce_comparisons(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After a partner's step: a partner assessment just finished, so both sides get the comparison.

    Only a check this process saw finish (`store.finished_here`) is looked at, so the other updates cost no
    read; what a stopped process left unannounced is sent at start-up (`announce_owed_comparisons`).
    """
    if update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE or not update.effective_user:
        return
    store = deps(context).store
    if not store.finished_here:  # nobody finished a check since the last look
        return
    external_id = str(update.effective_user.id)
    known = store.known_user(CHANNEL, external_id)
    if known is None or known[0] not in store.finished_here:
        return
    store.finished_here.discard(known[0])
    try:
        for check in store.finished_unannounced_of(external_id):
            await announce(context, check)
    except BaseException:
        store.finished_here.add(known[0])  # not announced: the partner's next update tries again
        raise


async def announce(context: ContextTypes.DEFAULT_TYPE, check: PartnerAssessment) -> bool:
    """Both sides' comparison, then the assessment marked announced: at least once, as a reminder is.

    Marked only once Telegram confirmed both sends, so a process killed in between sends it again after the
    restart (`announce_owed_comparisons`) instead of never; a side that blocked
    the bot, is gone or whose send Telegram refused is skipped. Run in the partner's turn, so two announcements
    never race.
    """
    store = deps(context).store
    comparison = partners(context).comparison(check.owner_id, check.assessment_id)
    if comparison is None:
        return False
    for user_id, viewer in ((check.partner_id, "partner"), (check.owner_id, "owner")):
        chat = store.telegram_chat_of(user_id)
        if chat is None:
            continue
        try:
            await send_comparison(context, chat[0], chat[1], comparison, viewer)
        except (Forbidden, UserBlockedBot):
            store.set_active(user_id, False)
        except BadRequest as error:  # refused for good: trying again would only repeat the other side's
            log.warning("comparison %s refused for user %s: %s", check.assessment_id, user_id, error)
    return store.claim_announcement(check.assessment_id)


async def announce_owed_comparisons(context: ContextTypes.DEFAULT_TYPE) -> int:
    """At start-up: the comparisons a stopped process had not finished announcing; how many were sent."""
    store, processor = deps(context).store, context.application.update_processor
    sent = 0
    for check in store.unannounced_comparisons():
        partner = store.telegram_chat_of(check.partner_id)
        turn = processor.owner(partner[0]) if partner and isinstance(processor, OwnerQueues) else \
            contextlib.nullcontext()
        async with turn:
            if any(c.assessment_id == check.assessment_id for c in store.finished_unannounced(check.partner_id)):
                try:
                    sent += await announce(context, check)
                except TelegramError as error:
                    log.warning("comparison %s not announced yet: %s", check.assessment_id, type(error).__name__)
    return sent


def schedule(application: Application) -> None:
    """At start-up (a one-off job, like the owed prompts'): what a stopped process had not finished announcing."""
    application.job_queue.run_once(announce_owed_comparisons, when=0, name="announce owed comparisons at start",
                                   job_kwargs={"misfire_grace_time": None})


def after_handlers() -> list:
    """For a group after the main one (before the update is marked seen)."""
    return [TypeHandler(Update, announce_comparisons)]
