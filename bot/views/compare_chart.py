"""Radars for sharing: the card's radar without numbers, and several radars on one chart (owner and partner).

Same band rings, fonts and size as `bot.views.chart`; labels carry a dimension's title only, so a card without
figures shows no score. No legend: the caption names the colours (blue first, then orange), so the chart draws
no text beyond the strings the shipped font subset already covers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from bot.views.chart import BAND_COLOURS, BAND_EDGES, DPI, LINE, SIZE_INCHES, _png, _properties, wrapped_title
from bot.views.fonts import chart_locale, font_family
from bot.views.i18n import t
from knowledge.model import KnowledgeBase

COLOURS = (LINE, "#e8710a", "#188038", "#a142f4")

Series = Mapping[str, int | None]  # scores by dimension


def overlay_radar_png(kb: KnowledgeBase, series: Sequence[Series], locale: str, numbers: bool = False) -> bytes:
    """Each series as one outline over the band rings; numbers on the labels only for a single series."""
    locale = chart_locale(locale)
    dimensions = list(kb.dimensions)
    angles = [2 * math.pi * i / len(dimensions) for i in range(len(dimensions))]
    figure = Figure(figsize=(SIZE_INCHES, SIZE_INCHES), dpi=DPI)
    axes = figure.add_subplot(projection="polar")
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    ring = [2 * math.pi * i / 96 for i in range(97)]
    for band, low, high in BAND_EDGES:
        axes.fill_between(ring, low, high, color=BAND_COLOURS[band], linewidth=0, zorder=0)
    closed = [*angles, angles[0]]
    for index, scores in enumerate(series):
        values = [scores.get(d.id) or 0 for d in dimensions]
        colour = COLOURS[index % len(COLOURS)]
        axes.plot(closed, [*values, values[0]], color=colour, linewidth=2, zorder=3)
        axes.fill(closed, [*values, values[0]], color=colour, alpha=0.15, zorder=2)
    axes.set_ylim(0, 100)
    axes.set_yticks([30, 55, 75, 100], labels=[])
    only = series[0] if numbers and len(series) == 1 else None
    labels = [_label(d.title(locale), only.get(d.id) if only is not None else None, locale) for d in dimensions]
    axes.set_xticks(angles, labels=labels, fontdict={"family": font_family(), "fontsize": 10})
    axes.tick_params(axis="x", pad=10)
    axes.spines["polar"].set_visible(False)
    figure.suptitle(t(locale, "chart.radar_title"), fontproperties=_properties(14), y=0.97)
    figure.subplots_adjust(left=0.2, right=0.8, top=0.8, bottom=0.18)
    return _png(figure)


def _label(title: str, score: int | None, locale: str) -> str:
    wrapped = wrapped_title(title, locale)
    return f"{wrapped}\n{score}" if score is not None else wrapped
