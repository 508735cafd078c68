"""The bot's own writable state: guild commands, their audit log, questions nothing answered, and
members' reports of answers that look wrong.

Separate from the statistics database, which stays read-only. An embedded SQLite file by default
(bot.guilds.sqlite_state), or PostgreSQL when several bot processes share one state
(IMMISTATS_STATE_URL, bot.guilds.postgres_state). Every change is one transaction and the schema
has versioned migrations: killing the bot mid-change loses nothing committed and leaves nothing
half-written, and a restart finds everything. Members' questions are kept for a set number of days
(README: Privacy), and a server's moderators can remove everything of their server at once.
"""

import time
from collections.abc import Callable
from pathlib import Path

from bot.guilds.migrations import MIGRATIONS, statements
from bot.guilds.records import (
    AuditEntry,
    Forgotten,
    GuildCommand,
    Report,
    StateError,
    Wanted,
    question_key,
)
from bot.guilds.state_access import DAY
from bot.guilds.state_backend import Backend, Listener
from bot.guilds.state_commands import CommandsState
from bot.guilds.state_notes import NotesState
from bot.settings import SettingsError, keep_questions_days

# The records are named here too: the rest of the bot imports them with the store.
__all__ = [
    "DAY",
    "AuditEntry",
    "Forgotten",
    "GuildCommand",
    "Report",
    "StateError",
    "StateStore",
    "Wanted",
    "question_key",
]


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


class StateStore(CommandsState, NotesState):
    """One interface whichever database holds the state; `on_change` hears of every committed
    change, including those other processes make on a shared PostgreSQL. Servers' commands and
    their audit log are in CommandsState, members' questions and reports in NotesState."""

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
