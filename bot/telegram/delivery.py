"""Send a step's replies to Telegram: what the owner waits for first, the rest alongside.

On the answer path three things happen together: the next messages are sent, in order among themselves,
while the callback is answered and the question just answered is closed (edited to show the answer, its
buttons gone). A dimension's insight heads the next question's message (the last one, the report's) instead
of being a message of its own, so the next question costs one Bot API round trip. Once the replies are
confirmed, the prompt the step owed is cleared; a send that fails for good leaves it owed, and
`bot.telegram.jobs` sends it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from telegram import CallbackQuery, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.storage.store import User
from bot.telegram.context import deps
from bot.telegram.durable import acknowledging_nothing
from bot.telegram.replies import SAFE_LIMIT, Reply, replies_for, report_lead, report_replies
from bot.telegram.sending import UserBlockedBot, drop_keyboard, edit_or_send, send
from bot.views.render import render
from dialogs.conversation import Event, Step
from dialogs.machine import Stage
from dialogs.outputs import Ask, Insight, Output, Reask, ReportReady, WhyWeAsk
from dialogs.session import Session
from knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)
T = TypeVar("T")


def _tapped_message(update: Update) -> Message | None:
    """The message whose button was tapped; None when Telegram no longer shows it to the bot (deleted, too old:
    PTB gives such a message no text and a date of 0)."""
    query = update.callback_query
    message = query.message if query is not None else None
    return message if isinstance(message, Message) and message.is_accessible else None


async def deliver(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, session: Session, step: Step,
                  answered: str | None = None, query: CallbackQuery | None = None) -> None:
    """Show a step: a tapped question becomes `answered` (its text with the answer), then new messages follow.

    `query`, when given, is answered alongside (the handler has not answered it yet).
    """
    d = deps(context)
    chat_id = update.effective_chat.id
    tapped = _tapped_message(update)
    try:
        if tapped is not None and tapped.text and step.outputs and all(isinstance(o, WhyWeAsk) for o in step.outputs):
            await asyncio.gather(_answer_query(query),
                                 _add_why(context, tapped, d.kb.questions[step.outputs[0].question].why(user.locale),
                                          user.locale))
            return
        replies = step_replies(d.kb, step.outputs, session, user.locale)
        closing = any(r.question for r in replies) or session.stage != Stage.ASKING
        prompt = await _alongside(_send_all(context, chat_id, replies),
                                  _answer_query(query) if query is not None else None,
                                  _close_previous_question(context, user, tapped, answered) if closing else None)
        d.store.prompt_delivered(user.id, session.seq, (chat_id, prompt) if closing else None)
    except UserBlockedBot:
        d.store.set_active(user.id, False)


def step_replies(kb: KnowledgeBase, outputs: list[Output], session: Session, locale: str) -> list[Reply]:
    """The step's messages; an insight followed by the next question or the report heads its (first) message,
    so the owner gets one message, not two, and waits for one round trip less. A report is split with the
    insight above it, so a first part filled to the limit still takes it."""
    replies: list[Reply] = []
    head: Reply | None = None
    for output in outputs:
        if head is not None and isinstance(output, ReportReady):  # split with the insight, so it always fits
            replies.extend(report_replies(kb, output.report, locale, lead=f"{head.text}\n\n{report_lead(locale)}"))
            head = None
            continue
        rendered = replies_for(kb, [output], session, locale)
        if isinstance(output, Insight) and head is None and len(rendered) == 1:
            head = rendered[0]
            continue
        if (head is not None and isinstance(output, Ask | Reask) and rendered
                and len(head.text) + len(rendered[0].text) + 2 <= SAFE_LIMIT):
            first = rendered[0]
            rendered[0] = Reply(f"{head.text}\n\n{first.text}", first.keyboard, question=first.question)
        elif head is not None:
            replies.append(head)
        head = None
        replies.extend(rendered)
    return [*replies, head] if head is not None else replies


async def _send_all(context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[Reply]) -> int | None:
    """Send replies in order; the message id of the (last) question among them."""
    prompt = None
    for reply in replies:
        message = await send(context.bot, chat_id, reply)
        if reply.question:
            prompt = message.message_id
    return prompt


async def _answer_query(query: CallbackQuery | None) -> None:
    """Stop the button's spinner; best effort, a query too old to answer changes nothing.

    An answer without text acknowledges nothing, so it need not wait for the step's commit to reach the disk:
    it goes while the commit is synced, and the edit that shows the answer waits as every reply does.
    """
    if query is None:
        return
    try:
        with acknowledging_nothing():
            await query.answer()
    except TelegramError as error:
        log.info("could not answer a callback query: %s", type(error).__name__)


async def _alongside(first: Coroutine[Any, Any, T], *others: Coroutine[Any, Any, Any] | None) -> T:
    """`first`'s result, awaited here while `others` (None: nothing to do) run as tasks at the same time.

    A failure of `first` is raised once the others have finished (cancelled with it, they stop too).
    """
    tasks = [asyncio.ensure_future(other) for other in others if other is not None]
    try:
        result = await first
    except asyncio.CancelledError:
        for task in tasks:
            task.cancel()
        raise
    except Exception:
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    for n, task in enumerate(tasks):  # in turn, not gathered: a finished task costs no loop turn, gather one
        try:
            await task
        except Exception:
            await asyncio.gather(*tasks[n + 1:], return_exceptions=True)
            raise
    return result


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
    """The question just left behind keeps its text but loses its buttons; a tapped one shows the answer.

    Best effort: the next question is what matters, so a failure here is logged and nothing more.
    """
    target = (tapped.chat_id, tapped.message_id) if tapped is not None else deps(context).store.prompt_message(user.id)
    if target is None:
        return
    try:
        if answered is not None:
            await edit_or_send(context.bot, *target, Reply(answered))
        else:
            await drop_keyboard(context.bot, *target)
    except UserBlockedBot:
        raise
    except TelegramError as error:
        log.warning("could not close the previous question of user %s: %s", user.id, type(error).__name__)


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
