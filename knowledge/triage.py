"""Triage: the three focus actions in the order a consultant would give them, each with why it is there.

1. While cash is fatal, the cash actions of the rules that fire, their root cause first (over 80% of the
   small firms that close die of a cash break, not of missing profit).
2. The other fatal dimensions, worst first: one action each.
3. Legal and single-point exposures (a compliance gap, one customer, one supplier, one key person).
4. One action that lengthens the strongest strength that can still be lengthened (the article's 聚焦: make
   2–3 long boards longer).
5. A second action for each fatal dimension, from its other fatal or weak findings (its next trap), worst
   first: survive first, polish later.
6. Weak dimensions, weakest first; then, if room is left, the fair ones.
7. If room is still left (nothing weaker asks for it), the actions that lengthen the other strengths, so a
   healthy firm is told how to make each of its 2–3 long boards longer, not the first one only.
8. If room is left even then, each strength whose every action the answers show in place: keep it so.

A strength is lengthened by its dimension's grow action, or by the next of its actions when the answers
already show that one in place (an action's `done_when`): an owner who always tests before launching is
not told to start testing. A strength with every action in place takes no slot before step 8. Weak and
fair dimensions skip actions in place too; a fatal dimension's action always stands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowledge.model import KnowledgeBase

if TYPE_CHECKING:
    from knowledge.scoring import DimensionResult, Fired

MAX_FOCUS_ACTIONS = 3
CASH = "cash_flow"


@dataclass(frozen=True, slots=True)
class FocusAction:
    """One action of the plan: which, for which dimension, and the reason for its place."""

    id: str
    dimension: str
    reason: str  # a key of the knowledge base's triage texts (knowledge.model.TRIAGE_REASONS)
    trap: str | None = None  # the root cause's trap, for reason cash_cause

    def why(self, kb: KnowledgeBase, locale: str) -> str:
        """The one line that says why this action is in its place, in the owner's language."""
        trap = kb.traps[self.trap].title(locale) if self.trap else ""
        dimension = kb.dimension(self.dimension).title(locale)
        return kb.summary.triage[self.reason](locale).format(dimension=dimension, trap=trap)


class _Plan:
    def __init__(self) -> None:
        self.actions: list[FocusAction] = []

    @property
    def full(self) -> bool:
        return len(self.actions) >= MAX_FOCUS_ACTIONS

    def add(self, action: str, dimension: str, reason: str, trap: str | None = None) -> bool:
        if self.full or any(a.id == action for a in self.actions):
            return False
        self.actions.append(FocusAction(action, dimension, reason, trap))
        return True

    def add_first(self, candidates: Iterable[str], dimension: str, reason: str) -> None:
        """The first candidate not yet in the plan."""
        for action in candidates:
            if self.add(action, dimension, reason):
                return


def _actions(fired: Sequence[Fired], effects: tuple[str, ...]) -> list[str]:
    """The actions of the rules that fire with one of these effects; a praising note fixes nothing, so it gives none."""
    return [a for f in fired if f.effect in effects and not f.rule.praise for a in f.rule.actions]


def _cash_first(kb: KnowledgeBase, cash: DimensionResult, plan: _Plan) -> None:
    for f in cash.fired:
        if f.rule.root_cause and f.effect in ("fatal", "weak"):
            for action in f.rule.actions:
                plan.add(action, CASH, "cash_cause", f.rule.traps[0] if f.rule.traps else None)
    for action in _actions(cash.fired, ("fatal", "weak")) or [kb.dimension(CASH).grow_action]:
        plan.add(action, CASH, "cash")


def _by_score(results: Iterable[DimensionResult], band: str, order: dict[str, int]) -> list[DimensionResult]:
    return sorted((r for r in results if r.band == band), key=lambda r: (r.score or 0, order[r.id]))


def _lengthening(kb: KnowledgeBase, dimension: str, in_place: Callable[[str], bool]) -> str | None:
    """The action that makes a strength longer: its grow action, else the next not yet in place; None if all are."""
    grow = kb.dimension(dimension).grow_action
    candidates = [grow, *(a.id for a in kb.actions.values() if a.dimension == dimension and a.id != grow)]
    return next((a for a in candidates if not in_place(a)), None)


def triage(kb: KnowledgeBase, results: Sequence[DimensionResult], strengths: Sequence[str],
           in_place: Callable[[str], bool] = lambda _action: False) -> tuple[FocusAction, ...]:
    """At most three focus actions, most urgent first; `in_place(action)` says the answers show it done."""
    order = {d.id: d.order for d in kb.dimensions}
    plan = _Plan()
    by_id = {r.id: r for r in results}
    if by_id[CASH].band == "fatal":
        _cash_first(kb, by_id[CASH], plan)
    fatal = [r for r in _by_score(results, "fatal", order) if r.id != CASH]
    for r in fatal:
        plan.add_first(_actions(r.fired, ("fatal", "weak", "fair", "note")) or [kb.dimension(r.id).grow_action],
                       r.id, "fatal")
    exposures = [(f, r) for r in results for f in r.fired if f.rule.exposure and f.effect != "note"]
    exposures.sort(key=lambda pair: (pair[0].rule.exposure != "legal", pair[1].score or 0))
    for f, r in exposures:
        plan.add_first(f.rule.actions, r.id, f.rule.exposure or "single_point")
    lengthen = {d: action for d in strengths if (action := _lengthening(kb, d, in_place)) is not None}
    for dimension, action in list(lengthen.items())[:1]:
        plan.add(action, dimension, "grow")
    for r in fatal:  # a second action for a fatal board before any weaker one is polished
        plan.add_first(_actions(r.fired, ("fatal", "weak")), r.id, "fatal")
    for band in ("weak", "fair"):
        for r in _by_score(results, band, order):
            plan.add_first([a for a in _actions(r.fired, ("fatal", "weak", "fair", "note")) if not in_place(a)],
                           r.id, band)
    for dimension, action in lengthen.items():
        plan.add(action, dimension, "grow")
    for dimension in strengths:
        if dimension not in lengthen:
            plan.add(kb.dimension(dimension).grow_action, dimension, "keep")
    return tuple(plan.actions)
