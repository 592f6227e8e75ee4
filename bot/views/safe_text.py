"""Text from outside (paths, file keys, SQLite's words) made safe to print: control characters escaped."""

from __future__ import annotations

import unicodedata


def printable(value: object) -> str:
    """`value` as text with every control or format character, or lone surrogate, shown as an escape (\\x1b,
    \\u202e, \\udcff)."""
    text = str(value)
    return "".join(_escape(c) if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs") else c for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
