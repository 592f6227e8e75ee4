"""Load the YAML knowledge base into frozen dataclasses, refusing anything incomplete or inconsistent.

Every problem is collected and reported together, each naming its file and entry, so one run of
``sme-advisor kb check`` shows all that needs fixing.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from knowledge.conditions import ConditionError, parse_condition
from knowledge.model import (
    DIMENSION_IDS,
    NOT_APPLICABLE,
    TRIAGE_REASONS,
    Action,
    Case,
    Combo,
    Dimension,
    Figure,
    KnowledgeBase,
    Metric,
    Option,
    Question,
    Rule,
    Scale,
    Summary,
    Text,
    Threshold,
    Trap,
)
from knowledge.typography import fullwidth_punctuation
from knowledge.validation import validate

DATA_DIR = Path(__file__).parent / "data"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster at start-up
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
EFFECTS = ("fatal", "weak", "fair", "note")


class KnowledgeError(Exception):
    """The knowledge base is invalid; ``problems`` lists every reason, each naming its entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _Reader:
    """Reads raw YAML mappings into model objects, noting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def text(self, raw: dict, key: str, where: str, required: bool = True) -> Text | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.problem(where, f"'{key}' is missing")
            return None
        if not isinstance(value, dict):
            self.problem(where, f"'{key}' must be {{zh: ..., en: ...}}")
            return None
        texts = {}
        for locale in ("zh", "en"):
            item = value.get(locale)
            if not isinstance(item, str) or not item.strip():
                self.problem(where, f"'{key}' has no {locale} text")
            texts[locale] = str(item or "").strip()
        return Text(zh=fullwidth_punctuation(texts["zh"]), en=texts["en"])

    def ident(self, raw: dict, where: str, key: str = "id") -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not _ID.match(value):
            self.problem(where, f"'{key}' must be a snake_case id, got {value!r}")
            return str(value)
        return value

    def number(self, raw: Any, where: str, what: str, default: float = 0.0) -> float:
        """A number, or a problem naming what was expected."""
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            self.problem(where, f"{what} must be a number, got {raw!r}")
            return default
        return float(raw)

    def ids(self, raw: dict, key: str, where: str) -> tuple[str, ...]:
        """A list of ids, e.g. a rule's traps; a bare string is a problem, not a list of letters."""
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(where, f"'{key}' must be a list of ids, got {value!r}")
            return ()
        return tuple(value)

    def condition(self, raw: dict, key: str, where: str) -> Any:
        if raw.get(key) is None:
            return None
        try:
            return parse_condition(raw[key])
        except ConditionError as error:
            self.problem(where, f"'{key}': {error}")
            return None

    def entries(self, raw: dict, key: str, where: str) -> list[dict]:
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(where, f"'{key}' must be a list of mappings")
            return []
        return value


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise KnowledgeError([f"{path.name}: not valid YAML ({error})"]) from None
    if not isinstance(data, dict):
        raise KnowledgeError([f"{path.name}: must be a mapping at the top level"])
    return data


def _metric(r: _Reader, raw: dict) -> Metric:
    mid = r.ident(raw, "metrics.yaml")
    where = f"metrics.yaml metric '{mid}'"
    derived = raw.get("derived")
    parts = None
    if derived is not None:
        pair = derived.get("divide") if isinstance(derived, dict) else None
        if not isinstance(pair, list) or len(pair) != 2:
            r.problem(where, "'derived' must be {divide: [numerator, denominator], times: N}")
        else:
            parts = (str(pair[0]), str(pair[1]), r.number(derived.get("times", 1), where, "'derived.times'", 1.0))
    return Metric(
        id=mid,
        unit=str(raw.get("unit", "")),
        label=r.text(raw, "label", where) or Text("", ""),
        minimum=None if raw.get("min") is None else r.number(raw["min"], where, "'min'"),
        maximum=None if raw.get("max") is None else r.number(raw["max"], where, "'max'"),
        integer=bool(raw.get("integer", False)),
        derived=parts,
        confirm_below=None if raw.get("confirm_below") is None
        else r.number(raw["confirm_below"], where, "'confirm_below'"),
        per=_period(r, raw.get("per"), where),
    )


PERIODS = ("day", "week", "month", "quarter", "year")


def _period(r: _Reader, value: object, where: str) -> str | None:
    if value is None:
        return None
    if value not in PERIODS:
        r.problem(where, f"'per' must be one of {', '.join(PERIODS)}, not {value!r}")
        return None
    return str(value)


def _figure(r: _Reader, raw: dict, source: str) -> Figure:
    fid = r.ident(raw, source)
    where = f"{source} figure '{fid}'"
    value = raw.get("value")
    if isinstance(value, list) and len(value) == 2:
        value = (r.number(value[0], where, "'value' low"), r.number(value[1], where, "'value' high"))
    else:
        value = r.number(value, where, "'value' (a number or [low, high])")
    if not raw.get("section"):
        r.problem(where, "'section' is missing")
    return Figure(fid, str(raw.get("section", "")), value, str(raw.get("unit", "")),
                  r.text(raw, "text", where) or Text("", ""))


def _case(r: _Reader, raw: dict, source: str) -> Case:
    cid = r.ident(raw, source)
    where = f"{source} case '{cid}'"
    if not raw.get("section"):
        r.problem(where, "'section' is missing")
    return Case(cid, str(raw.get("section", "")), r.text(raw, "title", where) or Text("", ""),
                r.text(raw, "story", where) or Text("", ""), r.ids(raw, "figures", where))


def _cited(r: _Reader, raw: dict, source: str, kind: str, body: str) -> tuple:
    """The fields every trap and action has: id, the article's section and label, title, body, case."""
    eid = r.ident(raw, source)
    where = f"{source} {kind} '{eid}'"
    for key in ("section", "label"):
        if not raw.get(key):
            r.problem(where, f"'{key}' is missing")
    return (eid, str(raw.get("section", "")), str(raw.get("label", "")),
            r.text(raw, "title", where) or Text("", ""), r.text(raw, body, where) or Text("", ""), raw.get("case"))


def _trap(r: _Reader, raw: dict, dimension: str, source: str) -> Trap:
    tid, section, label, title, explanation, case = _cited(r, raw, source, "trap", "explanation")
    return Trap(tid, dimension, section, label, title, explanation, case)


def _action(r: _Reader, raw: dict, dimension: str, source: str) -> Action:
    aid, section, label, title, how, case = _cited(r, raw, source, "action", "how")
    return Action(aid, dimension, section, label, title, how, case, r.condition(raw, "done_when", f"action '{aid}'"))


def _option(r: _Reader, raw: dict, where: str) -> Option:
    """A choice option with its points, or a not-applicable answer (``not_applicable: true``, no points)."""
    oid = r.ident(raw, where)
    owhere = f"{where} option '{oid}'"
    label = r.text(raw, "label", owhere) or Text("", "")
    if raw.get("not_applicable") is True:
        if "points" in raw:
            r.problem(owhere, "a not-applicable option has no points")
        if oid != NOT_APPLICABLE:
            r.problem(owhere, f"a not-applicable option has the id '{NOT_APPLICABLE}'")
        return Option(oid, None, label)
    points = raw.get("points")
    if isinstance(points, bool) or not isinstance(points, int | float) or not 0 <= points <= 100:
        r.problem(owhere, f"'points' must be a number 0–100, got {points!r}")
        points = 0
    return Option(oid, float(points), label, r.condition(raw, "contradicted_by", owhere))


def _threshold(r: _Reader, raw: dict, where: str) -> Threshold | None:
    """A rule's or scale's source: ``{source: article, note: …}`` or ``{source: ours, note: reason, reference: …}``."""
    value = raw.get("threshold")
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("source") not in ("article", "ours") or not value.get("note"):
        r.problem(where, "'threshold' must be {source: article|ours, note: text, reference: optional text}")
        return None
    reference = value.get("reference")
    return Threshold(value["source"], str(value["note"]), None if reference is None else str(reference))


def _question(r: _Reader, raw: dict, dimension: str, source: str) -> Question:
    qid = r.ident(raw, source)
    where = f"{source} question '{qid}'"
    kind = raw.get("kind")
    if kind not in ("choice", "number", "text"):
        r.problem(where, f"'kind' must be choice, number or text, got {kind!r}")
    options = [_option(r, o, where) for o in r.entries(raw, "options", where)]
    return Question(
        id=qid,
        dimension=dimension,
        kind=kind if kind in ("choice", "number", "text") else "text",
        quick=bool(raw.get("quick", False)),
        text=r.text(raw, "text", where) or Text("", ""),
        why=r.text(raw, "why", where) or Text("", ""),
        options=tuple(options),
        metric=raw.get("metric"),
        example=r.text(raw, "example", where, required=kind == "number"),
        self_rating=bool(raw.get("self_rating", False)),
        only_if=r.condition(raw, "only_if", where),
        quick_if=r.condition(raw, "quick_if", where),
    )


def _rule(r: _Reader, raw: dict, dimension: str, source: str) -> Rule:
    rid = r.ident(raw, source)
    where = f"{source} rule '{rid}'"
    effect = raw.get("effect")
    if effect not in EFFECTS:
        r.problem(where, f"'effect' must be one of {', '.join(EFFECTS)}, got {effect!r}")
    when = r.condition(raw, "when", where)
    if when is None and "when" not in raw:
        r.problem(where, "'when' is missing")
    exposure = raw.get("exposure")
    if exposure not in (None, "legal", "single_point"):
        r.problem(where, f"'exposure' must be legal or single_point, got {exposure!r}")
        exposure = None
    return Rule(rid, dimension, when, effect if effect in EFFECTS else "note",
                r.ids(raw, "traps", where), r.ids(raw, "actions", where),
                r.text(raw, "finding", where, required=False),
                mitigated_by=r.condition(raw, "mitigated_by", where),
                root_cause=bool(raw.get("root_cause", False)), exposure=exposure,
                praise=bool(raw.get("praise", False)), threshold=_threshold(r, raw, where))


def _scale(r: _Reader, raw: dict, where: str) -> Scale:
    points = raw.get("points")
    if not isinstance(points, list) or len(points) < 2 or not all(isinstance(p, list) and len(p) == 2 for p in points):
        r.problem(where, "a scale needs 'points': at least two [x, points] pairs")
        return Scale(str(raw.get("metric")), ((0.0, 0.0), (1.0, 0.0)))
    pairs = [(r.number(x, where, "a scale's x"), r.number(p, where, "a scale's points")) for x, p in points]
    better = raw.get("better", "higher")
    if better not in ("higher", "lower"):
        r.problem(where, f"'better' must be higher or lower, got {better!r}")
        better = "higher"
    return Scale(str(raw.get("metric")), tuple(pairs), better, r.condition(raw, "only_if", where),
                 _threshold(r, raw, where))


class _Collected:
    """Entries gathered from every file, to be indexed and cross-checked."""

    def __init__(self) -> None:
        self.traps: list[Trap] = []
        self.actions: list[Action] = []
        self.cases: list[Case] = []
        self.figures: list[Figure] = []


def _dimension(r: _Reader, raw: dict, source: str, into: _Collected) -> Dimension | None:
    head = raw.get("dimension")
    if not isinstance(head, dict):
        r.problem(source, "'dimension' is missing")
        return None
    did = r.ident(head, source)
    where = f"{source} dimension '{did}'"
    order = head.get("order")
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= len(DIMENSION_IDS):
        r.problem(where, f"'order' must be the article's section number 1–{len(DIMENSION_IDS)}, got {order!r}")
        order = 0
    into.figures += [_figure(r, f, source) for f in r.entries(raw, "figures", source)]
    into.cases += [_case(r, c, source) for c in r.entries(raw, "cases", source)]
    into.traps += [_trap(r, t, did, source) for t in r.entries(raw, "traps", source)]
    into.actions += [_action(r, a, did, source) for a in r.entries(raw, "actions", source)]
    return Dimension(
        id=did,
        order=order,
        section=str(head.get("section", "")),
        title=r.text(head, "title", where) or Text("", ""),
        why=r.text(head, "why", where) or Text("", ""),
        insight=r.text(head, "insight", where) or Text("", ""),
        grow_action=str(head.get("grow_action", "")),
        questions=tuple(_question(r, q, did, source) for q in r.entries(raw, "questions", source)),
        scales=tuple(_scale(r, s, f"{source} scale '{s.get('metric')}'") for s in r.entries(raw, "scales", source)),
        rules=tuple(_rule(r, x, did, source) for x in r.entries(raw, "rules", source)),
    )


def _summary(r: _Reader, raw: dict, into: _Collected) -> Summary:
    where = "summary.yaml"
    formula = raw.get("formula") or {}
    focus = raw.get("focus") or {}
    into.figures += [_figure(r, f, where) for f in r.entries(raw, "figures", where)]
    points = [r.text({"p": p}, "p", f"{where} focus point") or Text("", "") for p in focus.get("points") or []]
    if not points:
        r.problem(where, "'focus.points' is missing")
    combos = [Combo(tuple(c.get("dimensions") or ()), r.text(c, "text", f"{where} combo") or Text("", ""))
              for c in r.entries(raw, "combos", where)]
    triage_raw = raw.get("triage") or {}
    triage = {key: r.text(triage_raw, key, f"{where} triage") or Text("", "") for key in TRIAGE_REASONS}
    return Summary(
        triage=MappingProxyType(triage),
        formula_title=r.text(formula, "title", f"{where} formula") or Text("", ""),
        formula=r.text(formula, "text", f"{where} formula") or Text("", ""),
        focus_title=r.text(focus, "title", f"{where} focus") or Text("", ""),
        focus=r.text(focus, "text", f"{where} focus") or Text("", ""),
        focus_points=tuple(points),
        combos=tuple(combos),
        intro=r.text(raw.get("intro") or {}, "text", f"{where} intro") or Text("", ""),
    )


def _index(r: _Reader, kind: str, items: list) -> MappingProxyType:
    index: dict[str, Any] = {}
    for item in items:
        if item.id in index:
            r.problem(f"{kind} '{item.id}'", "the id is used twice")
        index[item.id] = item
    return MappingProxyType(index)


def load_knowledge(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """Read and validate the knowledge base; raises KnowledgeError listing every problem."""
    r = _Reader()
    collected = _Collected()
    metrics = [_metric(r, m) for m in r.entries(_read_yaml(data_dir / "metrics.yaml"), "metrics", "metrics.yaml")]
    dimensions = []
    for did in DIMENSION_IDS:
        path = data_dir / "dimensions" / f"{did}.yaml"
        if not path.exists():
            r.problem(f"dimensions/{did}.yaml", "the file is missing")
            continue
        dimension = _dimension(r, _read_yaml(path), f"dimensions/{did}.yaml", collected)
        if dimension is not None:
            if dimension.id != did:
                r.problem(f"dimensions/{did}.yaml", f"declares dimension '{dimension.id}', expected '{did}'")
            dimensions.append(dimension)
    summary_path = data_dir / "summary.yaml"
    if summary_path.exists():
        summary = _summary(r, _read_yaml(summary_path), collected)
    else:
        r.problem("summary.yaml", "the file is missing")
        summary = _summary(_Reader(), {}, collected)
    kb = KnowledgeBase(
        dimensions=tuple(sorted(dimensions, key=lambda d: DIMENSION_IDS.index(d.id))),
        metrics=_index(r, "metric", metrics),
        traps=_index(r, "trap", collected.traps),
        actions=_index(r, "action", collected.actions),
        cases=_index(r, "case", collected.cases),
        figures=_index(r, "figure", collected.figures),
        summary=summary,
    )
    problems = r.problems + validate(kb)
    if problems:
        raise KnowledgeError(problems)
    return kb


@functools.cache
def get_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, loaded and validated once per process."""
    return load_knowledge()
