"""Chinese typography: full-width punctuation in zh texts, so writers may type ASCII marks in YAML."""

from __future__ import annotations

import re

_CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’]"
_MARKS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_NEXT_TO_CJK = re.compile(rf"(?<={_CJK})([,;:?!])|([,;:?!])(?={_CJK})")


def fullwidth_punctuation(text: str) -> str:
    """ASCII , ; : ? ! next to a Chinese character become full-width; so do parentheses in a Chinese text."""
    if not re.search(r"[\u4e00-\u9fff]", text):
        return text
    text = text.replace("(", _MARKS["("]).replace(")", _MARKS[")"])
    return _NEXT_TO_CJK.sub(lambda m: _MARKS[m.group(0)], text)


_CJK_THEN_ASCII = re.compile(r"([\u4e00-\u9fff])([0-9A-Za-z¥])")
_ASCII_THEN_CJK = re.compile(r"([0-9A-Za-z%])([\u4e00-\u9fff])")


def space_cjk(text: str) -> str:
    """A space between Chinese characters and digits or Latin letters (不到 3 个月, 占 55% 的营收)."""
    return _ASCII_THEN_CJK.sub(r"\1 \2", _CJK_THEN_ASCII.sub(r"\1 \2", text))
