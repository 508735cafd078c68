"""What a query may be and do, decided before and while SQLite runs it: the errors, the allowed functions, one statement only, named parameters, and the authorizer's verdicts."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping

MAX_SQL_BYTES = 10_000


MAX_VALUE_BYTES = 100_000  # one instr() over two such strings takes ~60 ms at worst


# Pure functions over values already in the result: nothing here reads files, makes large values
# out of small arguments (randomblob, zeroblob), or reveals SQLite's internals.
ALLOWED_FUNCTIONS = frozenset(
    {
        # aggregates
        "count", "sum", "total", "avg", "min", "max", "group_concat", "string_agg",
        # window functions, for comparisons with the previous period
        "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile",
        "lag", "lead", "first_value", "last_value", "nth_value",
        # values and text
        "abs", "round", "coalesce", "ifnull", "nullif", "iif", "typeof",
        "printf", "format", "substr", "substring", "lower", "upper", "trim", "ltrim", "rtrim",
        "length", "instr", "replace", "like", "glob", "concat", "concat_ws",
        # math
        "ceil", "ceiling", "floor", "trunc", "sqrt", "pow", "power", "mod",
        "exp", "ln", "log", "log10",
        # dates
        "date", "time", "datetime", "julianday", "strftime", "unixepoch",
    }
)  # fmt: skip


INTERNAL = "the database's internal tables are off limits"


ONLY_SELECT = "only SELECT statements are allowed"


# Whitespace and comments only (possessive, so a long hostile string cannot make it backtrack).
BLANK = re.compile(r"(?:\s|--[^\n]*+|/\*.*?(?:\*/|\Z))*+", re.DOTALL)


class StatsDBError(Exception):
    """Base of every error this module raises; ``str(error)`` is a short plain-words reason."""


class DatabaseUnavailable(StatsDBError):
    """The statistics database is missing, unreadable or already closed."""


class QueryRefused(StatsDBError):
    """A query that may not run, or that SQLite stopped; ``reason`` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ParameterError(QueryRefused):
    """A parameter is positional, missing, or has a value SQLite cannot take."""


class QueryTimeout(QueryRefused):
    """The query ran past its time budget and was stopped."""


# SQLite's and the sqlite3 module's messages, reworded; anything else is passed on in brackets.
MESSAGES: list[tuple[re.Pattern[str], type[QueryRefused], str]] = [
    (re.compile(r"one statement at a time"), QueryRefused, "only one statement is allowed"),
    (re.compile(r"Binding \d+ has no name"), ParameterError, "use named parameters such as :year"),
    (
        re.compile(r"did not supply a value for binding parameter :(.+)\.$"),
        ParameterError,
        "the parameter :{} has no value",
    ),
    (
        re.compile(r"no such table: (.+)"),
        QueryRefused,
        "the table '{}' is not part of the statistics database",
    ),
    (re.compile(r"no such function: (.+)"), QueryRefused, "function {} is not allowed"),
    (re.compile(r"string or blob too big"), QueryRefused, "the query builds a value too large"),
    (
        re.compile(r"query string is too large|statement too long"),
        QueryRefused,
        "the query is too long",
    ),
    (re.compile(r"too many columns"), QueryRefused, "the query returns too many columns"),
    (
        re.compile(r"parser stack overflow|Expression tree is too large"),
        QueryRefused,
        "the query nests too deeply",
    ),
    (
        re.compile(r"too many attached"),
        QueryRefused,
        "attaching or detaching databases is not allowed",
    ),
    (
        re.compile(r"syntax error|incomplete input|unrecognized token"),
        QueryRefused,
        "the SQL could not be read ({message})",
    ),
]


def judge(
    action: int,
    arg1: str | None,
    arg2: str | None,
    db_name: str | None,
    readable: frozenset[str],
    in_select: bool,
) -> str | None:
    """None to allow an authorizer request, else the reason to refuse it.

    ``in_select`` tells whether the statement has already begun as a SELECT: a write to
    sqlite_master inside one is a table-valued function (pragma_table_info, json_each) setting
    itself up, whereas in any other statement it is DDL (CREATE, DROP), which comes first.
    """
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_RECURSIVE):
        return None
    if action == sqlite3.SQLITE_READ:
        table = arg1 or ""
        if db_name is None:  # a CTE the statement defines itself
            return None
        if internal(table):
            return INTERNAL
        if db_name == "main" and table.lower() in readable:
            return None
        return f"the table '{table}' is not part of the statistics database"
    if action == sqlite3.SQLITE_FUNCTION:
        name = (arg2 or "").lower()
        return None if name in ALLOWED_FUNCTIONS else f"function {name} is not allowed"
    if in_select and internal(arg1 or ""):
        return "table-valued functions such as pragma_table_info are not allowed"
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return "attaching or detaching databases is not allowed"
    if action == sqlite3.SQLITE_PRAGMA:
        return "PRAGMA statements are not allowed"
    return ONLY_SELECT


def internal(table: str) -> bool:
    return table.lower().startswith("sqlite_")


def single_statement(sql: str) -> str:
    """The one statement in ``sql``, without its semicolon; refuse empty, long or chained SQL.

    Statement ends are found by ``sqlite3.complete_statement`` (SQLite's own tokenizer), so a
    semicolon inside a string, a quoted name or a comment does not count. The sqlite3 module
    checks again when it compiles: it refuses anything but comments after the first statement.
    """
    try:
        size = len(sql.encode())
    except UnicodeEncodeError as error:
        raise QueryRefused("the query is not valid text") from error
    if size > MAX_SQL_BYTES:
        raise QueryRefused(f"the query is too long (the limit is {MAX_SQL_BYTES:,} bytes)")
    if "\x00" in sql:
        raise QueryRefused("the query contains a NUL character")
    pieces = []
    start = 0
    for semicolon in re.finditer(";", sql):
        end = semicolon.end()
        if sqlite3.complete_statement(sql[start:end]):
            pieces.append(sql[start : end - 1])
            start = end
    pieces.append(sql[start:])
    statements = [piece for piece in pieces if not BLANK.fullmatch(piece)]
    if not statements:
        raise QueryRefused("the query is empty")
    if len(statements) > 1:
        raise QueryRefused("only one statement is allowed")
    return statements[0]


def checked_params(params: Mapping[str, object] | None) -> dict[str, object]:
    """Named parameters with values SQLite can bind, so binding cannot fail half-way."""
    if params is None:
        return {}  # a mapping, even empty, makes the sqlite3 module refuse '?' placeholders
    if not isinstance(params, Mapping):
        raise ParameterError("use named parameters such as :year")
    values: dict[str, object] = {}
    for name, value in params.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ParameterError(f"parameter names are plain words such as year, not {name!r}")
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise ParameterError(f"the parameter :{name} is too large a number")
        if isinstance(value, str):
            try:
                value.encode()
            except UnicodeEncodeError as error:
                raise ParameterError(f"the parameter :{name} is not valid text") from error
        elif not (value is None or isinstance(value, int | float)):
            raise ParameterError(f"the parameter :{name} must be a number, text or empty")
        values[name] = value
    return values
