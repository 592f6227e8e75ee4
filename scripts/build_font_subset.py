"""Build bot/views/fonts/NotoSansSC-SMEAdvisor-Subset.otf: Noto Sans CJK SC cut to every label a chart can draw.

Run after the knowledge base or the chart strings change (the test tests/views/test_font_subset.py fails
when a label has a glyph the subset lacks):

    apt-get install -y fonts-noto-cjk        # the source font, on the developer's machine only
    .venv/bin/python scripts/build_font_subset.py [--source PATH]

The source is the SIL Open Font License 1.1 font Noto Sans CJK SC; the subset is renamed, as the licence
asks of a modified version, and ships with the licence text (bot/views/fonts/OFL.txt).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.views.chart_labels import chart_characters
from bot.views.fonts import SUBSET, SUBSET_FAMILY
from knowledge.loader import get_knowledge

DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FAMILY = "Noto Sans CJK SC"


def source_font(path: Path) -> TTFont:
    """The Simplified Chinese face of a Noto Sans CJK collection, or the font file itself."""
    if path.suffix.lower() != ".ttc":
        return TTFont(path)
    for font in TTCollection(path).fonts:
        if font["name"].getDebugName(1) == SOURCE_FAMILY:
            return font
    raise SystemExit(f"{path} has no {SOURCE_FAMILY} face")


def rename(font: TTFont) -> None:
    """Give the subset its own family name, so it is never mistaken for the full font."""
    postscript = SUBSET_FAMILY.replace(" ", "")
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = SUBSET_FAMILY
        elif record.nameID in (3, 4):
            record.string = f"{SUBSET_FAMILY} Regular"
        elif record.nameID == 6:
            record.string = f"{postscript}-Regular"
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [f"{postscript}-Regular"]
        cff.topDictIndex[0].FamilyName = SUBSET_FAMILY
        cff.topDictIndex[0].FullName = f"{SUBSET_FAMILY} Regular"


def build(source: Path, target: Path) -> int:
    """Write the subset; returns how many characters it covers."""
    characters = sorted(chart_characters(get_knowledge()))
    font = source_font(source)
    options = subset.Options()
    options.layout_features = ["kern", "liga", "palt"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in characters])
    subsetter.subset(font)
    rename(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    return len(characters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--target", type=Path, default=SUBSET)
    args = parser.parse_args()
    count = build(args.source, args.target)
    print(f"{args.target}: {count} characters, {args.target.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
