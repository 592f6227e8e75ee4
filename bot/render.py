"""The one Jinja environment: every reply, report and page is rendered here.

Templates live in ``bot/templates/<locale>/`` with a fallback to ``bot/templates/shared/``; shared templates
take their words from the locale catalog through ``t``. Autoescape is on for everything but ``*.txt.j2``
(plain text for a terminal), so user text can never inject markup into a Telegram message or a page.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from bot.formatting import metric_value, plain_number
from bot.i18n import normalize_locale, t
from knowledge.loader import get_knowledge
from knowledge.model import Text

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    """Built once: autoescape, StrictUndefined, trimmed blocks."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(disabled_extensions=("txt.j2",), default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals["kb"] = get_knowledge()
    env.filters["number"] = plain_number
    return env


def render(name: str, locale: str, **context: Any) -> str:
    """Render `name` for `locale`: the locale's own template if there is one, else the shared one."""
    locale = normalize_locale(locale)
    template = environment().select_template([f"{locale}/{name}", f"shared/{name}"])
    kb = get_knowledge()

    def tr(text: Text | None) -> str:
        return "" if text is None else text(locale)

    def metric(metric_id: str, value: float) -> str:
        return metric_value(kb.metrics[metric_id].unit, value, locale)

    def tt(key: str, **values: Any) -> str:
        return t(locale, key, **values)

    return template.render(locale=locale, t=tt, tr=tr, metric=metric, **context).strip()
