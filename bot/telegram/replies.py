"""Conversation outputs as Telegram messages: HTML text from the templates and inline keyboards."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram import callbacks, splitting
from bot.telegram.plain_keyboard import PlainKeyboard
from bot.telegram.reminder_keyboards import proposal_row
from bot.views.i18n import t
from bot.views.prompts import (
    ask_view,
    confirm_value_view,
    discard_text,
    insight_view,
    reask_view,
    welcome_lines,
)
from bot.views.render import render
from bot.views.report import build_report_view
from dialogs.outputs import (
    Ask,
    ConfirmDiscard,
    ConfirmValue,
    Insight,
    Menu,
    Notice,
    OpenCheck,
    Output,
    Paused,
    Reask,
    ReportReady,
    WhyWeAsk,
)
from dialogs.session import Session
from knowledge.model import KnowledgeBase
from knowledge.scoring import Report

MESSAGE_LIMIT = 4096
SAFE_LIMIT = 4000  # leave room: Telegram counts after entity parsing, we count the HTML


@dataclass(frozen=True, slots=True)
class Reply:
    text: str  # HTML
    keyboard: InlineKeyboardMarkup | PlainKeyboard | None = None
    question: bool = False  # a question message: the next answer edits it in place


def line(locale: str, *keys: str, **values: object) -> str:
    """Catalog sentences, escaped for HTML parse mode."""
    return render("line.tg.j2", locale, lines=[t(locale, key, **values) for key in keys])


def resume_button(locale: str, open_check: OpenCheck) -> InlineKeyboardButton:
    """"▶️ Continue full assessment (11/40)": which check is open and how far it got."""
    mode, answered, planned = open_check
    label = t(locale, "buttons.resume_open", mode=t(locale, f"modes.{mode}"), answered=answered, planned=planned)
    return InlineKeyboardButton(label, callback_data=callbacks.pack(callbacks.MENU, "resume"))


def menu_keyboard(locale: str, open_check: OpenCheck | None = None) -> InlineKeyboardMarkup:
    """Quick check and full assessment; an open check comes first, with its mode and progress."""
    rows = [[InlineKeyboardButton(t(locale, "buttons.quick"), callback_data=callbacks.pack(callbacks.MENU, "quick"))],
            [InlineKeyboardButton(t(locale, "buttons.full"), callback_data=callbacks.pack(callbacks.MENU, "full"))]]
    if open_check is not None:
        rows.insert(0, [resume_button(locale, open_check)])
    return InlineKeyboardMarkup(rows)


def discard_keyboard(locale: str, confirm: ConfirmDiscard) -> InlineKeyboardMarkup:
    """Continue the open check, or start `confirm.mode` over and discard it."""
    wanted = (confirm.mode, confirm.focus) if confirm.focus else (confirm.mode,)
    return InlineKeyboardMarkup([
        [resume_button(locale, confirm.open_check)],
        [InlineKeyboardButton(t(locale, "buttons.discard"), callback_data=callbacks.pack(callbacks.DISCARD, *wanted))],
    ])


def confirm_keyboard(session: Session, locale: str, value: str) -> PlainKeyboard:
    """Yes / no to "55%?" or "¥80?" (`value` as it would be stored), stamped like the question's own buttons."""
    stamp = callbacks.question_stamp(session.assessment_id, session.seq)
    return PlainKeyboard(((
        (t(locale, "buttons.confirm_yes", value=value), callbacks.pack(callbacks.NAV, *stamp, "yes")),
        (t(locale, "buttons.confirm_no"), callbacks.pack(callbacks.NAV, *stamp, "no")),
    ),))


def question_keyboard(kb: KnowledgeBase, session: Session, locale: str, can_go_back: bool) -> PlainKeyboard:
    """One button per option, then back / skip / why / pause, all stamped with this question's step."""
    stamp = callbacks.question_stamp(session.assessment_id, session.seq)
    question = kb.questions[session.current or ""]
    rows = [((f"{n}. {o.label(locale)}", callbacks.pack(callbacks.ANSWER, *stamp, o.id)),)
            for n, o in enumerate(question.options, start=1)]
    nav = [action for action in callbacks.NAV_ACTIONS if action != "back" or can_go_back]
    rows.append(tuple((t(locale, f"buttons.{a}"), callbacks.pack(callbacks.NAV, *stamp, a)) for a in nav))
    return PlainKeyboard(tuple(rows))


def question_text(kb: KnowledgeBase, ask: Ask, locale: str, why: str = "", answered: str = "") -> str:
    """The question message; owners at the same step of the same check see the same one, so it is kept."""
    try:
        return _kept_question_text(_Same(kb), ask, locale, why, answered)
    except TypeError:  # an earlier answer that cannot be a key (a list): rendered each time
        return _question_text(kb, ask, locale, why, answered)


def _question_text(kb: KnowledgeBase, ask: Ask, locale: str, why: str, answered: str) -> str:
    return render("ask.tg.j2", locale, v=ask_view(kb, ask, locale), why=why, answered=answered)


@functools.lru_cache(maxsize=4096)
def _kept_question_text(kb: _Same, ask: Ask, locale: str, why: str, answered: str) -> str:
    return _question_text(kb.kb, ask, locale, why, answered)


def declined_text(kb: KnowledgeBase, asked: ConfirmValue, locale: str) -> str:
    """A "did you mean…?" as it reads once the owner said no: the question, the value asked back, ✗ No."""
    return render("confirm.tg.j2", locale, v=confirm_value_view(kb, asked, locale),
                  declined=t(locale, "buttons.confirm_no"))


def insight_text(kb: KnowledgeBase, insight: Insight, locale: str) -> str:
    """The insight after a dimension; kept like question texts (one per dimension, score, band and trap)."""
    return _kept_insight_text(_Same(kb), insight, locale)


@functools.lru_cache(maxsize=1024)
def _kept_insight_text(kb: _Same, insight: Insight, locale: str) -> str:
    return render("insight.tg.j2", locale, v=insight_view(kb.kb, insight, locale))


class _Same:
    """A knowledge base as a cache key: by identity (it never changes, and its dicts make it unhashable)."""

    __slots__ = ("kb",)

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def __hash__(self) -> int:
        return id(self.kb)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.kb is self.kb


def split_message(text: str, limit: int = SAFE_LIMIT) -> list[str]:
    """Chunks below the limit, cut at sections, then lines, never inside markup (see bot.telegram.splitting)."""
    return splitting.split_message(text, limit)


RECHECK_OFFERS = 3


def after_report_keyboard(kb: KnowledgeBase, report: Report, locale: str) -> InlineKeyboardMarkup:
    """Re-check the weakest dimensions (at most three that are not long boards), the reminders that fit the
    report's risks (none for a report that scored nothing: there is nothing to remind of), or a new check."""
    weakest = sorted((d for d in report.dimensions if d.band in ("fatal", "weak", "fair")), key=lambda d: d.score)
    rows = [[InlineKeyboardButton(t(locale, "buttons.recheck", title=kb.dimension(d.id).title(locale)),
                                  callback_data=callbacks.pack(callbacks.RECHECK, d.id))]
            for d in weakest[:RECHECK_OFFERS]]
    proposal = [proposal_row(report, locale)] if report.overall is not None else []
    return InlineKeyboardMarkup([*rows, *proposal, *menu_keyboard(locale).inline_keyboard])


def report_lead(locale: str) -> str:
    """"Your check is complete; here is your report." above a report the check just finished."""
    return line(locale, "conv.report_ready")


def report_replies(kb: KnowledgeBase, report: Report, locale: str, lead: str = "") -> list[Reply]:
    """The report in as many messages as it needs, `lead` (HTML) first; the last one offers re-checks and the
    next check."""
    text = render("report.tg.j2", locale, r=build_report_view(kb, report, locale))
    chunks = split_message(f"{lead}\n\n{text}" if lead else text)
    last = len(chunks) - 1
    return [Reply(chunk, after_report_keyboard(kb, report, locale) if i == last else None)
            for i, chunk in enumerate(chunks)]


def replies_for(kb: KnowledgeBase, outputs: list[Output], session: Session, locale: str) -> list[Reply]:
    """Every output of a step as the messages to send, in order."""
    replies: list[Reply] = []
    for output in outputs:
        if isinstance(output, Ask):
            keyboard = question_keyboard(kb, session, locale, output.can_go_back)
            replies.append(Reply(question_text(kb, output, locale), keyboard, question=True))
        elif isinstance(output, Reask):
            keyboard = question_keyboard(kb, session, locale, bool(session.asked))
            replies.append(Reply(render("reask.tg.j2", locale, v=reask_view(kb, output, locale)), keyboard,
                                 question=True))
        elif isinstance(output, ConfirmValue):
            view = confirm_value_view(kb, output, locale)
            keyboard = confirm_keyboard(session, locale, view["value"])
            replies.append(Reply(render("confirm.tg.j2", locale, v=view, declined=""), keyboard, question=True))
        elif isinstance(output, ConfirmDiscard):
            replies.append(Reply(render("line.tg.j2", locale, lines=[discard_text(output, locale)]),
                                 discard_keyboard(locale, output)))
        elif isinstance(output, Insight):
            replies.append(Reply(insight_text(kb, output, locale)))
        elif isinstance(output, ReportReady):
            replies.extend(report_replies(kb, output.report, locale, lead=report_lead(locale)))
        elif isinstance(output, Menu):
            replies.append(Reply(render("welcome.tg.j2", locale, lines=welcome_lines(output, locale)),
                                 menu_keyboard(locale, output.open_check)))
        elif isinstance(output, Paused):
            answered = output.open_check[1] if output.open_check else 0
            key = "conv.paused" if output.open_check else "conv.paused_nothing"
            replies.append(Reply(line(locale, key, answered=answered), menu_keyboard(locale, output.open_check)))
        elif isinstance(output, Notice):
            replies.append(Reply(line(locale, f"notices.{output.key}")))
        elif isinstance(output, WhyWeAsk):
            why = kb.questions[output.question].why(locale)
            replies.append(Reply(line(locale, "conv.why", why=why)))
    return replies
