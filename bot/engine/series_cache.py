"""A command's series, kept once read: the statistics database is read-only and an Engine lives
for one data version, so the same prepared query with the same bound values always returns the
same rows. Two hundred servers asking the same command then cost one query, not two hundred
(each with its sandbox checks). Bounded, least recently used first out; safe across threads."""

from collections.abc import Callable

from bot.engine.lru import Lru
from bot.engine.selection import Row

KEEP_SERIES = 4096  # a few hundred rows each at most: tens of MiB in the worst case

Key = tuple[str, str, tuple[tuple[str, str], ...]]


class SeriesCache:
    def __init__(self, keep: int = KEEP_SERIES):
        self._kept: Lru[Key, tuple[Row, ...]] = Lru(keep)

    def rows(
        self, sql: str, series: str, bound: dict[str, str], read: Callable[[], list[Row]]
    ) -> list[Row]:
        """The rows for (sql, series, bound), read with `read` the first time only; the list is
        the caller's own, the kept rows are not."""
        key = (sql, series, tuple(sorted(bound.items())))
        return list(self._kept.get_or_make(key, lambda: tuple(read())))
