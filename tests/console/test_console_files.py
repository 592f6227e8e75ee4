"""The console prints the text report and writes the chart PNG and the HTML page beside the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.views.i18n import LOCALES
from knowledge.loader import get_knowledge
from tests.console.test_console_piped import answer_lines, assert_clean_exit, planned_questions, run_console

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("locale", LOCALES)
def test_report_files_are_written_beside_the_database_and_named(tmp_path: Path, locale: str) -> None:
    kb = get_knowledge()
    db = tmp_path / "data" / "advisor.db"
    result = run_console(db, locale, ["1", *answer_lines(kb, planned_questions(kb, "quick"))])
    assert_clean_exit(result)
    pages = list(db.parent.glob("*.html"))
    charts = list(db.parent.glob("*.png"))
    assert len(pages) == len(charts) == 1
    assert str(pages[0]) in result.stdout
    assert str(charts[0]) in result.stdout
    assert charts[0].read_bytes().startswith(PNG)
    page = pages[0].read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in page
    assert kb.dimensions[0].title(locale) in page
