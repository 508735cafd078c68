"""The bot's own writable state: guild commands, their audit log, questions nothing answered, and
members' reports of answers that look wrong.

Separate from the statistics database, which stays read-only. An embedded SQLite file by default
(bot.guilds.sqlite_state), or PostgreSQL when several bot processes share one state
(IMMISTATS_STATE_URL, bot.guilds.postgres_state). Every change is one transaction and the schema
has versioned migrations: killing the bot mid-change loses nothing committed and leaves nothing
half-written, and a restart finds everything. Members' questions are kept for a set number of days
(README: Privacy), and a server's moderators can remove everything of their server at once.
"""

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.guilds.migrations import MIGRATIONS, statements
from bot.guilds.records import (
    MAX_QUESTION_KEPT,
    MAX_REASON,
    AuditEntry,
    Forgotten,
    GuildCommand,
    Report,
    StateError,
    Wanted,
    question_key,
)
from bot.guilds.state_backend import Backend, Connection, Listener
from bot.settings import SettingsError, keep_questions_days

# The records are named here too: the rest of the bot imports them with the store.
__all__ = [
    "AuditEntry",
    "Forgotten",
    "GuildCommand",
    "Report",
    "StateError",
    "StateStore",
    "Wanted",
    "question_key",
]
DAY = 24 * 60 * 60.0


def open_backend(location: Path | str) -> Backend:
    """A postgresql:// URL opens PostgreSQL (psycopg is needed only then); a path, SQLite."""
    if isinstance(location, str) and location.startswith(("postgresql://", "postgres://")):
        try:
            from bot.guilds.postgres_state import PostgresBackend
        except ImportError:
            raise SettingsError(
                "IMMISTATS_STATE_URL needs psycopg: pip install 'immistats[postgres]'"
            ) from None
        return PostgresBackend(location)
    from bot.guilds.sqlite_state import SqliteBackend

    return SqliteBackend(Path(location))


class StateStore:
    """One interface whichever database holds the state; `on_change` hears of every committed
    change, including those other processes make on a shared PostgreSQL."""

    def __init__(
        self,
        location: Path | str,
        *,
        keep_days: int | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.path = location
        self.keep_days = keep_questions_days() if keep_days is None else keep_days
        self.clock = clock
        self._backend = open_backend(location)
        self._listeners: list[Listener] = []
        self.migrate()
        self.forget_expired()
        self._backend.listen(self._tell, self._tell_everyone)

    def on_change(self, listener: Listener) -> None:
        """`listener(guild_id)` runs after every committed change to that guild's state (in
        whatever thread heard of it)."""
        self._listeners.append(listener)

    def _tell(self, guild_id: int) -> None:
        for listener in self._listeners:
            listener(guild_id)

    def _tell_everyone(self) -> None:
        rows = self._read(
            "select guild_id from guild_commands union select guild_id from audit_log", ()
        )
        for (guild_id,) in rows:
            self._tell(guild_id)

    @contextmanager
    def _change(self, guild_id: int) -> Iterator[Connection]:
        """One transaction that every listener, in every process, hears of once committed."""
        with self._backend.transaction() as conn:
            yield conn
            self._backend.announce(conn, guild_id)

    def _read(self, sql: str, params: tuple) -> list[tuple]:
        return self._backend.read(sql, params)

    def schema_version(self) -> int:
        with self._backend.transaction() as conn:
            return self._backend.locked_version(conn)

    def migrate(self) -> None:
        """Apply the migrations this database has not seen yet, each in its own transaction,
        the version checked inside it: two processes starting together migrate once."""
        for version, step in enumerate(MIGRATIONS, start=1):
            with self._backend.transaction() as conn:
                if self._backend.locked_version(conn) >= version:
                    continue
                if callable(step):
                    step(conn)
                else:
                    for statement in statements(step, self._backend.dialect):
                        conn.execute(statement)
                self._backend.set_version(conn, version)

    def close(self) -> None:
        self._backend.close()

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
        now = self.clock()
        with self._change(guild_id) as conn:
            if self._exists(conn, guild_id, name):
                raise StateError(f"this server already has a command named '{name}'")
            conn.execute(
                "insert into guild_commands values (?, ?, ?, ?, ?, ?, ?)",
                (guild_id, name, toml, user_id, now, user_id, now),
            )
            self._audit(conn, guild_id, user_id, "add", name, None, toml, now)

    def edit(self, guild_id: int, name: str, toml: str, user_id: int) -> None:
        now = self.clock()
        with self._change(guild_id) as conn:
            before = self._toml(conn, guild_id, name)
            conn.execute(
                "update guild_commands set toml = ?, updated_by = ?, updated_at = ? "
                "where guild_id = ? and name = ?",
                (toml, user_id, now, guild_id, name),
            )
            self._audit(conn, guild_id, user_id, "edit", name, before, toml, now)

    def remove(self, guild_id: int, name: str, user_id: int) -> None:
        now = self.clock()
        with self._change(guild_id) as conn:
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
    def _exists(conn: Connection, guild_id: int, name: str) -> bool:
        return bool(
            conn.execute(
                "select 1 from guild_commands where guild_id = ? and name = ?", (guild_id, name)
            ).fetchone()
        )

    @staticmethod
    def _toml(conn: Connection, guild_id: int, name: str) -> str:
        row = conn.execute(
            "select toml from guild_commands where guild_id = ? and name = ?", (guild_id, name)
        ).fetchone()
        if row is None:
            raise StateError(f"this server has no command named '{name}'")
        return row[0]

    @staticmethod
    def _audit(
        conn: Connection,
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

    # --- questions nothing answered: no member's id, kept `keep_days` after last asked

    def _expired_before(self) -> float:
        return self.clock() - self.keep_days * DAY

    def record_unanswered(self, guild_id: int, question: str) -> None:
        key = question_key(question)
        if not key:
            return
        now = self.clock()
        with self._backend.transaction() as conn:
            self._forget_expired(conn)
            conn.execute(
                "insert into wanted_questions values (?, ?, ?, 1, ?, ?) "
                "on conflict (guild_id, question_key) do update set "
                "times = wanted_questions.times + 1, last_at = excluded.last_at, "
                "question = excluded.question",
                (guild_id, key, question.strip()[:MAX_QUESTION_KEPT], now, now),
            )

    def wanted(self, guild_id: int, limit: int = 20) -> list[Wanted]:
        rows = self._read(
            "select question, times, last_at from wanted_questions "
            "where guild_id = ? and last_at >= ? order by times desc, last_at desc limit ?",
            (guild_id, self._expired_before(), limit),
        )
        return [Wanted(*row) for row in rows]

    def forget_expired(self) -> None:
        """Remove the questions and reports older than `keep_days`: done at every start and with
        every new question or report; reads never show an expired one meanwhile."""
        with self._backend.transaction() as conn:
            self._forget_expired(conn)

    def _forget_expired(self, conn: Connection) -> None:
        before = self._expired_before()
        conn.execute("delete from wanted_questions where last_at < ?", (before,))
        conn.execute("delete from reports where at < ?", (before,))

    # --- reports of answers that look wrong: no member's id, kept `keep_days`

    def add_report(
        self,
        guild_id: int | None,
        *,
        command: str,
        params: dict[str, object],
        data_version: str,
        question: str,
        reason: str,
    ) -> int:
        """Store a report; its number, for the member's thanks and the maintainers' list."""
        with self._backend.transaction() as conn:
            self._forget_expired(conn)
            row = conn.execute(
                "insert into reports (guild_id, command, params, data_version, question, "
                "reason, at) values (?, ?, ?, ?, ?, ?, ?) returning id",
                (
                    guild_id,
                    command,
                    json.dumps(params, sort_keys=True, default=str),
                    data_version,
                    question.strip()[:MAX_QUESTION_KEPT],
                    reason.strip()[:MAX_REASON],
                    self.clock(),
                ),
            ).fetchone()
        return row[0]

    def reports(self, guild_id: int | None = None, limit: int = 20) -> list[Report]:
        """The newest reports first: one server's, or every server's (guild_id None)."""
        where = "at >= ?" if guild_id is None else "at >= ? and guild_id = ?"
        params: tuple = (self._expired_before(),)
        if guild_id is not None:
            params += (guild_id,)
        rows = self._read(
            "select id, guild_id, command, params, data_version, question, reason, at "
            f"from reports where {where} order by id desc limit ?",
            (*params, limit),
        )
        return [Report(r[0], r[1], r[2], json.loads(r[3]), *r[4:]) for r in rows]

    # --- a server's moderators take all of it away

    def forget_guild(self, guild_id: int) -> Forgotten:
        """Every command, audit entry, unanswered question and report of the server, in one
        transaction; every process's catalog of it is dropped."""
        tables = ("guild_commands", "audit_log", "wanted_questions", "reports")
        with self._change(guild_id) as conn:
            counts = [
                len(
                    conn.execute(
                        f"delete from {table} where guild_id = ? returning 1", (guild_id,)
                    ).fetchall()
                )
                for table in tables
            ]
        return Forgotten(*counts)
