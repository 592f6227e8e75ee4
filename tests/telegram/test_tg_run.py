"""`sme-advisor run` in-process: polling by default, a webhook with WEBHOOK_URL, the API URL, no token."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram.ext import Application

import bot.telegram.run as telegram_main
from bot.cli import main

TOKEN = "123456:RUN-token-never-printed"
ENV_NAMES = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "WEBHOOK_URL", "WEBHOOK_SECRET", "PORT", "SME_ADVISOR_DB",
             "SME_ADVISOR_LOCALE", "LOG_LEVEL")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SME_ADVISOR_DB", str(tmp_path / "run.db"))

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


@pytest.fixture
def modes(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Replace `serve` (both ways of running; tests/telegram/test_tg_start.py runs it) with a recorder."""
    seen: dict = {}

    async def serve(application: Application, settings, stop=None, ready=None) -> None:
        seen["webhook" if settings.webhook_url else "polling"] = (application, settings)

    monkeypatch.setattr(telegram_main, "serve", serve)
    return seen


@pytest.mark.parametrize(("locale", "hint"),
                         [("zh", "没有设置 TELEGRAM_BOT_TOKEN"), ("en", "TELEGRAM_BOT_TOKEN is not set")])
def test_run_without_a_token_says_how_to_get_one(env, modes, capsys, locale: str, hint: str) -> None:
    env(SME_ADVISOR_LOCALE=locale)
    assert main(["run"]) == 1
    out, err = capsys.readouterr()
    shown = out + err
    assert hint in shown
    assert "BotFather" in shown
    assert "/newbot" in shown
    assert "sme-advisor console" in shown
    assert "Traceback" not in shown
    assert modes == {}


def test_blank_token_counts_as_no_token(env, modes, capsys) -> None:
    env(TELEGRAM_BOT_TOKEN="   ")
    assert main(["run"]) == 1
    assert "BotFather" in capsys.readouterr().err


@pytest.mark.usefixtures("restore_logging")
def test_run_uses_long_polling_by_default(env, modes, tmp_path: Path) -> None:
    env(TELEGRAM_BOT_TOKEN=TOKEN)
    assert main(["run"]) == 0
    assert "webhook" not in modes
    application, settings = modes["polling"]
    assert application.bot.base_url == f"https://api.telegram.org/bot{TOKEN}"
    assert settings.webhook_url == ""
    assert (tmp_path / "run.db").exists()


@pytest.mark.usefixtures("restore_logging")
def test_sme_advisor_alone_with_a_token_runs_the_bot(env, modes) -> None:
    env(TELEGRAM_BOT_TOKEN=TOKEN)
    assert main([]) == 0
    assert "polling" in modes


@pytest.mark.usefixtures("restore_logging")
def test_run_serves_a_webhook_when_webhook_url_is_set(env, modes) -> None:
    env(TELEGRAM_BOT_TOKEN=TOKEN, WEBHOOK_URL="https://bot.example.com/tg", WEBHOOK_SECRET="s3cret", PORT="8999")
    assert main(["run"]) == 0
    assert "polling" not in modes
    application, settings = modes["webhook"]
    assert settings.webhook_url == "https://bot.example.com/tg"
    assert settings.webhook_secret.reveal() == "s3cret"
    assert settings.port == 8999
    assert isinstance(application, Application)


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("url", ["http://127.0.0.1:8081", "http://127.0.0.1:8081/", "https://tg.example.org/api"])
def test_telegram_api_url_points_the_bot_at_any_server(env, modes, url: str) -> None:
    env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=url)
    assert main(["run"]) == 0
    application, _ = modes["polling"]
    base = url.rstrip("/")
    assert application.bot.base_url == f"{base}/bot{TOKEN}"
    assert application.bot.base_file_url == f"{base}/file/bot{TOKEN}"
