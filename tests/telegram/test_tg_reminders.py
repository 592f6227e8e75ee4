"""Reminders through the real Application: /remind, the sweep with an injected clock, restarts, a 429 in the
middle of a sweep, a blocked owner, and the buttons on a reminder (snooze, stop, update cash, an action)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.actions import ActionPlanService
from bot.services.advisor import Advisor
from bot.services.schedule import from_epoch
from bot.telegram import reminder_jobs, sending
from tests.reminders.test_reminder_content import STRUGGLING, Clock
from tests.storage.test_store import finish

SHANGHAI = ZoneInfo("Asia/Shanghai")


def use_clock(harness, clock: Clock) -> None:
    harness.app.bot_data["reminders"].clock = clock


async def sweep(harness) -> reminder_jobs.SweepResult:
    return await reminder_jobs.sweep(harness.app)


def next_due(harness, chat) -> datetime | None:
    rows = harness.query("SELECT next_due FROM reminders WHERE user_id = ?", chat.db_user_id)
    return from_epoch(rows[0][0]) if rows and rows[0][0] is not None else None


def reminders_in(chat) -> list[dict]:
    return [m for m in chat.messages if m.get("text", "").startswith("⏰") and
            any(d == "rm:stop" for _, d in chat.core.buttons(m))]


async def owner_with_report(harness, clock: Clock, user_id: int, language: str = "en", schedule: str = "daily 09:00"):
    """An owner with a struggling report (stored directly), reminders set by typing /remind."""
    chat = harness.chat(user_id, language)
    await chat.send("/help")
    finish(Advisor(harness.store, harness.kb), chat.db_user_id, overrides=STRUGGLING)
    use_clock(harness, clock)
    await chat.send(f"/remind {schedule}")
    return chat


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def test_remind_typed_confirms_the_schedule_with_the_next_time_in_the_owners_zone(harness, clock) -> None:
    use_clock(harness, clock)
    chat = harness.chat(2001, "en")
    await chat.send("/remind weekly mon 09:00")
    assert "Reminders: every Monday at 09:00 (Asia/Shanghai)" in chat.last
    due = next_due(harness, chat).astimezone(SHANGHAI)
    assert (due.weekday(), due.hour, due.minute) == (0, 9, 0)
    assert f"Next reminder: Mon {due.day} " in chat.last
    await chat.send("/remind tz America/New_York")
    assert "(America/New_York)" in chat.last
    assert next_due(harness, chat).astimezone(ZoneInfo("America/New_York")).hour == 9
    await chat.send("/remind off")
    assert next_due(harness, chat) is None
    assert "Reminders are off" in chat.last
    assert chat.last.count("turn them") == 1  # "Done, no more reminders." then how to turn them on, once
    await chat.send("/remind tz london")  # while off: the zone is kept, and shown
    assert "Time zone: Europe/London" in chat.last
    await chat.send("/remind sometimes")
    assert "I didn't understand" in chat.last
    zh = harness.chat(2002, "zh-hans")
    await zh.send("/remind 每月1号 9点")
    assert "提醒：每月 1 号 09:00（Asia/Shanghai）" in zh.last
    assert next_due(harness, zh).astimezone(SHANGHAI).day == 1


async def test_remind_buttons_change_the_schedule_in_place(harness, clock) -> None:
    use_clock(harness, clock)
    chat = harness.chat(2003, "en")
    await chat.send("/remind")
    settings = chat.last_message["message_id"]
    await chat.click("rm:h:20")  # a time while reminders are off turns on the weekly one
    assert next_due(harness, chat).astimezone(SHANGHAI).hour == 20
    await chat.click("rm:f:daily")
    await chat.click("rm:z:Asia/Singapore")
    assert "every day at 20:00 (Asia/Singapore)" in harness.core.message(chat.chat_id, settings)["text"]
    await chat.click("rm:q:1320-480")
    assert "Quiet hours: 22:00–08:00" in chat.last
    await chat.click("rm:off")
    assert next_due(harness, chat) is None
    assert chat.last_message["message_id"] == settings  # edited in place each time


async def test_a_finished_check_offers_the_schedule_that_fits_its_risks_in_one_tap(harness, clock) -> None:
    use_clock(harness, clock)
    chat = harness.chat(2004, "zh-hans")
    await chat.send("/check")
    await chat.finish_check(numbers=chat.BAD_NUMBERS)
    offer = [(text, d) for text, d in chat.buttons if d and d.startswith("rm:p:")]
    assert offer == [("⏰ 提醒我：每周一 09:00", "rm:p:weekly:0:1:9:0:cash")]
    await chat.click("rm:p:weekly:0:1:9:0:cash")
    assert "现金跑道不足 6 个月" in chat.last
    assert harness.query("SELECT frequency, proposed FROM reminders WHERE user_id = ?",
                         chat.db_user_id) == [("weekly", 1)]


async def test_a_check_with_every_question_skipped_offers_no_reminders(harness, clock) -> None:
    use_clock(harness, clock)
    chat = harness.chat(2005, "en")
    await chat.send("/check")
    for _ in range(40):
        if chat.session.current is None:
            break
        await chat.click(chat.nav("skip"))
    assert "No dimension can be scored from the answers so far" in chat.last
    assert [d for _, d in chat.buttons if d and d.startswith("rm:")] == []
    assert any(d and d.startswith("m:") for _, d in chat.buttons)  # a new check is offered instead


async def test_a_due_reminder_is_sent_once_and_its_slot_moves_on(harness, clock) -> None:
    chat = await owner_with_report(harness, clock, 2005)
    slot = next_due(harness, chat)
    assert (await sweep(harness)).sent == 0  # not yet due
    clock.now = slot + timedelta(minutes=1)
    assert (await sweep(harness)).sent == 1
    (reminder,) = reminders_in(chat)
    assert "Cash runway check-in" in reminder["text"]
    assert {"rm:m:cash", "rm:m:costs", "rm:s:day", "rm:s:week", "rm:stop"} <= {d for _, d in
                                                                                harness.core.buttons(reminder)}
    assert (await sweep(harness)).sent == 0
    assert next_due(harness, chat) == slot + timedelta(days=1)
    clock.now = slot + timedelta(days=1, minutes=1)
    await sweep(harness)
    assert "Customer concentration" in reminders_in(chat)[-1]["text"]  # not the same one twice in a row


async def test_restart_before_during_and_after_a_due_slot(harness, clock) -> None:
    chat = await owner_with_report(harness, clock, 2006)
    slot = next_due(harness, chat)
    clock.now = slot - timedelta(minutes=5)
    await harness.restart()  # before: nothing is sent early, the slot is kept
    use_clock(harness, clock)
    assert (await sweep(harness)).sent == 0
    assert next_due(harness, chat) == slot
    clock.now = slot + timedelta(days=3, hours=2)  # down during four slots
    await harness.restart()
    use_clock(harness, clock)
    assert (await sweep(harness)).sent == 1  # caught up once, not four times
    assert next_due(harness, chat) == slot + timedelta(days=4)
    await harness.restart()  # after: the slot was recorded with the send
    use_clock(harness, clock)
    assert (await sweep(harness)).sent == 0
    assert len(reminders_in(chat)) == 1


async def test_a_send_that_fails_on_the_way_stays_due_and_goes_after_a_restart(harness, clock) -> None:
    chats = [await owner_with_report(harness, clock, 2100 + n) for n in range(3)]
    clock.now = next_due(harness, chats[0]) + timedelta(minutes=1)
    harness.core.fail("sendMessage", 500, times=len(sending.RETRY_DELAYS) + 1, chat_id=chats[1].chat_id)
    result = await sweep(harness)
    assert (result.sent, result.failed) == (2, 1)
    await harness.restart()
    use_clock(harness, clock)
    assert (await sweep(harness)).sent == 1
    assert [len(reminders_in(c)) for c in chats] == [1, 1, 1]


async def test_a_429_in_the_middle_of_a_sweep_is_waited_out_and_nothing_is_doubled(harness, clock) -> None:
    chats = [await owner_with_report(harness, clock, 2200 + n) for n in range(5)]
    clock.now = next_due(harness, chats[0]) + timedelta(minutes=1)
    harness.core.fail_next("sendMessage", 429, retry_after=1, chat_id=chats[2].chat_id)
    started = datetime.now(UTC)
    result = await sweep(harness)
    assert result.sent == 5
    assert datetime.now(UTC) - started >= timedelta(seconds=1)  # retry_after honoured
    assert [e.error_code for e in harness.core.errors if e.method == "sendMessage"] == [429]
    assert [len(reminders_in(c)) for c in chats] == [1] * 5
    assert (await sweep(harness)).sent == 0


async def test_a_blocked_owner_is_marked_inactive_never_retried_and_back_after_start(harness, clock) -> None:
    chat = await owner_with_report(harness, clock, 2007)
    slot = next_due(harness, chat)
    harness.core.block_user(chat.user_id)
    clock.now = slot + timedelta(minutes=1)
    assert (await sweep(harness)).blocked == 1
    assert harness.query("SELECT active FROM users WHERE id = ?", chat.db_user_id) == [(0,)]
    assert next_due(harness, chat) is None
    calls = len(harness.core.calls_to("sendMessage"))
    clock.now += timedelta(days=2)
    assert (await sweep(harness)).blocked == 0
    assert len(harness.core.calls_to("sendMessage")) == calls
    await chat.send("/start")
    assert harness.query("SELECT active FROM users WHERE id = ?", chat.db_user_id) == [(1,)]
    assert next_due(harness, chat) > clock.now


async def test_quiet_hours_move_a_due_slot_to_their_end(harness, clock) -> None:
    chat = await owner_with_report(harness, clock, 2008, schedule="daily 23:00")
    await chat.send("/remind quiet 22:00-08:00")
    local = next_due(harness, chat).astimezone(SHANGHAI)
    assert (local.hour, local.minute) == (8, 0)  # 23:00 is inside the quiet hours
    # a slot that falls due inside them (snoozed there before quiet hours were set) waits for their end
    inside = local.replace(hour=23) - timedelta(days=1)
    harness.store.move_slot(chat.db_user_id, int(local.timestamp()), int(inside.timestamp()))
    clock.now = inside + timedelta(minutes=5)
    assert (await sweep(harness)).deferred == 1
    assert next_due(harness, chat).astimezone(SHANGHAI).hour == 8
    assert reminders_in(chat) == []


async def test_snooze_and_stop_from_the_reminder(harness, clock) -> None:
    chat = await owner_with_report(harness, clock, 2009)
    clock.now = next_due(harness, chat) + timedelta(minutes=1)
    await sweep(harness)
    await chat.click("rm:s:week")
    assert next_due(harness, chat) == clock.now.replace(microsecond=0) + timedelta(weeks=1)
    assert "I'll remind you on" in chat.last
    clock.now += timedelta(weeks=1, minutes=1)
    await sweep(harness)
    await chat.click("rm:stop")
    assert next_due(harness, chat) is None
    assert harness.query("SELECT frequency FROM reminders WHERE user_id = ?", chat.db_user_id) == [("off",)]


async def test_update_cash_in_place_scores_the_check_again(harness, clock) -> None:
    chat = await owner_with_report(harness, clock, 2010)
    clock.now = next_due(harness, chat) + timedelta(minutes=1)
    await sweep(harness)
    before = harness.store.latest_kept_report(chat.db_user_id)
    await chat.click("rm:m:cash")
    assert "How much cash do you have now?" in chat.last
    await chat.send("lots")
    assert "I can't use that number" in chat.last
    await chat.send("2,000k")
    assert "Updated and scored again" in chat.last
    after = harness.store.latest_kept_report(chat.db_user_id)
    assert after.assessment_id != before.assessment_id
    assert after.report["metrics"]["runway_months"] == pytest.approx(20)
    assert after.mode == "recheck"
    await chat.send("3")  # nothing awaited any more: the number is not taken as cash
    assert harness.store.latest_kept_report(chat.db_user_id).assessment_id == after.assessment_id


async def test_an_action_check_in_updates_the_plan(harness, clock) -> None:
    chat = await owner_with_report(harness, clock, 2011)
    plan = ActionPlanService(harness.store, harness.kb)
    action = plan.candidates(chat.db_user_id)[1][0].action
    plan.choose(chat.db_user_id, action)
    row = plan.open_actions(chat.db_user_id)[0].id
    for key in ("runway", "concentration", "supplier"):  # checked in already this month
        harness.store.note_sent(chat.db_user_id, [key], int(clock.now.timestamp()) + 600)
    clock.now = next_due(harness, chat) + timedelta(days=8, minutes=1)
    await sweep(harness)
    reminder = reminders_in(chat)[-1]
    assert "Action check-in" in reminder["text"]
    await chat.click(f"rm:a:{row}:done", message_id=reminder["message_id"])
    assert "Marked as done" in chat.last
    assert [a.status for a in harness.store.focus_actions(chat.db_user_id)] == ["done"]
    assert harness.core.buttons(harness.core.message(chat.chat_id, reminder["message_id"])) == []
