"""The report at a glance: one photo caption (under Telegram's 1,024 characters) and the details behind buttons."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from bot.views.i18n import t
from bot.views.kept import dimension_details, overview, title_of
from bot.views.render import render
from knowledge.model import KnowledgeBase

CAPTION_LIMIT = 1024  # Telegram's limit for a photo caption, after entity parsing
DETAILS_LIMIT = 4000  # one message, edited in place


def visible_length(markup: str) -> int:
    """What Telegram counts: the text without tags, entities decoded, in UTF-16 code units."""
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    return len(text.encode("utf-16-le")) // 2


def change_lines(kb: KnowledgeBase, changes: Sequence[Any], locale: str) -> list[str]:
    """"现金流 48 → 62 ↑ +14": the overall score or a dimension, before and after."""
    lines = []
    for c in changes:
        name = t(locale, "chart.overall") if c.dimension == "overall" else title_of(kb, c.dimension, locale)
        before = "–" if c.before is None else c.before
        after = "–" if c.after is None else c.after
        delta = f" {c.delta:+d}" if c.delta else ""
        lines.append(f"{name} {before} → {after} {c.arrow}{delta}")
    return lines


def glance_caption(kb: KnowledgeBase, report: dict[str, Any], locale: str, before_after: Sequence[Any] = (),
                   done: Sequence[str] = ()) -> str:
    """The first screen; the why lines, then the verdict's sentence, are dropped only when it would not fit.

    The caller checks `fits` on the result: with today's knowledge base it always does (a test says so).
    """
    view = overview(kb, report, locale)
    changes = change_lines(kb, before_after, locale)
    done_titles = [kb.actions[a].title(locale) for a in done if a in kb.actions]
    for with_why, with_verdict in (("why", True), ("short_why", True), ("", True), ("", False)):
        caption = render("glance.tg.j2", locale, v=view, changes=changes, done=done_titles, with_why=with_why,
                         with_verdict=with_verdict)
        if fits(caption):
            break
    return caption


def fits(caption: str) -> bool:
    """Under 1,024 characters as Telegram counts a caption: after entity parsing (the Bot API's sendPhoto), so
    tags and escapes such as the &#39; of "can't" cost nothing."""
    return visible_length(caption) < CAPTION_LIMIT


def details_text(kb: KnowledgeBase, report: dict[str, Any], dimension_id: str, locale: str) -> str:
    """One dimension's traps (with the article's explanation and one case), numbers, contradictions, actions."""
    view = dimension_details(kb, report, dimension_id, locale)
    traps = list(view["traps"])
    while True:
        text = render("details.tg.j2", locale, d=view | {"traps": traps}, hidden=len(view["traps"]) - len(traps))
        if len(text) <= DETAILS_LIMIT or not traps:
            return text
        traps.pop()


def formula_text(kb: KnowledgeBase, locale: str) -> str:
    """The article's success formula and its advice to focus."""
    return render("formula.tg.j2", locale, formula=kb.summary.formula(locale), focus=kb.summary.focus(locale),
                  title=kb.summary.formula_title(locale))
