"""An answers file that is too big, too deep, names a question twice or carries control characters gets one
clear line and exit code 2, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.offline import EXIT_BAD_INPUT, assess_file


def _assess(path: Path, locale: str = "en") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = assess_file(path, "json", locale, out, err)
    return code, out.getvalue(), err.getvalue()


def _refused(path: Path, locale: str = "en") -> str:
    code, out, err = _assess(path, locale)
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("dup.yaml", "cash_available: 1\ncash_available: 2\n", "names cash_available twice"),
    ("dup.json", '{"cash_available": 1, "cash_available": 2}', "names cash_available twice"),
    ("deep.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 8 levels"),
    ("deep.json", '{"a": ' + "[" * 100 + "]" * 100 + "}", "nested more than 8 levels"),
    ("big.yaml", "cash_available: " + "9" * 400 + "\n", "absurdly large"),
    ("superscript.json", '{"cash_available": "²"}', "cash_available"),
    ("circled.json", '{"cash_available": "①"}', "cash_available"),
])
def test_refused_with_one_line(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert expected in _refused(path)


def test_a_file_over_a_megabyte_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * (1024 * 1024) + "\n")
    assert "larger than 1024 KB" in _refused(path)


def test_control_characters_in_a_key_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "ctl.json"
    path.write_text('{"ab\\u001b[31mc\\u202e": 1}', encoding="utf-8")
    err = _refused(path)
    assert "\x1b" not in err
    assert "\u202e" not in err
    assert "ab\\x1b[31mc\\u202e" in err


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("cash_available: 1\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert "No permission to read" in _refused(path)
    assert "没有读取答案文件的权限" in _refused(path, "zh")


def test_a_well_formed_file_still_scores(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("cash_available: 50万\ncash_fixed_costs: 80000\n", encoding="utf-8")
    code, out, err = _assess(path)
    assert code == 0, err
    assert '"overall"' in out


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("cost_managers: 30\ncost_headcount: 18\n", "en", "cost_managers: 30 is more than cost_headcount, 18"),
    ("cost_headcount: 18\ncost_managers: 30\n", "en", "cost_headcount: 18 is less than cost_managers, 30"),
    ("cost_managers: 30\ncost_headcount: 18\n", "zh", "cost_managers：30 比 cost_headcount 的 18 还多"),
])
def test_answers_that_cannot_both_be_true_are_refused_naming_both(tmp_path: Path, text: str, locale: str,
                                                                  expected: str) -> None:
    """As the conversation refuses more managers than people, whichever of the two comes second."""
    path = tmp_path / "contradiction.yaml"
    path.write_text(text, encoding="utf-8")
    assert expected in _refused(path, locale)


def test_as_many_managers_as_people_is_no_contradiction(tmp_path: Path) -> None:
    path = tmp_path / "owner_only.yaml"
    path.write_text("cost_managers: 1\ncost_headcount: 1\n", encoding="utf-8")
    code, out, err = _assess(path)
    assert (code, err) == (0, "")
    assert out
