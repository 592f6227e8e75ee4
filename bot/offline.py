"""The offline commands: `kb check`, `kb questions` and `assess --answers FILE` for an adviser's form."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.answers_file import AnswersFileError, load_answers_file
from bot.pages import chart_and_page
from bot.views.formatting import plain_number
from bot.views.i18n import t
from bot.views.prompts import reason_text
from bot.views.render import render
from bot.views.report import build_report_view
from bot.views.safe_text import printable
from dialogs import consistency
from dialogs.answers import AnswerError, parse_answer
from knowledge.export import report_to_dict
from knowledge.loader import KnowledgeError, get_knowledge, load_knowledge
from knowledge.model import KnowledgeBase
from knowledge.scoring import assess

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """A bad answers file, with the one line to show for it."""


def kb_check(locale: str, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """0 and a summary for a valid knowledge base; 1 and every problem otherwise."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        kb = load_knowledge()
    except KnowledgeError as error:
        print(t(locale, "cli.kb_invalid", count=len(error.problems)), file=err)
        for problem in error.problems:
            print(f"  - {problem}", file=err)
        return 1
    print(t(locale, "cli.kb_ok", dimensions=len(kb.dimensions), questions=len(kb.questions),
            quick=sum(q.quick for q in kb.questions.values()), traps=len(kb.traps), actions=len(kb.actions),
            cases=len(kb.cases), figures=len(kb.figures), rules=sum(len(d.rules) for d in kb.dimensions)),
          file=out)
    return 0


def questions_json(kb: KnowledgeBase, locale: str) -> dict[str, Any]:
    """The question list in the shape `kb questions --format json` promises."""
    return {"questions": [
        {
            "id": q.id, "dimension": q.dimension, "kind": q.kind, "quick": q.quick,
            "options": [{"id": o.id, "label": o.label(locale), "points": o.points} for o in q.options],
            "metric": q.metric, "unit": kb.metrics[q.metric].unit if q.metric else None,
            "why": q.why(locale), "text": q.text(locale),
        }
        for d in kb.dimensions for q in d.questions
    ]}


def kb_questions(locale: str, fmt: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    kb = get_knowledge()
    data = questions_json(kb, locale)
    if fmt == "json":
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    print(t(locale, "cli.questions_header", count=len(data["questions"])), file=out)
    for q in data["questions"]:
        star = "*" if q["quick"] else " "
        options = ", ".join(f"{o['id']}={'-' if o['points'] is None else plain_number(o['points'])}"
                            for o in q["options"])
        detail = " ".join(part for part in (q["metric"] and f"{q['metric']} [{q['unit']}]", options) if part)
        print(f"{star} {q['id']:<34} {q['dimension']:<17} {q['kind']:<7} {detail}", file=out)
    return 0


def read_answers_file(path: Path, locale: str) -> dict[str, Any]:
    """The raw mapping in a JSON or YAML file; InputError with one clear line otherwise."""
    try:
        data = load_answers_file(path)
    except AnswersFileError as error:
        values = {k: printable(v) for k, v in error.values.items()}
        raise InputError(t(locale, f"cli.{error.key}", **values)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(t(locale, "cli.file_not_mapping", path=printable(path)))
    return data


def _reason(locale: str, error: AnswerError) -> str:
    return reason_text(locale, error.reason, error.minimum, error.maximum, error.values)


def validate_answers(kb: KnowledgeBase, raw: dict[str, Any], locale: str) -> dict[str, Any]:
    """Every answer checked against its question; the first bad one raises InputError naming its key."""
    answers: dict[str, Any] = {}
    for key, value in raw.items():
        question = kb.questions.get(str(key))
        if question is None:
            raise InputError(t(locale, "cli.bad_answer", key=printable(key),
                                 reason=t(locale, "reasons.unknown_question")))
        if value is None:
            continue
        if isinstance(value, list | dict):
            raise InputError(t(locale, "cli.bad_answer", key=printable(key), reason=t(locale, "reasons.not_a_number"
                               if question.kind == "number" else "reasons.unknown_option")))
        try:
            answers[question.id] = parse_answer(kb, question, value)
        except AnswerError as error:
            raise InputError(t(locale, "cli.bad_answer", key=printable(key), reason=_reason(locale, error))) from None
    _refuse_contradictions(kb, answers, locale)
    return answers


def _refuse_contradictions(kb: KnowledgeBase, answers: dict[str, Any], locale: str) -> None:
    """Two answers that cannot both be true (more managers than people) are refused, as the conversation
    refuses the second one; the line names both, since either may be the wrong one."""
    for question_id, value in answers.items():
        question = kb.questions[question_id]
        if question.kind != "number" or not isinstance(value, int | float):
            continue
        try:
            consistency.check(kb, question, value, answers)
        except consistency.Inconsistent as error:
            other = next(q for q in answers if kb.questions[q].metric == error.other_metric)
            key = "cli.part_above_whole" if "_above_" in error.reason else "cli.whole_below_part"
            raise InputError(t(locale, key, key=question_id, value=plain_number(value), other_key=other,
                               other=plain_number(error.other))) from None


def assess_file(path: Path, fmt: str, locale: str, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Score an answers file and print the report as text, JSON or a self-contained HTML page."""
    out, err = out or sys.stdout, err or sys.stderr
    kb = get_knowledge()
    try:
        answers = validate_answers(kb, read_answers_file(path, locale), locale)
    except InputError as error:
        print(error, file=err)
        return EXIT_BAD_INPUT
    report = assess(kb, answers)
    if fmt == "json":
        json.dump(report_to_dict(kb, report, locale), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "html":  # the page the Telegram report button sends, its chart inline
        out.write(chart_and_page(kb, report, locale)[1] + "\n")
    else:
        view = build_report_view(kb, report, locale)
        out.write(render(f"report.{'html' if fmt == 'html' else 'txt'}.j2", locale, r=view) + "\n")
    return 0
