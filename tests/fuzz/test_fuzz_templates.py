"""Fuzz: every template with hostile text in every text field it shows.

Each template is first rendered by the production code that uses it (reports, glance, details, history, actions,
reminders, the share card and comparison, the questions, the page...), and the context it got is recorded. The fuzz
then renders the same template with every non-empty string of that context replaced (identifiers the templates
look words up by aside): once by a plain marker, once by hostile text. The two must agree:

- a Telegram message (``*.tg.j2``) parses under Telegram's strict HTML parser with the same entities, and shows
  each hostile text exactly where the marker showed: escaped, never markup;
- a page (``*.html.j2``) has the same tags and attributes in the same order, no script, and shows each text as is;
- plain text (``*.txt.j2``) shows each text as is.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.pages import chart_and_page
from bot.services.history import Change
from bot.services.partners import compare
from bot.services.reminder_content import Reminder
from bot.services.schedule import Schedule
from bot.storage.reports import report_record
from bot.telegram.replies import question_text, replies_for, report_replies
from bot.views.glance import details_text, formula_text, glance_caption
from bot.views.history import actions_text, history_text
from bot.views.prompts import ask_view, confirm_value_view, insight_view, reask_view
from bot.views.reminders import due_text, reminder_text, settings_text
from bot.views.render import TEMPLATES, environment, render
from bot.views.report import build_report_view
from bot.views.share_card import card_text, comparison_text
from dialogs.outputs import Ask, ConfirmValue, Insight, Menu, Notice, Paused, Reask, ReportReady, WhyWeAsk
from dialogs.session import Session
from knowledge.loader import get_knowledge
from knowledge.scoring import assess
from tests.fuzz.fuzz_support import fuzz_settings, nasty_text
from tests.support.telegram_format import parse_html

KB = get_knowledge()
LOCALES = ("zh", "en")
# Context keys whose strings the templates look catalog words up by, or compare: not text to show.
IDENTIFIERS = frozenset({"band", "status", "id", "kind", "viewer", "audience", "with_why", "commands", "locale",
                         "dimension_id"})
TUPLE_KEYS = frozenset({"metrics"})  # (catalog key, value) pairs in the share card


# --------------------------------------------------------------------------- the contexts production renders with


class _Recorder:
    def __init__(self, template: Any, seen: list[tuple[str, dict[str, Any]]]) -> None:
        self.template, self.seen = template, seen

    def render(self, **context: Any) -> str:
        self.seen.append((self.template.name, context))
        return self.template.render(**context)


@contextmanager
def recorded() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every (template, context) the code in the block renders."""
    env = environment()
    seen: list[tuple[str, dict[str, Any]]] = []
    real = env.select_template
    env.select_template = lambda names, *a, **k: _Recorder(real(names, *a, **k), seen)  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del env.select_template


def _answers(pick: int, text: str) -> dict[str, Any]:
    numbers = {"cash_available": 100000, "cash_fixed_costs": 200000, "cash_receivables": 80, "cash_inventory": 200,
               "ret_repeat_share": 5, "ret_complaint_hours": 72, "ret_referral_share": 1, "cost_headcount": 30,
               "cost_managers": 12, "adapt_online_share": 0, "risk_top_customer_share": 70,
               "risk_backup_supplier_count": 0}
    answers: dict[str, Any] = {}
    for q in KB.questions.values():
        if q.kind == "choice":
            answers[q.id] = q.options[pick if pick < len(q.options) else -1].id
        elif q.kind == "number":
            answers[q.id] = numbers.get(q.id, 10)
        else:
            answers[q.id] = text
    return answers


def _contexts() -> list[tuple[str, dict[str, Any]]]:
    bad, good = assess(KB, _answers(0, "小区里的上班族")), assess(KB, _answers(-1, "Office workers nearby"))
    record = report_record(bad)
    session = Session(stage="asking", mode="full", current="pos_target_customer", assessment_id=7, seq=3,
                      asked=["pos_focus_self"])
    ask = Ask("pos_target_customer", (1, 8, 3, 5), "上次的回答", "back", can_go_back=True)
    number = Ask("cash_available", (3, 8, 1, 5), 120000.0, None, can_go_back=True)
    check = SimpleNamespace(report=record, finished="2026-11-30T09:00:00", mode="recheck", focus="cash_flow",
                            overall=record["overall"])
    action = SimpleNamespace(action=next(iter(KB.actions)), chosen="2026-11-01", closed="2026-11-20", status="done")
    open_action = SimpleNamespace(action=next(iter(KB.actions)), chosen="2026-11-01", closed=None, status="open")
    entries = [SimpleNamespace(check=check, changes=(), done=()),
               SimpleNamespace(check=check, changes=(Change("overall", 12, 40), Change("cash_flow", 20, 62),
                                                     Change("team", 50, 50)), done=(action,))]
    with recorded() as seen:
        for locale in LOCALES:
            for report in (bad, good):
                report_replies(KB, report, locale)
                view = build_report_view(KB, report, locale)
                render("report.txt.j2", locale, r=view)
                render("report.html.j2", locale, r=view)
                card_text(KB, report, locale, figures=True)
                card_text(KB, report, locale, figures=False, audience="partner")
            chart_and_page(KB, bad, locale, "2026-11-30T09:00:00")
            glance_caption(KB, record, locale, (Change("overall", 12, 40), Change("cash_flow", 20, 62)),
                           [next(iter(KB.actions))])
            for dimension in KB.dimensions:
                details_text(KB, record, dimension.id, locale)
            formula_text(KB, locale)
            history_text(KB, entries, locale)
            actions_text(KB, [open_action], [action], [SimpleNamespace(action=a) for a in list(KB.actions)[:2]],
                         locale, "notice")
            schedule = Schedule("weekly", 9, 0, 0, 1, "Asia/Shanghai", (1320, 480))
            settings_text(schedule, datetime(2026, 12, 7, 9, tzinfo=UTC), locale, "saved")
            reminders = [Reminder("dimension", "dim:cash_flow", dimension="cash_flow", trap=next(iter(KB.traps)),
                                  action=next(iter(KB.actions)), values={"band": "fatal"}),
                         Reminder("runway", "runway", values={"months": 2.5}),
                         Reminder("action", "action:1", action=next(iter(KB.actions)), action_row=1,
                                  values={"days": 3}),
                         Reminder("nudge", "nudge", values={"mode": "full", "answered": 4})]
            for reminder in reminders:
                reminder_text(KB, reminder, locale)
            due_text(KB, reminders, locale)
            comparison_text(KB, compare(KB, bad, good), locale, "owner")
            replies_for(KB, [ask, number, Reask("cash_available", "below_min", 0, None, (3, 8, 1, 5)),
                             ConfirmValue("ret_repeat_share", 55.0, (5, 8, 1, 5)), Insight("cash_flow", 17, "fatal",
                                                                                            next(iter(KB.traps))),
                             Menu(("full", 3, 40), 42, True), Menu(None, None, False), Paused(("quick", 2, 16)),
                             Notice("no_open_check"), WhyWeAsk("cash_available"), ReportReady(good)], session, locale)
            question_text(KB, ask, locale, why="因为", answered="小区里的上班族")
            render("ask.txt.j2", locale, v=ask_view(KB, ask, locale))
            render("reask.txt.j2", locale, v=reask_view(KB, Reask("cash_available", "wrong_unit", None, None,
                                                                  (3, 8, 1, 5), {"unit": "CNY"}), locale))
            render("confirm.txt.j2", locale, v=confirm_value_view(KB, ConfirmValue("ret_repeat_share", 55.0,
                                                                                   (5, 8, 1, 5)), locale))
            render("insight.txt.j2", locale, v=insight_view(KB, Insight("cash_flow", 17, "fatal", None), locale))
            render("help.tg.j2", locale, commands=("start", "check", "help"))
            render("privacy.tg.j2", locale)
    return seen


CONTEXTS = _contexts()


def test_every_template_is_fuzzed() -> None:
    templates = {p.name for p in (TEMPLATES / "shared").glob("*.j2") if not p.name.startswith("_")}
    assert templates - {name.removeprefix("shared/") for name, _ in CONTEXTS} == set()


# --------------------------------------------------------------------------- replacing the text


def replaced(value: Any, texts: Iterator[str], key: str = "") -> Any:
    """`value` with each non-empty string a template shows replaced by the next of `texts`."""
    if isinstance(value, str):
        return value if not value or key in IDENTIFIERS else next(texts)
    if isinstance(value, dict):
        return {k: replaced(v, texts, k) for k, v in value.items()}
    if isinstance(value, list):
        return [replaced(v, texts, key) for v in value]
    if isinstance(value, tuple):
        if key in TUPLE_KEYS and len(value) == 2:
            return (value[0], replaced(value[1], texts, key))
        return tuple(replaced(v, texts, key) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: replaced(getattr(value, f.name), texts, f.name) for f in dataclasses.fields(value)
                  if f.init}
        return dataclasses.replace(value, **fields)
    return value


def render_with(name: str, context: dict[str, Any], texts: Iterator[str]) -> str:
    fresh = {k: (v if k in ("t", "locale") else replaced(v, texts, k)) for k, v in context.items()}
    return environment().get_template(name).render(**fresh).strip()


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append((f"/{tag}", []))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def page_of(source: str) -> Page:
    page = Page()
    page.feed(source)
    page.close()
    return page


def _shown(texts: list[str], plain: str, markers: str) -> None:
    """Each hostile text appears where its marker did, as typed."""
    position = 0
    for n, text in enumerate(texts):
        marker = f"⟦{n}⟧"
        if marker in markers:
            found = plain.find(text, position) if text else position
            assert found != -1, f"text {n} ({text[:80]!r}) is not shown as typed"


def _tg_entities(source: str) -> list[str]:
    return [e["type"] for e in parse_html(source)[1]]


@fuzz_settings(150)
@given(which=st.integers(0, len(CONTEXTS) - 1),
       texts=st.lists(nasty_text(300, surrogates=False, min_size=1), min_size=1, max_size=8))
def test_every_field_of_every_template(which: int, texts: list[str]) -> None:
    name, context = CONTEXTS[which]
    counter = itertools.count()
    markers = render_with(name, context, (f"⟦{n}⟧" for n in counter))
    # guarded on both sides: render() strips the message, and a text may end in whitespace ("\x85" too)
    pool = [f"«{text}»" for text in itertools.islice(itertools.cycle(texts), next(counter))]
    hostile = render_with(name, context, iter(pool))
    shown = pool  # the n-th string of the context: marker n, or the n-th hostile text
    if name.endswith(".tg.j2"):
        plain_markers, _ = parse_html(markers)
        try:
            plain, _ = parse_html(hostile)
        except ValueError as error:
            pytest.fail(f"{name}: Telegram cannot parse it: {error}")
        assert _tg_entities(hostile) == _tg_entities(markers), f"{name}: markup came from the text"
        _shown(shown, plain, plain_markers)
    elif name.endswith(".html.j2"):
        expected, got = page_of(markers), page_of(hostile)
        assert [tag for tag, _ in got.tags] == [tag for tag, _ in expected.tags], f"{name}: a tag came from the text"
        assert [sorted(a for a, _ in attrs) for _, attrs in got.tags] == \
            [sorted(a for a, _ in attrs) for _, attrs in expected.tags], f"{name}: an attribute came from the text"
        assert "<script" not in hostile.lower() or "<script" in markers.lower()
        _shown(shown, "".join(got.text) + "".join(v or "" for _, attrs in got.tags for _, v in attrs),
               "".join(expected.text) + "".join(v or "" for _, attrs in expected.tags for _, v in attrs))
    else:
        _shown(shown, hostile, markers)
