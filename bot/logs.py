"""Logging that can never leak the bot token: every record is scrubbed of secrets as it is created.

Scrubbing at record creation (a log record factory) covers every handler, including ones added later
such as pytest's capture; PTB logs the Bot API URL, which carries the token, at DEBUG.
"""

from __future__ import annotations

import logging
from typing import Any

REDACTED = "<redacted>"
_secrets: set[str] = set()
_installed = False


def scrub(text: str) -> str:
    """The text with every protected secret replaced."""
    for secret in _secrets:
        text = text.replace(secret, REDACTED)
    return text


def _scrubbed_record_factory(base: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        if _secrets:
            record.msg = scrub(record.getMessage())
            record.args = None
            if record.exc_info:  # formatters print exc_text when it is set, so the traceback is scrubbed too
                record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        return record

    return factory


def protect_secrets(*secrets: str) -> None:
    """From now on, no log record of this process contains any of these strings."""
    global _installed
    _secrets.update(s for s in secrets if s)
    if not _installed:
        logging.setLogRecordFactory(_scrubbed_record_factory(logging.getLogRecordFactory()))
        _installed = True


def configure_logging(level: str, secrets: list[str]) -> None:
    """One handler on the root logger; httpx at WARNING since Bot API URLs carry the token."""
    protect_secrets(*secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level, logging.INFO))
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("transitions").setLevel(logging.WARNING)  # one INFO line per state change otherwise
