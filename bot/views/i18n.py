"""The user-facing strings of the channels, in zh and en, from `bot/views/locales/<locale>.yaml`."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

LOCALES = ("zh", "en")
DEFAULT_LOCALE = "zh"
_DIR = Path(__file__).parent / "locales"


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@functools.cache
def catalog(locale: str) -> dict[str, str]:
    """Every string of one locale, keyed by dotted name."""
    path = _DIR / f"{locale}.yaml"
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")))


def normalize_locale(value: str | None) -> str:
    """zh for any Chinese variant, en for anything else that is given, the default when nothing is."""
    if not value:
        return DEFAULT_LOCALE
    return "zh" if value.lower().startswith("zh") else "en"


def telegram_locale(language_code: str | None) -> str:
    """A Telegram user's language: zh for any Chinese variant, en for anything else, unknown included."""
    return "zh" if (language_code or "").lower().startswith("zh") else "en"


def t(locale: str, key: str, /, **values: Any) -> str:
    """The string `key` in `locale`, with `{placeholders}` filled; KeyError for a key that does not exist."""
    text = catalog(locale if locale in LOCALES else DEFAULT_LOCALE)[key]
    return text.format(**values) if values else text


def sentence_gap(locale: str) -> str:
    """What goes between two sentences: a space in English, nothing after Chinese full-width punctuation."""
    return "" if locale == "zh" else " "


def words(locale: str, key: str) -> frozenset[str]:
    """A catalog entry that lists words ("b,back,返回"), as the lower-case words a user may type."""
    return frozenset(w.strip().lower() for w in t(locale, key).split(","))
