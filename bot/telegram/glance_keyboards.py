"""The buttons under the report at a glance and under its details; only features that exist get a button."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram import callbacks
from bot.views.i18n import t
from knowledge.model import KnowledgeBase

GLANCE = "g"  # g:<assessment>:<d|f|r|a|m|s|h|o>[:<dimension>]


def glance_data(assessment_id: int, what: str, dimension: str = "") -> str:
    return callbacks.pack(GLANCE, assessment_id, what, dimension)


def _button(locale: str, key: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(locale, f"buttons_glance.{key}"), callback_data=data)


def glance_keyboard(kb: KnowledgeBase, assessment_id: int, locale: str) -> InlineKeyboardMarkup:
    """Details, re-check a dimension, choose actions, reminders, share, the HTML report."""
    first = kb.dimensions[0].id
    return InlineKeyboardMarkup([
        [_button(locale, "details", glance_data(assessment_id, "d", first)),
         _button(locale, "formula", glance_data(assessment_id, "f"))],
        [_button(locale, "recheck", glance_data(assessment_id, "r")),
         _button(locale, "actions", glance_data(assessment_id, "a"))],
        [_button(locale, "remind", glance_data(assessment_id, "m")),
         _button(locale, "share", glance_data(assessment_id, "s"))],
        [_button(locale, "html", glance_data(assessment_id, "h"))],
    ])


def details_keyboard(kb: KnowledgeBase, assessment_id: int, locale: str, shown: str) -> InlineKeyboardMarkup:
    """One button per dimension (the one shown is marked), then the formula and the HTML report."""
    buttons = [InlineKeyboardButton(("• " if d.id == shown else "") + d.title(locale),
                                    callback_data=glance_data(assessment_id, "d", d.id)) for d in kb.dimensions]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(locale, "formula", glance_data(assessment_id, "f")),
                 _button(locale, "html", glance_data(assessment_id, "h"))])
    return InlineKeyboardMarkup(rows)


def recheck_keyboard(kb: KnowledgeBase, locale: str) -> InlineKeyboardMarkup:
    """Every dimension, each starting a re-check (handled by the check's own re-check button)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(locale, "buttons.recheck", title=d.title(locale)),
                                                       callback_data=callbacks.pack(callbacks.RECHECK, d.id))]
                                 for d in kb.dimensions])
