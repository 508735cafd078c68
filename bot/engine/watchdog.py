"""One thread that calls back at deadlines: it interrupts queries that outlive their time budget.

SQLite's progress handler only looks at the clock between steps of its virtual machine; a
watchdog on its own thread can stop a query at its deadline with ``Connection.interrupt`` whatever
the query is doing, without holding any lock the query needs.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable


class Watchdog:
    """Call ``on_due`` once its deadline passes, unless the watch was released first.

    ``release`` and the callbacks run under the same lock, so once ``release`` returns the
    callback has either run already or never will: a connection handed back to its pool can never
    be interrupted on behalf of the query that used it before.
    """

    def __init__(self, name: str = "immistats-watchdog") -> None:
        self._name = name
        self._wake = threading.Condition()
        self._due: dict[int, tuple[float, Callable[[], None]]] = {}
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def watch(self, deadline: float, on_due: Callable[[], None]) -> int:
        """Arrange for ``on_due()`` at ``deadline`` (time.monotonic); returns a token to release."""
        with self._wake:
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            token = next(self._tokens)
            self._due[token] = (deadline, on_due)
            self._wake.notify()
            return token

    def release(self, token: int) -> None:
        with self._wake:
            self._due.pop(token, None)

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._due.clear()
            self._wake.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        with self._wake:
            while not self._stopped:
                if not self._due:
                    self._wake.wait()
                    continue
                token, (deadline, on_due) = min(self._due.items(), key=lambda item: item[1][0])
                left = deadline - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                del self._due[token]
                on_due()
