"""Issue 8, input and experience on Telegram: units and "55%?" buttons, confirm before discarding, group chats,
edited answers, photo captions, typed keywords, /forget and /language mid-check, welcome back, bot profile."""

from __future__ import annotations

import itertools
import time

import pytest

from bot.views.i18n import t

BOT = "sme_advisor_test_bot"
GROUP = -100_555
_ids = itertools.count(5000)


async def at_question(chat, question_id: str, command: str = "/assess") -> None:
    await chat.send(command)
    while chat.current_question.id != question_id:
        await chat.answer()


def group_update(harness, text: str, user_id: int = 1001, language_code: str = "zh-hans") -> dict:
    message = {"message_id": next(_ids), "date": int(time.time()), "text": text,
               "chat": {"id": GROUP, "type": "supergroup", "title": "Partners"},
               "from": {"id": user_id, "is_bot": False, "first_name": "M", "language_code": language_code}}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return harness.core.push_update({"message": message})


def group_messages(harness) -> list[dict]:
    return [m for m in harness.core.messages(GROUP) if m.get("from", {}).get("is_bot")]


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(("language", "typed", "stored"), [("zh-hans", "2天", 48), ("en", "2 days", 48),
                                                           ("zh-hans", "4小时", 4), ("en", "half a day", 12),
                                                           ("zh-hans", "半天", 12)])
async def test_complaint_hours_read_days_as_24_hours(harness, language: str, typed: str, stored) -> None:
    chat = harness.chat(language_code=language)
    await at_question(chat, "ret_complaint_hours", "/check")
    await chat.send(typed)
    assert chat.stored_answers().get("ret_complaint_hours") == stored


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh"), ("en", "en")])
async def test_inventory_of_one_year_is_365_days(harness, language: str, locale: str) -> None:
    chat = harness.chat(language_code=language)
    await at_question(chat, "cash_inventory")
    await chat.send("1年" if locale == "zh" else "1 year")
    assert chat.stored_answers()["cash_inventory"] == 365


# (language, locale, question, typed, the question put back, the yes button's value, the value stored)
ASKED_BACK = [
    ("zh-hans", "zh", "ret_repeat_share", "0.55", ("conv.confirm_share", {"value": "55%"}), "55%", 55),
    ("en", "en", "ret_repeat_share", "0.55", ("conv.confirm_share", {"value": "55%"}), "55%", 55),
    # "80" for the monthly fixed costs is more likely 80万 with its 万 left off than ¥80: both readings named
    ("zh-hans", "zh", "cash_fixed_costs", "80", ("conv.confirm_amount", {"value": "80元", "wan": "80万元"}),
     "80元", 80),
    ("en", "en", "cash_fixed_costs", "80", ("conv.confirm_amount", {"value": "¥80", "wan": "¥800k"}), "¥80", 80),
]


@pytest.mark.parametrize(("language", "locale", "question", "typed", "put", "yes", "stored"), ASKED_BACK)
async def test_a_number_asked_back_is_stored_once_confirmed_with_its_button(
        harness, language, locale, question, typed, put, yes, stored) -> None:
    """A share typed as a fraction, or an amount so small it may have lost its 万: "yes" stores it."""
    chat = harness.chat(language_code=language)
    await at_question(chat, question, "/check")
    await chat.send(typed)
    key, values = put
    assert t(locale, key, **values) in chat.last
    assert question not in chat.stored_answers()
    await chat.click(t(locale, "buttons.confirm_yes", value=yes))
    assert chat.stored_answers()[question] == stored
    assert chat.current_question.id != question


async def test_a_declined_fraction_is_asked_again(chat) -> None:
    await at_question(chat, "ret_repeat_share", "/check")
    await chat.send("0.55")
    await chat.click(t("zh", "buttons.confirm_no"))
    assert t("zh", "conv.declined", reason=t("zh", "reasons.share_declined")) in chat.last
    assert t("zh", "conv.reask", reason="").split("：")[0] not in chat.last  # a "no" is not a refused answer
    await chat.send("0.55%")
    assert chat.stored_answers()["ret_repeat_share"] == 0.55


async def test_a_declined_small_amount_is_asked_again_and_taken_with_its_unit(chat) -> None:
    await at_question(chat, "cash_available", "/check")
    await chat.send("80")
    await chat.click(t("zh", "buttons.confirm_no"))
    assert t("zh", "conv.declined", reason=t("zh", "reasons.amount_declined")) in chat.last
    assert t("zh", "conv.reask", reason="").split("：")[0] not in chat.last
    assert "cash_available" not in chat.stored_answers()
    await chat.send("80万")  # a unit: never asked back
    assert chat.stored_answers()["cash_available"] == 800_000


@pytest.mark.parametrize(("language", "locale", "no"), [("zh-hans", "zh", None), ("en", "en", None),
                                                        ("zh-hans", "zh", "不是"), ("en", "en", "no")])
async def test_a_question_put_back_and_declined_reads_as_declined(harness, language, locale, no) -> None:
    """The "did you mean…?" the owner said no to (tapped, or typed) keeps its text and shows ✗ No, as an
    answered question shows ✓ and its answer; the question is asked again below it."""
    chat = harness.chat(language_code=language)
    await at_question(chat, "cash_available", "/check")
    await chat.send("80")
    if no is None:
        await chat.click(t(locale, "buttons.confirm_no"))
    else:
        await chat.send(no)
    wan = {"zh": ("80元", "80万元"), "en": ("¥80", "¥800k")}[locale]
    asked = t(locale, "conv.confirm_amount", value=wan[0], wan=wan[1])
    put_back = [m for m in chat.messages if asked in m["text"]]
    assert len(put_back) == 1, chat.texts()
    assert put_back[0]["text"].endswith(f"✗ {t(locale, 'buttons.confirm_no')}")
    assert not harness.core.buttons(put_back[0])
    assert t(locale, "conv.declined", reason=t(locale, "reasons.amount_declined")) in chat.last
    assert chat.question_message["message_id"] > put_back[0]["message_id"]  # asked again in a new message below
    assert chat.current_question.id == "cash_available"


@pytest.mark.parametrize("typed", ["0", "1000", "80万", "80元", "3千", "5k"])
async def test_an_amount_with_its_unit_or_not_small_is_stored_at_once(chat, typed: str) -> None:
    await at_question(chat, "cash_available", "/check")
    await chat.send(typed)
    assert "cash_available" in chat.stored_answers()


@pytest.mark.parametrize(("language", "locale", "typed"), [("zh-hans", "zh", "50万美元"), ("en", "en", "$500k"),
                                                           ("en", "en", "500k USD"), ("zh-hans", "zh", "HK$100万")])
async def test_a_foreign_currency_is_refused_with_a_clear_message(harness, language, locale, typed) -> None:
    chat = harness.chat(language_code=language)
    await at_question(chat, "cash_available", "/check")
    await chat.send(typed)
    assert "cash_available" not in chat.stored_answers()
    assert t(locale, "reasons.foreign_currency") in chat.last
    assert t(locale, "units_hint.CNY") in chat.last


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh"), ("en", "en")])
async def test_more_managers_than_staff_is_refused_with_the_reason(harness, language: str, locale: str) -> None:
    chat = harness.chat(language_code=language)
    await at_question(chat, "cost_headcount", "/check")
    await chat.send("5")
    await chat.send("10")
    assert "cost_managers" not in chat.stored_answers()
    assert t(locale, "reasons.managers_above_headcount", other="5") in chat.last


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh"), ("en", "en")])
async def test_help_examples_are_read_as_meant(harness, language: str, locale: str) -> None:
    """/help suggests nothing that would be misread: each of its examples parses on a question of its kind."""
    from dialogs.answers import number_answer

    kb = harness.kb
    footer = t(locale, "tg.help_footer")
    cases = {"zh": [("50万", "cash_available", 500_000), ("3个月", "cash_inventory", 90),
                    ("30%", "ret_repeat_share", 30)],
             "en": [("500k", "cash_available", 500_000), ("3 months", "cash_inventory", 90),
                    ("30%", "ret_repeat_share", 30)]}[locale]
    for example, question, value in cases:
        assert example in footer
        assert number_answer(kb, kb.questions[question], example) == value


# --------------------------------------------------------------------------- confirm before discarding


async def test_full_assessment_under_the_cancel_message_asks_before_discarding(chat) -> None:
    await chat.send("/check")
    for _ in range(3):
        await chat.answer()
    answers, assessment = chat.stored_answers(), chat.session.assessment_id
    await chat.send("/cancel")
    cancel_message = chat.last_message["message_id"]
    await chat.click("m:full", message_id=cancel_message)
    assert chat.session.assessment_id == assessment
    assert chat.stored_answers() == answers
    _, answered, planned = chat.harness.app.bot_data["deps"].advisor.conversation.open_summary(chat.session)
    assert answered == 3
    assert chat.last == t("zh", "conv.confirm_discard", mode=t("zh", "modes.quick"), answered=3, planned=planned)
    await chat.click("m:resume")
    assert chat.session.assessment_id == assessment


async def test_start_over_discards_only_after_the_tap(harness, chat) -> None:
    await chat.send("/check")
    await chat.answer()
    old = chat.session.assessment_id
    await chat.send("/start")
    old_menu = chat.last_message["message_id"]
    assert "1/" in chat.buttons[0][0]  # the menu names the open check and how far it got
    await chat.click("m:full", message_id=old_menu)
    assert chat.session.assessment_id == old
    await chat.click("d:full")
    assert chat.session.assessment_id != old
    assert chat.session.mode == "full"
    assert harness.query("SELECT status FROM assessments WHERE id = ?", old) == [("abandoned",)]


async def test_menus_show_which_check_is_open_and_how_far(chat) -> None:
    await chat.send("/assess")
    await chat.answer()
    await chat.answer()
    await chat.send("/cancel")
    label = chat.buttons[0][0]
    assert t("zh", "modes.full") in label
    assert "2/" in label


# --------------------------------------------------------------------------- groups


@pytest.mark.parametrize(("text", "payload"), [("/check", "check"), ("/assess@" + BOT, "assess"),
                                               ("/help", "group"), ("/start", "group"), ("/report", "group")])
async def test_in_a_group_own_commands_get_a_private_deep_link(harness, text: str, payload: str) -> None:
    await harness.process(group_update(harness, text))
    sent = group_messages(harness)
    assert len(sent) == 1
    assert sent[0]["text"] == t("zh", "conv.group_private")
    [[button]] = sent[0]["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"https://t.me/{BOT}?start={payload}"
    assert harness.query("SELECT COUNT(*) FROM assessments") == [(0,)]  # no question, no report in the group


@pytest.mark.parametrize("text", ["/help@OtherBot", "/check@OtherBot", "hello everyone", "50万"])
async def test_in_a_group_anything_else_is_ignored(harness, text: str) -> None:
    await harness.process(group_update(harness, text))
    assert group_messages(harness) == []


async def test_commands_for_another_bot_are_ignored_in_private_too(chat) -> None:
    assert await chat.send("/help@OtherBot") == []
    assert await chat.send("/nosuchcommand@OtherBot") == []


async def test_another_members_tap_is_told_it_is_not_theirs(harness) -> None:
    await harness.process(group_update(harness, "/check", user_id=1001))
    old_menu = harness.core.handle("sendMessage", {"chat_id": GROUP, "text": "menu", "reply_markup": {
        "inline_keyboard": [[{"text": "go", "callback_data": "m:quick"}]]}})["result"]
    for tapper, message_used, key in ((2002, old_menu, "tg.not_yours"), (1001, old_menu, "tg.not_yours")):
        query_id = f"77{tapper}"
        harness.core._callbacks[query_id] = None
        update = harness.core.push_update({"callback_query": {
            "id": query_id, "chat_instance": "1", "data": "m:quick", "message": message_used,
            "from": {"id": tapper, "is_bot": False, "first_name": "M", "language_code": "zh-hans"}}})
        await harness.process(update)
        assert harness.core.callback_answer(query_id)["text"] == t("zh", key)
    assert harness.query("SELECT COUNT(*) FROM assessments") == [(0,)]


async def test_deep_link_from_the_group_starts_the_check_in_private(chat) -> None:
    await chat.send("/start check")
    assert chat.session.mode == "quick"
    assert chat.current_question is not None


# --------------------------------------------------------------------------- smaller


async def test_an_edited_answer_gets_a_reply_and_changes_nothing(harness, chat) -> None:
    await at_question(chat, "cash_available", "/check")
    await chat.send("50万")
    answers = chat.stored_answers()
    sent = harness.core.messages(chat.chat_id, include_user=True)
    mine = [m for m in sent if not m.get("from", {}).get("is_bot")][-1]
    edited = {**mine, "text": "80万", "edit_date": int(time.time())}
    chat._begin()
    await chat._run(harness.core.push_update({"edited_message": edited}))
    assert chat.last == t("zh", "conv.edited")
    assert chat.stored_answers() == answers


async def test_a_photo_caption_is_the_answer(harness, chat) -> None:
    await at_question(chat, "cash_available", "/check")
    photo = {"message_id": next(_ids), "date": int(time.time()), "caption": "50万",
             "chat": {"id": chat.chat_id, "type": "private", "first_name": "Tester"},
             "from": {"id": chat.user_id, "is_bot": False, "first_name": "Tester", "language_code": "zh-hans"},
             "photo": [{"file_id": "AgAC", "file_unique_id": "AQAD", "width": 90, "height": 90}]}
    chat._begin()
    await chat._run(harness.core.push_update({"message": photo}))
    assert chat.stored_answers()["cash_available"] == 500_000


@pytest.mark.parametrize(("typed", "effect"), [("跳过", "skip"), ("skip", "skip"), ("返回", "back"), ("back", "back"),
                                                ("为什么", "why"), ("why", "why")])
async def test_typed_keywords_work_as_the_buttons_do(chat, typed: str, effect: str) -> None:
    await chat.send("/check")
    await chat.answer()
    waiting = chat.current_question
    await chat.send(typed)
    if effect == "skip":
        assert chat.current_question != waiting
        assert waiting.id not in chat.stored_answers()
    elif effect == "back":
        assert chat.current_question != waiting
    else:
        assert waiting.why("zh") in chat.last


async def test_forget_mid_check_removes_the_questions_buttons(harness, chat) -> None:
    await chat.send("/check")
    await chat.answer()
    question = chat.question_message["message_id"]
    await chat.send("/forget")
    await chat.click("m:forget")
    assert harness.core.buttons(harness.core.message(chat.chat_id, question)) == []


async def test_language_reshows_the_waiting_question_in_the_new_language(harness, chat) -> None:
    await chat.send("/check")
    await chat.answer()
    waiting = chat.current_question
    await chat.send("/language")
    await chat.click("English")
    assert waiting.text("en") in chat.question_message["text"]
    live = [m for m in chat.messages if any(chat.stamp_of(d) for _, d in chat.core.buttons(m))]
    assert len(live) == 1


async def test_a_returning_owner_is_welcomed_back(harness, chat) -> None:
    await chat.send("/check")
    await chat.answer()
    await chat.send("/cancel")
    await chat.send("/start")
    assert chat.last.startswith(t("zh", "conv.welcome_back"))
    assert t("zh", "conv.welcome") not in chat.last


async def test_a_returning_owner_sees_the_last_score(harness) -> None:
    chat = harness.chat(language_code="en")
    await chat.send("/check")
    await chat.finish_check()
    await chat.send("/start")
    overall = harness.query("SELECT overall FROM assessments WHERE status = 'finished'")[0][0]
    assert chat.last.startswith(t("en", "conv.welcome_back_score", score=overall))


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_bot_description_is_set_in_both_languages(harness, locale: str) -> None:
    assert harness.core.description("description", locale) == t(locale, "profile.description")
    assert harness.core.description("short_description", locale) == t(locale, "profile.short_description")
    assert harness.core.description("description", "") == t("en", "profile.description")


async def test_the_language_follows_the_client_until_language_picks_one(harness) -> None:
    chat = harness.chat(language_code="zh-hans")
    await chat.send("/help")
    assert t("zh", "tg.help_title") in chat.last
    chat.language_code = "en"  # the owner switched the Telegram app to English
    await chat.send("/help")
    assert t("en", "tg.help_title") in chat.last
    await chat.send("/language")
    await chat.click("中文")
    await chat.send("/help")
    assert t("zh", "tg.help_title") in chat.last  # chosen: the client's language no longer decides


@pytest.mark.parametrize("language", ["zh-hans", "en"])
async def test_the_last_answer_gets_the_insight_and_the_report_in_one_message(harness, language: str) -> None:
    """The last dimension's insight and "here is your report" head the report's first message: one round trip."""
    chat = harness.chat(language_code=language)
    locale = "zh" if language.startswith("zh") else "en"
    await chat.send("/check")
    before = len(chat.messages)
    for _ in range(80):
        before = len(chat.messages)
        await chat.answer()
        if chat.session.current is None:
            break
    new = chat.messages[before:]
    ready = t(locale, "conv.report_ready")
    report = next(m["text"] for m in new if ready in m.get("text", ""))
    assert new[0]["text"] == report, ("the report did not come first", [m.get("text", "")[:80] for m in new])
    assert report.index(ready) > 0  # the insight comes before it, in the same message
    assert report.index(ready) < 400
    assert all(ready not in m.get("text", "") for m in new[1:])
