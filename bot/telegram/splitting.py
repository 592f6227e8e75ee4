"""Long HTML messages cut below Telegram's limit without ever cutting markup.

The templates are line-oriented: every tag a line opens it also closes, and sections are separated by blank
lines. So a message is cut at blank lines (whole sections) first, then at line ends; only a single line
longer than a message (1,000 "&" typed as an answer is 5,000 characters once escaped) is cut inside, and
then only between characters of its text: never inside a tag or an entity, and a tag open at the cut is
closed before it and opened again after it.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^<>]*>|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);|.", re.S)


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _after(stack: list[tuple[str, str]], match: re.Match[str]) -> list[tuple[str, str]]:
    closing, name = match.group(1), match.group(2)
    if name is None:
        return stack
    if closing:
        return stack[:-1] if stack and stack[-1][0] == name.lower() else stack
    return [*stack, (name.lower(), match.group())]


def cut_line(line: str, limit: int) -> list[str]:
    """One over-long line of HTML as pieces of at most `limit` characters, each valid on its own."""
    pieces: list[str] = []
    current, stack = "", []
    for match in _TOKEN.finditer(line):
        token, following = match.group(), _after(stack, match)
        if current and len(current) + len(token) + len(_closing(following)) > limit:
            pieces.append(current + _closing(stack))
            current = "".join(tag for _, tag in stack)
        current += token
        stack = following
    if current:
        pieces.append(current)
    return pieces


def pack(pieces: list[str], joiner: str, limit: int) -> list[str]:
    """Join consecutive pieces while the result stays within the limit."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{joiner}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def split_message(text: str, limit: int) -> list[str]:
    """Chunks within the limit: whole sections (blank lines) where they fit, else whole lines, else safe cuts."""
    sections: list[str] = []
    for section in text.split("\n\n"):
        if len(section) <= limit:
            sections.append(section)
            continue
        lines = [piece for line in section.split("\n")
                 for piece in (cut_line(line, limit) if len(line) > limit else [line])]
        sections.extend(pack(lines, "\n", limit))
    return pack(sections, "\n\n", limit)
