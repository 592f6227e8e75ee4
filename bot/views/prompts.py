"""Conversation outputs turned into localized view data, shared by the console and Telegram templates."""

from __future__ import annotations

from typing import Any

from bot.views.formatting import metric_value, money, plain_number
from bot.views.i18n import t
from dialogs.outputs import Ask, ConfirmDiscard, ConfirmValue, Insight, Menu, Reask
from knowledge.model import KnowledgeBase, Question


def describe_value(kb: KnowledgeBase, question: Question, value: Any, locale: str) -> str:
    """An answer as the owner would recognise it: the option's label, the number with its unit, the text."""
    if value is None:
        return t(locale, "conv.skipped")
    option = question.option(str(value))  # a choice, or a number question's "not applicable"
    if option is not None:
        return option.label(locale)
    if question.kind == "choice":
        return str(value)
    if question.kind == "number" and question.metric:
        return metric_value(kb.metrics[question.metric].unit, float(value), locale, exact=True)
    return str(value)


def progress_text(kb: KnowledgeBase, progress: tuple[int, int, int, int], question: Question, locale: str) -> str:
    d, dn, q, qn = progress
    return t(locale, "conv.progress", d=d, dn=dn, q=q, qn=qn, title=kb.dimension(question.dimension).title(locale))


def example_text(question: Question, locale: str) -> str:
    if question.kind == "number" and question.example is not None:
        return t(locale, "conv.example", example=question.example(locale))
    return t(locale, "conv.choice_example" if question.kind == "choice" else "conv.text_example")


def ask_view(kb: KnowledgeBase, ask: Ask, locale: str) -> dict[str, Any]:
    """Everything a question message shows."""
    question = kb.questions[ask.question]
    return {
        "note": t(locale, f"conv.{ask.note}") if ask.note else "",
        "progress": progress_text(kb, ask.progress, question, locale),
        "text": question.text(locale),
        "example": example_text(question, locale) if question.kind != "choice" else "",
        "options": [o.label(locale) for o in question.options],
        "previous": (t(locale, "conv.previous", value=describe_value(kb, question, ask.previous, locale))
                     if ask.previous is not None else ""),
    }


UNIT_REASONS = ("wrong_unit", "foreign_currency", "amount_not_share")
# The owner said no to "did you mean…?": the answer was not refused, so no "I can't use that answer" lead
DECLINED_REASONS = ("share_declined", "amount_declined")


def reason_text(locale: str, reason: str, minimum: float | None = None, maximum: float | None = None,
                values: dict[str, Any] | None = None) -> str:
    """Why an answer was refused, in the owner's language, with the bounds and values it names.

    Bounds are shown in the metric's unit when `values` names it ("不能大于 100%", "must not be above 3,650 days").
    """
    unit = (values or {}).get("unit")
    shown = (lambda v: metric_value(unit, v, locale)) if isinstance(unit, str) else plain_number
    named = {k: shown(v) for k, v in (("minimum", minimum), ("maximum", maximum)) if v is not None}
    named |= {k: plain_number(v) if isinstance(v, int | float) else v for k, v in (values or {}).items()}
    return t(locale, f"reasons.{reason}", **named)


def reask_example(question: Question, reason: str, metric_unit: str | None, locale: str) -> str:
    """An example that works, in the owner's language: for a refused unit, the units this question takes.

    It follows the reason as a sentence of its own, so it starts with a capital ("E.g. 30%", not "e.g. 30%").
    """
    if reason in UNIT_REASONS and metric_unit:
        text = t(locale, f"units_hint.{metric_unit}")
    else:
        text = example_text(question, locale)
    return text[:1].upper() + text[1:]


def reask_view(kb: KnowledgeBase, reask: Reask, locale: str) -> dict[str, Any]:
    """A short re-ask: why the answer was refused and an example of one that works."""
    question = kb.questions[reask.question]
    unit = kb.metrics[question.metric].unit if question.metric in kb.metrics else None
    reason = reason_text(locale, reask.reason, reask.minimum, reask.maximum, reask.values)
    return {
        "reason": t(locale, "conv.declined" if reask.reason in DECLINED_REASONS else "conv.reask", reason=reason),
        "example": reask_example(question, reask.reason, unit, locale),
        "progress": progress_text(kb, reask.progress, question, locale),
        "text": question.text(locale),
        "options": [o.label(locale) for o in question.options],
    }


def confirm_value_view(kb: KnowledgeBase, confirm: ConfirmValue, locale: str) -> dict[str, Any]:
    """"55%?" or "¥80, not ¥800k?": the question, and the value as it would be stored (`value`, for the
    yes button)."""
    question = kb.questions[confirm.question]
    if confirm.kind == "amount":
        value = money(confirm.value, locale, places=2)
        asked = t(locale, "conv.confirm_amount", value=value, wan=money(confirm.value * 10_000, locale))
    else:
        value = f"{plain_number(confirm.value, 2)}%"
        asked = t(locale, "conv.confirm_share", value=value)
    return {
        "progress": progress_text(kb, confirm.progress, question, locale),
        "text": question.text(locale),
        "value": value,
        "confirm": asked,
    }


def welcome_lines(menu: Menu, locale: str) -> list[str]:
    """The welcome: a first-timer's introduction, or a welcome back with the open check or the last score."""
    if menu.open_check is not None:
        mode, answered, planned = menu.open_check
        return [t(locale, "conv.welcome_back_open", mode=t(locale, f"modes.{mode}"), answered=answered,
                  planned=planned), t(locale, "conv.menu_prompt")]
    if menu.last_overall is not None:
        return [t(locale, "conv.welcome_back_score", score=menu.last_overall), t(locale, "conv.menu_prompt")]
    if menu.returning:
        return [t(locale, "conv.welcome_back"), t(locale, "conv.menu_prompt")]
    return [t(locale, "conv.welcome"), t(locale, "conv.menu_prompt")]


def discard_text(confirm: ConfirmDiscard, locale: str) -> str:
    mode, answered, planned = confirm.open_check
    return t(locale, "conv.confirm_discard", mode=t(locale, f"modes.{mode}"), answered=answered, planned=planned)


def insight_view(kb: KnowledgeBase, insight: Insight, locale: str) -> dict[str, Any]:
    """The one-line insight after a dimension, with its provisional score and the first trap it showed."""
    dimension = kb.dimension(insight.dimension)
    return {
        "done": t(locale, "conv.insight_done", title=dimension.title(locale)),
        "score": (t(locale, "conv.insight_score", score=insight.score, band=t(locale, f"bands.{insight.band}"))
                  if insight.score is not None else ""),
        "insight": dimension.insight(locale),
        "trap": t(locale, "conv.insight_trap", trap=kb.traps[insight.trap].title(locale)) if insight.trap else "",
    }
