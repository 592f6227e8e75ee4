"""Settings built once from the environment into a frozen object; the token is a secret that never prints."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.views.i18n import normalize_locale

DEFAULT_API_URL = "https://api.telegram.org"


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
    port: int = 8443
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the environment variables DESIGN.md names; unset ones take their defaults."""
        env = os.environ if env is None else env
        return cls(
            token=Secret(env.get("TELEGRAM_BOT_TOKEN", "").strip()),
            api_url=env.get("TELEGRAM_API_URL", DEFAULT_API_URL).rstrip("/") or DEFAULT_API_URL,
            db_path=Path(env.get("SME_ADVISOR_DB") or "data/advisor.db"),
            locale=normalize_locale(env.get("SME_ADVISOR_LOCALE") or "zh"),
            timezone=env.get("SME_ADVISOR_TZ") or "Asia/Shanghai",
            webhook_url=env.get("WEBHOOK_URL", "").strip(),
            webhook_secret=Secret(env.get("WEBHOOK_SECRET", "").strip()),
            port=int(env.get("PORT") or 8443),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
        )
