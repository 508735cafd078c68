"""What the state store needs of a database: the contract SQLite and PostgreSQL both keep.

SQL is written once, in SQLite's spelling with `?` placeholders; a backend runs it as its server
needs (bot.guilds.postgres_state turns `?` into `%s`). Migrations differ where the dialects do:
bot.guilds.migrations says how.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

Listener = Callable[[int], None]  # told a guild id whenever that guild's state changed


class Rows(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The connection a change or a migration step gets, inside its transaction."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Rows: ...


class Backend(Protocol):
    dialect: str  # "sqlite" or "postgresql": which spelling of a migration to run

    def transaction(self) -> AbstractContextManager[Connection]:
        """All of a change or none of it; the change is visible to others once it ends."""
        ...

    def read(self, sql: str, params: tuple) -> list[tuple]: ...

    def locked_version(self, conn: Connection) -> int:
        """The schema version, read inside a transaction that keeps other processes from
        migrating at the same time."""
        ...

    def set_version(self, conn: Connection, version: int) -> None: ...

    def announce(self, conn: Connection, guild_id: int) -> None:
        """Inside a change: once it commits, every listener hears of `guild_id`."""
        ...

    def listen(self, listener: Listener, resync: Callable[[], None]) -> None:
        """`listener` hears of every committed change; `resync` is called when changes may have
        gone unheard (a dropped connection), so that everything cached is read again."""
        ...

    def close(self) -> None: ...
