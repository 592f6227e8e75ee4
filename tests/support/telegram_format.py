"""Telegram text formatting as the Bot API parses it: HTML and MarkdownV2 to plain text + entities.

Errors are raised as :class:`EntityParseError`; the fake server reports them as
``400 Bad Request: can't parse entities: <message>`` exactly like Telegram does.
Offsets/lengths of the produced entities are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

JSONDict = dict[str, Any]

ALLOWED_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[a-zA-Z][a-zA-Z0-9]{0,31});")
MARKDOWN_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


class EntityParseError(ValueError):
    """The text cannot be parsed in the requested parse_mode."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit of Telegram entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


_SPECIAL_HTML = re.compile("[&<]")


class _ByteOffsets:
    """UTF-8 byte offsets of indexes into `src` asked for in increasing order, each counted from the last."""

    def __init__(self, src: str) -> None:
        self.src, self.index, self.offset = src, 0, 0

    def at(self, index: int) -> int:
        if index < self.index:
            return _byte_offset(self.src, index)
        self.offset += len(self.src[self.index:index].encode("utf-8"))
        self.index = index
        return self.offset


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the output
    byte_offset: int
    language: str | None = None


@dataclass
class _Output:
    parts: list[str] = field(default_factory=list)
    length: int = 0  # UTF-16 units

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def text(self) -> str:
        return "".join(self.parts)


def _decode_entity(src: str, i: int, strict: bool) -> tuple[str, int]:
    match = _ENTITY_RE.match(src, i)
    if match:
        name = match.group(1)
        if name[:2] in ("#x", "#X"):
            code = int(name[2:], 16)
        elif name.startswith("#"):
            code = int(name[1:])
        else:
            code = -1
            if name in _NAMED_ENTITIES:
                return _NAMED_ENTITIES[name], match.end()
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code), match.end()
        if strict:
            raise EntityParseError(
                f'Unsupported HTML entity "{match.group(0)}" at byte offset {_byte_offset(src, i)}; '
                "only &lt; &gt; &amp; &quot; and numeric entities are supported"
            )
    elif strict:
        raise EntityParseError(f"Character '&' at byte offset {_byte_offset(src, i)} must be escaped as \"&amp;\"")
    return "&", i + 1


def _decode_attr(raw: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            text, i = _decode_entity(raw, i, strict=False)
            out.append(text)
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def _entity_for(tag: _Open, end: int) -> JSONDict | None:
    length = end - tag.start
    if length <= 0:
        return None
    entity: JSONDict = {"type": _TAG_ENTITY[tag.tag], "offset": tag.start, "length": length}
    if tag.tag == "a":
        href = tag.attrs.get("href", "")
        if not href:
            return None
        user = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if user:
            entity.update(type="text_mention", user={"id": int(user.group(1)), "is_bot": False, "first_name": ""})
        else:
            entity["url"] = href
    elif tag.tag == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.tag == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.tag == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    return entity


def parse_html(src: str, *, strict_ampersand: bool = True) -> tuple[str, list[JSONDict]]:
    """Parse Telegram HTML into ``(plain_text, entities)``.

    Mirrors Telegram's parser: only the supported tags are allowed, tags must be properly
    nested and closed, ``<`` must be escaped.  With ``strict_ampersand`` (default) a bare ``&``
    or an unsupported named entity (``&nbsp;``) is also an error - Telegram itself would show
    it literally, but in a bot it almost always means user input was not ``html.escape``d.
    """
    out = _Output()
    stack: list[_Open] = []
    entities: list[JSONDict] = []
    offsets = _ByteOffsets(src)
    i, n = 0, len(src)
    while i < n:
        char = src[i]
        if char == "&":
            text, i = _decode_entity(src, i, strict_ampersand)
            out.add(text)
            continue
        if char != "<":
            run_end = _SPECIAL_HTML.search(src, i)  # the text up to the next "&" or "<" is taken as it is
            stop = run_end.start() if run_end else n
            out.add(src[i:stop])
            i = stop
            continue
        begin = offsets.at(i)
        if src.startswith("</", i):
            end = src.find(">", i)
            if end == -1:
                raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
            name = src[i + 2 : end].strip().lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
            top = stack.pop()
            if name != top.tag:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", found "</{name}>"'
                )
            code_class = top.attrs.get("class", "")
            if top.tag == "code" and stack and stack[-1].tag == "pre" and code_class.startswith("language-"):
                stack[-1].language = code_class.removeprefix("language-")
            else:
                entity = _entity_for(top, out.length)
                if entity:
                    entities.append(entity)
            i = end + 1
            continue
        tag, attrs, i = _parse_start_tag(src, i, begin)
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise EntityParseError("Custom emoji entity must contain a valid custom emoji identifier")
        stack.append(_Open(tag, attrs, out.length, begin))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.text(), entities


def _parse_start_tag(src: str, i: int, begin: int) -> tuple[str, dict[str, str], int]:
    n = len(src)
    j = i + 1
    while j < n and not src[j].isspace() and src[j] not in ">/":
        j += 1
    if j >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
    tag = src[i + 1 : j].lower()
    if tag not in ALLOWED_HTML_TAGS:
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
    attrs: dict[str, str] = {}
    while True:
        while j < n and src[j].isspace():
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        if src[j] == ">":
            return tag, attrs, j + 1
        if src[j] == "/":
            raise EntityParseError(f'Self-closing tag "{tag}" at byte offset {begin} is not supported')
        a0 = j
        while j < n and not src[j].isspace() and src[j] not in "=>/":
            j += 1
        name = src[a0:j].lower()
        if not name:
            raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while j < n and src[j].isspace():
            j += 1
        if j < n and src[j] == "=":
            j += 1
            while j < n and src[j].isspace():
                j += 1
            if j >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            if src[j] in "\"'":
                close = src.find(src[j], j + 1)
                if close == -1:
                    raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
                raw, j = src[j + 1 : close], close + 1
            else:
                v0 = j
                while j < n and not src[j].isspace() and src[j] != ">":
                    j += 1
                raw = src[v0:j]
            attrs[name] = _decode_attr(raw)
        else:
            attrs[name] = ""


_MD_DELIMS = (
    ("```", "pre"),
    ("||", "spoiler"),
    ("__", "underline"),
    ("`", "code"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
    ("[", "text_link"),
)


def parse_markdown_v2(src: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram MarkdownV2 into ``(plain_text, entities)``.

    Raises the same kind of errors Telegram does, most notably
    ``Character '.' is reserved and must be escaped with the preceding '\\'``.
    """
    out = _Output()
    stack: list[_Open] = []
    entities: list[JSONDict] = []
    i, n = 0, len(src)
    while i < n:
        char = src[i]
        if char == "\\" and i + 1 < n and 0 < ord(src[i + 1]) <= 126:
            out.add(src[i + 1])
            i += 2
            continue
        top = stack[-1] if stack else None
        if top and top.tag in ("code", "pre"):
            closer = "```" if top.tag == "pre" else "`"
            if src.startswith(closer, i):
                stack.pop()
                entity = _md_entity(top, out.length)
                if entity:
                    entities.append(entity)
                i += len(closer)
            else:
                out.add(char)
                i += 1
            continue
        if char not in MARKDOWN_V2_RESERVED:
            out.add(char)
            i += 1
            continue
        if char == ">" and (i == 0 or src[i - 1] == "\n"):
            i += 1  # blockquote line marker
            continue
        if char == "]" and top and top.tag == "text_link":
            stack.pop()
            i += 1
            url = ""
            if i < n and src[i] == "(":
                close = i + 1
                while close < n and src[close] != ")":
                    close += 2 if src[close] == "\\" else 1
                if close >= n:
                    raise EntityParseError(f"Can't find end of a URL at byte offset {_byte_offset(src, i)}")
                url = re.sub(r"\\(.)", r"\1", src[i + 1 : close])
                i = close + 1
            top.attrs["href"] = url
            entity = _md_entity(top, out.length)
            if entity:
                entities.append(entity)
            continue
        found = next(((d, k) for d, k in _MD_DELIMS if src.startswith(d, i)), None)
        if found is None:
            raise EntityParseError(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        delim, kind = found
        if kind != "text_link" and top and top.tag == kind:
            stack.pop()
            entity = _md_entity(top, out.length)
            if entity:
                entities.append(entity)
            i += len(delim)
            continue
        if any(o.tag == kind for o in stack):
            raise EntityParseError(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        opened = _Open(kind, {}, out.length, _byte_offset(src, i))
        i += len(delim)
        if kind == "pre":
            newline = src.find("\n", i)
            first_line = src[i:newline] if newline != -1 else ""
            if first_line and not any(c.isspace() or c == "`" for c in first_line):
                opened.language = first_line
                i = newline + 1
        stack.append(opened)
    if stack:
        raise EntityParseError(
            f"Can't find end of {stack[-1].tag.replace('_', ' ').title()} entity at byte offset {stack[-1].byte_offset}"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.text(), entities


def _md_entity(tag: _Open, end: int) -> JSONDict | None:
    length = end - tag.start
    if length <= 0 or (tag.tag == "text_link" and not tag.attrs.get("href")):
        return None
    entity: JSONDict = {"type": tag.tag, "offset": tag.start, "length": length}
    if tag.tag == "text_link":
        entity["url"] = tag.attrs["href"]
    if tag.language:
        entity["language"] = tag.language
    return entity
