"""Cross-checks of a loaded knowledge base: references, reachability and the shape of each question."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator

from knowledge.conditions import AnswerIn, MetricIs, leaves
from knowledge.model import DIMENSION_IDS, Action, Dimension, KnowledgeBase, Question, Rule


def validate(kb: KnowledgeBase) -> list[str]:
    """Every problem found, each naming its entry; empty when the knowledge base is sound."""
    return [
        *_duplicate_ids(kb),
        *_references(kb),
        *(p for d in kb.dimensions for p in _dimension_problems(kb, d)),
        *(p for a in kb.actions.values() for p in _done_when_problems(kb, a)),
        *_reachability(kb),
    ]


def _duplicate_ids(kb: KnowledgeBase) -> Iterator[str]:
    ids = Counter(
        [*kb.traps, *kb.actions, *kb.cases, *kb.figures]
        + [q.id for d in kb.dimensions for q in d.questions]
        + [r.id for d in kb.dimensions for r in d.rules]
    )
    for item, count in ids.items():
        if count > 1:
            yield f"id '{item}': used {count} times; ids must be unique across the knowledge base"


def _references(kb: KnowledgeBase) -> Iterator[str]:
    for item in (*kb.traps.values(), *kb.actions.values()):
        if item.case is not None and item.case not in kb.cases:
            yield f"'{item.id}': unknown case '{item.case}'"
    for case in kb.cases.values():
        for figure in case.figures:
            if figure not in kb.figures:
                yield f"case '{case.id}': unknown figure '{figure}'"
    for metric in kb.metrics.values():
        if metric.derived:
            for part in metric.derived[:2]:
                if part not in kb.metrics:
                    yield f"metric '{metric.id}': derived from unknown metric '{part}'"
    for combo in kb.summary.combos:
        for did in combo.dimensions:
            if did not in DIMENSION_IDS:
                yield f"summary.yaml combo: unknown dimension '{did}'"


def _condition_problems(kb: KnowledgeBase, condition: object, where: str) -> Iterator[str]:
    if condition is None:
        return
    for leaf in leaves(condition):  # type: ignore[arg-type]
        if isinstance(leaf, MetricIs):
            metric = kb.metrics.get(leaf.metric)
            if metric is None:
                yield f"{where}: unknown metric '{leaf.metric}'"
            elif not _feasible(leaf, metric.minimum, metric.maximum):
                yield f"{where}: '{leaf.metric} {leaf.op} {leaf.value:g}' can never hold in its range"
        elif isinstance(leaf, AnswerIn):
            question = kb.questions.get(leaf.question)
            if question is None:
                yield f"{where}: unknown question '{leaf.question}'"
                continue
            for option in leaf.options:
                if question.option(option) is None:
                    yield f"{where}: question '{leaf.question}' has no option '{option}'"


def _feasible(leaf: MetricIs, low: float | None, high: float | None) -> bool:
    low = float("-inf") if low is None else low
    high = float("inf") if high is None else high
    return {
        "lt": leaf.value > low,
        "le": leaf.value >= low,
        "gt": leaf.value < high,
        "ge": leaf.value <= high,
        "eq": low <= leaf.value <= high,
    }[leaf.op]


def _question_problems(kb: KnowledgeBase, q: Question) -> Iterator[str]:
    where = f"question '{q.id}'"
    scored = [o for o in q.options if not o.not_applicable]
    if len(q.options) - len(scored) > 1:
        yield f"{where}: at most one not-applicable option"
    if q.kind == "choice":
        if not 2 <= len(scored) <= 6:
            yield f"{where}: a choice question needs 2–6 options with points, has {len(scored)}"
        duplicates = [o for o, n in Counter(o.id for o in q.options).items() if n > 1]
        if duplicates:
            yield f"{where}: option ids used twice: {duplicates}"
        if q.metric:
            yield f"{where}: a choice question declares no metric"
    elif q.kind == "number":
        metric = kb.metrics.get(q.metric or "")
        if metric is None:
            yield f"{where}: unknown metric {q.metric!r}"
        elif metric.derived:
            yield f"{where}: metric '{q.metric}' is derived and cannot be asked"
        if scored:
            yield f"{where}: a number question takes no options but a not-applicable one"
    else:
        if q.options or q.metric:
            yield f"{where}: a text question has no options and no metric"
        if q.quick:
            yield f"{where}: a text question cannot be part of the quick check"
    yield from _condition_problems(kb, q.only_if, f"{where} only_if")
    yield from _condition_problems(kb, q.quick_if, f"{where} quick_if")
    for option in q.options:
        if option.contradicted_by is None:
            continue
        owhere = f"{where} option '{option.id}' contradicted_by"
        if not q.self_rating:
            yield f"{owhere}: only a self-rating's options can be contradicted"
        if q.id in _questions_tested(option.contradicted_by):
            yield f"{owhere}: cannot test its own question"
        yield from _condition_problems(kb, option.contradicted_by, owhere)


def _questions_tested(condition: object) -> set[str]:
    return {leaf.question for leaf in leaves(condition) if isinstance(leaf, AnswerIn)}  # type: ignore[arg-type]


def _tests_metrics(condition: object) -> bool:
    return any(isinstance(leaf, MetricIs) for leaf in leaves(condition))  # type: ignore[arg-type]


def _rule_problems(kb: KnowledgeBase, rule: Rule) -> Iterator[str]:
    rwhere = f"rule '{rule.id}'"
    yield from _condition_problems(kb, rule.when, rwhere)
    yield from _condition_problems(kb, rule.mitigated_by, f"{rwhere} mitigated_by")
    for trap in rule.traps:
        if trap not in kb.traps:
            yield f"{rwhere}: unknown trap '{trap}'"
    for action_id in rule.actions:
        if action_id not in kb.actions:
            yield f"{rwhere}: unknown action '{action_id}'"
    if not rule.traps and not rule.actions and rule.finding is None:
        yield f"{rwhere}: triggers no trap, recommends no action and has no finding"
    if rule.effect in ("note", "fair") and rule.traps:
        yield f"{rwhere}: a {rule.effect} rule names no trap (traps are for weak and fatal findings)"
    if rule.mitigated_by is not None and rule.effect not in ("fatal", "weak"):
        yield f"{rwhere}: only a fatal or weak rule can be mitigated"
    if rule.praise:
        self_rated = {q.id for q in kb.questions.values() if q.self_rating}
        if rule.effect != "note":
            yield f"{rwhere}: a praise rule is a note"
        if _questions_tested(rule.when) & self_rated:
            yield f"{rwhere}: praise cannot rest on a self-rating"
    if rule.effect != "note" and rule.when is not None and not _tests_metrics(rule.when):
        tested = _questions_tested(rule.when)
        if tested and all(kb.questions[q].self_rating for q in tested if q in kb.questions):
            yield f"{rwhere}: a self-rating alone cannot cap a score (evidence over opinion); make it a note"
    if rule.when is not None and _tests_metrics(rule.when) and rule.threshold is None:
        yield f"{rwhere}: a rule on a metric says where its threshold comes from ('threshold')"


def _done_when_problems(kb: KnowledgeBase, action: Action) -> Iterator[str]:
    """`done_when` says the owner already does this: facts of the action's own dimension, never a self-rating."""
    where = f"action '{action.id}' done_when"
    yield from _condition_problems(kb, action.done_when, where)
    tested = _questions_tested(action.done_when)
    if any(q in kb.questions and kb.questions[q].self_rating for q in tested):
        yield f"{where}: a self-rating cannot show an action in place (evidence over opinion)"
    if any(q in kb.questions and kb.questions[q].dimension != action.dimension for q in tested):
        yield f"{where}: tests a question of another dimension"


def _dimension_problems(kb: KnowledgeBase, d: Dimension) -> Iterator[str]:
    where = f"dimension '{d.id}'"
    if len(d.questions) < 4:
        yield f"{where}: needs at least 4 questions, has {len(d.questions)}"
    quick = sum(q.quick for q in d.questions)
    if not 1 <= quick <= 2:
        yield f"{where}: needs 1–2 quick questions, has {quick}"
    action = kb.actions.get(d.grow_action)
    if action is None or action.dimension != d.id:
        yield f"{where}: grow_action '{d.grow_action}' is not one of its own actions"
    for q in d.questions:
        yield from _question_problems(kb, q)
    for scale in d.scales:
        yield from _scale_problems(kb, d, scale)
    for rule in d.rules:
        yield from _rule_problems(kb, rule)


def _scale_problems(kb: KnowledgeBase, d: Dimension, scale) -> Iterator[str]:
    where = f"dimension '{d.id}' scale '{scale.metric}'"
    if scale.metric not in kb.metrics:
        yield f"{where}: unknown metric"
    xs = [x for x, _ in scale.points]
    ps = [p for _, p in scale.points]
    if any(b <= a for a, b in itertools.pairwise(xs)):
        yield f"{where}: x values must strictly increase"
    if scale.better == "higher" and any(b < a for a, b in itertools.pairwise(ps)):
        yield f"{where}: points must never decrease (more of a good metric never scores lower)"
    if scale.better == "lower" and any(b > a for a, b in itertools.pairwise(ps)):
        yield f"{where}: points must never increase (more of a bad metric never scores higher)"
    if scale.threshold is None:
        yield f"{where}: a scale says where its points come from ('threshold')"
    yield from _condition_problems(kb, scale.only_if, f"{where} only_if")
    if any(not 0 <= p <= 100 for p in ps):
        yield f"{where}: points must lie in 0–100"


def _reachability(kb: KnowledgeBase) -> Iterator[str]:
    rules = [r for d in kb.dimensions for r in d.rules]
    triggered = {t for r in rules for t in r.traps}
    recommended = {a for r in rules for a in r.actions}
    for trap in kb.traps:
        if trap not in triggered:
            yield f"trap '{trap}': no rule triggers it, so no answer can"
    for action in kb.actions:
        if action not in recommended:
            yield f"action '{action}': no rule recommends it"
    asked = {q.metric for q in kb.questions.values() if q.metric}
    derived = {m.id for m in kb.metrics.values() if m.derived and set(m.derived[:2]) <= asked}
    obtainable = asked | derived
    used = {leaf.metric for r in rules for leaf in leaves(r.when) if isinstance(leaf, MetricIs)}
    used |= {s.metric for d in kb.dimensions for s in d.scales}
    for metric in sorted(used - obtainable):
        yield f"metric '{metric}': rules or scales use it but no question asks for it"
