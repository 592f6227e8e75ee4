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


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_kept_radar_figure_draws_what_a_new_one_draws(locale: str) -> None:
    """Radar figures are built once and reused; each render is byte for byte a new figure's, whatever came before."""
    from bot.views.chart import _Radar

    others = {d.id: s for d, s in zip(KB.dimensions, (100, 0, 50, 75, 30, 55, 99, 1), strict=True)}
    for scores in (SCORES, others, {}, SCORES):
        assert radar_png(KB, scores, locale) == _Radar(KB, locale).png(scores)


def test_renders_at_once_each_get_their_own_picture() -> None:
    """Renders running together each draw on a figure of their own, so none shows another owner's scores."""
    import concurrent.futures

    from bot.views.chart import _Radar

    score_sets = [{d.id: (n * 7 + i * 13) % 101 for i, d in enumerate(KB.dimensions)} for n in range(6)]
    expected = [_Radar(KB, "zh").png(scores) for scores in score_sets]
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        drawn = list(pool.map(lambda scores: radar_png(KB, scores, "zh"), score_sets * 2))
    assert drawn == expected * 2


def test_each_render_fills_the_radar_with_its_own_scores() -> None:
    """Inside the 30–55 ring (between two axes) the band's yellow shows, under the blue fill once a score covers it."""
    import io

    from matplotlib import image

    def pixel(scores: dict) -> tuple[int, ...]:
        rgba = image.imread(io.BytesIO(radar_png(KB, scores, "en")))
        return tuple(round(v * 255) for v in rgba[240, 328][:3])  # radius 40, a little clockwise of the first axis

    full = {d.id: 100 for d in KB.dimensions}
    band, filled = (252, 232, 178), (195, 202, 191)  # #fce8b2, and under #1a73e8 at alpha 0.25
    assert [pixel({}), pixel(full), pixel({}), pixel(full)] == [band, filled, band, filled]


def test_chinese_labels_are_cut_between_words() -> None:
    """A Chinese title too long for one line goes on after a connective, never inside a word ("创新能 / 力")."""
    from bot.views.chart import LABEL_WIDTH, ZH_BREAKS_AFTER, wrapped_title

    assert wrapped_title("适应性与创新能力", "zh") == "适应性与\n创新能力"
    assert wrapped_title("核心团队的凝聚力与执行力", "zh") == "核心团队的\n凝聚力与执行力"
    assert wrapped_title("风险防控意识", "zh") == "风险防控意识"
    assert wrapped_title("一二三四五六七八九", "zh") == "一二三四五\n六七八九"  # no connective: cut in the middle
    for title in (d.title("zh") for d in KB.dimensions):
        lines = wrapped_title(title, "zh").split("\n")
        assert "".join(lines) == title
        assert all(len(line) <= LABEL_WIDTH["zh"] for line in lines), lines
        assert all(line[-1] in ZH_BREAKS_AFTER for line in lines[:-1]), lines
