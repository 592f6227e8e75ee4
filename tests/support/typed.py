"""What a scripted owner types for a number question without a value of its own."""

from __future__ import annotations

from knowledge.model import KnowledgeBase, Question


def typed_number(kb: KnowledgeBase, question: Question, number: str) -> str:
    """`number`, with 万 for an amount the bot would ask back ("10" of cash is "¥10?"; "10万" is not asked)."""
    metric = kb.metrics.get(question.metric or "")
    if metric is not None and metric.confirm_below is not None and float(number) < metric.confirm_below:
        return f"{number}万"
    return number
