"""Turn what an owner typed, tapped or wrote in a file into a stored answer, or say why it is refused."""

from __future__ import annotations

import math
from typing import Any

from dialogs.parsing import NumberError, clean_free_text, match_option, parse_number
from knowledge.model import KnowledgeBase, Question

TEXT_LIMIT = 1000


class AnswerError(ValueError):
    """Why an answer is refused: a reason key the channels translate, and the range it refers to.

    Reasons: empty, not_a_number, too_large, ambiguous, unknown_option, below_min, above_max, not_whole.
    """

    def __init__(self, reason: str, minimum: float | None = None, maximum: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.minimum = minimum
        self.maximum = maximum


def number_answer(kb: KnowledgeBase, question: Question, raw: Any) -> float:
    """A number within the question's metric range, from a number or a text as people type it."""
    if isinstance(raw, bool):
        raise AnswerError("not_a_number")
    if isinstance(raw, int | float):
        value = float(raw)
        if not math.isfinite(value):
            raise AnswerError("not_a_number")
    else:
        try:
            value = parse_number(str(raw))
        except NumberError as error:
            raise AnswerError(error.reason) from None
    metric = kb.metrics[question.metric or ""]
    if metric.minimum is not None and value < metric.minimum:
        raise AnswerError("below_min", metric.minimum, metric.maximum)
    if metric.maximum is not None and value > metric.maximum:
        raise AnswerError("above_max", metric.minimum, metric.maximum)
    if metric.integer and value != int(value):
        raise AnswerError("not_whole", metric.minimum, metric.maximum)
    return int(value) if metric.integer else value


def choice_answer(question: Question, raw: Any) -> str:
    """The option id an owner picked: its id, its number in the list, or its label in either language."""
    text = str(raw).strip()
    if question.option(text) is not None:
        return text
    labels = [(o.id, (o.label.zh, o.label.en)) for o in question.options]
    picked = match_option(text, labels) if text else None
    if picked is None:
        raise AnswerError("empty" if not text else "unknown_option")
    return picked


def _special_option(question: Question, raw: Any) -> str | None:
    """A number question's option (not applicable) picked by its id or its exact label, never by position."""
    text = str(raw).strip().casefold()
    for option in question.options:
        if text in (option.id, option.label.zh.casefold(), option.label.en.casefold()):
            return option.id
    return None


def text_answer(raw: Any) -> str:
    """Free text kept as typed, made safe to store."""
    text = clean_free_text(str(raw), TEXT_LIMIT)
    if not text:
        raise AnswerError("empty")
    return text


def parse_answer(kb: KnowledgeBase, question: Question, raw: Any) -> Any:
    """The value to store for this question; raises AnswerError with a reason to show the owner."""
    if raw is None:
        raise AnswerError("empty")
    if question.kind == "number":
        special = _special_option(question, raw)  # "does not apply", when the question offers it
        return special if special is not None else number_answer(kb, question, raw)
    if question.kind == "choice":
        return choice_answer(question, raw)
    return text_answer(raw)
