"""Whole checks through the conversation: report, back, skip, why, cancel/resume, re-check, progress, follow-ups."""

from __future__ import annotations

import pytest

from dialogs.conversation import Answer, Back, Begin, Cancel, Conversation, Resume, Skip, Why
from dialogs.machine import Stage
from dialogs.outputs import Ask, ConfirmDiscard, Insight, Notice, Paused, ReportReady, WhyWeAsk
from knowledge.model import DIMENSION_IDS, KnowledgeBase
from tests.conversation.conv_support import Driver, last_ask, metric_question, report_of


def best_answers(kb: KnowledgeBase) -> dict[str, str]:
    """The strongest option of every choice question (numbers keep their mid values)."""
    return {q.id: q.options[-1].id for q in kb.questions.values() if q.kind == "choice"}


def started(conv: Conversation, mode: str = "quick", **begin: object) -> Driver:
    driver = Driver(conv)
    step = driver.send(Begin(mode, **begin))
    assert step.started
    return driver


def without_seq(driver: Driver) -> dict:
    return {k: v for k, v in driver.session.to_dict().items() if k != "seq"}


# --------------------------------------------------------------------------- to the report


@pytest.mark.parametrize("mode", ["quick", "full"])
def test_check_runs_to_a_report_with_all_eight_dimensions_scored(conv: Conversation, mode: str) -> None:
    driver = started(conv, mode)
    report = driver.run_to_report()
    final = driver.steps[-1]
    assert final.finished
    assert isinstance(final.outputs[-1], ReportReady)
    assert driver.session.stage == Stage.REPORT
    assert driver.session.current is None
    assert [d.id for d in report.dimensions] == list(DIMENSION_IDS)
    assert all(d.score is not None and d.band != "unanswered" for d in report.dimensions), report.dimensions
    assert report.overall is not None
    assert not any(s.finished for s in driver.steps[:-1])


def test_full_assessment_asks_every_dimension_in_order(conv: Conversation, kb: KnowledgeBase) -> None:
    driver = started(conv, "full")
    driver.run_to_report()
    dims = [kb.questions[q].dimension for q in driver.asked]
    assert list(dict.fromkeys(dims)) == list(DIMENSION_IDS)
    assert len(driver.asked) == len(set(driver.asked)), "a question was asked twice in a straight run"


@pytest.mark.parametrize("mode", ["quick", "full"])
def test_an_insight_follows_each_dimension(conv: Conversation, kb: KnowledgeBase, mode: str) -> None:
    driver = started(conv, mode)
    driver.run_to_report()
    insights = driver.insights()
    assert [i.dimension for i in insights] == list(DIMENSION_IDS)
    for step in driver.steps:
        kinds = [type(o) for o in step.outputs]
        if Insight in kinds:
            # shown in the step that answered the dimension's last question, before what comes next
            assert kinds.index(Insight) == 0
            assert kinds[1] in (Ask, ReportReady)
            done = step.outputs[0].dimension
            nxt = step.outputs[1]
            if isinstance(nxt, Ask):
                assert kb.questions[nxt.question].dimension != done
    for insight in insights:
        assert kb.dimension(insight.dimension).insight("zh")
        assert insight.trap is None or insight.trap in kb.traps


@pytest.mark.parametrize("mode", ["quick", "full"])
def test_progress_is_right_on_every_question(conv: Conversation, kb: KnowledgeBase, mode: str) -> None:
    driver = started(conv, mode)
    driver.run_to_report()
    asks = [o for o in driver.outputs if isinstance(o, Ask)]
    assert len(asks) == len(driver.asked)
    per_dimension: dict[str, list[Ask]] = {}
    for ask in asks:
        per_dimension.setdefault(kb.questions[ask.question].dimension, []).append(ask)
    for dimension_id, dim_asks in per_dimension.items():
        for n, ask in enumerate(dim_asks, start=1):
            d, dn, q, qn = ask.progress
            assert (d, dn) == (DIMENSION_IDS.index(dimension_id) + 1, 8), ask
            assert q == n, ask
            assert q <= qn, ask
        assert dim_asks[-1].progress[3] == len(dim_asks), "the last question of a dimension is n of n"
        if mode == "full":  # nothing adaptive in these answers: the count is known from the start
            assert {a.progress[3] for a in dim_asks} == {len(dim_asks)}


# --------------------------------------------------------------------------- back, skip, why


def test_back_returns_to_the_previous_question_with_its_answer(conv: Conversation, kb: KnowledgeBase) -> None:
    driver = started(conv, "full")
    first = driver.session.current
    step = driver.send(Back())
    assert step.outputs[0] == Notice("first_question")
    assert last_ask(step).question == first
    assert not last_ask(step).can_go_back

    option = kb.questions[first].options[2].id
    driver.send(Answer(option))
    second = driver.session.current
    assert last_ask(driver.steps[-1]).can_go_back
    step = driver.send(Back())
    ask = last_ask(step)
    assert (ask.question, ask.previous, ask.note) == (first, option, "back")
    assert driver.session.current == first
    assert driver.session.asked == []
    assert step.recorded == {}

    changed = kb.questions[first].options[1].id
    step = driver.send(Answer(changed))
    assert step.recorded == {first: changed}
    assert last_ask(step).question == second
    assert driver.session.answers[first] == changed


def test_back_across_a_dimension_shows_the_number_answered(conv: Conversation, kb: KnowledgeBase) -> None:
    driver = started(conv, "quick")
    while kb.questions[driver.session.current].dimension != "retention":
        driver.answer()
    previous_dimension_last = driver.session.asked[-1]
    given = driver.session.answers[previous_dimension_last]
    ask = last_ask(driver.send(Back()))
    assert ask.question == previous_dimension_last
    assert ask.previous == given
    assert kb.questions[ask.question].dimension == "team"


def test_skip_records_none_and_clears_an_earlier_answer(conv: Conversation) -> None:
    driver = started(conv, "quick")
    first = driver.session.current
    step = driver.send(Skip())
    assert step.recorded == {first: None}
    assert first not in driver.session.answers
    assert driver.session.asked == [first]

    driver.send(Back())
    driver.send(Answer("1"))
    assert first in driver.session.answers
    driver.send(Back())
    step = driver.send(Skip())
    assert step.recorded == {first: None}
    assert first not in driver.session.answers
    assert driver.session.asked == [first]


def test_skipped_dimension_is_unanswered_not_zero(conv: Conversation, kb: KnowledgeBase) -> None:
    driver = started(conv, "quick")
    answers = best_answers(kb)
    report = None
    while report is None:
        question = kb.questions[driver.session.current]
        step = driver.send(Skip()) if question.dimension == "team" else driver.answer(answers)
        report = report_of(step)
    team = report.dimension("team")
    assert team.score is None
    assert team.band == "unanswered"
    assert "team" not in report.fatal
    others = [d.score for d in report.dimensions if d.id != "team"]
    assert all(s is not None for s in others)
    assert report.overall is not None
    assert report.overall > 29, "an unanswered dimension must not pull the product down like a zero"
    assert not any(q.startswith("team_") for q in driver.session.answers)


def test_why_explains_the_waiting_question(conv: Conversation, kb: KnowledgeBase) -> None:
    driver = started(conv, "full")
    driver.answer()
    before = without_seq(driver)
    step = driver.send(Why())
    assert step.outputs == [WhyWeAsk(driver.session.current)]
    assert kb.questions[driver.session.current].why("zh")
    assert kb.questions[driver.session.current].why("en")
    assert step.recorded == {}
    assert without_seq(driver) == before


# --------------------------------------------------------------------------- cancel, resume, begin again


def test_cancel_pauses_and_resume_continues_at_the_same_question(conv: Conversation) -> None:
    driver = started(conv, "quick")
    for _ in range(3):
        driver.answer()
    waiting = driver.session.current
    answers = dict(driver.session.answers)
    step = driver.send(Cancel())
    assert step.outputs == [Paused(("quick", 3, len(conv.plan_for(driver.session))))]
    assert driver.session.stage == Stage.IDLE
    assert driver.session.answers == answers

    step = driver.send(Resume())
    ask = last_ask(step)
    assert (ask.question, ask.note) == (waiting, "resumed")
    assert driver.session.stage == Stage.ASKING
    assert driver.run_to_report().overall is not None


def test_begin_while_a_check_is_open_asks_first_and_keeps_it(conv: Conversation) -> None:
    driver = started(conv, "quick")
    for _ in range(4):
        driver.answer()
    before = driver.session.to_dict()
    step = driver.send(Begin("full"))
    assert step.outputs == [ConfirmDiscard(("quick", 4, len(conv.plan_for(driver.session))), "full")]
    assert not step.started
    assert not step.recorded
    assert driver.session.to_dict() == before  # nothing discarded, the same question's buttons still work


def test_begin_with_replace_starts_fresh(conv: Conversation) -> None:
    driver = started(conv, "quick")
    first = driver.session.current
    for _ in range(4):
        driver.answer()
    step = driver.send(Begin("full", replace=True))
    assert step.started
    assert driver.session.mode == "full"
    assert driver.session.answers == {}
    assert driver.session.asked == []
    assert driver.session.current == first
    assert last_ask(step).progress[:3] == (1, 8, 1)


# --------------------------------------------------------------------------- re-check one dimension


def test_recheck_asks_only_its_dimension_and_keeps_the_others(conv: Conversation, kb: KnowledgeBase) -> None:
    driver = started(conv, "full")
    before = driver.run_to_report(best_answers(kb))
    carried = dict(driver.session.answers)

    step = driver.send(Begin("recheck", focus="team", carried=carried))
    assert step.started
    assert not any(kb.questions[q].dimension == "team" for q in driver.session.carried)
    asked_from = len(driver.asked)
    after = driver.run_to_report()  # first options: the team gets worse
    rechecked = driver.asked[asked_from - 1:]
    assert {kb.questions[q].dimension for q in rechecked} == {"team"}
    assert set(rechecked) == {q.id for q in kb.dimension("team").questions}
    for ask in (o for s in driver.steps[-len(rechecked):] for o in s.outputs if isinstance(o, Ask)):
        assert ask.progress[:2] == (1, 1)
    assert after.dimension("team").score < before.dimension("team").score
    for dimension_id in DIMENSION_IDS:
        if dimension_id != "team":
            assert after.dimension(dimension_id) == before.dimension(dimension_id), dimension_id
    assert [i.dimension for i in driver.insights()][-1] == "team"


# --------------------------------------------------------------------------- adaptive follow-ups


def test_short_runway_adds_receivables_and_inventory_to_the_quick_check(conv: Conversation, kb: KnowledgeBase) -> None:
    receivables = metric_question(kb, "receivables_share").id
    inventory = metric_question(kb, "inventory_days").id
    fixed = metric_question(kb, "monthly_fixed_costs").id
    driver = started(conv, "quick")
    short = {"cash_on_hand": 500_000, "monthly_fixed_costs": 100_000}  # 5 months
    while driver.session.current != fixed:
        driver.answer(short)
    planned = {q.id for q in conv.plan_for(driver.session)}
    assert receivables not in planned
    step = driver.answer(short)
    assert last_ask(step).question == receivables
    assert last_ask(step).progress[2:] == (3, 4)
    step = driver.answer({"receivables_share": 70})
    assert last_ask(step).question == inventory

    # changed back through Back: 10 months of runway, the follow-ups go away
    driver.send(Back())
    ask = last_ask(driver.send(Back()))
    assert (ask.question, ask.previous) == (fixed, 100_000)
    step = driver.answer({"monthly_fixed_costs": 50_000})
    assert isinstance(step.outputs[0], Insight)
    assert kb.questions[last_ask(step).question].dimension == "team"
    planned = {q.id for q in conv.plan_for(driver.session)}
    assert receivables not in planned
    assert inventory not in planned
    report = driver.run_to_report()
    assert "receivables_share" not in report.metrics, "a dropped follow-up's answer is not scored"
    assert report.metrics["runway_months"] == pytest.approx(10)


def test_big_customer_adds_the_pipeline_question_and_changing_it_removes_it(
    conv: Conversation, kb: KnowledgeBase
) -> None:
    top = metric_question(kb, "top_customer_share")
    pipeline = kb.questions["risk_new_customer_pipeline"]
    assert pipeline.only_if is not None
    assert pipeline.dimension == "risk_control"
    driver = started(conv, "full")
    while driver.session.current != top.id:
        driver.answer()
    driver.answer({"top_customer_share": 60})
    asked_next = []
    while kb.questions[driver.session.current].dimension == "risk_control":
        asked_next.append(driver.session.current)
        if driver.session.current == pipeline.id:
            break
        driver.answer()
    assert pipeline.id in asked_next

    while driver.session.current != top.id:
        driver.send(Back())
    assert last_ask(driver.steps[-1]).previous == 60
    driver.answer({"top_customer_share": 30})
    assert pipeline.id not in {q.id for q in conv.plan_for(driver.session)}
    rest = len(driver.asked)
    driver.run_to_report()
    assert pipeline.id not in driver.asked[rest:]


def test_every_question_in_the_knowledge_base_is_asked_in_some_scenario(conv: Conversation, kb: KnowledgeBase) -> None:
    scenarios = {
        "quick, mid values": ("quick", {}),
        "quick, 2.5 months of runway, one big customer": (
            "quick", {"monthly_fixed_costs": 200_000, "top_customer_share": 60}),
        "quick, top-heavy team of 30": ("quick", {"headcount": 30, "managers": 15}),
        "full, one big customer": ("full", {"top_customer_share": 60}),
        "full, a single core supplier": ("full", {"backup_suppliers": 0}),
    }
    asked: dict[str, set[str]] = {}
    for name, (mode, overrides) in scenarios.items():
        driver = started(conv, mode)
        driver.run_to_report(overrides)
        asked[name] = set(driver.asked)
    everything = set().union(*asked.values())
    assert everything == set(kb.questions), f"never asked: {sorted(set(kb.questions) - everything)}"
    short_runway = asked["quick, 2.5 months of runway, one big customer"]
    assert metric_question(kb, "receivables_share").id in short_runway
    assert metric_question(kb, "inventory_days").id in short_runway
    assert metric_question(kb, "receivables_share").id not in asked["quick, mid values"]
