"""Readings kept: the same question read against the same catalog always gives the same Reading
(reading runs no SQL and depends on neither the data nor the date), and reading is most of what
a repeated question costs. A server's catalog is a new object after every change, so its
readings are never served again; an entry whose catalog is gone is never served to another."""

import weakref
from collections.abc import Callable

from bot.engine.catalog import Catalog
from bot.engine.lru import Lru
from bot.engine.question import Reading

KEEP_READINGS = 8192  # over every catalog; the least recently asked go first (a few KB each)

Key = tuple[int, str]  # (id of the catalog, the question)


class ReadingCache:
    def __init__(self, keep: int = KEEP_READINGS):
        # the weak reference proves the entry's catalog is the one asking (ids are reused)
        self._kept: Lru[Key, tuple[weakref.ref[Catalog], Reading]] = Lru(keep)

    def reading(self, question: str, catalog: Catalog, read: Callable[[], Reading]) -> Reading:
        """The kept reading of `question` against `catalog`, read with `read` the first time."""
        key = (id(catalog), question)
        kept = self._kept.get(key)
        if kept is not None and kept[0]() is catalog:
            return kept[1]
        reading = read()  # outside any lock: other questions are read meanwhile
        self._kept.put(key, (weakref.ref(catalog), reading))
        return reading
