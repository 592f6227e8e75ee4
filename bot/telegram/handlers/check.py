"""The check itself on Telegram: /check, /assess, /cancel, question buttons and typed answers (/report: report.py).

Typed "跳过 / 返回 / 为什么" (skip / back / why) work as the buttons do; a photo's caption is its answer; an
edited answer is not applied, and the owner is told how to change one.
"""

from __future__ import annotations

import functools

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.telegram import callbacks
from bot.telegram.context import current_user, deps
from bot.telegram.delivery import begin_check, deliver, reply_plain, run_event
from bot.telegram.handlers.start import addressed_to_us, forget_answer, free_text, help_command
from bot.telegram.replies import Reply, declined_text, line, question_text
from bot.views.i18n import LOCALES, t, words
from bot.views.prompts import describe_value
from dialogs.conversation import Answer, Back, Cancel, Confirm, Event, Resume, Skip, Step, Why
from dialogs.machine import Stage
from dialogs.outputs import Ask

NAV_EVENTS: dict[str, Event] = {"back": Back(), "skip": Skip(), "why": Why(), "cancel": Cancel(),
                                "yes": Confirm(True), "no": Confirm(False)}
TYPED_KEYWORDS = ("back", "skip", "why")  # the console's keywords, in both languages


@functools.cache
def _keyword_events() -> dict[str, Event]:
    """Every typed keyword in every language, with its event."""
    return {word: NAV_EVENTS[name] for name in reversed(TYPED_KEYWORDS) for locale in LOCALES
            for word in words(locale, f"console.keywords.{name}")}


def typed_keyword(text: str) -> Event | None:
    """The event of a typed keyword ("跳过", "back", "为什么"), as the console reads them; None for an answer."""
    return _keyword_events().get(text.strip().lower())


async def _begin_or_resume(update: Update, context: ContextTypes.DEFAULT_TYPE, mode: str) -> None:
    """Start a check of this mode; an unfinished one of the same mode continues, another is kept until the
    owner confirms discarding it (the conversation asks)."""
    user = current_user(update, context)
    session = deps(context).store.load_session(user.id)
    if session.has_open_check and session.mode == mode:
        await run_event(update, context, user, Resume())
    else:
        await begin_check(update, context, user, mode)


async def check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/check: the quick check, one or two questions per dimension."""
    await _begin_or_resume(update, context, "quick")


async def assess(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/assess: the full assessment."""
    await _begin_or_resume(update, context, "full")


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cancel: pause the check; every answer stays."""
    await run_event(update, context, current_user(update, context), Cancel())


async def typed_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text while a question waits is its answer; any other text gets a pointer."""
    user = current_user(update, context)
    advisor = deps(context).advisor
    waiting = advisor.store.load_session(user.id)
    if waiting.stage != Stage.ASKING:
        await free_text(update, context)
        return
    shown = advisor.conversation.ask_output(waiting)
    message = update.effective_message
    typed = message.text or message.caption  # a photo whose caption holds the number; None: a sticker, a voice
    event = (typed_keyword(typed) if typed else None) or Answer(typed)
    session, step = advisor.handle(user.id, event, update.update_id, session=waiting)
    await deliver(update, context, user, session, step, answered=_answered_text(advisor, shown, step, user.locale))


async def edited_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message is never applied (its question has moved on); say so, and how to change an answer."""
    user = current_user(update, context)
    if deps(context).store.load_session(user.id).stage == Stage.ASKING:
        await reply_plain(update, context, user, Reply(line(user.locale, "conv.edited")))


async def on_menu_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    button = callbacks.unpack(update.callback_query.data)
    choice = button.args[0] if button else ""
    if choice in ("forget", "keep"):
        await forget_answer(update, context, confirmed=choice == "forget")
        return
    await update.callback_query.answer()
    if choice == "resume":
        await run_event(update, context, current_user(update, context), Resume())
    elif choice in ("quick", "full"):
        await begin_check(update, context, current_user(update, context), choice)


async def on_discard_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Start over and discard it": the open check is abandoned only here, after the owner said so."""
    await update.callback_query.answer()
    user = current_user(update, context)
    button = callbacks.unpack(update.callback_query.data)
    d = deps(context)
    mode, focus = (button.args[0], button.args[1] if len(button.args) > 1 else None) if button else ("", None)
    if mode not in ("quick", "full", "recheck") or (mode == "recheck" and focus not in d.kb.dimension_by_id):
        return
    session, step = d.advisor.begin(user.id, mode, focus, update_id=update.update_id, replace=True)
    await deliver(update, context, user, session, step)


async def on_recheck_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-check one dimension; the other seven keep the answers of the last report."""
    await update.callback_query.answer()
    user = current_user(update, context)
    button = callbacks.unpack(update.callback_query.data)
    d = deps(context)
    if button is None or button.args[0] not in d.kb.dimension_by_id:
        return
    await begin_check(update, context, user, "recheck", button.args[0])


async def on_question_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An option or back / skip / why / pause, accepted only from the question now waiting."""
    query = update.callback_query
    user = current_user(update, context)
    advisor = deps(context).advisor
    button = callbacks.unpack(query.data)
    session = advisor.store.load_session(user.id)
    stamp = callbacks.question_stamp(session.assessment_id, session.seq)
    if button is None or session.stage != Stage.ASKING or button.args[:2] != stamp:
        await query.answer(t(user.locale, "tg.stale_button"))
        return
    shown = advisor.conversation.ask_output(session)
    event = Answer(button.args[2]) if button.kind == callbacks.ANSWER else NAV_EVENTS.get(button.args[2], Why())
    # compare-and-swap on the button's step: a StaleStep (answered by the error handler) applies nothing
    session, step = advisor.handle(user.id, event, update.update_id, expected_seq=session.seq, session=session)
    await deliver(update, context, user, session, step, answered=_answered_text(advisor, shown, step, user.locale),
                  query=query)  # answers the query alongside the replies


def _answered_text(advisor, shown: Ask, step: Step, locale: str) -> str | None:
    """The message just answered as it now reads: the question with ✓ and the answer it got, or a "did you
    mean…?" the owner said no to with ✗ and their no; None when neither (the message only loses its buttons)."""
    question = advisor.kb.questions[shown.question]
    if question.id in step.recorded:
        value = describe_value(advisor.kb, question, step.recorded[question.id], locale)
        return question_text(advisor.kb, shown, locale, answered=value)
    if step.declined is not None:
        return declined_text(advisor.kb, step.declined, locale)
    return None


async def on_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any button we no longer understand is still answered, so the user's spinner stops."""
    user = current_user(update, context)
    await update.callback_query.answer(t(user.locale, "tg.unknown_button"))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command we do not have gets /help; one addressed to another bot ("/help@OtherBot") gets nothing."""
    if addressed_to_us(update, context):
        await help_command(update, context)


def handlers() -> list:
    prefix = callbacks.SEPARATOR
    return [
        CommandHandler("check", check),
        CommandHandler("assess", assess),
        CommandHandler("cancel", cancel),
        CallbackQueryHandler(on_menu_button, pattern=rf"^{callbacks.MENU}{prefix}"),
        CallbackQueryHandler(on_recheck_button, pattern=rf"^{callbacks.RECHECK}{prefix}"),
        CallbackQueryHandler(on_discard_button, pattern=rf"^{callbacks.DISCARD}{prefix}"),
        CallbackQueryHandler(on_question_button, pattern=rf"^({callbacks.ANSWER}|{callbacks.NAV}){prefix}"),
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, typed_answer),
    ]


def fallback_handlers() -> list:
    """Last in line: unknown buttons, unknown commands, and photos or stickers sent as an answer."""
    return [
        CallbackQueryHandler(on_unknown_button),
        MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, unknown_command),
        # an edited message is never an answer: the question it answered has moved on
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE, edited_answer),
        MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, typed_answer),
    ]
