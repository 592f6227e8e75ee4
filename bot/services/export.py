"""/export: everything stored about the owner as one JSON document, with the document's schema version."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.services.ports import ExportStore

EXPORT_SCHEMA_VERSION = 1


def export_document(store: ExportStore, user_id: int, knowledge_version: str) -> dict[str, Any]:
    """schema_version, exported_at, knowledge_version and every table's rows keyed to the user."""
    return {
        "schema_version": EXPORT_SCHEMA_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "knowledge_version": knowledge_version,
        "tables": store.user_rows(user_id),
    }


def export_bytes(document: dict[str, Any]) -> bytes:
    """The document as UTF-8 JSON, indented for a person to read."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode()
