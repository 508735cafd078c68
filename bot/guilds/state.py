"""The bot's own writable SQLite: guild commands, their audit log, and questions nothing answered.

Separate from the statistics database, which stays read-only. WAL mode, every change in one
transaction, and versioned migrations: killing the bot mid-change loses nothing committed and leaves
nothing half-written, and a restart finds everything.
"""

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.guilds.migrations import MIGRATIONS

MAX_QUESTION_KEPT = 300  # characters of an unanswered question kept for /commands wanted


class StateError(Exception):
    """A change that cannot be made (unknown command, name taken); the message is for moderators."""


@dataclass(frozen=True)
class GuildCommand:
    guild_id: int
    name: str
    toml: str
    updated_by: int
    updated_at: float


@dataclass(frozen=True)
class AuditEntry:
    id: int
    guild_id: int
    user_id: int
    action: str  # add, edit, remove; or upgrade, the bot's own rewrite for a new schema
    name: str
    before_toml: str | None
    after_toml: str | None
    at: float


@dataclass(frozen=True)
class Wanted:
    question: str
    times: int
    last_at: float


def question_key(question: str) -> str:
    """Questions that differ only in case, spacing or punctuation count as one."""
    kept = "".join(ch.lower() if ch.isalnum() else " " for ch in question)
    return " ".join(kept.split())[:MAX_QUESTION_KEPT]


class StateStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("pragma journal_mode = wal")
        self._conn.execute("pragma synchronous = full")
        self._conn.execute("pragma foreign_keys = on")
        self.migrate()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One BEGIN IMMEDIATE … COMMIT; any error rolls the whole change back."""
        with self._lock:
            self._conn.execute("begin immediate")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("rollback")
                raise
            self._conn.execute("commit")

    def _read(self, sql: str, params: tuple) -> list[tuple]:
        """Reads wait for any change in progress: one connection is shared, so without the lock a
        reader could see another thread's uncommitted rows."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def schema_version(self) -> int:
        return self._conn.execute("pragma user_version").fetchone()[0]

    def migrate(self) -> None:
        """Apply the migrations this file has not seen yet, each in its own transaction."""
        for version, step in enumerate(MIGRATIONS, start=1):
            if self.schema_version() >= version:
                continue
            with self._transaction() as conn:
                if callable(step):
                    step(conn)
                else:
                    for statement in step.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                conn.execute(f"pragma user_version = {version}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- guild commands ----------------------------------------------------------------------

    def commands(self, guild_id: int) -> list[GuildCommand]:
        rows = self._read(
            "select guild_id, name, toml, updated_by, updated_at from guild_commands "
            "where guild_id = ? order by name",
            (guild_id,),
        )
        return [GuildCommand(*row) for row in rows]

    def command(self, guild_id: int, name: str) -> GuildCommand | None:
        rows = self._read(
            "select guild_id, name, toml, updated_by, updated_at from guild_commands "
            "where guild_id = ? and name = ?",
            (guild_id, name),
        )
        return GuildCommand(*rows[0]) if rows else None

    def add(self, guild_id: int, name: str, toml: str, user_id: int) -> None:
        now = time.time()
        with self._transaction() as conn:
            if self._exists(conn, guild_id, name):
                raise StateError(f"this server already has a command named '{name}'")
            conn.execute(
                "insert into guild_commands values (?, ?, ?, ?, ?, ?, ?)",
                (guild_id, name, toml, user_id, now, user_id, now),
            )
            self._audit(conn, guild_id, user_id, "add", name, None, toml, now)

    def edit(self, guild_id: int, name: str, toml: str, user_id: int) -> None:
        now = time.time()
        with self._transaction() as conn:
            before = self._toml(conn, guild_id, name)
            conn.execute(
                "update guild_commands set toml = ?, updated_by = ?, updated_at = ? "
                "where guild_id = ? and name = ?",
                (toml, user_id, now, guild_id, name),
            )
            self._audit(conn, guild_id, user_id, "edit", name, before, toml, now)

    def remove(self, guild_id: int, name: str, user_id: int) -> None:
        now = time.time()
        with self._transaction() as conn:
            before = self._toml(conn, guild_id, name)
            conn.execute(
                "delete from guild_commands where guild_id = ? and name = ?", (guild_id, name)
            )
            self._audit(conn, guild_id, user_id, "remove", name, before, None, now)

    def history(self, guild_id: int, limit: int = 20) -> list[AuditEntry]:
        rows = self._read(
            "select id, guild_id, user_id, action, name, before_toml, after_toml, at "
            "from audit_log where guild_id = ? order by id desc limit ?",
            (guild_id, limit),
        )
        return [AuditEntry(*row) for row in rows]

    @staticmethod
    def _exists(conn: sqlite3.Connection, guild_id: int, name: str) -> bool:
        return bool(
            conn.execute(
                "select 1 from guild_commands where guild_id = ? and name = ?", (guild_id, name)
            ).fetchone()
        )

    @staticmethod
    def _toml(conn: sqlite3.Connection, guild_id: int, name: str) -> str:
        row = conn.execute(
            "select toml from guild_commands where guild_id = ? and name = ?", (guild_id, name)
        ).fetchone()
        if row is None:
            raise StateError(f"this server has no command named '{name}'")
        return row[0]

    @staticmethod
    def _audit(
        conn: sqlite3.Connection,
        guild_id: int,
        user_id: int,
        action: str,
        name: str,
        before: str | None,
        after: str | None,
        at: float,
    ) -> None:
        conn.execute(
            "insert into audit_log (guild_id, user_id, action, name, before_toml, after_toml, at) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            (guild_id, user_id, action, name, before, after, at),
        )

    # --- questions nothing answered ----------------------------------------------------------

    def record_unanswered(self, guild_id: int, question: str) -> None:
        key = question_key(question)
        if not key:
            return
        now = time.time()
        with self._transaction() as conn:
            conn.execute(
                "insert into wanted_questions values (?, ?, ?, 1, ?, ?) "
                "on conflict (guild_id, question_key) do update set "
                "times = times + 1, last_at = excluded.last_at, question = excluded.question",
                (guild_id, key, question.strip()[:MAX_QUESTION_KEPT], now, now),
            )

    def wanted(self, guild_id: int, limit: int = 20) -> list[Wanted]:
        rows = self._read(
            "select question, times, last_at from wanted_questions where guild_id = ? "
            "order by times desc, last_at desc limit ?",
            (guild_id, limit),
        )
        return [Wanted(*row) for row in rows]
