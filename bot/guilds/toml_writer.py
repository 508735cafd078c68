"""A prepared query's fields as TOML text, so a moderator's form becomes the same file a pull
request would add to commands/ (Python reads TOML but cannot write it).

Handles what command files hold: texts, numbers, booleans, lists of those, and nested tables.
Every text is escaped; the SQL is written as a readable multi-line literal when it can be.
"""

import re
from typing import Any

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
INLINE_LIST_WIDTH = 100  # a longer list is written one item per line
# Characters a TOML literal string may not hold: control characters other than tab and newline.
NOT_LITERAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|'''")


def basic_string(text: str) -> str:
    """A double-quoted TOML string: backslash, quote and control characters escaped."""
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def multiline_string(text: str) -> str:
    """A '''literal''' starting on a line of its own (SQL reads as SQL) when the text allows."""
    if NOT_LITERAL.search(text):
        return basic_string(text)
    return "'''\n" + text + "'''"


def key(name: str) -> str:
    return name if BARE_KEY.fullmatch(name) else basic_string(name)


def value(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return repr(item)
    if isinstance(item, str):
        return multiline_string(item) if "\n" in item else basic_string(item)
    if isinstance(item, list):
        parts = [value(v) for v in item]
        inline = "[" + ", ".join(parts) + "]"
        if len(inline) <= INLINE_LIST_WIDTH:
            return inline
        return "[\n" + "".join(f"    {p},\n" for p in parts) + "]"
    raise TypeError(f"cannot write {type(item).__name__} as TOML")


def dumps(data: dict[str, Any], _path: tuple[str, ...] = ()) -> str:
    """Scalars and lists first, then each sub-table under its own [dotted.header]."""
    lines = [f"{key(k)} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    text = "\n".join(lines) + ("\n" if lines else "")
    for name, table in data.items():
        if isinstance(table, dict):
            path = (*_path, name)
            only_tables = table and all(isinstance(v, dict) for v in table.values())
            header = "" if only_tables else f"\n[{'.'.join(key(p) for p in path)}]\n"
            text += header + dumps(table, path)
    return text
