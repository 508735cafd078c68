"""Retrying a follow-up or an edit when Discord or the network fails for a moment.

discord.py retries a 5xx a few times and a 429 only when Discord itself sent it (a `Via` header);
a 429 from a proxy, a dropped connection or a 5xx that outlasts those retries reaches us as an
exception. A member must not get "something went wrong" for that: the same request is sent again
after a growing pause. Only follow-ups and edits come here: an interaction's first response may not
be sent twice (Discord refuses a second acknowledgement).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
import discord

log = logging.getLogger("immistats.discord")
T = TypeVar("T")

PAUSES = (0.5, 1.0, 2.0, 4.0)  # seconds before each new try: five tries in about 8 s
LONGEST_PAUSE = 10.0  # a Retry-After beyond this is not waited for


def passing(error: BaseException) -> bool:
    """A failure worth another try: rate limited, Discord's server side, or the connection."""
    if isinstance(error, discord.HTTPException):
        return error.status == 429 or error.status >= 500
    return isinstance(error, aiohttp.ClientConnectionError | asyncio.TimeoutError | ConnectionError)


def _asked_pause(error: BaseException) -> float:
    """The pause a 429 asked for (Retry-After header), 0 when it asked none."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None) or {}
    try:
        return min(float(headers.get("Retry-After", 0)), LONGEST_PAUSE)
    except (TypeError, ValueError):
        return 0.0


async def retried(request: Callable[[], Awaitable[T]], what: str) -> T:
    """`request()`, tried again after each passing failure; the last failure is raised."""
    for pause in PAUSES:
        try:
            return await request()
        except Exception as error:
            if not passing(error):
                raise
            wait = max(pause, _asked_pause(error))
            log.warning("%s failed (%r); trying again in %.1f s", what, error, wait)
            await asyncio.sleep(wait)
    return await request()
