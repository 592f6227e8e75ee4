"""The action plan: the owner picks up to three focus actions from the latest report and ticks them off."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.ports import ActionStore, ChosenAction, KeptCheck
from knowledge.model import KnowledgeBase

MAX_CANDIDATES = 8  # the report's focus actions first, then the other recommendations, worst dimension first


@dataclass(frozen=True, slots=True)
class Candidate:
    action: str
    dimension: str
    focus: bool  # one of the report's focus actions


class ActionPlanService:
    """Choosing, listing and closing focus actions."""

    def __init__(self, store: ActionStore, kb: KnowledgeBase) -> None:
        self.store = store
        self.kb = kb

    def open_actions(self, user_id: int) -> list[ChosenAction]:
        return [a for a in self.store.focus_actions(user_id) if a.status == "open"]

    def candidates(self, user_id: int) -> tuple[KeptCheck | None, list[Candidate]]:
        """What the owner can pick from the latest report, minus what is open already."""
        latest = self.store.latest_kept_report(user_id)
        if latest is None:
            return None, []
        taken = {a.action for a in self.open_actions(user_id)}
        found: dict[str, Candidate] = {}
        for item in latest.report["focus_actions"]:
            if item["id"] in self.kb.actions:
                found[item["id"]] = Candidate(item["id"], self.kb.actions[item["id"]].dimension, True)
        by_score = sorted(latest.report["dimensions"], key=lambda d: (d["score"] is None, d["score"] or 0))
        for dimension in by_score:
            for action in dimension["actions"]:
                if action in self.kb.actions and action not in found:
                    found[action] = Candidate(action, dimension["id"], False)
        return latest, [c for c in found.values() if c.action not in taken][:MAX_CANDIDATES]

    def choose(self, user_id: int, action: str) -> str:
        """"chosen", "already" (open already), "full" (three are open) or "unknown"."""
        latest, candidates = self.candidates(user_id)
        if action in {a.action for a in self.open_actions(user_id)}:
            return "already"
        match = next((c for c in candidates if c.action == action), None)
        if latest is None or match is None:
            return "unknown"
        return self.store.choose_action(user_id, action, match.dimension, latest.assessment_id)

    def close(self, user_id: int, row_id: int, status: str) -> bool:
        """Mark an open action "done" or "dropped"."""
        if status not in ("done", "dropped"):
            return False
        return self.store.close_action(user_id, row_id, status)
