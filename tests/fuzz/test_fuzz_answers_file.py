"""Fuzz: `sme-advisor assess --answers FILE` with any value in any field, and with files that are not answers at all.

In-process through the command's own `main` (capsys, no subprocess per example). Every run ends one of two ways:
exit 0 with a report on stdout and nothing on stderr, or exit 2 with exactly one line on stderr, no control
character in it, no traceback, nothing on stdout. A report never carries the owner's words unescaped: the HTML page
shows a free-text answer escaped, and no tag or attribute comes from the file.
"""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.cli import main
from bot.views.render import TEMPLATES
from dialogs.parsing import clean_free_text
from knowledge.loader import get_knowledge
from tests.fuzz.fuzz_support import FRAGMENTS, VALUES, fuzz_settings, nasty_text, raw_controls

KB = get_knowledge()
QUESTION_IDS = sorted(KB.questions)
TEXT_QUESTIONS = sorted(q.id for q in KB.questions.values() if q.kind == "text")
KEYS = st.one_of(st.sampled_from(QUESTION_IDS), st.sampled_from(QUESTION_IDS), nasty_text(30), st.integers(),
                 st.booleans(), st.none(), st.floats())
FORMATS = st.sampled_from(["text", "text", "json", "json", "html"])  # the page draws a chart: fewer of those


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and its text as a reader sees it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def tags_of(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    parser.close()
    return parser


def run(capsys: pytest.CaptureFixture[str], path: Path, fmt: str, locale: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["assess", "--answers", str(path), "--format", fmt, "--locale", locale])
    out, err = capsys.readouterr()
    return code, out, err


def check_outcome(code: int, out: str, err: str) -> None:
    assert code in (0, 2), code
    if code == 0:
        assert err == "", err
        assert out.strip(), "exit 0 without a report"
        controls = [c for c in raw_controls(out) if c < " " or "\x7f" <= c <= "\x9f"]
        assert not controls, "a control character in the report"
    else:
        assert out == "", out[:300]
        assert err.endswith("\n"), f"not one line: {err!r}"
        assert err.count("\n") == 1, f"not one line: {err!r}"
        assert "Traceback" not in err
        assert not raw_controls(err), f"a raw control character on stderr: {err!r}"


def check_page(page: str, answers: dict[Any, Any]) -> None:
    """No tag the template does not write, no event handler, no script; free text shown escaped."""
    parsed = tags_of(page)
    names = {tag for tag, _ in parsed.tags}
    assert names <= PAGE_TAGS, names - PAGE_TAGS
    for _, attrs in parsed.tags:
        assert not [a for a, _ in attrs if a.startswith("on")], attrs
        assert not [v for a, v in attrs if a in ("href", "src") and v and not v.startswith("data:image/png")], attrs
    assert "<script" not in page.lower()
    for question in TEXT_QUESTIONS:
        value = answers.get(question)
        if isinstance(value, str) and clean_free_text(value):
            assert clean_free_text(value) in "".join(parsed.text)  # shown as typed: escaped, not markup


def dump(answers: dict[Any, Any], how: str) -> str:
    if how == "json":
        return json.dumps({str(k) if not isinstance(k, str) else k: v for k, v in answers.items()}, allow_nan=True)
    if how == "json-ascii":
        return json.dumps({str(k): v for k, v in answers.items()}, ensure_ascii=True)
    return yaml.safe_dump(answers, allow_unicode=how == "yaml-unicode")


def _safe_dump(answers: dict[Any, Any], how: str) -> str | None:
    try:
        return dump(answers, how)
    except (ValueError, TypeError, yaml.YAMLError, RecursionError):
        return None


# The tags the page's templates can write: a page may have no other.
PAGE_TAGS = {tag.lower() for name in ("page.html.j2", "report.html.j2", "_report_details.html.j2")
             for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", (TEMPLATES / "shared" / name).read_text())}


@fuzz_settings(60)
@given(answers=st.dictionaries(KEYS, VALUES, max_size=6), how=st.sampled_from(["json", "json-ascii", "yaml",
                                                                               "yaml-unicode"]),
       fmt=FORMATS, locale=st.sampled_from(["zh", "en"]))
def test_any_value_in_any_field(tmp_path: Path, capsys, answers: dict, how: str, fmt: str,
                                locale: str) -> None:
    text = _safe_dump(answers, how)
    if text is None:
        return
    path = tmp_path / ("answers.json" if how.startswith("json") else "answers.yaml")
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, out, err = run(capsys, path, fmt, locale)
    check_outcome(code, out, err)
    if code == 0 and fmt == "html":
        check_page(out, answers)


ANSWERED = {q.id: (q.options[-1].id if q.options else 10) for q in KB.questions.values() if q.kind != "text"}


@fuzz_settings(40)
@given(words=st.lists(nasty_text(2000), min_size=1, max_size=len(TEXT_QUESTIONS)), fmt=FORMATS,
       locale=st.sampled_from(["zh", "en"]))
def test_free_text_comes_out_escaped(tmp_path: Path, capsys, words: list[str], fmt: str,
                                     locale: str) -> None:
    answers = {**ANSWERED, **dict(zip(TEXT_QUESTIONS, words, strict=False))}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    code, out, err = run(capsys, path, fmt, locale)
    check_outcome(code, out, err)
    if code == 0 and fmt == "html":
        check_page(out, answers)
    if code == 0 and fmt == "json":
        notes = {n["question"]: n["text"] for n in json.loads(out)["notes"]}
        assert all(notes.get(q) == clean_free_text(w) for q, w in zip(TEXT_QUESTIONS, words, strict=False)
                   if clean_free_text(w))


# A few shapes that are not a flat mapping: deep nesting, aliases, tags, anchors, BOMs, bytes that are not UTF-8.
RAW_PIECES = st.sampled_from([
    "{", "}", "[", "]", ":", ": ", "- ", "? ", "&a ", "*a", "!!python/object:os.system ", "!!binary ", "!!set ",
    "!!bool ", "!!int ", "? [1]: 2\n",
    "!!timestamp ", "<<: *a\n", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "\ufeff", "\n", "  ", "\t",
    '"', "'", "\\", "\\u", "\\ud800", "\\x00", "#", "|\n", ">\n", "0x", "0o", "1e999", ".nan", ".inf", "-.inf",
    "~", "null", "yes", "no", "on", "2024-01-01", "12:30:00", "cash_available", "pos_target_customer",
    *FRAGMENTS[:40],
])
RAW = st.one_of(
    st.lists(st.one_of(RAW_PIECES, nasty_text(20)), max_size=30).map("".join),
    st.builds(lambda n, c: "a: " + "[" * n + "]" * n if c else "a:" + "\n".join(" " * i + "- " for i in range(n)),
              st.integers(1, 3000), st.booleans()),
    st.builds(lambda key, n: f"&x {key}: [" + ", ".join(["*x"] * n) + "]", st.sampled_from(QUESTION_IDS),
              st.integers(1, 50)),
    st.builds(lambda k, v: f"{k}: {v}\n{k}: {v}\n", st.sampled_from(QUESTION_IDS), st.integers()),
)


@fuzz_settings(80)
@given(body=RAW, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "bytes"]),
       raw=st.binary(max_size=200), fmt=st.sampled_from(["text", "json"]), locale=st.sampled_from(["zh", "en"]),
       suffix=st.sampled_from([".yaml", ".json", ".txt", ""]))
def test_files_that_are_no_answers_file(tmp_path: Path, capsys, body: str, encoding: str, raw: bytes, fmt: str,
                                        locale: str, suffix: str) -> None:
    path = tmp_path / f"answers{suffix}"
    if encoding == "bytes":
        path.write_bytes(raw)
    else:
        path.write_bytes(body.encode(encoding, errors="surrogatepass" if encoding.startswith("utf-8") else "replace"))
    check_outcome(*run(capsys, path, fmt, locale))


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10**400, -(10**400), 2**63, 1e308, True, [], {},
                                   "²", "①", "٣", "１０万", "\x1b[31m", "\ud800", "9" * 5000])
@pytest.mark.parametrize("question", ["cash_available", "ret_repeat_share", "cost_headcount", "pos_focus_self",
                                      "pos_target_customer"])
def test_each_odd_value_at_each_kind_of_question(tmp_path: Path, capsys, question: str, value: Any) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({question: value}), encoding="utf-8", errors="surrogatepass")
    check_outcome(*run(capsys, path, "json", "en"))
