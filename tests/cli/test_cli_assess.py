"""`sme-advisor assess` and `sme-advisor kb questions` from the command line.

A bad answers file gets exactly one line on stderr naming what is wrong and exit code 2, never a
traceback. The in-process tests call ``bot.cli.main`` the way the console script does; the
``assess_file`` tests pass explicit streams; one test runs the real process.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.offline import EXIT_BAD_INPUT, assess_file, kb_questions
from knowledge.loader import get_knowledge

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "fixtures" / "sample_company.yaml"
KB = get_knowledge()


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SME_ADVISOR_LOCALE", "zh")


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def answers_json(**answers: Any) -> str:
    return json.dumps(answers, ensure_ascii=False)


# (case id, file name, content, what the one stderr line must mention)
BAD_FILES: list[tuple[str, str, str | bytes, str]] = [
    ("unknown question", "a.json", answers_json(cash_runway_self="over_12", no_such_question=1), "no_such_question"),
    ("unknown option", "a.json", answers_json(cash_runway_self="forever"), "cash_runway_self"),
    ("not a number", "a.json", answers_json(cash_available="abc"), "cash_available"),
    ("negative share", "a.json", answers_json(risk_top_customer_share=-5), "risk_top_customer_share"),
    ("share above 100", "a.yaml", "risk_top_customer_share: 150\n", "risk_top_customer_share"),
    ("share above 100 as text", "a.yaml", "ret_repeat_share: 150%\n", "ret_repeat_share"),
    ("fractional headcount", "a.json", answers_json(cost_headcount=2.5), "cost_headcount"),
    ("list as a value", "a.json", answers_json(cash_available=[1, 2]), "cash_available"),
    ("mapping as a value", "a.yaml", "team_self: {a: 1}\n", "team_self"),
    ("list for a choice", "a.yaml", "team_self: [solid]\n", "team_self"),
    ("empty text", "a.yaml", "pos_target_customer: '   '\n", "pos_target_customer"),
    ("boolean for a number", "a.yaml", "cash_available: yes\n", "cash_available"),
]
BAD_FILE_LEVEL: list[tuple[str, str, str | bytes, str]] = [
    ("binary bytes", "a.bin", bytes(range(256)) * 4, "a.bin"),
    ("unclosed JSON", "a.json", "{unclosed", "a.json"),
    ("top level is a list", "a.yaml", "- cash_available: 1\n- team_self: solid\n", "a.yaml"),
    ("top level is a number", "a.yaml", "42\n", "a.yaml"),
]
ALL_BAD = BAD_FILES + BAD_FILE_LEVEL


def check_one_line(err: str, mention: str) -> None:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one stderr line, got {lines!r}"
    assert mention in lines[0]


# --------------------------------------------------------------------------- through bot.cli.main


@pytest.mark.parametrize(("name", "content", "mention"), [c[1:] for c in ALL_BAD], ids=[c[0] for c in ALL_BAD])
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_bad_answers_file_main(tmp_path: Path, capsys: pytest.CaptureFixture[str], locale: str,
                               name: str, content: str | bytes, mention: str) -> None:
    path = write(tmp_path, name, content)
    try:
        code = main(["assess", "--answers", str(path), "--locale", locale])
    except SystemExit as exit_:  # either style is fine, as long as it is 2
        code = exit_.code
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    check_one_line(err, mention)


def test_missing_file_main(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["assess", "--answers", str(tmp_path / "nowhere.yaml"), "--locale", "en"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    check_one_line(err, "nowhere.yaml")
    assert err.startswith("No such answers file")


def test_error_messages_in_each_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "a.json", answers_json(risk_top_customer_share=150))
    assert main(["assess", "--answers", str(path), "--locale", "zh"]) == 2
    zh = capsys.readouterr().err
    assert main(["assess", "--answers", str(path), "--locale", "en"]) == 2
    en = capsys.readouterr().err
    assert zh.strip() == "risk_top_customer_share：不能大于 100%"
    assert en.strip() == "risk_top_customer_share: must not be above 100%"


def test_good_file_main(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--answers", str(SAMPLE), "--format", "json", "--locale", "en"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert json.loads(out)["fatal"] == ["risk_control"]


# --------------------------------------------------------------------------- through assess_file with explicit streams


def assess(path: Path, locale: str = "en", fmt: str = "json") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = assess_file(path, fmt, locale, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("name", "content", "mention"), [c[1:] for c in ALL_BAD], ids=[c[0] for c in ALL_BAD])
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_bad_answers_file_streams(tmp_path: Path, locale: str, name: str, content: str | bytes, mention: str) -> None:
    path = write(tmp_path, name, content)
    code, out, err = assess(path, locale)
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert EXIT_BAD_INPUT == 2
    check_one_line(err, mention)


@pytest.mark.parametrize(
    ("answers", "reason_zh", "reason_en"),
    [
        ({"no_such_question": 1}, "没有这个问题", "no such question"),
        ({"cash_runway_self": "forever"}, "不是这个问题的选项", "not one of this question's options"),
        ({"cash_available": "abc"}, "不是一个数字", "not a number"),
        ({"risk_top_customer_share": -5}, "不能小于 0%", "must not be below 0%"),
        ({"cost_headcount": 2.5}, "需要一个整数", "a whole number is needed"),
        ({"cash_available": [1, 2]}, "不是一个数字", "not a number"),
    ],
    ids=["unknown question", "unknown option", "not a number", "below min", "not whole", "list"],
)
def test_bad_answer_reasons(tmp_path: Path, answers: dict[str, Any], reason_zh: str, reason_en: str) -> None:
    path = write(tmp_path, "a.json", json.dumps(answers))
    key = next(iter(answers))
    assert assess(path, "zh")[2].strip() == f"{key}：{reason_zh}"  # full-width, as Chinese writes it
    assert assess(path, "en")[2].strip() == f"{key}: {reason_en}"


def test_missing_file_streams(tmp_path: Path) -> None:
    code, out, err = assess(tmp_path / "nowhere.yaml", "zh")
    assert (code, out) == (2, "")
    check_one_line(err, "nowhere.yaml")
    assert err.startswith("答案文件不存在")


def test_chinese_numbers_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "cash_available: 50万\ncash_fixed_costs: 十万\nrisk_top_customer_share: 55%\n")
    code, out, err = assess(path)
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["metrics"]["cash_on_hand"] == 500_000
    assert report["metrics"]["monthly_fixed_costs"] == 100_000
    assert report["metrics"]["runway_months"] == 5
    assert report["metrics"]["top_customer_share"] == 55


def test_options_by_label_and_null_answers(tmp_path: Path) -> None:
    label = KB.questions["team_self"].options[-1].label.zh
    path = write(tmp_path, "a.yaml", f"team_self: '{label}'\nrisk_self: null\n")
    code, out, err = assess(path)
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["answered"] == 1
    assert next(d for d in report["dimensions"] if d["id"] == "team")["score"] == 100


def test_empty_file_is_an_empty_report(tmp_path: Path) -> None:
    code, out, err = assess(write(tmp_path, "a.yaml", ""))
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["overall"] is None
    assert report["band"] == "unanswered"


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_every_format_and_locale_renders(fmt: str, locale: str) -> None:
    code, out, err = assess(SAMPLE, locale, fmt)
    assert (code, err) == (0, "")
    assert out.strip()


# --------------------------------------------------------------------------- kb questions

QUESTION_KEYS = {"id", "dimension", "kind", "quick", "options", "metric", "unit", "why"}


def check_questions_json(data: dict[str, Any]) -> None:
    assert set(data) == {"questions"}
    questions = data["questions"]
    assert [q["id"] for q in questions] == [q.id for d in KB.dimensions for q in d.questions]
    for item in questions:
        assert set(item) >= QUESTION_KEYS, item["id"]
        question = KB.questions[item["id"]]
        assert item["dimension"] == question.dimension
        assert item["kind"] == question.kind in ("choice", "number", "text")
        assert item["quick"] is question.quick
        assert isinstance(item["why"], str)
        assert item["why"]
        if question.kind == "choice":
            assert item["metric"] is None
            assert item["unit"] is None
            assert [o["id"] for o in item["options"]] == [o.id for o in question.options]
            for option in item["options"]:
                assert set(option) >= {"id", "label", "points"}
                assert option["label"]
                assert 0 <= option["points"] <= 100
        elif question.kind == "number":  # a number question offers at most its "not applicable" answer
            assert all(o["id"] == "not_applicable" and o["points"] is None for o in item["options"])
        else:
            assert item["options"] == []
        if question.kind == "number":
            assert item["metric"] == question.metric
            assert item["unit"] == KB.metrics[question.metric].unit


def test_kb_questions_json_main(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "questions", "--format", "json", "--locale", "en"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    check_questions_json(json.loads(out))


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_kb_questions_json_streams(locale: str) -> None:
    out = io.StringIO()
    assert kb_questions(locale, "json", out=out) == 0
    data = json.loads(out.getvalue())
    check_questions_json(data)
    first = data["questions"][0]
    assert first["why"] == KB.questions[first["id"]].why(locale)


def test_kb_questions_text_main(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "questions", "--locale", "en"]) == 0
    out = capsys.readouterr().out
    listed = out.split()
    for qid in KB.questions:
        assert qid in listed, qid


def test_kb_questions_text_streams() -> None:
    out = io.StringIO()
    assert kb_questions("zh", "text", out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{len(KB.questions)} 个问题")
    rows = {line[2:].split()[0]: line for line in lines[1:]}
    assert set(rows) == set(KB.questions)
    for qid, line in rows.items():
        question = KB.questions[qid]
        assert line.startswith("*") == question.quick, qid
        if question.kind == "number":  # what a file must hold for it: the metric's unit, and "does not apply"
            assert f"{question.metric} [{KB.metrics[question.metric].unit}]" in line, line
            assert ("not_applicable=-" in line) == bool(question.options), line


# --------------------------------------------------------------------------- the real process


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "SME_ADVISOR_LOCALE": "en", "PYTHONPATH": str(ROOT)}, check=False,
    )


def test_process_exits_2_without_traceback_for_a_bad_answer(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", answers_json(no_such_question=1))
    result = run_cli("assess", "--answers", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == "no_such_question: no such question"
    assert result.stdout == ""


def test_process_exits_2_without_traceback_for_a_broken_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", "{unclosed")
    result = run_cli("assess", "--answers", str(path), "--locale", "zh")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "a.json" in result.stderr


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    """`sme-advisor assess --format html | head`: the pipe closes under the writer; it stops quietly."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "assess", "--answers", str(SAMPLE), "--format", "html"], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={"PATH": "/usr/bin:/bin", "SME_ADVISOR_LOCALE": "en", "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout.read(64).startswith(b"<!DOCTYPE html>")
    process.stdout.close()  # as `head -c 64` does
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0
    assert b"Traceback" not in err
    assert b"BrokenPipe" not in err
