"""/privacy says what is stored, why and for how long; /forget asks, then deletes the user's rows everywhere."""

from __future__ import annotations

import pytest

from bot.views.i18n import t

USER_COLUMNS = ("user_id", "owner_id")


def rows_of(harness, user_id: int, external_id: str, assessments: list[int], companies: list[int]) -> dict:
    """Every row in every table of the SQLite file that belongs to this user."""
    found: dict[str, list] = {}
    tables = [r[0] for r in harness.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        if table.startswith(("sqlite_", "_")):
            continue
        columns = [r[1] for r in harness.query(f"PRAGMA table_info({table})")]
        rows: list = []
        if table == "users":
            rows += harness.query("SELECT * FROM users WHERE id = ? OR external_id = ?", user_id, external_id)
        for column in columns:
            if column in USER_COLUMNS:
                rows += harness.query(f"SELECT * FROM {table} WHERE {column} = ?", user_id)  # noqa: S608
            elif column == "assessment_id" and assessments:
                marks = ",".join("?" * len(assessments))
                rows += harness.query(f"SELECT * FROM {table} WHERE assessment_id IN ({marks})",  # noqa: S608
                                      *assessments)
            elif column == "company_id" and companies:
                marks = ",".join("?" * len(companies))
                rows += harness.query(f"SELECT * FROM {table} WHERE company_id IN ({marks})", *companies)  # noqa: S608
        if rows:
            found[table] = rows
    return found


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh"), ("en", "en")])
async def test_privacy_says_what_is_stored_why_and_how_long(harness, language: str, locale: str) -> None:
    chat = harness.chat(language_code=language)
    await chat.send("/privacy")
    text = chat.last
    for key in ("what", "why", "how_long", "sharing"):
        assert t(locale, f"privacy.{key}_title") in text
        assert t(locale, f"privacy.{key}") in text
    assert "/forget" in text
    assert "/forget" in t(locale, "privacy.how_long")
    assert "7" in t(locale, "privacy.how_long")


async def test_forget_asks_first_and_keeps_everything_when_declined(harness, chat) -> None:
    await chat.send("/check")
    await chat.finish_check()
    user_id = chat.db_user_id
    before = harness.query("SELECT COUNT(*) FROM answers")
    await chat.send("/forget")
    assert chat.last == t("zh", "tg.forget_confirm")
    assert {d for _, d in chat.buttons} == {"m:forget", "m:keep"}
    assert harness.query("SELECT COUNT(*) FROM answers") == before  # asking deletes nothing
    prompt = chat.last_message
    await chat.click("m:keep")
    assert harness.core.message(chat.chat_id, prompt["message_id"])["text"] == t("zh", "tg.forget_kept")
    assert harness.query("SELECT COUNT(*) FROM answers") == before
    assert chat.db_user_id == user_id


async def test_forget_deletes_the_users_rows_from_every_table(harness) -> None:
    chat = harness.chat(user_id=4001)
    other = harness.chat(user_id=4002)
    for person in (chat, other):
        await person.send("/check")
        await person.finish_check()
        await person.send("/assess")
        await person.answer()  # an open check too, with its prompt message
    await chat.send("/language")
    await chat.click("English")
    user_id = chat.db_user_id
    assessments = [r[0] for r in harness.query("SELECT id FROM assessments WHERE user_id = ?", user_id)]
    companies = [r[0] for r in harness.query("SELECT id FROM companies WHERE owner_id = ?", user_id)]
    stored = rows_of(harness, user_id, str(chat.user_id), assessments, companies)
    assert {"users", "companies", "assessments", "answers", "dimension_scores", "sessions",
            "telegram_prompts"} <= set(stored)
    other_before = rows_of(harness, other.db_user_id, str(other.user_id),
                           [r[0] for r in harness.query("SELECT id FROM assessments WHERE user_id = ?",
                                                        other.db_user_id)],
                           [r[0] for r in harness.query("SELECT id FROM companies WHERE owner_id = ?",
                                                        other.db_user_id)])

    await chat.send("/forget")
    prompt = chat.last_message
    await chat.click("m:forget")
    assert chat.last_callback_answer is not None
    assert harness.core.message(chat.chat_id, prompt["message_id"])["text"] == t("en", "tg.forget_done")
    assert rows_of(harness, user_id, str(chat.user_id), assessments, companies) == {}
    assert rows_of(harness, other.db_user_id, str(other.user_id),
                   [r[0] for r in harness.query("SELECT id FROM assessments WHERE user_id = ?", other.db_user_id)],
                   [r[0] for r in harness.query("SELECT id FROM companies WHERE owner_id = ?",
                                                other.db_user_id)]) == other_before

    # afterwards the user is a stranger again: Telegram's language, no report
    await chat.send("/report")
    assert chat.last.startswith(t("zh", "tg.no_report").rstrip("："))
