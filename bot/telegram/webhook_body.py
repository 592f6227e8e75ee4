"""What a webhook POST must be before PTB sees it: a JSON object whose `update_id` is an integer in range.

Telegram's update ids are non-negative 32-bit integers; anything else (a string, a float, a bool, a list,
`null`, 2^63) is refused here with a short reason for the one WARNING line, so it never reaches
`Update.de_json` or SQLite (whose integers stop at 2^63 - 1).
"""

from __future__ import annotations

import json
from typing import Any

MAX_BODY_BYTES = 1_000_000  # an update is a few kB; Telegram's largest are far below this
MAX_UPDATE_ID = 2**31  # exclusive


class BadBody(ValueError):
    """The body is not an update; the message says why in a few words (never the body itself)."""


def parse_update(body: bytes) -> dict[str, Any]:
    """The update as a dict, or BadBody with the reason."""
    try:
        data = json.loads(body)
    except UnicodeDecodeError as error:
        raise BadBody("not UTF-8") from error
    except (ValueError, RecursionError) as error:
        raise BadBody("not JSON") from error
    if not isinstance(data, dict):
        raise BadBody(f"a JSON {_kind(data)}, not an object")
    update_id = data.get("update_id")
    if update_id is None:
        raise BadBody("no update_id")
    if isinstance(update_id, bool) or not isinstance(update_id, int):
        raise BadBody(f"update_id is a {_kind(update_id)}, not an integer")
    if not 0 <= update_id < MAX_UPDATE_ID:
        raise BadBody("update_id out of range")
    return data


def _kind(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", float: "number", int: "integer", bool: "boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
