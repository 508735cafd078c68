"""A bounded, thread-safe map that drops the least recently used entry first: the engine's kept
series and readings, and the charts drawn in this process."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    def __init__(self, keep: int):
        self.keep = max(1, keep)
        self._lock = threading.Lock()
        self._kept: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, key: object) -> bool:
        return key in self._kept

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._kept[key] = value
            self._keep_bound(key)

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The kept value, or `make()`'s, made outside the lock so that slow work never holds
        up the others; when two threads make it at once, the first kept is the one returned."""
        if (found := self.get(key)) is not None:
            return found
        made = make()
        with self._lock:
            kept = self._kept.setdefault(key, made)
            self._keep_bound(key)
            return kept

    def _keep_bound(self, key: K) -> None:
        self._kept.move_to_end(key)
        while len(self._kept) > self.keep:
            self._kept.popitem(last=False)
