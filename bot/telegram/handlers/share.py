"""/share: the card to forward, a summary link, a partner invitation, the HTML report, the live links.

In a group, /share posts the member's card (bands only, never questions or figures) and points everyone to a
private chat. Only the owner manages their links: a revoke button names a link id and revokes only if it is theirs.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.services.sharing import LINK_DAYS
from bot.storage.store import User
from bot.telegram import callbacks
from bot.telegram.context import current_user, deps
from bot.telegram.delivery import reply_plain
from bot.telegram.handlers.partners import send_comparison
from bot.telegram.replies import Reply, line
from bot.telegram.share_common import CALLBACK, button, day, link_url, partners, private_url, radar, send_photo, sharing
from bot.views.render import render
from bot.views.report import build_report_view
from bot.views.share_card import card_text

MAX_LISTED = 8


def card_keyboard(user: User, figures: bool, compared: bool) -> InlineKeyboardMarkup:
    rows = [[button(user.locale, "figures_off" if figures else "figures_on", f"{CALLBACK}:fig")],
            [button(user.locale, "link", f"{CALLBACK}:link"), button(user.locale, "invite", f"{CALLBACK}:invite")],
            [button(user.locale, "html", f"{CALLBACK}:html")]]
    if compared:
        rows[-1].append(button(user.locale, "compare", f"{CALLBACK}:cmp"))
    return InlineKeyboardMarkup(rows)


def links_reply(context: ContextTypes.DEFAULT_TYPE, user: User) -> Reply:
    """The menu line and the owner's live links, a revoke button each."""
    links = list(sharing(context).links(user.id))[:MAX_LISTED]
    lines = [line(user.locale, "share.menu", days=LINK_DAYS), line(user.locale, "share.links_title" if links
                                                                   else "share.links_none")]
    lines += [line(user.locale, "share.link_line", number=n, kind=line(user.locale, f"share.kinds.{k.kind}"),
                   expires=day(k.expires), views=k.views) for n, k in enumerate(links, start=1)]
    buttons = [[button(user.locale, "revoke", f"{CALLBACK}:rev:{k.id}", number=n)] for n, k in enumerate(links, 1)]
    return Reply("\n".join(lines), InlineKeyboardMarkup(buttons) if buttons else None)


async def share(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The card (its photo's file_id kept for inline mode) and the links; `/share revoke` revokes them all."""
    user = current_user(update, context)
    d = deps(context)
    if context.args and context.args[0].lower() == "revoke":
        count = sharing(context).revoke(user.id)
        await reply_plain(update, context, user, Reply(line(user.locale, "share.revoked_all", count=count)))
        return
    report, latest = d.advisor.latest_report(user.id), d.store.latest_finished(user.id)
    if report is None or latest is None:
        await reply_plain(update, context, user, Reply(line(user.locale, "share.no_report")))
        return
    figures, _, _ = d.store.share_card(user.id)
    photo = await radar(context, [{x.id: x.score for x in report.dimensions}], user.locale)
    compared = bool(partners(context).comparisons(user.id))
    sent = await send_photo(context, update.effective_chat.id, photo, card_text(d.kb, report, user.locale, figures),
                            card_keyboard(user, figures, compared))
    if sent.photo:
        d.store.keep_card_file(user.id, str(latest.id), sent.photo[-1].file_id)
    await reply_plain(update, context, user, links_reply(context, user))


async def on_share_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = current_user(update, context)
    action, _, rest = query.data.removeprefix(f"{CALLBACK}:").partition(":")
    await query.answer()
    handler = {"fig": _toggle_figures, "link": _new_link, "invite": _new_link, "html": _html, "cmp": _comparisons,
               "rev": _revoke}.get(action)
    if handler is not None:
        await handler(update, context, user, action, rest)


async def _toggle_figures(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, *_: str) -> None:
    d = deps(context)
    report = d.advisor.latest_report(user.id)
    figures = not d.store.share_card(user.id)[0]
    d.store.set_share_figures(user.id, figures)
    card = update.callback_query.message
    if report is not None and isinstance(card, Message) and card.photo:  # a card gone (or no card): kept for the next
        compared = bool(partners(context).comparisons(user.id))
        await update.callback_query.edit_message_caption(card_text(d.kb, report, user.locale, figures),
                                                         parse_mode=ParseMode.HTML,
                                                         reply_markup=card_keyboard(user, figures, compared))


async def _new_link(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, action: str, _: str) -> None:
    if deps(context).store.latest_finished(user.id) is None:
        await reply_plain(update, context, user, Reply(line(user.locale, "share.no_report")))
        return
    kind = "view" if action == "link" else "invite"
    url = link_url(context, sharing(context).create(user.id, kind))
    key = "share.link_created" if kind == "view" else "share.invite_created"
    await reply_plain(update, context, user, Reply(line(user.locale, key, days=LINK_DAYS, url=url)))
    await reply_plain(update, context, user, links_reply(context, user))


async def _html(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, *_: str) -> None:
    d = deps(context)
    report = d.advisor.latest_report(user.id)
    if report is None:
        return
    page = render("report.html.j2", user.locale, r=build_report_view(d.kb, report, user.locale))
    await context.bot.send_document(update.effective_chat.id, InputFile(page.encode(), filename="report.html"),
                                    caption=line(user.locale, "share.html_caption"), parse_mode=ParseMode.HTML)


async def _comparisons(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, *_: str) -> None:
    found = partners(context).comparisons(user.id)
    if not found:
        await reply_plain(update, context, user, Reply(line(user.locale, "share.comparisons_none")))
    for comparison in found:
        await send_comparison(context, update.effective_chat.id, user.locale, comparison, "owner")


async def _revoke(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, _: str, link_id: str) -> None:
    done = callbacks.number(link_id) is not None and sharing(context).revoke(user.id, int(link_id)) == 1
    await reply_plain(update, context, user, Reply(line(user.locale, "share.revoked_one" if done
                                                        else "share.revoke_gone")))
    if done:
        await update.callback_query.edit_message_reply_markup(links_reply(context, user).keyboard)


async def share_in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The member's card without figures, and a button to a private chat; never a question."""
    user = current_user(update, context)
    d = deps(context)
    report = d.advisor.latest_report(user.id)
    keyboard = InlineKeyboardMarkup([[button(user.locale, "own_check", url=private_url(context))]])
    chat_id = update.effective_chat.id
    if report is None:
        await context.bot.send_message(chat_id, line(user.locale, "share.group_no_report"), parse_mode=ParseMode.HTML,
                                       reply_markup=keyboard)
        return
    photo = await radar(context, [{x.id: x.score for x in report.dimensions}], user.locale)
    caption = card_text(d.kb, report, user.locale, figures=False, audience="group")
    await send_photo(context, chat_id, photo, f"{caption}\n\n{line(user.locale, 'share.group_hint')}", keyboard)


def group_handlers() -> list:
    """Before groups.handlers(), which answer every other command in a group."""
    return [CommandHandler("share", share_in_group, filters=~filters.ChatType.PRIVATE)]


def handlers() -> list:
    return [CommandHandler("share", share, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(on_share_button, pattern=rf"^{CALLBACK}:")]
