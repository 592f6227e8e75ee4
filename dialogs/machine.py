"""The conversation's stages and every legal move between them, as one table and one shared machine.

Stage names are persisted in the sessions table: renaming one is a schema change and needs a migration.
"""

from __future__ import annotations

import functools
import logging
from enum import StrEnum

from transitions import Machine


class Stage(StrEnum):
    IDLE = "idle"  # no check under way (a paused one may be resumed)
    CHOOSING = "choosing"  # offered the quick check or the full assessment
    ASKING = "asking"  # a question is waiting for its answer
    INSIGHT = "insight"  # a dimension was just finished; its insight is shown on the way to the next one
    REPORT = "report"  # the check is done and its report was shown


S = Stage
TRANSITIONS: list[dict] = [
    {"trigger": "offer", "source": [S.IDLE, S.CHOOSING, S.REPORT, S.ASKING], "dest": S.CHOOSING},
    {"trigger": "begin", "source": [S.IDLE, S.CHOOSING, S.REPORT, S.ASKING], "dest": S.ASKING},
    # After an answer or a skip: to the insight when the dimension is done, else to the next question. A dest of
    # None is an internal transition: the stage stays, with nothing left or entered (transitions' own notion).
    {"trigger": "advance", "source": S.ASKING, "dest": S.INSIGHT, "conditions": "dimension_done"},
    {"trigger": "advance", "source": S.ASKING, "dest": None},
    # From the insight: the report when every planned question is behind us, else the next dimension.
    {"trigger": "proceed", "source": S.INSIGHT, "dest": S.REPORT, "conditions": "plan_done"},
    {"trigger": "proceed", "source": S.INSIGHT, "dest": S.ASKING},
    {"trigger": "back", "source": S.ASKING, "dest": None, "conditions": "can_go_back"},
    {"trigger": "cancel", "source": [S.ASKING, S.CHOOSING], "dest": S.IDLE},
    {"trigger": "resume", "source": [S.IDLE, S.CHOOSING], "dest": S.ASKING, "conditions": "has_open_check"},
]


class _QuietBinding(logging.Filter):
    """transitions warns at every add_model that it bound nothing; with model_override that is the point."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Skip binding of")


@functools.cache
def machine() -> Machine:
    """The one machine every session moves through; never one per user.

    Sessions are not even attached to it: `Conversation` fires triggers through `machine.events` with the
    session as the model, which transitions only reads and writes the `stage` of and asks the conditions.
    Attaching one (add_model) per step cost a fifth of a millisecond, most of it warnings filtered away.
    """
    logging.getLogger("transitions.core").addFilter(_QuietBinding())
    return Machine(
        model=None,
        states=Stage,
        transitions=TRANSITIONS,
        initial=Stage.IDLE,
        auto_transitions=False,
        model_attribute="stage",
        ignore_invalid_triggers=False,
        # Bind nothing onto the models: triggers are fired through machine.events, so an attached
        # session costs no more memory than its data (transitions would add ~20 partials per model).
        model_override=True,
    )


def mermaid() -> str:
    """The dialog as a Mermaid state diagram, drawn by transitions from the same table (README embeds it)."""
    from transitions.extensions import GraphMachine

    class _Diagram:
        pass

    graph = GraphMachine(
        model=_Diagram(), states=Stage, transitions=TRANSITIONS, initial=Stage.IDLE, auto_transitions=False,
        model_attribute="stage", graph_engine="mermaid", show_conditions=True, title="",
    )
    drawn = graph.models[0].get_graph().draw(None)
    return drawn.split("---\n", 2)[-1].strip()
