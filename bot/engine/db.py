"""The only door to the statistics database: read-only, one SELECT at a time, inside a fence.

SQLite itself keeps the fence. The file is opened with ``mode=ro``, so it is never created or
written; an authorizer allows reads of the tables and views that existed at open time and a short
list of harmless functions, and nothing else (no ATTACH, PRAGMA, writes or ``load_extension``);
limits cap value, column and statement sizes so that no single step can run long or allocate
much; a progress handler and a watchdog stop a query that outlives its budget; a result larger
than its row cap or byte budget is refused, never cut. Every failure becomes a ``StatsDBError``
whose message is short enough to show a moderator as is.

Each query runs on a connection of its own, taken from a small pool (one connection per thread
that queries at the same moment), so a slow query never holds a lock another query waits on.

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
from bot.engine.watchdog import Watchdog

MAX_ROWS = 1000
MAX_RESULT_BYTES = 4_000_000
MAX_COLUMNS = 64
DEFAULT_CONNECTIONS = 8
_PROGRESS_EVERY = 1_000  # VM instructions between two looks at the clock

_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,  # giant strings and blobs fail fast
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL_BYTES + 64,  # room for the SELECT-only wrapper
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,  # also stops VACUUM INTO, which attaches its target
    sqlite3.SQLITE_LIMIT_COLUMN: MAX_COLUMNS,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 250,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_VDBE_OP: 100_000,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 32,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 200,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 100,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 1,
    sqlite3.SQLITE_LIMIT_WORKER_THREADS: 0,
}


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple]


def open_readonly(path: Path | str, connections: int = DEFAULT_CONNECTIONS) -> StatsDB:
    """Open the statistics database for reading; raises DatabaseUnavailable if it is missing."""
    return StatsDB(path, connections)


class _Guarded:
    """One read-only connection with its fence, and the state its callbacks read during a query."""

    def __init__(self, path: Path, readable: frozenset[str] | None = None) -> None:
        try:
            conn = sqlite3.connect(
                path.resolve().as_uri() + "?mode=ro",
                uri=True,
                check_same_thread=False,  # taken by one thread at a time, through the pool
                isolation_level=None,
            )
        except sqlite3.Error as error:
            raise DatabaseUnavailable(
                f"the statistics database at {path} cannot be opened"
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
            raise DatabaseUnavailable(f"{path} is not a readable SQLite database") from error
        self.readable = readable or frozenset(name.lower() for name in names if not internal(name))
        for limit, value in _LIMITS.items():
            conn.setlimit(limit, value)
        conn.set_authorizer(self._authorize)
        conn.set_progress_handler(self._progress, _PROGRESS_EVERY)
        self.conn = conn
        self.deadline = 0.0
        self.timed_out = False
        self.denial: str | None = None
        self.in_select = False

    def begin(self, deadline: float) -> None:
        self.deadline = deadline
        self.timed_out = False
        self.denial = None
        self.in_select = False

    def interrupt(self) -> None:
        """Called by the watchdog at the deadline: stops even a single long step."""
        self.timed_out = True
        self.conn.interrupt()

    def _authorize(
        self,
        action: int,
        arg1: str | None,
        arg2: str | None,
        db_name: str | None,
        _source: str | None,
    ) -> int:
        reason = judge(action, arg1, arg2, db_name, self.readable, self.in_select)
        self.in_select = self.in_select or action == sqlite3.SQLITE_SELECT
        if reason is None:
            return sqlite3.SQLITE_OK
        if self.denial is None:
            self.denial = reason
        return sqlite3.SQLITE_DENY

    def _progress(self) -> int:
        if time.monotonic() > self.deadline:
            self.timed_out = True
            return 1  # non-zero: SQLite interrupts the statement
        return 0


class StatsDB:
    """A pool of read-only connections: each query takes one for itself and gives it back.

    At most ``connections`` are open; a query that finds them all busy waits for one. Connections
    are opened as they are first needed, so the CLI opens one.
    """

    def __init__(self, path: Path | str, connections: int = DEFAULT_CONNECTIONS) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise DatabaseUnavailable(
                f"the statistics database was not found at {self.path} (run `immistats build`)"
            )
        first = _Guarded(self.path)
        self._readable = first.readable
        self._idle: list[_Guarded] = [first]
        self._open = 1
        self._most = max(1, connections)
        self._closed = False
        self._free = threading.Condition()
        self._watchdog = Watchdog()

    def query(
        self,
        sql: str,
        params: Mapping[str, object] | None = None,
        *,
        time_budget: float = 1.0,
        max_rows: int = MAX_ROWS,
    ) -> QueryResult:
        """Run one SELECT and return its rows, or raise a StatsDBError (also when it returns more
        than ``max_rows`` rows or ``MAX_RESULT_BYTES``: a result is never cut)."""
        if time_budget <= 0 or max_rows < 1:
            raise ValueError("time_budget must be positive and max_rows at least 1")
        statement = single_statement(sql)
        values = checked_params(params)
        with self._session(time_budget) as guarded:
            _check_select(guarded, statement, values)
            cursor = guarded.conn.execute(statement, values)
            try:
                return _fetch(cursor, max_rows)
            finally:
                cursor.close()

    @property
    def running(self) -> int:
        """How many queries hold a connection at this moment."""
        with self._free:
            return self._open - len(self._idle)

    def close(self) -> None:
        """Close the idle connections now and the busy ones as their queries end."""
        with self._free:
            self._closed = True
            idle, self._idle = self._idle, []
            self._free.notify_all()
        for guarded in idle:
            guarded.conn.close()
        self._watchdog.stop()

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
    def _session(self, time_budget: float) -> Iterator[_Guarded]:
        """A connection of its own for one query, watched until its deadline; errors reworded."""
        guarded = self._take()
        try:
            deadline = time.monotonic() + time_budget
            guarded.begin(deadline)
            token = self._watchdog.watch(deadline, guarded.interrupt)
            try:
                yield guarded
            except sqlite3.Error as error:
                raise _refusal(guarded, error, time_budget) from error
            finally:
                self._watchdog.release(token)
        finally:
            self._give_back(guarded)

    def _take(self) -> _Guarded:
        with self._free:
            while True:
                if self._closed:
                    raise DatabaseUnavailable("the statistics database is closed")
                if self._idle:
                    return self._idle.pop()
                if self._open < self._most:
                    self._open += 1
                    break
                self._free.wait()
        try:
            return _Guarded(self.path, self._readable)
        except BaseException:
            with self._free:
                self._open -= 1
                self._free.notify()
            raise

    def _give_back(self, guarded: _Guarded) -> None:
        with self._free:
            if not self._closed:
                self._idle.append(guarded)
                self._free.notify()
                return
        guarded.conn.close()


def _check_select(guarded: _Guarded, statement: str, values: dict[str, object]) -> None:
    """Compile without running (EXPLAIN): as written, then as a subquery.

    The first pass lets the authorizer and the parser speak about the text as the user wrote it.
    The second relies on SQLite's grammar, which accepts only a SELECT inside ``FROM (...)``:
    that refuses statements the authorizer never hears about, such as VACUUM.
    """
    guarded.conn.execute(f"EXPLAIN {statement}", values).close()
    try:
        guarded.conn.execute(f"EXPLAIN SELECT * FROM (\n{statement}\n)", values).close()
    except sqlite3.Error as error:
        if guarded.denial is None and not guarded.timed_out:
            raise QueryRefused(ONLY_SELECT) from error
        raise


def _refusal(guarded: _Guarded, error: sqlite3.Error, time_budget: float) -> QueryRefused:
    if guarded.timed_out:
        return QueryTimeout(f"the query took longer than {float(time_budget)} s")
    if guarded.denial is not None:
        return QueryRefused(guarded.denial)
    message = str(error)
    for pattern, kind, template in MESSAGES:
        found = pattern.search(message)
        if found:
            return kind(template.format(*found.groups(), message=message))
    return QueryRefused(f"the database could not run the query ({message})")


def _fetch(cursor: sqlite3.Cursor, max_rows: int) -> QueryResult:
    """Every row, one at a time so that a row of large values is refused as soon as it arrives."""
    columns = [description[0] for description in cursor.description]
    rows: list[tuple] = []
    size = 0
    for row in cursor:
        if len(rows) == max_rows:
            raise QueryRefused(
                f"the query returns more than {max_rows:,} rows; narrow it (WHERE, GROUP BY)"
            )
        size += sum(len(v) if isinstance(v, str | bytes) else 8 for v in row)
        if size > MAX_RESULT_BYTES:
            raise QueryRefused(
                f"the result is too large to show (over {MAX_RESULT_BYTES // 1_000_000} MB)"
            )
        rows.append(row)
    return QueryResult(columns, rows)
