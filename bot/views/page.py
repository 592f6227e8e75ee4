"""The HTML report: one self-contained page (the chart inline as a data: URI, no external fetch), readable
on a phone and printable; sent from the report's button and written by `assess --format html`."""

from __future__ import annotations

import base64
from datetime import tzinfo
from typing import Any

from bot.views.formatting import local_date
from bot.views.kept import dimension_details, overview
from bot.views.render import render
from bot.views.report_sections import coverage_line
from knowledge.coverage import Coverage, DimensionCoverage
from knowledge.model import KnowledgeBase


def chart_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def kept_coverage(report: dict[str, Any]) -> Coverage | None:
    """The coverage of a kept report, from its JSON (None for reports kept before coverage existed)."""
    dimensions = (report.get("coverage") or {}).get("dimensions")
    if not dimensions:
        return None
    return Coverage(tuple(DimensionCoverage(d, c["answered"], c["asked"]) for d, c in dimensions.items()))


def report_page(kb: KnowledgeBase, report: dict[str, Any], locale: str, png: bytes | None,
                finished: str | None = None, zone: tzinfo | None = None) -> str:
    """The whole report on one page: verdict, chart, the eight dimensions in detail, numbers, formula; dated
    the day it was finished in `zone` (the owner's)."""
    view = overview(kb, report, locale)
    details = [dimension_details(kb, report, d["id"], locale) for d in view["dimensions"]]
    notes = [{"question": kb.questions[n["question"]].text(locale), "text": n["text"]}
             for n in report.get("notes", []) if n["question"] in kb.questions]
    return render("page.html.j2", locale, v=view, details=details, notes=notes,
                  coverage=coverage_line(kept_coverage(report), locale),
                  chart=chart_uri(png) if png else None, date=local_date(finished, zone),
                  formula_title=kb.summary.formula_title(locale), formula=kb.summary.formula(locale),
                  focus_advice=kb.summary.focus(locale))


def page_file_name(finished: str | None, locale: str, zone: tzinfo | None = None) -> str:
    """sme-report-2026-12-01.html (体检报告-2026-12-01.html in Chinese), dated as the page is."""
    date = local_date(finished, zone) or "latest"
    return f"{'体检报告' if locale == 'zh' else 'sme-report'}-{date}.html"
