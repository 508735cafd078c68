"""The state store's embedded backend: one SQLite file in WAL mode, one connection behind a lock.

Every change is one BEGIN IMMEDIATE … COMMIT, so a killed process loses nothing committed and
leaves nothing half-written. Changes are announced to this process's listeners only: two processes
on one file each read the other's commands, but neither hears of a change (README: "Running on
several machines" says to use PostgreSQL then).
"""

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.guilds.state_backend import Listener


class SqliteBackend:
    dialect = "sqlite"

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("pragma journal_mode = wal")
        self._conn.execute("pragma synchronous = full")
        self._conn.execute("pragma foreign_keys = on")
        self._listeners: list[Listener] = []
        self._announced: list[int] = []

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One BEGIN IMMEDIATE … COMMIT; any error rolls the whole change back. Listeners hear of
        the change once it is committed."""
        with self._lock:
            self._announced.clear()
            self._conn.execute("begin immediate")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("rollback")
                self._announced.clear()
                raise
            self._conn.execute("commit")
            announced, self._announced = self._announced, []
        for guild_id in dict.fromkeys(announced):
            for listener in self._listeners:
                listener(guild_id)

    def read(self, sql: str, params: tuple) -> list[tuple]:
        """Reads wait for any change in progress: the connection is shared, so without the lock a
        reader could see another thread's uncommitted rows."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def locked_version(self, conn: sqlite3.Connection) -> int:
        """The schema version, read inside a migration's transaction (BEGIN IMMEDIATE already
        keeps a second process out until it commits)."""
        return conn.execute("pragma user_version").fetchone()[0]

    def set_version(self, conn: sqlite3.Connection, version: int) -> None:
        conn.execute(f"pragma user_version = {int(version)}")

    def announce(self, conn: sqlite3.Connection, guild_id: int) -> None:
        self._announced.append(guild_id)

    def listen(self, listener: Listener, resync: Callable[[], None]) -> None:
        """Changes are made in this process only, each told as it commits: nothing to resync."""
        self._listeners.append(listener)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
