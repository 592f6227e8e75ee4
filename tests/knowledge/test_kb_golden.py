"""Golden reports for a sample company, in text (zh, en), JSON and HTML.

The sample is tests/fixtures/sample_company.yaml: a county-town restaurant POS vendor with one
fatal short board (its largest customer brings 55% of revenue) and a thin cash cushion (4 months).
It is run through ``bot.offline.assess_file`` and compared with tests/golden/report_zh.txt,
report_en.txt and report.json.

When the knowledge base or the report templates change on purpose, regenerate the golden files and
read the diff before committing it:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/knowledge/test_kb_golden.py

With UPDATE_GOLDEN=1 the comparisons rewrite the files instead of failing.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.offline import assess_file
from knowledge.model import DIMENSION_IDS

TESTS = Path(__file__).resolve().parent.parent
SAMPLE = TESTS / "fixtures" / "sample_company.yaml"
GOLDEN = TESTS / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def run(path: Path, fmt: str, locale: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = assess_file(path, fmt, locale, out=out, err=err)
    assert (code, err.getvalue()) == (0, "")
    return out.getvalue()


def compare(actual: str, name: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.exists(), f"{golden} is missing; run with UPDATE_GOLDEN=1 to create it"
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it after review)"


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_text_report_matches_golden(locale: str) -> None:
    compare(run(SAMPLE, "text", locale), f"report_{locale}.txt")


def test_json_report_matches_golden() -> None:
    compare(run(SAMPLE, "json", "zh"), "report.json")


# --------------------------------------------------------------------------- what the sample must show


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return json.loads(run(SAMPLE, "json", "en"))


def test_json_shape(report: dict[str, Any]) -> None:
    assert {"overall", "band", "dimensions", "fatal", "strengths", "focus_actions", "metrics"} <= set(report)
    assert isinstance(report["overall"], int)
    assert 0 <= report["overall"] <= 100
    assert report["band"] in ("critical", "weak", "fair", "strong")
    assert [d["id"] for d in report["dimensions"]] == list(DIMENSION_IDS)
    for d in report["dimensions"]:
        assert {"id", "title", "score", "band", "traps", "actions"} <= set(d)
        assert isinstance(d["title"], str)
        assert d["title"]
        assert d["score"] is None or (isinstance(d["score"], int) and 0 <= d["score"] <= 100)
        assert d["band"] in ("fatal", "weak", "fair", "strong", "unanswered")
        for item in (*d["traps"], *d["actions"]):
            assert set(item) >= {"id", "title"}
            assert item["id"]
            assert item["title"]
    assert all(f in DIMENSION_IDS for f in report["fatal"])
    assert all(s in DIMENSION_IDS for s in report["strengths"])
    assert len(report["focus_actions"]) <= 3
    for action in report["focus_actions"]:
        assert action["id"]
        assert action["title"]
    assert all(isinstance(v, int | float) for v in report["metrics"].values())


def test_sample_verdict(report: dict[str, Any]) -> None:
    dims = {d["id"]: d for d in report["dimensions"]}
    assert report["fatal"] == ["risk_control"]
    assert report["band"] == "critical"
    assert report["overall"] <= 29
    assert "risk_customer_concentration" in [t["id"] for t in dims["risk_control"]["traps"]]
    assert dims["cash_flow"]["band"] == "weak"
    assert "cash_no_cushion" in [t["id"] for t in dims["cash_flow"]["traps"]]
    assert report["metrics"]["runway_months"] == 4
    assert report["metrics"]["top_customer_share"] == 55
    assert report["focus_actions"][0]["id"] == "risk_expand_new_customers"
    assert 2 <= len(report["strengths"]) <= 3
    assert "risk_control" not in report["strengths"]
    assert [c["dimension"] for c in report["contradictions"]] == ["cash_flow"]


def test_text_report_in_each_language() -> None:
    zh, en = run(SAMPLE, "text", "zh"), run(SAMPLE, "text", "en")
    assert "中小企业经营体检报告" in zh
    assert "风险防控意识" in zh
    assert "SME business health check" in en
    assert "Risk awareness and control" in en
    own_words = en.split("In your own words")[1].split("The success formula")[0]  # kept as the owner typed them
    assert not re.search(r"[\u4e00-\u9fff]", en.replace(own_words, "")), "the English report contains Chinese"
    assert "Traceback" not in zh + en


# --------------------------------------------------------------------------- the HTML page


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    answers = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    answers["pos_target_customer"] = "<script>alert(1)</script>"
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_html_is_one_self_contained_page(locale: str) -> None:
    page = run(SAMPLE, "html", locale)
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")
    assert page.count("<html") == 1
    lowered = page.lower()
    assert "<script" not in lowered
    assert "http://" not in lowered
    assert "https://" not in lowered
    assert "<link" not in lowered
    assert "@import" not in lowered
    assert lowered.count("src=") == lowered.count('src="data:image/png;base64,')  # only the inline chart
    assert '<meta charset="utf-8">' in lowered


def test_html_never_contains_user_markup(hostile: Path) -> None:
    page = run(hostile, "html", "en")
    assert "<script" not in page.lower()


def test_html_shows_text_answer_escaped(hostile: Path) -> None:
    page = run(hostile, "html", "en")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
