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

import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from bot.engine.sql_rules import (
    MAX_SQL_BYTES,
    MAX_VALUE_BYTES,
    MESSAGES,
    ONLY_SELECT,
    DatabaseUnavailable,
    QueryRefused,
    QueryTimeout,
    checked_params,
    internal,
    judge,
    single_statement,
)

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


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool  # more rows existed than max_rows


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
        self._readable = frozenset(name.lower() for name in names if not internal(name))
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
        statement = single_statement(sql)
        values = checked_params(params)
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
                raise QueryRefused(ONLY_SELECT) from error
            raise

    def _authorize(
        self,
        action: int,
        arg1: str | None,
        arg2: str | None,
        db_name: str | None,
        _source: str | None,
    ) -> int:
        reason = judge(action, arg1, arg2, db_name, self._readable, self._in_select)
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
        for pattern, kind, template in MESSAGES:
            found = pattern.search(message)
            if found:
                return kind(template.format(*found.groups(), message=message))
        return QueryRefused(f"the database could not run the query ({message})")


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
