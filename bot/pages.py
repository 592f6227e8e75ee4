"""The HTML report and the radar chart of a freshly scored report, for the command line and the console."""

from __future__ import annotations

from datetime import tzinfo

from bot.storage.reports import report_record
from bot.views.page import report_page
from knowledge.model import KnowledgeBase
from knowledge.scoring import Report


def chart_and_page(kb: KnowledgeBase, report: Report, locale: str, finished: str | None = None,
                   zone: tzinfo | None = None) -> tuple[bytes, str]:
    """(the radar chart as PNG, the self-contained HTML page): the same page the Telegram button sends."""
    from bot.views.chart import radar_png  # matplotlib (0.6 s to import) only when a page is written

    record = report_record(report)
    png = radar_png(kb, {d["id"]: d["score"] for d in record["dimensions"]}, locale)
    return png, report_page(kb, record, locale, png, finished, zone)
