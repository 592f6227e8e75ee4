"""Every row stored about one user, found by scanning the schema: what /export sends.

A table holds a user's rows through one of the columns in USER_KEYS; a table without any of them must be
listed in NOT_PERSONAL, or `user_rows` refuses to run (and the schema test fails), so a new table can
never be left out of the export or of /forget.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

NOT_PERSONAL = {"_sqlite_migrations": "the schema's own bookkeeping",
                "processed_updates": "Telegram update ids, kept 7 days, not linked to anyone"}
OWN_KEY = {"users": "id", "companies": "owner_id"}  # tables keyed to the user by another column
JSON_COLUMNS = {"value", "state", "report"}


class UnknownTable(Exception):
    """A table that neither has a user key nor is declared as holding nothing personal."""


def user_key(db: Database, table: str) -> tuple[str, str] | None:
    """(column, how it reaches the user): "user" for a user id, "assessment" for a check of the user."""
    columns = {c.name for c in db[table].columns}
    if table in OWN_KEY:
        return OWN_KEY[table], "user"
    if "user_id" in columns:
        return "user_id", "user"
    if "assessment_id" in columns:
        return "assessment_id", "assessment"
    if table in NOT_PERSONAL:
        return None
    raise UnknownTable(f"table {table!r} has no user key; add one or declare it in NOT_PERSONAL")


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.loads(v) if k in JSON_COLUMNS and isinstance(v, str) else v for k, v in row.items()}


class DumpRecords:
    """Reads of every user-keyed row in every table."""

    db: Database

    def user_rows(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every table's rows keyed to this user, JSON columns decoded, tables in schema order."""
        rows: dict[str, list[dict[str, Any]]] = {}
        for table in self.db.table_names():
            key = user_key(self.db, table)
            if key is None:
                continue
            column, via = key
            # table and column names come from sqlite_master, never from a user
            subquery = "IN (SELECT id FROM assessments WHERE user_id = ?)"
            where = f"{column} = ?" if via == "user" else f"{column} {subquery}"
            found = self.db.execute_returning_dicts(f"SELECT * FROM [{table}] WHERE {where}", [user_id])  # noqa: S608
            rows[table] = [_decoded(r) for r in found]
        return rows
