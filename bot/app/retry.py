"""Retrying a follow-up or an edit when Discord or the network fails for a moment.

discord.py retries a 5xx five times (over about 25 s) and a 429 only when Discord itself sent it
(a `Via` header); a 429 from a proxy or a dropped connection reaches us as an exception at once. A member must not get "something went wrong" for that: the same request is sent again
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
    """A failure on Discord's side or the network's, not in the message: rate limited, a 5xx,
    a dropped connection."""
    if isinstance(error, discord.HTTPException):
        return error.status == 429 or error.status >= 500
    return isinstance(error, aiohttp.ClientConnectionError | asyncio.TimeoutError | ConnectionError)


def worth_another_try(error: BaseException) -> bool:
    """Passing, and not already tried again by discord.py: it raises a 5xx only after five tries
    over about 25 s, and trying that again would keep a member waiting minutes."""
    return passing(error) and not isinstance(error, discord.DiscordServerError)


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
            if not worth_another_try(error):
                raise
            wait = max(pause, _asked_pause(error))
            log.warning("%s failed (%r); trying again in %.1f s", what, error, wait)
            await asyncio.sleep(wait)
    return await request()
