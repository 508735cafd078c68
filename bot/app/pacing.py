"""When to say "thinking…": Discord loses an interaction not acknowledged within 3 seconds of
its creation, so acknowledgements come before work.

Alone, an interaction may wait a little for its answer and get it as the first response (no
"thinking…" flash): at most the bot's `defer_after`, and never past ACK_WITHIN seconds of its age.
In a burst (another interaction already waiting for its work) it defers at once, and no new work
starts while deferrals are in flight: a worker thread holds Python's interpreter lock for
milliseconds at a time, and a few of them would slow the event loop that sends the others'
acknowledgements past the deadline.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable

import discord

from bot.app.context import Interaction

ACK_WITHIN = 1.5  # seconds of an interaction's age by which a reply or a deferral is on its way


class Pace:
    """One event loop's interactions: how many wait for work, how many deferrals are in flight."""

    def __init__(self) -> None:
        self.waiting = 0
        self.deferring = 0
        self.no_deferrals = asyncio.Event()
        self.no_deferrals.set()

    @property
    def burst(self) -> bool:
        return self.waiting > 0

    async def deferral(self, defer: Callable[[], Awaitable[None]]) -> None:
        """Send a deferral, counted as in flight until Discord has it."""
        self.deferring += 1
        self.no_deferrals.clear()
        try:
            await defer()
        finally:
            self.deferring -= 1
            if not self.deferring:
                self.no_deferrals.set()


_paces: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Pace] = weakref.WeakKeyDictionary()


def pace() -> Pace:
    """The running event loop's Pace (tests run several loops, one after another)."""
    loop = asyncio.get_running_loop()
    if loop not in _paces:
        _paces[loop] = Pace()
    return _paces[loop]


def patience(interaction: Interaction) -> float:
    """Seconds work may run before the bot must defer, for an interaction alone."""
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    return max(0.0, min(interaction.client.defer_after, ACK_WITHIN - max(age, 0.0)))
