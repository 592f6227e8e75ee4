"""Settings built once from the environment into a frozen object; the token is a secret that never prints."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.views.i18n import normalize_locale

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_PORT = 8443
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
BOT_ONLY = "bot"  # a problem that stops only the Telegram bot, not the console or the offline commands


class Secret:
    """A value that shows as ******** in reprs, logs and errors; `reveal()` is the only way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Settings:
    token: Secret = field(default_factory=lambda: Secret(""))
    api_url: str = DEFAULT_API_URL
    db_path: Path = Path("data/advisor.db")
    locale: str = "zh"
    timezone: str = "Asia/Shanghai"
    webhook_url: str = ""
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    port: int = DEFAULT_PORT
    log_level: str = "INFO"
    # (scope, catalog key under config., values): each a one-line error shown before anything starts
    problems: tuple[tuple[str, str, dict[str, str]], ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the environment variables DESIGN.md names; unset ones take their defaults, bad ones a problem."""
        env = os.environ if env is None else env
        problems: list[tuple[str, str, dict[str, str]]] = []
        api_url = env.get("TELEGRAM_API_URL", DEFAULT_API_URL).strip().rstrip("/") or DEFAULT_API_URL
        webhook_url = env.get("WEBHOOK_URL", "").strip()
        for name, url in (("TELEGRAM_API_URL", api_url), ("WEBHOOK_URL", webhook_url)):
            if url and not _is_http_url(url):
                problems.append((BOT_ONLY, "url", {"name": name, "value": url}))
        timezone = (env.get("SME_ADVISOR_TZ") or "Asia/Shanghai").strip()
        if not _is_time_zone(timezone):
            problems.append(("all", "timezone", {"value": timezone}))
        log_level = (env.get("LOG_LEVEL") or "INFO").strip().upper()
        if log_level not in LOG_LEVELS:
            problems.append(("all", "log_level", {"value": log_level}))
            log_level = "INFO"
        db_path = env.get("SME_ADVISOR_DB") or "data/advisor.db"
        if "\x00" in db_path or db_path.endswith(("/", os.sep)):
            problems.append(("all", "db_path", {"value": db_path}))
        return cls(
            token=Secret(env.get("TELEGRAM_BOT_TOKEN", "").strip()),
            api_url=api_url,
            db_path=Path(db_path.replace("\x00", "")),
            locale=normalize_locale(env.get("SME_ADVISOR_LOCALE") or "zh"),
            timezone=timezone,
            webhook_url=webhook_url,
            webhook_secret=Secret(env.get("WEBHOOK_SECRET", "").strip()),
            port=_port(env.get("PORT"), problems),
            log_level=log_level,
            problems=tuple(problems),
        )

    def problems_for(self, command: str) -> list[tuple[str, dict[str, str]]]:
        """The configuration problems that stop `command` (the bot needs all settings, others fewer)."""
        return [(key, values) for scope, key, values in self.problems if scope != BOT_ONLY or command == "run"]


def _port(raw: str | None, problems: list[tuple[str, str, dict[str, str]]]) -> int:
    text = (raw or "").strip()
    if not text:
        return DEFAULT_PORT
    if text.isascii() and text.isdigit() and 1 <= int(text) <= 65535:
        return int(text)
    problems.append((BOT_ONLY, "port", {"value": text}))
    return DEFAULT_PORT


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
