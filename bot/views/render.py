"""The one Jinja environment: every reply, report and page is rendered here.

Templates live in ``bot/views/templates/shared/`` and take their words from the locale catalog through ``t``;
a locale may override one in ``bot/views/templates/<locale>/`` (none does today). Autoescape is on for
everything but ``*.txt.j2`` (plain text for a terminal), so user text can never inject markup into a Telegram
message or a page.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from bot.views.i18n import normalize_locale, sentence_gap, t

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    """Built once: autoescape, StrictUndefined, trimmed blocks; templates ship with the code, so no reloading."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        auto_reload=False,
        autoescape=jinja2.select_autoescape(disabled_extensions=("txt.j2",), default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


@functools.cache
def _template(locale: str, name: str) -> jinja2.Template:
    """The locale's own template or the shared one, looked up once (a miss raises inside jinja each time)."""
    return environment().select_template([f"{locale}/{name}", f"shared/{name}"])


def render(name: str, locale: str, **context: Any) -> str:
    """Render `name` for `locale`: the locale's own template if there is one, else the shared one."""
    locale = normalize_locale(locale)
    template = _template(locale, name)

    def tt(key: str, **values: Any) -> str:
        return t(locale, key, **values)

    return template.render(locale=locale, t=tt, gap=sentence_gap(locale), **context).strip()
