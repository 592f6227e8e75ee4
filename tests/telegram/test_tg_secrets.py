"""The token never appears in a log line, a repr or an error; httpx (whose URLs carry the token) is kept quiet."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import REDACTED, configure_logging
from bot.services.history import HistoryService
from bot.settings import Secret, Settings

WEBHOOK_SECRET = "s3cret-webhook-value"


def leaks(text: str, token: str) -> list[str]:
    return [part for part in (token, token.split(":", 1)[1], WEBHOOK_SECRET) if part in text]


def test_settings_repr_and_str_hide_the_token() -> None:
    env = {"TELEGRAM_BOT_TOKEN": "123456:TEST-token-never-logged", "WEBHOOK_SECRET": WEBHOOK_SECRET,
           "WEBHOOK_URL": "https://example.invalid/tg", "TELEGRAM_API_URL": "http://127.0.0.1:9/"}
    settings = Settings.from_env(env)
    token = env["TELEGRAM_BOT_TOKEN"]
    for shown in (repr(settings), str(settings), f"{settings}", f"{settings!r}", repr(settings.token),
                  str(settings.token), repr(settings.webhook_secret), str([settings]), str({"s": settings})):
        assert leaks(shown, token) == [], shown
    assert settings.token.reveal() == token
    assert settings.webhook_secret.reveal() == WEBHOOK_SECRET
    assert settings.api_url == "http://127.0.0.1:9"
    with pytest.raises(AttributeError):
        settings.token.value  # noqa: B018 - no other way to read it
    assert Secret("").reveal() == ""
    assert not Settings.from_env({}).token


@pytest.mark.usefixtures("restore_logging")
def test_httpx_is_at_warning_after_configure_logging() -> None:
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    configure_logging("DEBUG", ["123456:TEST-token-never-logged"])
    assert logging.getLogger("httpx").level == logging.WARNING
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() >= logging.WARNING
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert logging.getLogger().level == logging.DEBUG


@pytest.mark.usefixtures("restore_logging")
def test_configured_logging_scrubs_the_token_from_messages_args_and_tracebacks() -> None:
    token = "123456:TEST-token-never-logged"
    configure_logging("INFO", [token, WEBHOOK_SECRET])
    stream = io.StringIO()
    logging.getLogger().handlers[0].setStream(stream)
    log = logging.getLogger("bot.test")
    log.info(f"POST https://api.telegram.org/bot{token}/getMe")
    log.warning("calling %s with %r", f"/bot{token}/sendMessage", {"secret": WEBHOOK_SECRET})
    try:
        raise RuntimeError(f"The token `{token}` was rejected by the server.")
    except RuntimeError:
        log.exception("startup failed")
    logging.getLogger("httpx").info(f"HTTP Request: POST https://api.telegram.org/bot{token}/getUpdates")
    output = stream.getvalue()
    assert leaks(output, token) == [], output
    assert output.count(REDACTED) >= 4
    assert "startup failed" in output
    assert "RuntimeError" in output
    assert "getUpdates" not in output  # httpx INFO is not shown at all


async def test_no_token_in_any_log_record_over_a_conversation_with_errors(harness, monkeypatch, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    token = harness.token
    chat = harness.chat()
    await chat.send("/start")
    await chat.click("m:quick")
    harness.core.fail_next("sendMessage", 429, retry_after=1)
    await chat.answer()
    harness.core.fail_next("editMessageText", 400, "Bad Request: message to edit not found")
    await chat.answer()
    await chat.finish_check()
    await chat.send("/report")
    harness.core.fail_next("sendMessage", 500)
    chat.strict = False
    await chat.send("/help")
    harness.core.fail_next("sendMessage", 502)
    await chat.send("/privacy")
    monkeypatch.setattr(HistoryService, "latest", lambda *a: 1 / 0)  # what /report reads
    await chat.send("/report")
    update = harness.core.user_message(chat.user_id, "/start", "zh-hans", enqueue=False)
    harness.core.block_user(chat.user_id)
    await harness.process(update)
    forged = harness.core.user_click(chat.user_id, 1, "zzz", strict=False, enqueue=False)
    await harness.process(forged)
    harness.core.unblock_user(chat.user_id)
    await chat.send("/help")

    assert any(r.levelno >= logging.ERROR for r in caplog.records)  # errors did happen and were logged
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in caplog.records:
        line = formatter.format(record)
        assert leaks(line, token) == [], line
    assert leaks(caplog.text, token) == []


async def test_building_and_starting_the_bot_logs_no_token(harness, caplog) -> None:
    """PTB's DEBUG records (e.g. "Set Bot API URL: .../bot<token>") reach every handler, not only ours."""
    caplog.set_level(logging.DEBUG)
    await harness.restart()  # builds a new Application and Bot, as `sme-advisor run` does at start-up
    await harness.chat().send("/help")
    assert caplog.records
    assert leaks(caplog.text, harness.token) == [], [r.getMessage() for r in caplog.records
                                                      if harness.token in r.getMessage()]


@pytest.mark.usefixtures("restore_logging")
async def test_operator_log_never_shows_the_token_even_if_an_error_carries_it(harness, monkeypatch) -> None:
    token = harness.token
    configure_logging("DEBUG", [token])
    stream = io.StringIO()
    logging.getLogger().handlers[0].setStream(stream)

    def fail(*args):
        raise RuntimeError(f"request to https://api.telegram.org/bot{token}/sendMessage failed")

    chat = harness.chat()
    await chat.send("/check")
    await chat.answer()
    monkeypatch.setattr(HistoryService, "latest", fail)
    await chat.send("/report")
    output = stream.getvalue()
    assert "RuntimeError" in output
    assert REDACTED in output
    assert leaks(output, token) == [], output
