"""A kept plan is the plan: keeping plans under the answers their conditions read (`plan_inputs`) never
gives an owner another owner's questions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.conversation import Conversation
from dialogs.plan import plan, plan_inputs
from dialogs.session import Session
from knowledge.conditions import AnswerIn, leaves
from knowledge.loader import get_knowledge
from knowledge.model import Question

KB = get_knowledge()
CONVERSATION = Conversation(KB)  # one for every example, as the bot keeps one: its kept plans are what is tested


def _values(question: Question) -> st.SearchStrategy:
    if question.options:
        return st.sampled_from([o.id for o in question.options])
    return st.one_of(st.integers(0, 60), st.floats(0, 5_000_000, allow_nan=False), st.sampled_from([0, 1, 2, 3]))


ANSWERS = st.fixed_dictionaries({}, optional={q.id: _values(q) for q in KB.questions.values()})


def test_plan_inputs_are_what_the_conditions_read() -> None:
    inputs = set(plan_inputs(KB))
    tested = {leaf.question for q in KB.questions.values() for c in (q.only_if, q.quick_if) if c is not None
              for leaf in leaves(c) if isinstance(leaf, AnswerIn)}
    assert tested <= inputs
    assert {"cash_available", "cash_fixed_costs"} <= inputs  # the runway follow-ups read them through a metric
    assert inputs <= tested | {q.id for q in KB.metric_questions}  # nothing else can change a plan


@settings(max_examples=300, deadline=None)
@given(mode=st.sampled_from(["quick", "full", "recheck"]), focus=st.sampled_from([d.id for d in KB.dimensions]),
       answers=ANSWERS, carried=ANSWERS)
def test_a_kept_plan_is_the_plan_of_these_answers(mode: str, focus: str, answers: dict, carried: dict) -> None:
    session = Session(mode=mode, focus=focus if mode == "recheck" else None, answers=answers, carried=carried)
    expected = plan(KB, mode, session.focus, {**carried, **answers})
    assert CONVERSATION.plan_for(session) == expected
    assert CONVERSATION.plan_for(session) == expected  # and again, from the kept plans
