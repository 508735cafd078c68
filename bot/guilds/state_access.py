"""What every part of the state store shares: the database, the clock and how long members'
notes are kept; a change is one transaction that every listener hears of once committed."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bot.guilds.state_backend import Backend, Connection

DAY = 24 * 60 * 60.0


class StateAccess:
    """The plumbing the store's parts (commands, members' notes) are written against."""

    _backend: Backend
    clock: Callable[[], float]
    keep_days: int

    @contextmanager
    def _change(self, guild_id: int) -> Iterator[Connection]:
        """One transaction that every listener, in every process, hears of once committed."""
        with self._backend.transaction() as conn:
            yield conn
            self._backend.announce(conn, guild_id)

    def _read(self, sql: str, params: tuple) -> list[tuple]:
        return self._backend.read(sql, params)

    def _expired_before(self) -> float:
        return self.clock() - self.keep_days * DAY
