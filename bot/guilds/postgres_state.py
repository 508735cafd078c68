"""The state store on PostgreSQL (IMMISTATS_STATE_URL): several bot processes share one state.

Changes run in transactions on one connection per process, behind a lock as with SQLite. Each
change sends `NOTIFY immistats_state, '<guild id>'` inside its transaction, so PostgreSQL delivers it
only once committed; every process LISTENs on a second connection, in a thread, and tells its
listeners (the guild catalogs) at once: a command added through shard 0 answers on shard 1 without
a restart. When the listening connection drops, the thread reconnects and calls `resync`, since a
notification may have been missed meanwhile.
"""

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import psycopg

from bot.guilds.state_backend import Listener
from bot.settings import SettingsError

log = logging.getLogger("immistats.guilds")

CHANNEL = "immistats_state"
MIGRATION_LOCK = 4_636_872  # the advisory lock held while migrating: one process at a time
CONNECT_TIMEOUT = 10  # seconds
POLL = 0.5  # seconds between checks of the stop flag while listening
MAX_RETRY = 30.0  # seconds between attempts to listen again


def native(sql: str) -> str:
    """SQLite's `?` placeholders in psycopg's spelling (a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _Translated:
    """A psycopg connection that takes the store's SQL as written."""

    def __init__(self, conn: psycopg.Connection):
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> psycopg.Cursor:
        return self._conn.execute(native(sql), tuple(params))


class PostgresBackend:
    dialect = "postgresql"

    def __init__(self, url: str):
        self.url = url
        self._lock = threading.Lock()
        try:
            self._conn = self._connect()
        except psycopg.OperationalError as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise SettingsError(
                f"cannot reach the state store at IMMISTATS_STATE_URL: {reason}"
            ) from None
        self._listeners: list[Listener] = []
        self._resync: list[Callable[[], None]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)

    def _connection(self) -> psycopg.Connection:
        """The shared connection, opened again if the server dropped it (called under the lock)."""
        if self._conn.closed or self._conn.broken:
            self._conn = self._connect()
        return self._conn

    def _again(self, conn: psycopg.Connection, exc: psycopg.OperationalError) -> None:
        """After a failure before anything was written: retry once on a new connection if the
        server dropped this one (a restart, an idle timeout), else let the error through."""
        if not conn.broken:
            raise exc
        log.warning("state store: the connection was lost (%s); connecting again", exc)

    @contextmanager
    def transaction(self) -> Iterator[_Translated]:
        with self._lock, ExitStack() as stack:
            conn = self._connection()
            try:
                stack.enter_context(conn.transaction())  # BEGIN: nothing written yet
            except psycopg.OperationalError as exc:
                self._again(conn, exc)
                conn = self._connection()
                stack.enter_context(conn.transaction())
            yield _Translated(conn)

    def read(self, sql: str, params: tuple) -> list[tuple]:
        with self._lock:
            conn = self._connection()
            try:
                return conn.execute(native(sql), params).fetchall()
            except psycopg.OperationalError as exc:
                self._again(conn, exc)
                return self._connection().execute(native(sql), params).fetchall()

    def locked_version(self, conn: _Translated) -> int:
        conn.execute("select pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
        conn.execute("create table if not exists state_schema (version integer not null)")
        row = conn.execute("select max(version) from state_schema").fetchone()
        return row[0] or 0

    def set_version(self, conn: _Translated, version: int) -> None:
        conn.execute("delete from state_schema")
        conn.execute("insert into state_schema (version) values (?)", (version,))

    def announce(self, conn: _Translated, guild_id: int) -> None:
        conn.execute("select pg_notify(?, ?)", (CHANNEL, str(guild_id)))

    def listen(self, listener: Listener, resync: Callable[[], None]) -> None:
        """Listening starts before this returns: no change committed afterwards goes unheard."""
        self._listeners.append(listener)
        self._resync.append(resync)
        if self._thread is None:
            conn = self._listening()
            self._thread = threading.Thread(
                target=self._hear, args=(conn,), name="immistats-state-listen", daemon=True
            )
            self._thread.start()

    def _listening(self) -> psycopg.Connection:
        conn = self._connect()
        conn.execute(f"listen {CHANNEL}")
        return conn

    def _hear(self, conn: psycopg.Connection | None) -> None:
        while conn is not None and not self._stop.is_set():
            try:
                for note in conn.notifies(timeout=POLL):
                    self._tell(int(note.payload))
            except psycopg.Error as exc:
                if self._stop.is_set():
                    break
                log.warning("state store: stopped hearing of changes (%s); listening again", exc)
                conn.close()
                conn = self._listen_again()
        if conn is not None:
            conn.close()

    def _listen_again(self) -> psycopg.Connection | None:
        delay = POLL
        while not self._stop.wait(delay):
            try:
                conn = self._listening()
            except psycopg.Error as exc:
                log.warning("state store: cannot listen yet: %s", exc)
                delay = min(delay * 2, MAX_RETRY)
                continue
            for resync in self._resync:
                resync()
            return conn
        return None

    def _tell(self, guild_id: int) -> None:
        for listener in self._listeners:
            try:
                listener(guild_id)
            except Exception:
                log.exception("state store: a listener failed on guild %d", guild_id)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            self._conn.close()
