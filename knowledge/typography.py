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
    text = _NEXT_TO_CJK.sub(lambda m: _MARKS[m.group(0)], text)
    return text.replace("(", _MARKS["("]).replace(")", _MARKS[")"])
