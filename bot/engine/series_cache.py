"""A command's series, kept once read: the statistics database is read-only and an Engine lives
for one data version, so the same prepared query with the same bound values always returns the
same rows. Two hundred servers asking the same command then cost one query, not two hundred
(each with its sandbox checks). Bounded, least recently used first out; safe across threads."""

import threading
from collections import OrderedDict
from collections.abc import Callable

from bot.engine.selection import Row

KEEP_SERIES = 4096  # a few hundred rows each at most: tens of MiB in the worst case

Key = tuple[str, str, tuple[tuple[str, str], ...]]


class SeriesCache:
    def __init__(self, keep: int = KEEP_SERIES):
        self.keep = keep
        self._lock = threading.Lock()
        self._kept: OrderedDict[Key, tuple[Row, ...]] = OrderedDict()

    def rows(
        self, sql: str, series: str, bound: dict[str, str], read: Callable[[], list[Row]]
    ) -> list[Row]:
        """The rows for (sql, series, bound), read with `read` the first time only."""
        key = (sql, series, tuple(sorted(bound.items())))
        with self._lock:
            if (kept := self._kept.get(key)) is not None:
                self._kept.move_to_end(key)
                return list(kept)
        rows = tuple(read())  # outside the lock: a slow query never holds up the others
        with self._lock:
            self._kept[key] = rows
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
        return list(rows)
