"""`sme-advisor run` as a real process against the Bot API emulator on 127.0.0.1, driven by a scripted user."""

from __future__ import annotations

import json
import sys

import httpx
import pytest

from bot.views.i18n import t
from knowledge.loader import get_knowledge

USER = 1001


def ready(core, calls_before: int = 0) -> bool:
    """The process registered its commands (post_init ran) and is polling."""
    commands = core.calls_to("setMyCommands")
    return len(commands) >= calls_before + 3 and bool(core.calls_to("getUpdates"))


def assert_no_secrets(output: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in output, f"{secret!r} appears in the process output"
        if ":" in secret:
            assert secret.split(":", 1)[1] not in output


def test_polling_quick_check_then_a_kill_in_the_middle_of_the_full_assessment(emulator, bot_process, user, tools,
                                                                                tmp_path) -> None:
    core, db = emulator.core, tmp_path / "advisor.db"
    env = {"TELEGRAM_BOT_TOKEN": tools.token, "TELEGRAM_API_URL": emulator.url, "SME_ADVISOR_DB": str(db),
           "LOG_LEVEL": "INFO"}
    first = bot_process(**env)
    user.wait_for(lambda: ready(core), "the bot to start polling")
    assert core.webhook_url == ""
    assert [c["command"] for c in core.commands("zh")][:3] == ["start", "check", "assess"]

    # /start: the welcome with both buttons
    mark = user.send("/start")
    welcome = user.wait_new_message(mark, lambda m: "m:quick" in [d for _, d in core.buttons(m)], "the welcome")
    assert {d for _, d in core.buttons(welcome)} == {"m:quick", "m:full"}

    # the quick check, by buttons and typed numbers, up to the report
    mark = user.click("m:quick", welcome["message_id"])
    user.wait_new_message(mark, lambda m: bool(core.buttons(m)), "the first question")
    typed = tapped = 0
    for _ in range(40):
        given = user.answer_current()
        typed += not given.startswith("a:")
        tapped += given.startswith("a:")
        if user.report_started():
            break
    assert typed >= 4
    assert tapped >= 4
    user.wait_for(lambda: any(core.buttons(m) and "m:full" in [d for _, d in core.buttons(m)]
                              for m in user.messages[-1:]), "the end of the report")
    start = max(i for i, m in enumerate(user.messages) if "中小企业经营体检报告" in m["text"])
    report = "\n".join(m["text"] for m in user.messages[start:])
    for dimension in get_knowledge().dimensions:
        assert dimension.title("zh") in report
    assert all(len(m["text"]) <= 4096 for m in user.messages)

    # the full assessment: a few answers, then SIGKILL in the middle
    mark = user.send("/assess")
    user.wait_new_message(mark, lambda m: bool(core.buttons(m)), "the first full question")
    for _ in range(4):
        user.answer_current()
    waiting = user.question()
    waiting_question = user.shown_question(waiting)
    progress_line = next(line for line in waiting["text"].split("\n") if line.startswith("维度"))
    first.kill()
    assert not first.alive

    open_checks = tools.query(db, "SELECT id FROM assessments WHERE mode = 'full' AND status = 'open'")
    assert len(open_checks) == 1
    answered = dict(tools.query(db, "SELECT question_id, value FROM answers WHERE assessment_id = ?",
                                open_checks[0][0]))
    assert len(answered) == 4
    assert waiting_question.id not in answered

    # start again on the same database: the user continues where they were
    commands_before = len(core.calls_to("setMyCommands"))
    owed = tools.query(db, "SELECT seq FROM owed_prompts")  # killed before Telegram's confirmation came back
    mark = core.seq
    second = bot_process(**env)
    user.wait_for(lambda: ready(core, commands_before), "the restarted bot")
    if owed:  # the waiting question is sent again at start (at least once, never lost)
        resent = user.wait_new_message(mark, lambda m: bool(core.buttons(m)), "the owed question")
        assert user.shown_question(resent) == waiting_question
    mark = user.send("/assess")
    resumed = user.wait_new_message(mark, lambda m: any(tools.stamp_of(d) for _, d in core.buttons(m)),
                                    "the resumed question")
    assert user.shown_question(resumed) == waiting_question
    assert progress_line in resumed["text"]
    assert t("zh", "conv.resumed") in resumed["text"]
    assert dict(tools.query(db, "SELECT question_id, value FROM answers WHERE assessment_id = ?",
                            open_checks[0][0])) == answered
    user.answer_current()
    after = user.shown_question(user.question())
    assert after != waiting_question
    now = dict(tools.query(db, "SELECT question_id, value FROM answers WHERE assessment_id = ?",
                           open_checks[0][0]))
    assert set(now) == {*answered, waiting_question.id}
    assert second.alive
    second.stop()
    assert_no_secrets(first.output + second.output, tools.token)
    assert "Traceback" not in first.output + second.output


def test_webhook_mode_checks_the_secret_and_keeps_serving(emulator, bot_process, tools, tmp_path) -> None:
    core = emulator.core
    webhooks: list[dict] = []

    def set_webhook(params: dict) -> bool:  # a local Bot API server accepts http:// webhooks
        webhooks.append(params)
        return True

    core.register("setWebhook", set_webhook)
    port = tools.free_port()
    url = f"http://127.0.0.1:{port}/tg"
    process = bot_process(TELEGRAM_BOT_TOKEN=tools.token, TELEGRAM_API_URL=emulator.url,
                          SME_ADVISOR_DB=str(tmp_path / "hook.db"), LOG_LEVEL="INFO", WEBHOOK_URL=url,
                          WEBHOOK_SECRET="s3cret", PORT=str(port))
    assert core.wait_for(lambda: bool(webhooks), tools.wait), process.output
    assert core.calls_to("setWebhook")[0]["url"] == url
    assert webhooks[0]["url"] == url
    assert webhooks[0]["secret_token"] == "s3cret"
    assert not core.calls_to("getUpdates")  # no polling in webhook mode

    def post(body: bytes, secret: str | None = "s3cret") -> int | str:  # noqa: S107 - the test's own secret
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        try:
            return httpx.post(url, content=body, headers=headers, timeout=5).status_code
        except httpx.HTTPError as error:
            return f"no response: {type(error).__name__}"

    update = core.user_message(USER, "/start", "zh-hans", enqueue=False)
    assert post(json.dumps(update).encode()) == 200
    assert core.wait_for(lambda: bool(core.messages(USER)), tools.wait), process.output
    assert "体检" in core.last_message(USER)["text"]

    other = core.user_message(USER, "/help", "zh-hans", enqueue=False)
    assert post(json.dumps(other).encode(), secret="wrong") == 403
    assert post(json.dumps(other).encode(), secret=None) == 403
    assert post(b"{this is not json") == 400
    assert post(json.dumps({"no": "update"}).encode()) == 400
    assert process.alive
    assert len(core.messages(USER)) == 1  # none of those was processed

    assert post(json.dumps(other).encode()) == 200
    assert core.wait_for(lambda: len(core.messages(USER)) == 2, tools.wait)
    assert core.last_message(USER)["text"].startswith(t("zh", "tg.help_title"))
    assert process.alive
    process.stop()
    assert_no_secrets(process.output, tools.token, "s3cret")


def test_run_without_a_token_prints_the_botfather_hint(bot_process, tmp_path) -> None:
    process = bot_process(SME_ADVISOR_DB=str(tmp_path / "none.db"))
    assert process.wait() == 1
    output = process.output
    assert "BotFather" in output
    assert "sme-advisor console" in output
    assert "Traceback" not in output


def test_run_with_a_rejected_token_never_prints_it(emulator, bot_process, tmp_path) -> None:
    wrong = "111111:WRONG-token-the-server-rejects"
    process = bot_process(TELEGRAM_BOT_TOKEN=wrong, TELEGRAM_API_URL=emulator.url, LOG_LEVEL="DEBUG",
                          SME_ADVISOR_DB=str(tmp_path / "wrong.db"))
    code = process.wait(20)
    assert code != 0
    assert_no_secrets(process.output, wrong)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_stops_the_polling_bot_cleanly(emulator, bot_process, tools, tmp_path) -> None:
    process = bot_process(TELEGRAM_BOT_TOKEN=tools.token, TELEGRAM_API_URL=emulator.url,
                          SME_ADVISOR_DB=str(tmp_path / "term.db"))
    assert emulator.core.wait_for(lambda: ready(emulator.core), tools.wait)
    process.proc.terminate()
    assert process.wait() == 0
    assert "Traceback" not in process.output
