"""Turn what an owner typed, tapped or wrote in a file into a stored answer, or say why it is refused."""

from __future__ import annotations

import math
from typing import Any

from dialogs.parsing import MAX_ABS_NUMBER, NumberError, clean_free_text, match_option, odd_option_number, read_number
from dialogs.units import Converted, UnitError, convert, rule_for
from knowledge.model import KnowledgeBase, Question

TEXT_LIMIT = 1000


class AnswerError(ValueError):
    """Why an answer is refused: a reason key the channels translate, and the range it refers to.

    Reasons: empty, not_text, not_a_number, too_large, too_long, odd_digit, ambiguous, unknown_option, below_min,
    above_max, not_whole, range_not_whole, wrong_unit, foreign_currency, amount_not_share, confirm_share, and the
    consistency reasons of `dialogs.consistency` (`managers_above_headcount`, ...). `values` holds what the message
    names (`unit`: the metric's unit; `other`: the answer this one contradicts).
    """

    def __init__(self, reason: str, minimum: float | None = None, maximum: float | None = None,
                 values: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.minimum = minimum
        self.maximum = maximum
        self.values = dict(values or {})


class ValueToConfirm(AnswerError):
    """A number to confirm before it is stored (`kind`, see `dialogs.outputs.ConfirmValue`): a share typed as a
    fraction ("0.55", read as `value` percent), or a bare amount under the metric's `confirm_below`."""

    def __init__(self, value: float, kind: str = "share") -> None:
        super().__init__(f"confirm_{kind}")
        self.value = value
        self.kind = kind


def _converted(metric_unit: str, raw: Any, per: str | None = None) -> Converted:
    if isinstance(raw, bool):
        raise AnswerError("not_a_number")
    if isinstance(raw, int | float):  # from an answers file
        if isinstance(raw, int) and abs(raw) > MAX_ABS_NUMBER:
            raise AnswerError("too_large")
        value = float(raw)
        if not math.isfinite(value):
            raise AnswerError("not_a_number")
        return Converted(value, confirm=rule_for(metric_unit).confirm_fraction and 0 < value < 1)
    try:
        return convert(read_number(str(raw)), metric_unit, per)
    except NumberError as error:
        raise AnswerError(error.reason) from None
    except UnitError as error:
        raise AnswerError(error.reason, values={"unit": error.unit}) from None


def number_answer(kb: KnowledgeBase, question: Question, raw: Any) -> float:
    """A number within the question's metric range, in the metric's unit, from a number or a typed text.

    Units are read (see `dialogs.units`); a share typed as a fraction, or an amount typed bare ("80") under the
    metric's `confirm_below`, raises ValueToConfirm. A number (not text) from an answers file is taken as written;
    a file cannot answer back, so there a ValueToConfirm is a refusal with its reason.
    """
    metric = kb.metrics[question.metric or ""]
    converted = _converted(metric.unit, raw, metric.per)
    value = converted.value
    unit = {"unit": metric.unit}  # the bounds are shown with it: "must not be above 100%"
    if metric.minimum is not None and value < metric.minimum:
        raise AnswerError("below_min", metric.minimum, metric.maximum, unit)
    if metric.maximum is not None and value > metric.maximum:
        raise AnswerError("above_max", metric.minimum, metric.maximum, unit)
    if metric.integer and value != int(value):  # "五六个人": a range's middle, 5.5, is no headcount either
        raise AnswerError("range_not_whole" if converted.ranged else "not_whole", metric.minimum, metric.maximum, unit)
    if converted.confirm:
        raise ValueToConfirm(value)
    if converted.bare and metric.confirm_below is not None and 0 < value < metric.confirm_below:
        raise ValueToConfirm(value, "amount")
    return int(value) if metric.integer else value


def choice_answer(question: Question, raw: Any) -> str:
    """The option id an owner picked: its id, its number in the list, or its label in either language."""
    text = str(raw).strip()
    if question.option(text) is not None:
        return text
    if odd_option_number(text):
        raise AnswerError("odd_digit")  # "②" for the second option, as "②" for a number: plain digits only
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
    """The value to store for this question; raises AnswerError with a reason to show the owner.

    `raw` None is a message with no text to read (a sticker, a voice message, a location): "not_text".
    """
    if raw is None:
        raise AnswerError("not_text")
    if question.kind == "number":
        special = _special_option(question, raw)  # "does not apply", when the question offers it
        return special if special is not None else number_answer(kb, question, raw)
    if question.kind == "choice":
        return choice_answer(question, raw)
    return text_answer(raw)
