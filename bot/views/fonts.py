"""The font charts draw with: the shipped subset of Noto Sans CJK SC, a system CJK font, or none (English)."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from matplotlib import font_manager

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).parent / "fonts"
SUBSET = FONT_DIR / "NotoSansSC-SMEAdvisor-Subset.otf"
SUBSET_FAMILY = "Noto Sans SC SME Advisor Subset"
SYSTEM_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei")


def _system_cjk() -> str | None:
    """A full CJK font installed on the machine (the Docker image may add one)."""
    for family in SYSTEM_FAMILIES:
        for entry in font_manager.fontManager.ttflist:
            if entry.name == family:
                return entry.fname
    return None


@functools.cache
def cjk_font() -> str | None:
    """The file of the CJK font charts use, registered with matplotlib; None, with one warning, when none exists."""
    path = str(SUBSET) if SUBSET.is_file() else _system_cjk()
    if path is None:
        log.warning("no CJK font found (neither %s nor a system one): charts use English labels", SUBSET.name)
        return None
    font_manager.fontManager.addfont(path)
    return path


def chart_locale(locale: str) -> str:
    """The language a chart can be labelled in: Chinese needs a CJK font."""
    return locale if locale != "zh" or cjk_font() else "en"


def font_family() -> list[str]:
    """The family list for chart text: the CJK font first when there is one."""
    path = cjk_font()
    families = ["DejaVu Sans"]
    if path:
        families.insert(0, font_manager.FontProperties(fname=path).get_name())
    return families
