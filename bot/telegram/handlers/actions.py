"""/actions: pick up to three focus actions from the latest report, then mark each done or dropped."""

from __future__ import annotations

from datetime import tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services.actions import ActionPlanService
from bot.storage.store import User
from bot.telegram import callbacks
from bot.telegram.context import current_user, deps
from bot.telegram.delivery import reply_plain
from bot.telegram.reminder_jobs import owner_zone
from bot.telegram.replies import Reply, line, menu_keyboard
from bot.telegram.sending import UserBlockedBot, edit_or_send
from bot.views.history import actions_text
from bot.views.i18n import t
from knowledge.model import KnowledgeBase

ACTIONS = "x"  # x:c:<action id> choose | x:d:<row> done | x:x:<row> drop
RECENTLY_CLOSED = 3
NOTICES = {"chosen": "actions.chosen", "already": "actions.already", "full": "actions.is_full",
           "unknown": "actions.unknown", "done": "actions.closed_done", "dropped": "actions.closed_dropped"}


def _plan(context: ContextTypes.DEFAULT_TYPE) -> ActionPlanService:
    d = deps(context)
    return ActionPlanService(d.store, d.kb)


def _title(kb: KnowledgeBase, action: str, locale: str) -> str:
    return kb.actions[action].title(locale)


def _screen(kb: KnowledgeBase, plan: ActionPlanService, user: User, notice: str = "",
            zone: tzinfo | None = None) -> Reply | None:
    """The plan and its buttons, dated in `zone` (the owner's); None when there is no report to choose from."""
    latest, candidates = plan.candidates(user.id)
    if latest is None:
        return None
    rows = plan.store.focus_actions(user.id)
    open_actions = [a for a in rows if a.status == "open"]
    closed = sorted((a for a in rows if a.status != "open"), key=lambda a: a.closed or "")[-RECENTLY_CLOSED:]
    shown = candidates if len(open_actions) < 3 else []
    buttons = []
    for a in open_actions:
        title = _title(kb, a.action, user.locale)
        buttons.append([InlineKeyboardButton(t(user.locale, "buttons_actions.done", title=title),
                                             callback_data=callbacks.pack(ACTIONS, "d", a.id))])
        buttons.append([InlineKeyboardButton(t(user.locale, "buttons_actions.drop", title=title),
                                             callback_data=callbacks.pack(ACTIONS, "x", a.id))])
    for c in shown:
        buttons.append([InlineKeyboardButton(t(user.locale, "buttons_actions.choose",
                                               title=_title(kb, c.action, user.locale)),
                                             callback_data=callbacks.pack(ACTIONS, "c", c.action))])
    text = actions_text(kb, open_actions, closed, shown, user.locale, notice, zone)
    return Reply(text, InlineKeyboardMarkup(buttons) if buttons else None)


async def show_actions(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """The action plan as a new message."""
    d = deps(context)
    screen = _screen(d.kb, _plan(context), user, zone=owner_zone(context.application, user.id))
    if screen is None:
        open_check = d.advisor.conversation.open_summary(d.store.load_session(user.id))
        screen = Reply(line(user.locale, "actions.no_report"), menu_keyboard(user.locale, open_check))
    await reply_plain(update, context, user, screen)


async def actions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/actions: the open focus actions and the recommendations to choose from."""
    await show_actions(update, context, current_user(update, context))


async def on_action_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Choose, finish or drop one action, then show the plan again in the same message."""
    query = update.callback_query
    user = current_user(update, context)
    plan = _plan(context)
    parts = (query.data or "").split(callbacks.SEPARATOR)
    kind, arg = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
    if kind == "c":
        outcome = plan.choose(user.id, arg)
    elif kind in ("d", "x") and callbacks.number(arg) is not None:
        status = "done" if kind == "d" else "dropped"
        outcome = status if plan.close(user.id, int(arg), status) else "unknown"
    else:
        await query.answer(t(user.locale, "tg.unknown_button"))
        return
    notice = t(user.locale, NOTICES[outcome])
    await query.answer(notice)
    screen = _screen(deps(context).kb, plan, user, notice, owner_zone(context.application, user.id))
    tapped = query.message if isinstance(query.message, Message) else None
    if screen is None or tapped is None:
        return
    try:
        await edit_or_send(context.bot, tapped.chat_id, tapped.message_id, screen)
    except UserBlockedBot:
        deps(context).store.set_active(user.id, False)


def handlers() -> list:
    return [
        CommandHandler("actions", actions),
        CallbackQueryHandler(on_action_button, pattern=rf"^{ACTIONS}{callbacks.SEPARATOR}"),
    ]
