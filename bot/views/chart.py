"""The radar chart of the eight dimensions and the trend of checks over time, as PNG bytes (matplotlib, Agg).

CPU work the Telegram channel runs with `asyncio.to_thread`. Figures are built with `matplotlib.figure.Figure`
(never pyplot), so concurrent renders do not share a figure manager. Radar figures are kept and reused (see
`_Radar`); each is lent to one render at a time.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from bot.views.fonts import chart_locale, font_family
from bot.views.i18n import t
from knowledge.model import KnowledgeBase

BAND_COLOURS = {"fatal": "#f4c7c3", "weak": "#fce8b2", "fair": "#fff7d6", "strong": "#d9ead3"}
BAND_EDGES = (("fatal", 0, 30), ("weak", 30, 55), ("fair", 55, 75), ("strong", 75, 100))
LINE = "#1a73e8"
SIZE_INCHES = 6.0
TREND_HEIGHT_INCHES = 3.6
DPI = 100
PNG_COMPRESSION = 3  # zlib level: as small as 6 for these flat colours, and 20 ms faster
LABEL_WIDTH = {"zh": 7, "en": 16}  # characters per line of a dimension's label
ZH_BREAKS_AFTER = "的与和及、/"  # a Chinese label may go to a new line after one of these (see wrapped_title)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One finished check on the trend: its date label and overall score."""

    label: str
    overall: int | None


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, pil_kwargs={"compress_level": PNG_COMPRESSION})
    return buffer.getvalue()


def _font() -> dict[str, Any]:
    return {"family": font_family()}


def radar_png(kb: KnowledgeBase, scores: Mapping[str, int | None], locale: str) -> bytes:
    """The eight dimensions on a radar, its rings shaded by band; an unanswered dimension sits at 0."""
    with _radar(kb, chart_locale(locale)) as radar:
        return radar.png(scores)


class _Radar:
    """A radar figure with all but the scores in place: the polar axes, the band rings, the title, the legend.

    Building these is about a third of a render (some 60 ms on the development machine), the same for every
    owner, so a figure is built once and each render only sets the scores (the line, its fill and the labels)
    and draws. The PNG is byte for byte the one a new figure gives (tests/views/test_chart.py).
    """

    def __init__(self, kb: KnowledgeBase, locale: str) -> None:
        self.kb, self.locale = kb, locale
        self.dimensions = list(kb.dimensions)
        self.angles = [2 * math.pi * i / len(self.dimensions) for i in range(len(self.dimensions))]
        self.figure = Figure(figsize=(SIZE_INCHES, SIZE_INCHES), dpi=DPI)
        axes = self.figure.add_subplot(projection="polar")
        axes.set_theta_offset(math.pi / 2)
        axes.set_theta_direction(-1)
        ring = [2 * math.pi * i / 96 for i in range(97)]
        for band, low, high in BAND_EDGES:
            axes.fill_between(ring, low, high, color=BAND_COLOURS[band], linewidth=0, label=t(locale, f"bands.{band}"),
                              zorder=0)
        closed, nothing = [*self.angles, self.angles[0]], [0] * (len(self.angles) + 1)
        (self.line,) = axes.plot(closed, nothing, color=LINE, linewidth=2, zorder=3)
        (self.area,) = axes.fill(closed, nothing, color=LINE, alpha=0.25, zorder=2)
        axes.set_ylim(0, 100)
        axes.set_yticks([30, 55, 75, 100], labels=[])
        axes.tick_params(axis="x", pad=10)
        axes.spines["polar"].set_visible(False)
        self.figure.suptitle(t(locale, "chart.radar_title"), fontproperties=_properties(14), y=0.97)
        self.figure.legend(*axes.get_legend_handles_labels(), loc="lower center", ncol=4, frameon=False,
                           prop=_properties(9))
        self.figure.subplots_adjust(left=0.2, right=0.8, top=0.8, bottom=0.18)
        self.axes = axes

    def png(self, scores: Mapping[str, int | None]) -> bytes:
        values = [scores.get(d.id) or 0 for d in self.dimensions]
        closed, around = [*self.angles, self.angles[0]], [*values, values[0]]
        self.line.set_data(closed, around)
        self.area.set_xy(list(zip(closed, around, strict=True)))
        labels = [_radar_label(d.title(self.locale), scores.get(d.id), self.locale) for d in self.dimensions]
        self.axes.set_xticks(self.angles, labels=labels, fontdict={**_font(), "fontsize": 10})
        return _png(self.figure)


_idle_radars: dict[tuple, list[_Radar]] = {}  # kept figures no render holds, by knowledge base, language, fonts
_radars_lock = threading.Lock()


@contextmanager
def _radar(kb: KnowledgeBase, locale: str) -> Iterator[_Radar]:
    """A kept radar figure for this render alone (a new one when every kept one is in use), kept again after."""
    key = (id(kb), locale, tuple(font_family()))  # a kept figure holds its knowledge base, so the id stays its
    with _radars_lock:
        idle = _idle_radars.get(key)
        radar = idle.pop() if idle else None
    radar = radar or _Radar(kb, locale)  # built outside the lock: other renders need not wait for it
    try:
        yield radar
    finally:
        with _radars_lock:
            _idle_radars.setdefault(key, []).append(radar)


def _properties(size: float) -> FontProperties:
    return FontProperties(family=font_family(), size=size)


def _radar_label(title: str, score: int | None, locale: str) -> str:
    return f"{wrapped_title(title, locale)}\n{score if score is not None else t(locale, 'chart.no_score')}"


def wrapped_title(title: str, locale: str) -> str:
    """A dimension's title in lines of about LABEL_WIDTH characters, as a radar's label.

    English wraps at spaces. Chinese has none, and cutting at a character count splits words ("创新能 / 力"),
    so a title too long for one line is cut once, after the connective nearest its middle (的, 与, /):
    "适应性与 / 创新能力". A title without one is cut in the middle.
    """
    width = LABEL_WIDTH[locale]
    if locale != "zh":
        return "\n".join(textwrap.wrap(title, width, break_on_hyphens=False))
    if len(title) <= width:
        return title
    cuts = [n + 1 for n, character in enumerate(title[:-1]) if character in ZH_BREAKS_AFTER]
    cut = min(cuts, key=lambda n: abs(n - len(title) / 2)) if cuts else (len(title) + 1) // 2
    return f"{title[:cut]}\n{title[cut:]}"


def trend_png(kb: KnowledgeBase, points: Sequence[TrendPoint], locale: str) -> bytes:
    """The overall score of each finished check, oldest first, over the band zones."""
    locale = chart_locale(locale)
    figure = Figure(figsize=(SIZE_INCHES, TREND_HEIGHT_INCHES), dpi=DPI)
    axes = figure.add_subplot()
    for band, low, high in BAND_EDGES:
        axes.axhspan(low, high, color=BAND_COLOURS[band], label=t(locale, f"bands.{band}"), zorder=0)
    xs = list(range(len(points)))
    ys = [p.overall if p.overall is not None else math.nan for p in points]
    axes.plot(xs, ys, color=LINE, marker="o", linewidth=2, label=t(locale, "chart.overall"), zorder=3)
    for x, y in zip(xs, ys, strict=True):
        if not math.isnan(y):
            axes.annotate(str(int(y)), (x, y), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=9)
    axes.set_ylim(0, 100)
    axes.set_xlim(-0.5, len(points) - 0.5)
    axes.set_xticks(xs, labels=[p.label for p in points], fontdict=_font())
    axes.set_title(t(locale, "chart.trend_title"), fontproperties=_properties(13))
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, prop=_properties(9))
    figure.subplots_adjust(left=0.08, right=0.74, top=0.88, bottom=0.12)
    return _png(figure)
