"""A command file brought up to the current schema: the keys nothing reads any more taken out.

The file is edited line by line, so a moderator's comments, order and spacing survive; the result
is checked by parsing it again, and when the layout defeats the line edit (a dotted key, an inline
table) the file is written afresh from its parsed contents instead.
"""

import re
import tomllib

from bot.engine.command_schema import retired_keys, without_retired
from bot.guilds.toml_writer import dumps

HEADER = re.compile(r"^\s*\[(?!\[)(.+)\]\s*(#.*)?$")
SETTING = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")
# A [header] with nothing under it but blank lines before the next header or the end.
EMPTY_TABLE = re.compile(
    r"^[ \t]*\[(?!\[)[^\]\n]+\][ \t]*(#[^\n]*)?\n(?:[ \t]*\n)*(?=[ \t]*\[|\Z)", re.MULTILINE
)


def _path(fragment: str) -> tuple[str, ...]:
    """'[params.year]' or 'chart' as a path of names: ('params', 'year'), ('chart',)."""
    data = tomllib.loads(fragment if fragment.startswith("[") else fragment + " = 0")
    path: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        ((name, data),) = data.items()
        path.append(name)
    return tuple(path)


def _value_end(lines: list[str], start: int) -> int:
    """The line after a setting: a multi-line text or list runs on until the setting parses."""
    for end in range(start + 1, len(lines) + 1):
        try:
            tomllib.loads("\n".join(lines[start:end]))
        except tomllib.TOMLDecodeError:
            continue
        return end
    return start + 1


def _drop_lines(text: str, drop: set[tuple[str, ...]]) -> str:
    """The text without the settings at `drop`; every other line as it was."""
    lines = text.split("\n")
    kept: list[str] = []
    table: tuple[str, ...] = ()
    at = 0
    while at < len(lines):
        end = at + 1
        if header := HEADER.match(lines[at]):
            table = _path(f"[{header.group(1)}]")
        elif setting := SETTING.match(lines[at]):
            end = _value_end(lines, at)
            if table + _path(setting.group(1)) in drop:
                at = end
                continue
        kept += lines[at:end]
        at = end
    edited = EMPTY_TABLE.sub("", "\n".join(kept))
    return edited.rstrip("\n") + "\n" if text.endswith("\n") else edited


def upgrade_toml(text: str) -> tuple[str, list[str]]:
    """The file without its retired keys, and those keys (dotted); unchanged when it has none."""
    data = tomllib.loads(text)
    retired = retired_keys(data)
    if not retired:
        return text, []
    wanted = without_retired(data)
    edited = _drop_lines(text, set(retired))
    try:
        if tomllib.loads(edited) == wanted:
            return edited, [".".join(p) for p in retired]
    except tomllib.TOMLDecodeError:
        pass
    return dumps(wanted), [".".join(p) for p in retired]
