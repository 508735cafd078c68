"""How DuckDB reads a core table of the release, and how it reports rows of the wrong width.

The release writes tab-delimited rows with no quoting; some have a field too many or too few
("shifted rows"). DuckDB's reader accepts a row with one trailing empty field too many as if it
were right, which would misplace its values silently, so it is given one column more than the
header (BEYOND): such a row fills it. Short rows are padded with NULL, and since empty fields
read as '' (NULL is spelled NO_VALUE, a byte the release never holds), a NULL in the header's
last column marks a short row. Rows wider still, and values that are not UTF-8 in a column
read, stop the fast parallel read (a read that records errors runs on one thread only); the table
is then read again by a reader that refuses such rows and records their line numbers
(store_rejects), so they are counted and listed, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from bot.data.importers.common import ImportFailed
from bot.data.importers.eoir.release import SourceTable

BEYOND = "__beyond_the_header"
NO_VALUE = "\x01"
LONG, SHORT, BLANK = "long", "short", "blank"
CATEGORY = {LONG: -1, SHORT: -2, BLANK: -3}  # a row's shape as the negative key it counts under
SHOWN_REFUSED = 20
FOUND = re.compile(r"Found: (\d+)")


@dataclass
class Refused:
    """Rows the reader refused: how many (one per line), whether for encoding, the first lines."""

    rows: int = 0
    encoding: bool = False
    lines: list[str] = field(default_factory=list)


@dataclass
class Shapes:
    """A table's rows by shape: read, too long, too short, blank, refused by the reader."""

    total: int  # rows the reader returned, of any width
    columns: int
    by_kind: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)  # kind -> a row's first field
    refused: Refused = field(default_factory=Refused)

    @property
    def set_aside(self) -> int:
        return self.by_kind.get(LONG, 0) + self.by_kind.get(SHORT, 0) + self.refused.rows

    @property
    def kept(self) -> int:
        return self.total - sum(self.by_kind.values())


def quoted(text: str) -> str:
    """A SQL string literal (a header or a folder name could hold a quote)."""
    return "'" + text.replace("'", "''") + "'"


def joined(columns: tuple[str, ...]) -> str:
    """SQL: the values of `columns` as one text, joined by tabs (never inside a field)."""
    return f"concat({', chr(9), '.join(columns)})"


def part(text: str, number: int) -> str:
    """SQL: the value at `number` (from 1) of a text made by `joined`."""
    return f"split_part({text}, chr(9), {number})"


def _rejects(table: SourceTable) -> tuple[str, str]:
    return f"rejects_{table.name.lower()}", f"reject_scans_{table.name.lower()}"


def reader(table: SourceTable, needed: tuple[str, ...], encoding: str, recording: bool) -> str:
    """read_csv over the table's file: every header column as text, plus BEYOND. Recording, it
    refuses rows wider still and values not in `encoding`, with their lines; else it stops at the
    first (DuckDB reads in parallel only when it need not record errors)."""
    if missing := [c for c in needed if c not in table.columns]:
        raise ImportFailed(f"{table.name}: no column {', '.join(missing)} in its header")
    if len(table.columns) < 2 or BEYOND in table.columns:
        raise ImportFailed(f"{table.name}: its header is not the release's ({table.columns[:3]})")
    columns = ", ".join(f"{quoted(c)}: 'VARCHAR'" for c in (*table.columns, BEYOND))
    errors, scans = _rejects(table)
    refusing = (
        f"ignore_errors = true, store_rejects = true, rejects_table = '{errors}', "
        f"rejects_scan = '{scans}', "
        if recording
        else ""
    )
    return (
        f"read_csv({quoted(str(table.path))}, delim = '\t', header = false, skip = 1, "
        "auto_detect = false, quote = '', escape = '', comment = '', "
        f"null_padding = true, nullstr = {quoted(NO_VALUE)}, encoding = '{encoding}', "
        f"{refusing}columns = {{{columns}}})"
    )


def shape(table: SourceTable) -> str:
    """SQL numbering a row's shape (CATEGORY: long, short, blank: spaces only), or NULL when
    it is right."""
    first, second, last = (
        f'"{c}"' for c in (table.columns[0], table.columns[1], table.columns[-1])
    )
    return (
        f'CASE WHEN "{BEYOND}" IS NOT NULL THEN {CATEGORY[LONG]} WHEN {last} IS NULL THEN '
        f"CASE WHEN {second} IS NULL AND trim({first}) = '' THEN {CATEGORY[BLANK]} "
        f"ELSE {CATEGORY[SHORT]} END END"
    )


def read_rejects(con: duckdb.DuckDBPyConnection, table: SourceTable) -> Refused:
    """The rows the reader refused, then its reject tables dropped (a second read reuses the
    names). The header is line 1, as in a text editor."""
    errors, scans = _rejects(table)
    rows = con.execute(
        f"""SELECT line, bool_or(error_type = 'INVALID ENCODING'),
                   string_agg(error_message, ' ')
            FROM {errors} GROUP BY line ORDER BY line"""
    ).fetchall()
    con.execute(f"DROP TABLE {errors}; DROP TABLE {scans}")
    refused = Refused(rows=len(rows), encoding=any(bad for _, bad, _ in rows))
    for line, _, messages in rows[:SHOWN_REFUSED]:
        widths = [int(n) for n in FOUND.findall(messages or "")]
        detail = f"{max(widths)} fields, not {len(table.columns)}" if widths else messages
        refused.lines.append(f"{table.name} line {line}: {detail}")
    return refused
