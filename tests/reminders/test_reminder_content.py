"""The content chosen for three different owners from their kept reports, with an injected clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.actions import ActionPlanService
from bot.services.advisor import Advisor
from bot.services.reminder_content import Reminder, choose
from bot.services.reminders import ReminderService, propose_schedule
from bot.storage.store import Store
from bot.views.reminders import due_text, reminder_text
from knowledge.loader import get_knowledge
from knowledge.model import KnowledgeBase
from tests.storage.test_store import answer_current, finish

STRUGGLING = {"cash_available": 50_000, "cash_fixed_costs": 100_000, "risk_top_customer_share": 70,
              "risk_backup_supplier_count": 0}
HEALTHY = {"cash_available": 1_200_000, "cash_fixed_costs": 50_000, "risk_top_customer_share": 15,
           "risk_backup_supplier_count": 3}
ASCII_IN_CHINESE = re.compile(r"[\u4e00-\u9fff（）“”][?,!;:]|[?,!;:][\u4e00-\u9fff（“]")


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(minutes=1)  # after anything the test stores in real time

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return get_knowledge()


@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path / "advisor.db")
    yield store
    store.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def best_answers(kb: KnowledgeBase) -> dict:
    """The strongest option of every choice question, and healthy numbers."""
    best = {q.id: max((o for o in q.options if o.points is not None), key=lambda o: o.points).id
            for q in kb.questions.values() if q.kind == "choice"}
    return {**best, **HEALTHY, "ret_repeat_share": 70, "ret_complaint_hours": 2, "adapt_online_share": 60}


def service(store: Store, kb: KnowledgeBase, clock: Clock) -> ReminderService:
    return ReminderService(store, kb, "Asia/Shanghai", clock)


def keys(due: list[Reminder]) -> list[str]:
    return [r.key for r in due]


def test_a_struggling_owner_gets_the_metric_check_ins_first_then_the_fatal_boards(store, kb, clock) -> None:
    user = store.user("telegram", "1", "zh").id
    finish(Advisor(store, kb), user, overrides=STRUGGLING)
    reminders = service(store, kb, clock)
    due = reminders.due(user)
    assert keys(due)[:3] == ["runway", "concentration", "supplier"]
    boards = [r for r in due if r.kind == "dimension"]
    assert boards[0].values["band"] == "fatal"
    assert {"dim:cash_flow", "dim:risk_control"} <= set(keys(boards))
    cash = next(r for r in boards if r.dimension == "cash_flow")
    assert kb.traps[cash.trap].dimension == "cash_flow"
    assert kb.actions[cash.action].dimension == "cash_flow"
    # sent: the runway check-in waits a month, the others come in turn
    store.note_sent(user, ["runway"], int(clock.now.timestamp()))
    assert keys(reminders.due(user))[0] == "concentration"
    clock.advance(days=31)
    store.note_sent(user, ["concentration", "supplier"], int(clock.now.timestamp()))
    assert keys(reminders.due(user))[0] == "runway"  # monthly while under 6 months
    clock.advance(days=31)
    assert "concentration" not in keys(reminders.due(user))  # quarterly
    clock.advance(days=60)
    assert "concentration" in keys(reminders.due(user))
    assert propose_schedule(store.latest_kept_report(user).report, "Asia/Shanghai").reason == "cash"


def test_a_healthy_owner_hears_only_about_their_actions_and_a_check_after_six_months(store, kb, clock) -> None:
    user = store.user("telegram", "2", "en").id
    finish(Advisor(store, kb), user, overrides=best_answers(kb))
    reminders = service(store, kb, clock)
    assert [r.kind for r in reminders.due(user)] == []
    plan = ActionPlanService(store, kb)
    action = plan.candidates(user)[1][0].action
    assert plan.choose(user, action) == "chosen"
    assert reminders.due(user) == []  # chosen today: asked in a week
    clock.advance(days=8)
    (check_in,) = reminders.due(user)
    assert (check_in.kind, check_in.action, check_in.values["days"]) == ("action", action, 8)
    row = plan.open_actions(user)[0].id
    assert reminders.answer_action(user, row, "later")
    assert reminders.due(user) == []
    clock.advance(days=7)
    assert reminders.answer_action(user, row, "done")
    assert not reminders.answer_action(user, row, "drop")  # closed already
    clock.advance(days=100)
    assert reminders.due(user) == []  # healthy: a re-assessment after six months, not three
    clock.advance(days=80)
    assert keys(reminders.due(user)) == ["reassess"]
    assert propose_schedule(store.latest_kept_report(user).report, "UTC").schedule.frequency == "monthly"


def test_an_owner_with_an_unfinished_check_is_nudged_once(store, kb, clock) -> None:
    user = store.user("telegram", "3", "zh").id
    reminders = service(store, kb, clock)
    assert keys(reminders.due(user)) == ["first_check"]
    advisor = Advisor(store, kb)
    advisor.begin(user, "full")
    answer_current(advisor, user)
    (nudge,) = reminders.due(user)
    assert (nudge.kind, nudge.values["answered"]) == ("nudge", 1)
    reminders.shown(user, [nudge])
    clock.advance(days=40)
    assert reminders.due(user) == []  # once, and no "first check" while one is open


def test_never_the_same_reminder_twice_in_a_row_while_another_is_due() -> None:
    a, b = Reminder("runway", "runway"), Reminder("dimension", "dim:team")
    assert choose([a, b], None) == a
    assert choose([a, b], "runway") == b
    assert choose([a], "runway") == a
    assert choose([], "runway") is None


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_every_reminder_renders_natively(store, kb, clock, locale: str) -> None:
    user = store.user("telegram", "4", locale).id
    advisor = Advisor(store, kb)
    finish(advisor, user, overrides=STRUGGLING)
    plan = ActionPlanService(store, kb)
    plan.choose(user, plan.candidates(user)[1][0].action)
    clock.advance(days=200)
    advisor.begin(user, "quick")
    answer_current(advisor, user)
    due = service(store, kb, clock).due(user)
    assert {"nudge", "runway", "concentration", "supplier", "action", "reassess", "dimension"} <= {r.kind for r in due}
    texts = [reminder_text(kb, r, locale) for r in due] + [due_text(kb, due, locale)]
    for text in texts:
        if locale == "zh":
            assert not ASCII_IN_CHINESE.search(text), text
        else:
            assert not re.search(r"(?<![\d.,])1 (months|days|questions)\b", text), text
    assert due_text(kb, due, locale).splitlines()[0] in (f"{len(due)} reminders due:", f"有 {len(due)} 条提醒：")
    action = next(r for r in due if r.kind == "action")
    assert ("200 days" if locale == "en" else "200 天前") in reminder_text(kb, action, locale)
    # the runway reminder points at its update buttons on Telegram; the console, which has none, says what to do
    runway = next(r for r in due if r.kind == "runway")
    button = "buttons below" if locale == "en" else "按钮"
    assert button in reminder_text(kb, runway, locale)
    assert button not in due_text(kb, due, locale)
