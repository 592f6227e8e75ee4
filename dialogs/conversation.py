"""One step of the conversation: an event in, the session moved by the shared machine, outputs out.

Channel-agnostic and free of I/O: the caller loads the session, calls `step`, commits the session and
what `Step.recorded` lists in one transaction, then renders `Step.outputs`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from dialogs import consistency
from dialogs.answers import AnswerError, ValueToConfirm, parse_answer
from dialogs.machine import Stage, machine
from dialogs.outputs import (
    Ask,
    ConfirmDiscard,
    ConfirmValue,
    Insight,
    Menu,
    Notice,
    OpenCheck,
    Output,
    Paused,
    Reask,
    ReportReady,
    WhyWeAsk,
)
from dialogs.parsing import is_no, is_yes
from dialogs.plan import plan, plan_inputs, progress
from dialogs.session import Session
from knowledge.model import KnowledgeBase, Question
from knowledge.scoring import assess, compute_metrics, score_dimension


# Events: what the owner did.
@dataclass(frozen=True, slots=True)
class Offer:
    """Show the choice between the quick check and the full assessment; a returning owner is welcomed back."""

    last_overall: int | None = None  # the overall score of their last report
    returning: bool = False


@dataclass(frozen=True, slots=True)
class Begin:
    mode: str  # quick, full or recheck
    focus: str | None = None  # the dimension of a re-check
    carried: dict[str, Any] = field(default_factory=dict)  # a re-check's answers for the other dimensions
    replace: bool = False  # the owner confirmed discarding the open check; without it an open check is kept


@dataclass(frozen=True, slots=True)
class Answer:
    raw: Any  # typed text, or an option id from a button


@dataclass(frozen=True, slots=True)
class Skip:
    pass


@dataclass(frozen=True, slots=True)
class Back:
    pass


@dataclass(frozen=True, slots=True)
class Why:
    pass


@dataclass(frozen=True, slots=True)
class Confirm:
    """Yes or no to the question just put: "55%?"."""

    yes: bool


@dataclass(frozen=True, slots=True)
class Cancel:
    pass


@dataclass(frozen=True, slots=True)
class Resume:
    pass


Event = Offer | Begin | Answer | Confirm | Skip | Back | Why | Cancel | Resume


@dataclass(slots=True)
class Step:
    """What one event did: outputs to show, answers to store (None = cleared), lifecycle flags."""

    outputs: list[Output] = field(default_factory=list)
    recorded: dict[str, Any] = field(default_factory=dict)
    started: bool = False
    finished: bool = False
    declined: ConfirmValue | None = None  # the "did you mean…?" the owner said no to: asked again, nothing stored


@dataclass(frozen=True, slots=True)
class Facts:
    """What the machine's conditions look at, computed before a trigger fires."""

    dimension_done: bool = False
    plan_done: bool = False
    can_go_back: bool = False


PLANS_KEPT = 512  # plans differ by a few answers only (see plan_inputs), so this covers many owners at once
_UNANSWERED = object()


class Conversation:
    """The rules of the conversation over one knowledge base; shared by every session, which it holds nothing of
    (a memo of recent plans aside, keyed by the answers that decide them)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.machine = machine()
        self._plan_inputs = plan_inputs(kb)
        self._plans: OrderedDict[tuple, tuple[Question, ...]] = OrderedDict()  # least recently used first

    # -- public ---------------------------------------------------------------------------------

    def step(self, session: Session, event: Event) -> Step:
        """Apply one event to the session (mutated in place) and say what to show and store."""
        result = Step()
        position = (session.stage, session.current, session.mode, len(session.asked))
        self._dispatch(session, event, result)
        if position != (session.stage, session.current, session.mode, len(session.asked)) or result.recorded:
            session.seq += 1  # the question moved on: buttons shown before now are stale
        return result

    def plan_for(self, session: Session) -> list[Question]:
        """The session's plan. Plans are kept under the mode, the focus and the answers their conditions read
        (`plan_inputs`): a step asks for its plan three or four times, and most owners share one."""
        mode, answers, carried = session.mode or "full", session.answers, session.carried
        key: tuple | None = (mode, session.focus, tuple(answers[q] if q in answers else carried.get(q, _UNANSWERED)
                                                         for q in self._plan_inputs))
        try:
            kept = self._plans.get(key)
        except TypeError:  # an unhashable answer value: compute it every time
            key, kept = None, None
        if kept is not None:
            self._plans.move_to_end(key)
            return list(kept)
        questions = plan(self.kb, mode, session.focus, self.effective_answers(session))
        if key is not None:
            self._plans[key] = tuple(questions)
            if len(self._plans) > PLANS_KEPT:
                self._plans.popitem(last=False)
        return questions

    def effective_answers(self, session: Session) -> dict[str, Any]:
        return {**session.carried, **session.answers}

    def ask_output(self, session: Session, note: str | None = None) -> Ask:
        """The current question with its progress line and any earlier answer to it."""
        questions = self.plan_for(session)
        question = self.kb.questions[session.current or ""]
        if all(q is not question for q in questions):  # a stale session: treat it as the last of the plan
            questions = [*questions, question]
        return Ask(question.id, progress(questions, question), session.answers.get(question.id), note,
                   can_go_back=bool(session.asked))

    def _fire(self, session: Session, trigger: str, *args: Any) -> bool:
        """Fire a trigger through the machine with the session as its model (never attached, see machine())."""
        return self.machine.events[trigger].trigger(session, *args)

    # -- dispatch -------------------------------------------------------------------------------

    def _dispatch(self, s: Session, event: Event, result: Step) -> None:
        pending = s.pending
        if not isinstance(event, Why):
            s.pending = None  # a "55%?" stands only until the next move
        if isinstance(event, Offer):
            self._fire(s, "offer")
            result.outputs.append(Menu(self.open_summary(s), event.last_overall, event.returning))
        elif isinstance(event, Begin):
            self._begin(s, event, result)
        elif isinstance(event, Resume):
            self._resume(s, result)
        elif isinstance(event, Cancel):
            self._cancel(s, result)
        elif s.stage != Stage.ASKING:
            result.outputs.append(Notice("no_open_check" if not s.has_open_check else "paused_check"))
        elif isinstance(event, Answer | Confirm):
            self._answer(s, event, pending if pending and pending.get("question") == s.current else None, result)
        elif isinstance(event, Skip):
            self._record(s, None, result)
        elif isinstance(event, Back):
            self._back(s, result)
        elif isinstance(event, Why):
            result.outputs.append(WhyWeAsk(s.current or ""))

    def open_summary(self, s: Session) -> OpenCheck | None:
        """(mode, answered, planned) of a check that can be resumed, else None."""
        if not s.has_open_check:
            return None
        return (s.mode or "full", len(s.asked), len(self.plan_for(s)))

    def _begin(self, s: Session, event: Begin, result: Step) -> None:
        summary = self.open_summary(s)
        if summary is not None and s.asked and not event.replace:  # never discard answers without a yes
            result.outputs.append(ConfirmDiscard(summary, event.mode, event.focus))
            return
        self._fire(s, "begin")
        s.mode, s.focus = event.mode, event.focus
        s.answers, s.asked = {}, []  # assessment_id stays until storage replaces it, abandoning the old check
        s.carried = {k: v for k, v in event.carried.items() if self.kb.questions.get(k)
                     and self.kb.questions[k].dimension != event.focus} if event.mode == "recheck" else {}
        questions = self.plan_for(s)
        s.current = questions[0].id
        result.started = True
        result.outputs.append(self.ask_output(s))

    def _cancel(self, s: Session, result: Step) -> None:
        if s.stage not in (Stage.ASKING, Stage.CHOOSING):
            result.outputs.append(Notice("nothing_to_cancel"))
            return
        self._fire(s, "cancel")
        result.outputs.append(Paused(self.open_summary(s)))

    def _resume(self, s: Session, result: Step) -> None:
        if s.stage == Stage.ASKING:
            result.outputs.append(self.ask_output(s, note="resumed"))
            return
        if s.stage not in (Stage.IDLE, Stage.CHOOSING) or not self._fire(s, "resume"):
            result.outputs.append(Notice("nothing_to_resume"))
            return
        result.outputs.append(self.ask_output(s, note="resumed"))

    def _answer(self, s: Session, event: Answer | Confirm, pending: dict[str, Any] | None, result: Step) -> None:
        """A typed or tapped answer; while "55%?" waits, a yes or no (typed or tapped) answers that."""
        question = self.kb.questions[s.current or ""]
        yes = event.yes if isinstance(event, Confirm) else _yes_or_no(event.raw)
        if pending is not None and yes is not None:
            if yes:
                self._record(s, pending["value"], result)
            else:
                # share_declined or amount_declined; a confirmation stored without a kind is a share
                kind = pending.get("kind", "share")
                self._reask(s, question, AnswerError(f"{kind}_declined"), result)
                asked_again = result.outputs[-1]  # the Reask just added, with the question's progress
                result.declined = ConfirmValue(question.id, pending["value"], asked_again.progress, kind)
            return
        if isinstance(event, Confirm):  # a yes or no with nothing to confirm: show the question again
            result.outputs.append(self.ask_output(s))
            return
        try:
            value = parse_answer(self.kb, question, event.raw)
            if question.kind == "number" and isinstance(value, int | float):
                consistency.check(self.kb, question, value, self.effective_answers(s))
        except ValueToConfirm as unsure:
            s.pending = {"question": question.id, "value": unsure.value, "kind": unsure.kind}
            result.outputs.append(ConfirmValue(question.id, unsure.value, self.ask_output(s).progress, unsure.kind))
            return
        except AnswerError as error:
            self._reask(s, question, error, result)
            return
        except consistency.Inconsistent as error:
            self._reask(s, question, AnswerError(error.reason, values={"other": error.other}), result)
            return
        self._record(s, value, result)

    def _reask(self, s: Session, question: Question, error: AnswerError, result: Step) -> None:
        result.outputs.append(Reask(question.id, error.reason, error.minimum, error.maximum,
                                    self.ask_output(s).progress, error.values))

    def _record(self, s: Session, value: Any, result: Step) -> None:
        """Store an answer (None: skipped), then move to the next question, the insight or the report."""
        question = self.kb.questions[s.current or ""]
        if value is None:
            s.answers.pop(question.id, None)
        else:
            s.answers[question.id] = value
        result.recorded[question.id] = value
        if question.id in s.asked:
            s.asked.remove(question.id)
        s.asked.append(question.id)
        following = self._next_question(s)
        done_dimension = following is None or following.dimension != question.dimension
        self._fire(s, "advance", Facts(dimension_done=done_dimension))
        if s.stage == Stage.INSIGHT:
            result.outputs.append(self._insight(s, question.dimension))
            s.current = following.id if following else None
            self._fire(s, "proceed", Facts(plan_done=following is None))
        else:
            s.current = following.id if following else None
        if s.stage == Stage.REPORT:
            result.finished = True
            result.outputs.append(ReportReady(assess(self.kb, self.scored_answers(s))))
        else:
            result.outputs.append(self.ask_output(s))

    def _next_question(self, s: Session) -> Question | None:
        return next((q for q in self.plan_for(s) if q.id not in s.asked), None)

    def _back(self, s: Session, result: Step) -> None:
        if not self._fire(s, "back", Facts(can_go_back=bool(s.asked))):
            result.outputs.append(Notice("first_question"))
            result.outputs.append(self.ask_output(s))
            return
        s.current = s.asked.pop()
        result.outputs.append(self.ask_output(s, note="back"))

    def _insight(self, s: Session, dimension_id: str) -> Insight:
        answers = self.scored_answers(s)
        dimension = self.kb.dimension(dimension_id)
        scored = score_dimension(self.kb, dimension, answers, compute_metrics(self.kb, answers))
        return Insight(dimension_id, scored.score, scored.band, scored.traps[0] if scored.traps else None)

    def scored_answers(self, s: Session) -> dict[str, Any]:
        """The answers the report counts: carried ones plus those to questions still in the plan."""
        answers = self.effective_answers(s)
        planned = {q.id for q in self.plan_for(s)}
        return {k: v for k, v in answers.items() if k in planned or k in s.carried}


def _yes_or_no(raw: Any) -> bool | None:
    if is_yes(raw):
        return True
    return False if is_no(raw) else None
