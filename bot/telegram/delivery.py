"""Send a step's replies to Telegram: question messages edited in place, stale keyboards removed."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.storage.store import User
from bot.telegram.context import deps
from bot.telegram.replies import Reply, replies_for
from bot.telegram.sending import UserBlockedBot, drop_keyboard, edit_or_send, send
from bot.views.render import render
from dialogs.conversation import Event, Step
from dialogs.machine import Stage
from dialogs.outputs import WhyWeAsk
from dialogs.session import Session


def _tapped_message(update: Update) -> Message | None:
    query = update.callback_query
    return query.message if query is not None and isinstance(query.message, Message) else None


async def deliver(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, session: Session, step: Step,
                  answered: str | None = None) -> None:
    """Show a step: a tapped question becomes `answered` (its text with the answer), then new messages follow."""
    d = deps(context)
    chat_id = update.effective_chat.id
    tapped = _tapped_message(update)
    try:
        if tapped is not None and step.outputs and all(isinstance(o, WhyWeAsk) for o in step.outputs):
            await _add_why(context, tapped, d.kb.questions[step.outputs[0].question].why(user.locale), user.locale)
            return
        replies = replies_for(d.kb, step.outputs, session, user.locale)
        asks_anew = any(r.question for r in replies)
        if asks_anew or session.stage != Stage.ASKING:
            await _close_previous_question(context, user, tapped, answered)
        prompt = None
        for reply in replies:
            message = await send(context.bot, chat_id, reply)
            if reply.question:
                prompt = message.message_id
        if asks_anew or session.stage != Stage.ASKING:
            d.store.set_prompt_message(user.id, chat_id, prompt)
    except UserBlockedBot:
        d.store.set_active(user.id, False)


async def run_event(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, event: Event) -> None:
    """Step the conversation with one event (committed), then show what it produced."""
    session, step = deps(context).advisor.handle(user.id, event, update.update_id)
    await deliver(update, context, user, session, step)


async def begin_check(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, mode: str,
                      focus: str | None = None) -> None:
    """Start a quick check, a full assessment or a re-check of `focus`, and show its first question."""
    session, step = deps(context).advisor.begin(user.id, mode, focus, update_id=update.update_id)
    await deliver(update, context, user, session, step)


async def _close_previous_question(context, user: User, tapped: Message | None, answered: str | None) -> None:
    """The question just left behind keeps its text but loses its buttons; a tapped one shows the answer."""
    store = deps(context).store
    previous = store.prompt_message(user.id)
    target = (tapped.chat_id, tapped.message_id) if tapped is not None else previous
    if target is None:
        return
    if answered is not None:
        await edit_or_send(context.bot, *target, Reply(answered))
    else:
        await drop_keyboard(context.bot, *target)


async def _add_why(context, tapped: Message, why: str, locale: str) -> None:
    """"Why do you ask" goes under the question itself; its buttons stay."""
    if why in (tapped.text or ""):
        return
    line = render("line.tg.j2", locale, lines=[f"💡 {why}"])
    await edit_or_send(context.bot, tapped.chat_id, tapped.message_id,
                       Reply(f"{tapped.text_html}\n\n{line}", tapped.reply_markup, question=True))


async def reply_plain(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, reply: Reply) -> None:
    """One reply outside the conversation (help, privacy, pointers)."""
    try:
        await send(context.bot, update.effective_chat.id, reply)
    except UserBlockedBot:
        deps(context).store.set_active(user.id, False)
