"""The report at a glance, its details, the HTML document, /history, /actions and /export on Telegram."""

from __future__ import annotations

import pytest

from bot.views.glance import CAPTION_LIMIT, visible_length
from tests.support.telegram_core import JSONDict
from tests.telegram.conftest import BAD_NUMBERS, BotHarness, Chat

GOOD_NUMBERS = {**BAD_NUMBERS, "cash_available": "200万", "cash_fixed_costs": "10万", "cash_receivables": "10%",
                "cash_inventory": "20天"}
LANGUAGE = {"zh": "zh-hans", "en": "en"}


def photos(messages: list[JSONDict]) -> list[JSONDict]:
    return [m for m in messages if "photo" in m]


def documents(messages: list[JSONDict]) -> list[JSONDict]:
    return [m for m in messages if "document" in m]


async def checked(harness: BotHarness, locale: str, numbers: dict[str, str] = BAD_NUMBERS, user_id: int = 2001) -> Chat:
    chat = harness.chat(user_id, LANGUAGE[locale])
    await chat.send("/check")
    await chat.finish_check(numbers=numbers)
    return chat


@pytest.mark.parametrize("locale", ["zh", "en"])
async def test_report_opens_with_one_photo_whose_caption_is_the_summary(harness: BotHarness, locale: str) -> None:
    chat = await checked(harness, locale)
    replies = await chat.send("/report")
    assert len(replies) == 1
    photo = photos(replies)[0]
    caption = photo["caption"]
    assert len(caption) < CAPTION_LIMIT
    assert visible_length(caption) < CAPTION_LIMIT
    for dimension in harness.kb.dimensions:
        assert dimension.title(locale) in caption
    latest = harness.store.latest_kept_report(chat.db_user_id)
    assert str(latest.overall) in caption
    focus = [harness.kb.actions[a["id"]].title(locale) for a in latest.report["focus_actions"]]
    assert focus
    assert all(title.replace("'", "&#39;") in caption or title in caption for title in focus)
    data = {d for _, d in harness.core.buttons(photo)}
    assert {f"g:{latest.assessment_id}:{w}" for w in ("f:", "r:", "a:", "h:")} <= data


async def test_details_one_dimension_at_a_time_edited_in_place(harness: BotHarness) -> None:
    chat = await checked(harness, "zh")
    await chat.send("/report")
    kb = harness.kb
    replies = await chat.click("📋")
    details = replies[-1]
    assert kb.dimensions[0].title("zh") in details["text"]
    cash = kb.dimension("cash_flow")
    edited = await chat.click(cash.title("zh"), message_id=details["message_id"])
    assert [m["message_id"] for m in edited] == [details["message_id"]]
    text = edited[0]["text"]
    assert cash.title("zh") in text
    latest = harness.store.latest_kept_report(chat.db_user_id).report
    trap = next(d for d in latest["dimensions"] if d["id"] == "cash_flow")["traps"][0]
    assert kb.traps[trap].title("zh") in text
    assert kb.traps[trap].explanation("zh") in text


@pytest.mark.parametrize("locale", ["zh", "en"])
async def test_html_report_is_a_self_contained_document(harness: BotHarness, locale: str) -> None:
    chat = await checked(harness, locale)
    await chat.send("/report")
    replies = await chat.click("📄")
    document = documents(replies)[0]["document"]
    assert document["file_name"].endswith(".html")
    assert document["file_size"] > 30_000  # the chart is inside


async def test_recheck_report_opens_with_before_and_after(harness: BotHarness) -> None:
    chat = await checked(harness, "zh")
    first = harness.store.latest_kept_report(chat.db_user_id)
    await chat.send("/report")
    await chat.click("🔁 复查一个维度")
    await chat.click("r:cash_flow")
    assert chat.session.focus == "cash_flow"
    await chat.finish_check(numbers=GOOD_NUMBERS)
    caption = photos(await chat.send("/report"))[0]["caption"]
    second = harness.store.latest_kept_report(chat.db_user_id)
    before = next(d["score"] for d in first.report["dimensions"] if d["id"] == "cash_flow")
    after = next(d["score"] for d in second.report["dimensions"] if d["id"] == "cash_flow")
    assert after > before
    assert f"现金流管理 {before} → {after} ↑ +{after - before}" in caption
    assert caption.index("→") < caption.index(harness.kb.dimensions[0].title("zh"))  # before/after first


async def test_history_arrows_points_trend_and_actions_done_between(harness: BotHarness) -> None:
    chat = await checked(harness, "en")
    await chat.send("/actions")
    plan = chat.last_message
    chosen = next(label for label, data in harness.core.buttons(plan) if data and data.startswith("x:c:"))
    edited = await chat.click(chosen)
    assert "Chosen." in edited[-1]["text"]
    await chat.click("✅ Done:")
    await chat.send("/check")
    await chat.finish_check(numbers=GOOD_NUMBERS)
    replies = await chat.send("/history")
    assert len(photos(replies)) == 1  # the trend, from two checks on
    text = replies[-1]["text"]
    entries = harness.store.kept_reports(chat.db_user_id)
    old, new = (next(d["score"] for d in e.report["dimensions"] if d["id"] == "cash_flow") for e in entries)
    assert f"Cash flow management {old} → {new} ↑ +{new - old}" in text
    assert "Done in between" in text
    assert chosen.removeprefix("➕ ") in text


async def test_no_more_than_three_actions_at_a_time(harness: BotHarness) -> None:
    chat = await checked(harness, "zh")
    await chat.send("/actions")
    for _ in range(3):
        label = next(lbl for lbl, data in harness.core.buttons(chat.last_message) if data.startswith("x:c:"))
        await chat.click(label)
    assert not any(d.startswith("x:c:") for _, d in harness.core.buttons(chat.last_message))
    assert len([a for a in harness.store.focus_actions(chat.db_user_id) if a.status == "open"]) == 3


async def test_export_sends_a_json_document(harness: BotHarness) -> None:
    chat = await checked(harness, "zh")
    replies = await chat.send("/export")
    document = documents(replies)[0]["document"]
    assert document["file_name"].endswith(".json")
    assert document["file_size"] > 1_000


async def test_new_commands_are_registered_in_both_languages(harness: BotHarness) -> None:
    for language in ("zh", "en"):
        names = [c["command"] for c in harness.core.commands(language)]
        assert {"history", "actions", "export"} <= set(names)


async def test_without_a_report_the_new_commands_point_to_a_check(harness: BotHarness) -> None:
    chat = harness.chat(2002, "en")
    for command in ("/report", "/history", "/actions"):
        replies = await chat.send(command)
        assert not photos(replies)
        assert any(d == "m:quick" for _, d in harness.core.buttons(replies[-1]))


@pytest.mark.parametrize("locale", ["zh", "en"])
async def test_the_glance_leads_to_reminders_and_to_sharing(harness: BotHarness, locale: str) -> None:
    chat = await checked(harness, locale)
    glance = photos(await chat.send("/report"))[0]
    reminders = await chat.click("⏰", message_id=glance["message_id"])
    assert harness.core.buttons(reminders[-1]), "the reminder settings come with their buttons"
    assert ("Reminders" if locale == "en" else "提醒") in reminders[-1]["text"]
    shared = await chat.click("🤝", message_id=glance["message_id"])
    card = photos(shared)[0]
    assert harness.kb.dimensions[0].title(locale) in card["caption"]
    latest = harness.store.latest_kept_report(chat.db_user_id)
    assert f"{latest.overall}/100" not in card["caption"], "the card shows bands, not scores, until opted in"


async def test_history_actions_and_the_page_are_dated_in_the_owners_time_zone(harness: BotHarness) -> None:
    """Stamps are stored in UTC; an owner in Shanghai who finished at 04:30 on 5 March sees 5 March."""
    chat = await checked(harness, "en")
    await chat.send("/actions")
    await chat.click(next(label for label, data in harness.core.buttons(chat.last_message) if data.startswith("x:c:")))
    evening_utc = "2026-03-04T20:30:00+00:00"
    with harness.store.db.atomic():
        harness.store.db.execute("UPDATE reports SET finished = ? WHERE user_id = ?", [evening_utc, chat.db_user_id])
        harness.store.db.execute("UPDATE assessments SET finished = ? WHERE user_id = ?",
                                 [evening_utc, chat.db_user_id])
        harness.store.db.execute("UPDATE focus_actions SET chosen = ? WHERE user_id = ?",
                                 [evening_utc, chat.db_user_id])
    history = (await chat.send("/history"))[-1]["text"]
    assert "2026-03-05" in history
    assert "2026-03-04" not in history
    actions = (await chat.send("/actions"))[-1]["text"]
    assert "2026-03-05" in actions
    await chat.send("/report")
    document = documents(await chat.click("📄"))[0]["document"]
    assert document["file_name"] == "sme-report-2026-03-05.html"
    await chat.send("/remind tz America/New_York")  # 15:30 on 4 March there
    assert "2026-03-04" in (await chat.send("/history"))[-1]["text"]
