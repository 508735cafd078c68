"""Delivering interactions to the real client as the gateway would, and reading back what it did
with them as :class:`~tests.standin.records.Reply` objects."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable, Mapping
from typing import Any

import discord

from tests.standin.common import DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE
from tests.standin.records import (
    Attachment,
    Message,
    NotAnswered,
    Reply,
    StandInTimeout,
    _Interaction,
)


def tasks_made_by(call: Callable[[], object]) -> set[asyncio.Task[Any]]:
    """The tasks `call` creates on the running loop (discord.py's handlers for one payload).

    Caught by the loop's task factory for the length of the (synchronous) call: comparing
    `asyncio.all_tasks()` before and after costs time in proportion to every task alive, which
    in a burst of a thousand made the stand-in itself the slowest part."""
    loop = asyncio.get_running_loop()
    previous = loop.get_task_factory()
    made: set[asyncio.Task[Any]] = set()

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **options: Any) -> asyncio.Task[Any]:
        task = (
            previous(loop, coro, **options)
            if previous
            else asyncio.Task(coro, loop=loop, **options)
        )
        made.add(task)
        return task

    loop.set_task_factory(factory)
    try:
        call()
    finally:
        loop.set_task_factory(previous)
    return made


class Delivery:
    """Interaction delivery, mixed into :class:`~tests.standin.server.StandIn` (its state)."""

    def register(self, payload: Mapping[str, Any]) -> None:
        """Tell the stand-in about an interaction before the client sees it (``send`` does this).

        The message of a component payload is stored if the stand-in did not create it, so
        updates to it can be tracked.
        """
        token = payload["token"]
        it = self._interactions.get(token)
        if it is None:
            it = _Interaction(int(payload["id"]), token, int(payload["application_id"]))
            self._interactions[token] = it
        it.payload = copy.deepcopy(dict(payload))
        it.dispatched_at = time.monotonic()
        message = payload.get("message")
        if message is not None:
            mid = int(message["id"])
            if mid not in self.messages:
                stored = copy.deepcopy(dict(message))
                for key, empty in (
                    ("content", ""),
                    ("embeds", []),
                    ("attachments", []),
                    ("components", []),
                    ("flags", 0),
                ):
                    stored.setdefault(key, empty)
                self.messages[mid] = stored
            it.original_id = mid

    async def login(self, bot: discord.Client, token: str = "stand-in-token") -> discord.Client:
        """Log ``bot`` in here (``/users/@me``, ``/oauth2/applications/@me``, then ``setup_hook``).

        The gateway is never opened, so no events arrive except those given to :meth:`send`.
        """
        await bot.login(token)
        if bot.user is None or bot.user.id != int(self.bot_user["id"]):
            raise AssertionError(f"login did not set the bot user; recorded:\n{self.describe()}")
        if bot.application_id != self.app_id:
            raise AssertionError(f"application id {bot.application_id} != {self.app_id}")
        return bot

    async def send(
        self,
        bot: discord.Client,
        payload: Mapping[str, Any],
        *,
        wait: str = "done",
        timeout: float = 10.0,
        expect_answer: bool = True,
    ) -> Reply:
        """Deliver ``payload`` as the gateway would, then wait and return the :class:`Reply`.

        The payload goes through ``bot._connection.parse_interaction_create`` — the real
        dispatch to the command tree, the view store or the modal store. ``wait``:

        * ``"done"`` (default): until the handler tasks discord.py started for this payload
          have finished, so every request they made is in (a handler that blocks, e.g. on
          ``view.wait()``, needs another mode);
        * ``"callback"``: until the interaction is acknowledged;
        * ``"final"``: acknowledged, and a deferral followed by an edit or follow-up.

        Raises :class:`NotAnswered` if the bot never acknowledged it (unless
        ``expect_answer=False``) and :class:`StandInTimeout` when ``timeout`` runs out.
        """
        if wait not in ("done", "callback", "final"):
            raise ValueError("wait is 'done', 'callback' or 'final'")
        state = bot._connection
        if bot.user is None or state.http._HTTPClient__session is discord.utils.MISSING:  # type: ignore[attr-defined]
            raise RuntimeError(
                "log the bot in first: `await logged_in(bot)` / `await bot.login(token)`"
            )
        self.register(payload)
        token = payload["token"]
        handlers = tasks_made_by(
            lambda: state.parse_interaction_create(copy.deepcopy(dict(payload)))  # type: ignore[arg-type]
        )
        if wait == "done":
            if handlers:
                done, pending = await asyncio.wait(handlers, timeout=timeout)
                for task in done:
                    if not task.cancelled() and task.exception() is not None:
                        exc = task.exception()
                        self.errors.append(f"{task.get_name()}: {exc!r}")
                if pending:
                    raise StandInTimeout(
                        f"interaction {payload['id']} still being handled after {timeout}s "
                        f"({sorted(t.get_name() for t in pending)}); recorded:\n{self.describe()}"
                    )
            reply = self.reply(token)
            if expect_answer and not reply.answered:
                raise NotAnswered(
                    f"the bot did not acknowledge interaction {payload['id']} "
                    f"(type {payload['type']}); recorded:\n{self.describe()}"
                )
            return reply
        return await self.response_to(payload, timeout=timeout, final=(wait == "final"))

    async def response_to(
        self,
        interaction: Mapping[str, Any] | int | str,
        *,
        timeout: float = 10.0,
        final: bool = False,
    ) -> Reply:
        """Wait for the acknowledgement of ``interaction`` (payload, id or token) and return the
        :class:`Reply`; with ``final=True`` a deferral must also have been filled in."""
        it = self._lookup(interaction)

        def ready() -> bool:
            if it.callback is None:
                return False
            if final and it.callback_type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE):
                return any(
                    r is not it.callback
                    and r.method in ("PATCH", "POST")
                    and 200 <= (r.status or 0) < 300
                    for r in it.requests
                )
            return True

        what = f"the {'final answer' if final else 'acknowledgement'} of interaction {it.id}"
        await self._until(ready, timeout, what)
        return self.reply(it.token)

    def reply(self, interaction: Mapping[str, Any] | int | str) -> Reply:
        """The :class:`Reply` for ``interaction`` as recorded so far, without waiting."""
        it = self._lookup(interaction)
        original = None
        shown = it.callback is not None or it.type == 3  # a clicked message exists already
        if shown and it.original_id is not None and it.original_id in self.messages:
            original = self._snapshot(it.original_id)
        followups = [self._snapshot(m) for m in it.followup_ids if m in self.messages]
        return Reply(
            interaction_id=it.id,
            token=it.token,
            payload=copy.deepcopy(it.payload),
            requests=list(it.requests),
            callback=it.callback,
            original=original,
            followups=followups,
        )

    def _lookup(self, interaction: Mapping[str, Any] | int | str) -> _Interaction:
        if isinstance(interaction, Mapping):
            token = interaction["token"]
            if token not in self._interactions:
                self.register(interaction)
            return self._interactions[token]
        if isinstance(interaction, str) and interaction in self._interactions:
            return self._interactions[interaction]
        for it in self._interactions.values():
            if str(it.id) == str(interaction):
                return it
        raise KeyError(f"unknown interaction {interaction!r}")

    def _snapshot(self, message_id: int) -> Message:
        raw = copy.deepcopy(self.messages[message_id])
        attachments = [
            Attachment(
                id=int(a["id"]),
                filename=a["filename"],
                content_type=a.get("content_type"),
                size=a["size"],
                url=a["url"],
                data=self._blobs.get(int(a["id"]), b""),
                raw=a,
            )
            for a in raw.get("attachments", [])
        ]
        return Message(raw=raw, attachments=attachments)
