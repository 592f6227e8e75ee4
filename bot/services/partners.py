"""Partners' blind assessments of an owner's company, and how far each partner and the owner agree.

A partner answers the same questions about the owner's company without seeing the owner's answers; the
comparison shows only dimension scores (both, and the gap), never the answers behind them. Dimensions where
the two differ by 20 points or more are marked, and the widest three of them are the conversation to have
first (the article's 战略共识).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.services.ports import ShareStore
from knowledge.model import KnowledgeBase
from knowledge.scoring import Report, assess

TALK_FIRST_GAP = 20
TALK_FIRST_KEPT = 3  # the conversation to have first: the widest gaps, as a report's three things to do first


@dataclass(frozen=True, slots=True)
class DimensionGap:
    dimension: str
    owner: int | None
    partner: int | None

    @property
    def gap(self) -> int | None:
        return None if self.owner is None or self.partner is None else abs(self.owner - self.partner)

    @property
    def talk_first(self) -> bool:
        return self.gap is not None and self.gap >= TALK_FIRST_GAP


@dataclass(frozen=True, slots=True)
class Comparison:
    """One partner's view against the owner's, dimension by dimension (number: the partner's place, from 1)."""

    assessment_id: int
    number: int
    rows: tuple[DimensionGap, ...]

    @property
    def talk_first(self) -> tuple[DimensionGap, ...]:
        """The widest gaps of TALK_FIRST_GAP or more, widest first; at most TALK_FIRST_KEPT (the rows mark all)."""
        return tuple(sorted((r for r in self.rows if r.talk_first), key=lambda r: -(r.gap or 0)))[:TALK_FIRST_KEPT]

    def scores(self, side: str) -> dict[str, int | None]:
        return {r.dimension: getattr(r, side) for r in self.rows}


def compare(kb: KnowledgeBase, owner: Report, partner: Report, assessment_id: int = 0, number: int = 1) -> Comparison:
    """Both scores and the gap for every dimension, in the article's order."""
    mine = {d.id: d.score for d in owner.dimensions}
    theirs = {d.id: d.score for d in partner.dimensions}
    rows = tuple(DimensionGap(d.id, mine.get(d.id), theirs.get(d.id)) for d in kb.dimensions)
    return Comparison(assessment_id, number, rows)


class Partners:
    """Starting a partner's assessment and comparing the finished ones with the owner's latest report."""

    def __init__(self, store: ShareStore, kb: KnowledgeBase) -> None:
        self.store = store
        self.kb = kb

    def owner_mode(self, owner_id: int) -> str:
        """The partner answers the owner's questions: a quick check after a quick one, else the full set."""
        latest = self.store.latest_finished(owner_id)
        return "quick" if latest is not None and getattr(latest, "mode", None) == "quick" else "full"

    def tie(self, owner_id: int, link_id: int) -> tuple[int, int, int] | None:
        """(owner id, company id, link id) a partner's assessment is started with (`Advisor.begin`'s
        `partner_of`, committed with it); None when the owner has no company any more."""
        company = self.store.owner_company(owner_id)
        return None if company is None else (owner_id, company, link_id)

    def _report(self, user_id: int) -> Report | None:
        latest = self.store.latest_finished(user_id)
        return assess(self.kb, latest.answers) if latest is not None else None

    def comparisons(self, owner_id: int) -> Sequence[Comparison]:
        """Each finished partner assessment against the owner's latest report, numbered in the order they came."""
        owner = self._report(owner_id)
        if owner is None:
            return ()
        found = []
        for number, check in enumerate(self.store.partner_assessments(owner_id), start=1):
            if check.finished:
                partner = assess(self.kb, self.store.answers(check.assessment_id))
                found.append(compare(self.kb, owner, partner, check.assessment_id, number))
        return tuple(found)

    def comparison(self, owner_id: int, assessment_id: int) -> Comparison | None:
        return next((c for c in self.comparisons(owner_id) if c.assessment_id == assessment_id), None)
