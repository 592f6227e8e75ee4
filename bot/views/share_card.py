"""The share card and the partner comparison as view models and HTML text (Telegram's parse mode).

The card shows bands, critical weaknesses and strengths; scores and the owner's own numbers only when the owner
opted in. A comparison shows dimension scores only, never the answers behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.services.partners import Comparison
from bot.views.formatting import metric_value
from bot.views.render import render
from knowledge.model import KnowledgeBase
from knowledge.scoring import Report

FIGURE_METRICS = ("runway_months", "top_customer_share", "receivables_share")
CAPTION_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class CardLine:
    title: str
    band: str
    score: int | None


def _title(kb: KnowledgeBase, dimension: str, locale: str) -> str:
    return kb.dimension_by_id[dimension].title(locale)


def card_view(kb: KnowledgeBase, report: Report, locale: str, figures: bool) -> dict[str, Any]:
    """What the card says: the overall band, a band per dimension, critical weaknesses and strengths."""
    metrics = [(key, metric_value(kb.metrics[key].unit, report.metrics[key], locale))  # "1 month", "half a month"
               for key in FIGURE_METRICS if key in report.metrics]
    return {
        "band": report.band,
        "overall": report.overall if figures else None,
        "lines": [CardLine(_title(kb, d.id, locale), d.band, d.score if figures else None) for d in report.dimensions],
        "fatal": [_title(kb, d, locale) for d in report.fatal],
        "strengths": [_title(kb, d, locale) for d in report.strengths],
        "metrics": metrics if figures else [],
        "figures": figures,
    }


def card_text(kb: KnowledgeBase, report: Report, locale: str, figures: bool, audience: str = "card") -> str:
    """The card's caption ("card"), or what a partner sees behind a link ("partner"), or an inline post."""
    return render("share_card.tg.j2", locale, c=card_view(kb, report, locale, figures), audience=audience)


def comparison_text(kb: KnowledgeBase, comparison: Comparison, locale: str, viewer: str) -> str:
    """Both scores and the gap per dimension; ≥ 20 points apart called out first. `viewer`: owner or partner."""
    rows = [(_title(kb, r.dimension, locale), r) for r in comparison.rows]
    first = [(_title(kb, r.dimension, locale), r) for r in comparison.talk_first]
    return render("share_compare.tg.j2", locale, rows=rows, first=first, viewer=viewer, number=comparison.number)
