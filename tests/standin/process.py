"""The Discord stand-in (tests/standin/) served from a process of its own, for load runs.

Discord's servers are not in the bot's process. Served from a thread of the bot's process, the
stand-in parsed every upload and stored every message under the bot's interpreter lock: the bot's
socket writes then waited for that lock, and the bench measured the stand-in's work as the bot's
event-loop lag. Here the stand-in runs in a child process; the bench talks to it over a pipe
between rounds (registering a round's interactions before it starts, reading what the bot did
after it ends), never during one.

What stays on the bot's side is what the gateway does there: each payload arrives as JSON text
and is decoded and handed to ``ConnectionState.parse_interaction_create``.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import discord

from tests.standin import StandIn
from tests.standin.delivery import tasks_made_by


@dataclass(frozen=True)
class Outcome:
    """What one interaction came to, as the bench reports it."""

    acknowledged_at: float | None  # time.monotonic() (system-wide) of the callback's arrival
    answered: bool  # the user sees a final message with an embed, not "thinking…"


def _outcome(standin: StandIn, token: str) -> Outcome:
    reply = standin.reply(token)
    final = reply.final
    at = reply.callback.at if reply.callback is not None else None
    return Outcome(at or None, bool(final and final.embeds and not final.loading))


def _serve(conn: Connection, deadline: float) -> None:
    """The child: a stand-in on this process's loop, answering the bench's pipe between rounds."""
    loop = asyncio.new_event_loop()
    standin = StandIn(callback_deadline=deadline)
    loop.run_until_complete(standin.start())

    def on_request() -> None:
        operation, argument = conn.recv()
        if operation == "register":
            for payload in argument:
                standin.register(payload)
            conn.send(None)
        elif operation == "outcomes":
            conn.send([_outcome(standin, token) for token in argument])
        else:  # "stop": answered once the server is closed, below
            loop.remove_reader(conn.fileno())
            loop.stop()

    loop.add_reader(conn.fileno(), on_request)
    conn.send(standin.port)
    loop.run_forever()
    loop.run_until_complete(standin.stop())
    conn.send(None)


class StandInProcess:
    """``async with StandInProcess(deadline) as standin:`` — a stand-in in a child process, and
    on this side a :class:`StandIn` that is never started but knows its port (so that
    ``patch_discord`` and ``login`` work as they do with a local one)."""

    def __init__(self, deadline: float) -> None:
        spawn = multiprocessing.get_context("spawn")
        self._conn, child_conn = spawn.Pipe()
        self._process = spawn.Process(
            target=_serve, args=(child_conn, deadline), name="standin", daemon=True
        )
        self.local = StandIn(callback_deadline=deadline)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    async def _call(self, operation: str, argument: Any = None) -> Any:
        """One request over the pipe, waited on in a thread so the bot's loop keeps running."""

        def call() -> Any:
            self._conn.send((operation, argument))
            return self._conn.recv()

        return await asyncio.to_thread(call)

    async def __aenter__(self) -> StandInProcess:
        self._process.start()
        self.local.port = await asyncio.to_thread(self._conn.recv)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.local.unpatch_discord()
        await self._call("stop")
        await asyncio.to_thread(self._process.join)

    def patch_discord(self) -> None:
        self.local.patch_discord()

    async def login(self, bot: discord.Client) -> None:
        await self.local.login(bot)

    async def register(self, payloads: list[dict[str, Any]]) -> None:
        """Tell the stand-in a round's interactions before they are sent. Its 3-second clock
        for each starts here, a little before the payload reaches the bot: stricter, not looser."""
        await self._call("register", payloads)

    async def outcomes(self, tokens: list[str]) -> list[Outcome]:
        return await self._call("outcomes", tokens)


def gateway_delivery(bot: discord.Client) -> Callable[[str], Any]:
    """Hand one interaction, as the JSON text the gateway receives, to the client as its
    gateway would (decode, then ``parse_interaction_create``); returns an awaitable that ends
    when the handlers discord.py started for it have finished."""
    state = bot._connection

    async def deliver(text: str) -> float:
        started = time.monotonic()
        made = tasks_made_by(lambda: state.parse_interaction_create(json.loads(text)))
        if made:
            await asyncio.wait(made)
        return started

    return deliver
