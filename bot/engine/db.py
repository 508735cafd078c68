"""The only door to the statistics database: read-only, one SELECT at a time, inside a fence.

SQLite itself keeps the fence. The file is opened with ``mode=ro``, so it is never created or
written; an authorizer allows reads of the tables and views that existed at open time and a short
list of harmless functions, and nothing else (no ATTACH, PRAGMA, writes or ``load_extension``);
limits cap value and statement sizes; a progress handler stops a query that outlives its budget.
Every failure becomes a ``StatsDBError`` whose message is short enough to show a moderator as is.

Parameters are named only (``:year``): every one the SQL uses must be supplied, and extra ones are
ignored, so a caller may pass all of a command's parameters to a query that uses only some of them.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

MAX_SQL_BYTES = 10_000
MAX_VALUE_BYTES = 1_000_000
MAX_RESULT_BYTES = 4_000_000
_PROGRESS_EVERY = 1_000  # VM instructions between two looks at the clock
_FETCH_BATCH = 16  # rows fetched between two looks at the result size

_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,  # giant strings and blobs fail fast
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL_BYTES + 64,  # room for the SELECT-only wrapper
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,  # also stops VACUUM INTO, which attaches its target
    sqlite3.SQLITE_LIMIT_COLUMN: 200,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 250,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_VDBE_OP: 100_000,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 32,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 200,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 100,
    sqlite3.SQLITE_LIMIT_WORKER_THREADS: 0,
}

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

_INTERNAL = "the database's internal tables are off limits"
_ONLY_SELECT = "only SELECT statements are allowed"

# Whitespace and comments only (possessive, so a long hostile string cannot make it backtrack).
_BLANK = re.compile(r"(?:\s|--[^\n]*+|/\*.*?(?:\*/|\Z))*+", re.DOTALL)


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


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool  # more rows existed than max_rows


# SQLite's and the sqlite3 module's messages, reworded; anything else is passed on in brackets.
_MESSAGES: list[tuple[re.Pattern[str], type[QueryRefused], str]] = [
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


def open_readonly(path: Path | str) -> StatsDB:
    """Open the statistics database for reading; raises DatabaseUnavailable if it is missing."""
    return StatsDB(path)


class StatsDB:
    """One read-only connection, shared by threads through a lock (queries are short by design)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise DatabaseUnavailable(
                f"the statistics database was not found at {self.path} (run `immistats build`)"
            )
        try:
            conn = sqlite3.connect(
                self.path.resolve().as_uri() + "?mode=ro",
                uri=True,
                check_same_thread=False,
                isolation_level=None,
            )
        except sqlite3.Error as error:
            raise DatabaseUnavailable(
                f"the statistics database at {self.path} cannot be opened"
            ) from error
        try:
            conn.execute("PRAGMA query_only = ON")
            names = [
                name
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
                )
            ]
        except sqlite3.Error as error:
            conn.close()
            raise DatabaseUnavailable(f"{self.path} is not a readable SQLite database") from error
        self._readable = frozenset(name.lower() for name in names if not _internal(name))
        for limit, value in _LIMITS.items():
            conn.setlimit(limit, value)
        conn.set_authorizer(self._authorize)
        conn.set_progress_handler(self._progress, _PROGRESS_EVERY)
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.Lock()
        # Per-query state, read by the callbacks above; only touched while holding the lock.
        self._deadline = 0.0
        self._timed_out = False
        self._denial: str | None = None
        self._in_select = False

    def query(
        self,
        sql: str,
        params: Mapping[str, object] | None = None,
        *,
        time_budget: float = 1.0,
        max_rows: int = 1000,
    ) -> QueryResult:
        """Run one SELECT and return at most ``max_rows`` rows, or raise a StatsDBError."""
        if time_budget <= 0 or max_rows < 1:
            raise ValueError("time_budget must be positive and max_rows at least 1")
        statement = _single_statement(sql)
        values = _checked_params(params)
        with self._session(time_budget) as conn:
            self._check_select(conn, statement, values)
            cursor = conn.execute(statement, values)
            try:
                return _fetch(cursor, max_rows)
            finally:
                cursor.close()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> StatsDB:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _session(self, time_budget: float) -> Iterator[sqlite3.Connection]:
        """Hold the connection for one query: fresh per-query state, SQLite's errors reworded."""
        with self._lock:
            if self._conn is None:
                raise DatabaseUnavailable("the statistics database is closed")
            self._deadline = time.monotonic() + time_budget
            self._timed_out = False
            self._denial = None
            self._in_select = False
            try:
                yield self._conn
            except sqlite3.Error as error:
                raise self._refusal(error, time_budget) from error

    def _check_select(
        self, conn: sqlite3.Connection, statement: str, values: dict[str, object]
    ) -> None:
        """Compile without running (EXPLAIN): as written, then as a subquery.

        The first pass lets the authorizer and the parser speak about the text as the user wrote it.
        The second relies on SQLite's grammar, which accepts only a SELECT inside ``FROM (...)``:
        that refuses statements the authorizer never hears about, such as VACUUM.
        """
        conn.execute(f"EXPLAIN {statement}", values).close()
        try:
            conn.execute(f"EXPLAIN SELECT * FROM (\n{statement}\n)", values).close()
        except sqlite3.Error as error:
            if self._denial is None and not self._timed_out:
                raise QueryRefused(_ONLY_SELECT) from error
            raise

    def _authorize(
        self,
        action: int,
        arg1: str | None,
        arg2: str | None,
        db_name: str | None,
        _source: str | None,
    ) -> int:
        reason = _judge(action, arg1, arg2, db_name, self._readable, self._in_select)
        self._in_select = self._in_select or action == sqlite3.SQLITE_SELECT
        if reason is None:
            return sqlite3.SQLITE_OK
        if self._denial is None:
            self._denial = reason
        return sqlite3.SQLITE_DENY

    def _progress(self) -> int:
        if time.monotonic() > self._deadline:
            self._timed_out = True
            return 1  # non-zero: SQLite interrupts the statement
        return 0

    def _refusal(self, error: sqlite3.Error, time_budget: float) -> QueryRefused:
        if self._timed_out:
            return QueryTimeout(f"the query took longer than {float(time_budget)} s")
        if self._denial is not None:
            return QueryRefused(self._denial)
        message = str(error)
        for pattern, kind, template in _MESSAGES:
            found = pattern.search(message)
            if found:
                return kind(template.format(*found.groups(), message=message))
        return QueryRefused(f"the database could not run the query ({message})")


def _judge(
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
        if _internal(table):
            return _INTERNAL
        if db_name == "main" and table.lower() in readable:
            return None
        return f"the table '{table}' is not part of the statistics database"
    if action == sqlite3.SQLITE_FUNCTION:
        name = (arg2 or "").lower()
        return None if name in ALLOWED_FUNCTIONS else f"function {name} is not allowed"
    if in_select and _internal(arg1 or ""):
        return "table-valued functions such as pragma_table_info are not allowed"
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return "attaching or detaching databases is not allowed"
    if action == sqlite3.SQLITE_PRAGMA:
        return "PRAGMA statements are not allowed"
    return _ONLY_SELECT


def _internal(table: str) -> bool:
    return table.lower().startswith("sqlite_")


def _single_statement(sql: str) -> str:
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
    statements = [piece for piece in pieces if not _BLANK.fullmatch(piece)]
    if not statements:
        raise QueryRefused("the query is empty")
    if len(statements) > 1:
        raise QueryRefused("only one statement is allowed")
    return statements[0]


def _checked_params(params: Mapping[str, object] | None) -> dict[str, object]:
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


def _fetch(cursor: sqlite3.Cursor, max_rows: int) -> QueryResult:
    """At most max_rows + 1 rows (the extra one only tells that there were more), within size."""
    columns = [description[0] for description in cursor.description]
    rows: list[tuple] = []
    size = 0
    while len(rows) <= max_rows:
        batch = cursor.fetchmany(min(_FETCH_BATCH, max_rows + 1 - len(rows)))
        if not batch:
            break
        size += sum(len(v) if isinstance(v, str | bytes) else 8 for row in batch for v in row)
        if size > MAX_RESULT_BYTES:
            raise QueryRefused("the result is too large to show")
        rows.extend(batch)
    return QueryResult(columns, rows[:max_rows], truncated=len(rows) > max_rows)
