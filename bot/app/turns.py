"""Short turns of the event loop when many interactions resume at once.

Each interaction's steps on the loop are short (a reply built and handed to the socket: about a
millisecond), but a burst makes them ready together, and the loop runs everything ready in one
turn: 200 answers coming back from the answering threads at once held it for 150 ms, and every
other interaction's acknowledgement, heartbeat and timer waited that long. So a step that may come
in a crowd first takes a turn here: steps go on at once while this turn of the loop has spent less
than BUDGET on them, and the rest wait, first come first served, for the next turns, as many per
turn as the budget allows at the cost measured so far.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from collections.abc import Callable

BUDGET = 0.008  # seconds of interaction steps per turn of the event loop
FIRST_ESTIMATE = 0.001  # seconds a step costs, until one turn has measured it


class Turns:
    """One event loop's share of work per turn, handed out in order of asking."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        budget: float = BUDGET,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.loop = loop
        self.budget = budget
        self.clock = clock
        self.step_cost = FIRST_ESTIMATE
        self._opened: float | None = None  # when this turn's first step went on
        self._steps = 0  # steps gone on in this turn
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def take(self) -> None:
        """Return at once when this turn has budget left and nobody waits; otherwise wait for
        a later turn."""
        if not self._waiting:
            now = self.clock()
            if self._opened is None:
                self._opened, self._steps = now, 0
                self.loop.call_soon(self._next_turn)
            spent = now - self._opened
            if spent < self.budget:
                self._steps += 1
                return
            self.step_cost = spent / self._steps
        waiter: asyncio.Future[None] = self.loop.create_future()
        self._waiting.append(waiter)
        await waiter

    def _next_turn(self) -> None:
        """Runs in the turn after steps went on: lets the next waiters go (they run in the turn
        after this one), as many as the budget holds at the measured cost."""
        self._opened = None
        share = max(1, int(self.budget / self.step_cost))
        while self._waiting and share:
            waiter = self._waiting.popleft()
            if not waiter.done():  # a waiter cancelled meanwhile is skipped
                waiter.set_result(None)
                share -= 1
        if self._waiting:
            self.loop.call_soon(self._next_turn)


_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Turns] = weakref.WeakKeyDictionary()


async def take_turn() -> None:
    """Wait for a share of the running event loop (tests run several loops, one after another)."""
    loop = asyncio.get_running_loop()
    turns = _turns.get(loop)
    if turns is None:
        turns = _turns[loop] = Turns(loop)
    await turns.take()
