"""Readings kept: the same question read against the same catalog always gives the same Reading
(reading runs no SQL and depends on neither the data nor the date), and reading is most of what
a repeated question costs. A server's catalog is a new object after every change, so its
readings are never served again; an entry whose catalog is gone is never served to another."""

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable

from bot.engine.catalog import Catalog
from bot.engine.question import Reading

KEEP_READINGS = 8192  # over every catalog; the least recently asked go first (a few KB each)

Key = tuple[int, str]  # (id of the catalog, the question)


class ReadingCache:
    def __init__(self, keep: int = KEEP_READINGS):
        self.keep = keep
        self._lock = threading.Lock()
        # the weak reference proves the entry's catalog is the one asking (ids are reused)
        self._kept: OrderedDict[Key, tuple[weakref.ref[Catalog], Reading]] = OrderedDict()

    def reading(self, question: str, catalog: Catalog, read: Callable[[], Reading]) -> Reading:
        """The kept reading of `question` against `catalog`, read with `read` the first time."""
        key = (id(catalog), question)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0]() is catalog:
                self._kept.move_to_end(key)
                return kept[1]
        reading = read()  # outside the lock: other questions are read meanwhile
        with self._lock:
            self._kept[key] = (weakref.ref(catalog), reading)
            self._kept.move_to_end(key)
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
        return reading
