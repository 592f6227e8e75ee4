"""The radar and trend charts: PNGs of the promised size in both languages, Chinese drawn with the CJK font."""

from __future__ import annotations

import logging
import struct

import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from bot.views import fonts
from bot.views.chart import DPI, SIZE_INCHES, TREND_HEIGHT_INCHES, TrendPoint, radar_png, trend_png
from bot.views.chart_labels import chart_characters, chart_texts
from knowledge.loader import get_knowledge

KB = get_knowledge()
SCORES = {d.id: s for d, s in zip(KB.dimensions, (12, 48, 62, 80, 55, 30, None, 90), strict=True)}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the PNG's IHDR chunk."""
    assert data.startswith(PNG_SIGNATURE)
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_radar_is_a_png_of_the_promised_size(locale: str) -> None:
    data = radar_png(KB, SCORES, locale)
    side = int(SIZE_INCHES * DPI)
    assert png_size(data) == (side, side)
    assert 20_000 < len(data) < 200_000


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_trend_is_a_png(locale: str) -> None:
    data = trend_png(KB, [TrendPoint("11-02", 40), TrendPoint("12-01", None), TrendPoint("12-05", 62)], locale)
    assert png_size(data) == (int(SIZE_INCHES * DPI), int(TREND_HEIGHT_INCHES * DPI))


def test_chinese_labels_resolve_to_the_shipped_cjk_font() -> None:
    """findfont picks the subset for the chart's family, and the subset has a glyph for every Chinese label."""
    path = fonts.cjk_font()
    assert path == str(fonts.SUBSET)
    chosen = font_manager.findfont(font_manager.FontProperties(family=fonts.font_family()), fallback_to_default=False)
    assert chosen == str(fonts.SUBSET)
    font = FT2Font(path)
    for title in (d.title("zh") for d in KB.dimensions):
        assert all(font.get_char_index(ord(c)) for c in title), title
    # the first font of matplotlib's fallback list is the subset, so no Chinese glyph comes from DejaVu Sans
    chain = font_manager.fontManager._find_fonts_by_props(font_manager.FontProperties(family=fonts.font_family()))
    assert str(chain[0]) == str(fonts.SUBSET)


def test_subset_has_every_glyph_a_chart_can_draw() -> None:
    """Fails when the knowledge base or the chart strings gain a character: run scripts/build_font_subset.py."""
    font = FT2Font(str(fonts.SUBSET))
    missing = sorted(c for c in chart_characters(KB) if not font.get_char_index(ord(c)))
    assert not missing, f"the font subset lacks {''.join(missing)!r}; run scripts/build_font_subset.py"
    assert any("\u4e00" <= c <= "\u9fff" for text in chart_texts(KB) for c in text)


def test_shipped_with_its_licence() -> None:
    licence = (fonts.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in licence
    assert "Version 1.1" in licence


def test_without_any_cjk_font_labels_are_english_with_one_warning(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(fonts, "SUBSET", fonts.FONT_DIR / "missing.otf")
    monkeypatch.setattr(fonts, "SYSTEM_FAMILIES", ())
    fonts.cjk_font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.views.fonts"):
            assert fonts.chart_locale("zh") == "en"
            data = radar_png(KB, SCORES, "zh")
            trend_png(KB, [TrendPoint("11-02", 40)], "zh")
        assert png_size(data)[0] == int(SIZE_INCHES * DPI)
        assert len([r for r in caplog.records if "no CJK font" in r.message]) == 1
    finally:
        fonts.cjk_font.cache_clear()


def test_renders_from_any_thread() -> None:
    """The Telegram channel renders in a worker thread; two at once give the same picture."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: radar_png(KB, SCORES, "zh"), range(2))
    assert first == second
