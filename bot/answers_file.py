"""Reading an adviser's answers file safely: bounded in size and depth, duplicate keys refused, every string whole.

The file maps question ids to answers, so it is flat; anything nested deeper than a few levels, larger
than a megabyte or naming one question twice is a mistake (or an attack) and gets one clear line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1024 * 1024  # ours: a full assessment is about 3 KB; a megabyte leaves room for long text answers
MAX_DEPTH = 8  # ours: answers are one level deep; a few more for JSON/YAML wrappers people paste


class AnswersFileError(ValueError):
    """Why an answers file cannot be read: a catalog key under `cli.` and its values."""

    def __init__(self, catalog_key: str, **values: Any) -> None:
        super().__init__(catalog_key)
        self.key = catalog_key
        self.values = values


_SURROGATE = re.compile("[\ud800-\udfff]")


def whole_characters(text: str) -> str:
    """A character beyond the BMP written as two escapes ("\\ud83d\\ude00", as JSON writes 😀), which YAML reads
    as two halves, joined again; a lone half, which no text can hold, becomes U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and nesting deeper than MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise AnswersFileError("file_too_deep", depth=MAX_DEPTH)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_scalar(self, node: yaml.Node) -> Any:
        value = super().construct_scalar(node)
        return whole_characters(value) if isinstance(value, str) else value

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int | float) and key in seen:
                raise AnswersFileError("duplicate_key", key=key)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_answers_file(path: Path) -> Any:
    """The parsed JSON or YAML document at `path`; AnswersFileError saying why not."""
    try:
        if not path.is_file():
            raise AnswersFileError("file_missing", path=path)
        if path.stat().st_size > MAX_BYTES:
            raise AnswersFileError("file_too_large", path=path, limit=MAX_BYTES // 1024)
        text = path.read_bytes().decode("utf-8-sig")
    except PermissionError:
        raise AnswersFileError("file_no_permission", path=path) from None
    except UnicodeDecodeError:
        raise AnswersFileError("file_unreadable", path=path) from None
    except OSError:
        raise AnswersFileError("file_unreadable", path=path) from None
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except AnswersFileError:
        raise
    # PyYAML on hostile text raises YAMLError, but also AttributeError ("!!timestamp"), KeyError ("!!bool x"),
    # TypeError ("? [1]: 2"), ValueError, RecursionError: whatever it is, the file cannot be read
    except Exception:
        raise AnswersFileError("file_unreadable", path=path) from None
