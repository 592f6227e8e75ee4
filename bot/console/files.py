"""The console writes the report's radar chart (PNG) and HTML page beside the database, and says where."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from bot.pages import chart_and_page
from bot.views.i18n import t
from bot.views.page import page_file_name
from knowledge.model import KnowledgeBase
from knowledge.scoring import Report


def database_folder(db: Database) -> Path | None:
    """The folder of the SQLite file; None for an in-memory database."""
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file).parent
    return None


def write_report_files(kb: KnowledgeBase, report: Report, locale: str, db: Database) -> str | None:
    """Write the chart and the page; the sentence that says where, or None when there is no folder."""
    folder = database_folder(db)
    if folder is None:
        return None
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    here = datetime.now().astimezone().tzinfo  # the console runs on the owner's own machine: its day
    png, page = chart_and_page(kb, report, locale, stamp, here)
    html_path = folder / page_file_name(stamp, locale, here)
    png_path = html_path.with_suffix(".png")
    png_path.write_bytes(png)
    html_path.write_text(page, encoding="utf-8")
    return t(locale, "console_files.written", chart=png_path, page=html_path)
