"""How the bot replies to an interaction: first response or follow-up, slow work off the event loop,
and failures in plain words (with the details in the log).

Discord wants a first response within 3 seconds of creating the interaction, or it is lost. Slow
work runs in a worker thread; the bot answers at once when the work is ready quickly, and otherwise
says "thinking…" first and follows up (when: bot.app.pacing).

Follow-ups and edits are retried when Discord or the network fails for a moment (bot.app.retry). A
refusal or failure after a public "thinking…" deletes it and is told privately.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.app.context import Interaction
from bot.app.pacing import Pace, pace, patience
from bot.app.retry import passing, retried
from bot.app.turns import take_turn

log = logging.getLogger("immistats.discord")
T = TypeVar("T")

FAILED = "Something went wrong answering that; it has been logged."
LOGGED_OPTION_CHARS = 200


class Refused(app_commands.CheckFailure):
    """A request turned down on purpose (no permission, a bad file …): the message is for the user,
    and nothing is logged as a failure. Raised from a command, a form or a button alike."""


def wait_message(retry_after: float) -> str:
    return f"You're asking quickly; try again in {max(1, math.ceil(retry_after))} s."


async def within_rate(interaction: Interaction) -> bool:
    """An app-command check: raises CommandOnCooldown, which the tree's on_error answers."""
    limiter = interaction.client.limiter
    if (retry := limiter.retry_after(interaction.user.id)) is not None:
        raise app_commands.CommandOnCooldown(limiter.cooldown, retry)
    return True


rate_limited = app_commands.check(within_rate)


def _rewound(message: dict[str, Any]) -> dict[str, Any]:
    """The message with its files read from the start again, for another try."""
    for file in [message.get("file"), *message.get("files", [])]:
        if isinstance(file, discord.File):
            file.reset(seek=True)
    return message


async def send(interaction: Interaction, **message: Any) -> None:
    """The first reply is the interaction's response; anything after (or after a defer) a
    follow-up, tried again when it fails for a moment. In a crowd of replies, each waits for
    its turn of the event loop (bot.app.turns)."""
    await take_turn()
    if not interaction.response.is_done():
        await interaction.response.send_message(**message)
        return
    await retried(
        lambda: interaction.followup.send(**_rewound(message)),
        f"a follow-up to {describe(interaction)}",
    )
    interaction.extras["followed"] = True


async def tell(interaction: Interaction, text: str) -> None:
    """A short ephemeral line: waits, refusals, failures (an autocomplete gets no choices).

    After a public "thinking…" that nothing has replaced yet, the line would take its place for
    everyone to see: the placeholder is deleted and the line sent privately instead."""
    if interaction.type is discord.InteractionType.autocomplete:
        if not interaction.response.is_done():
            await interaction.response.autocomplete([])
        return
    if interaction.extras.get("thinking") == "public" and not interaction.extras.get("followed"):
        with contextlib.suppress(discord.NotFound):  # already gone
            await retried(
                interaction.delete_original_response,
                f"removing the placeholder of {describe(interaction)}",
            )
    await send(interaction, content=text, ephemeral=True)


async def off_loop(
    interaction: Interaction,
    work: Callable[[], T],
    *,
    ephemeral: bool = False,
    update: bool = False,
) -> T:
    """Run `work` in a thread, deferring first in a burst or when it is not done in time (see
    bot.app.pacing): "thinking…" (only for the user when `ephemeral`), or, with `update`, a
    silent wait before a button edits its own message (see `edit`)."""
    return await paced(
        interaction, lambda: asyncio.to_thread(work), ephemeral=ephemeral, update=update
    )


async def paced(
    interaction: Interaction,
    start: Callable[[], Awaitable[T]],
    *,
    ephemeral: bool = False,
    update: bool = False,
) -> T:
    """`off_loop` for work that is itself awaited (several steps, each in threads or processes):
    `start()` is called once acknowledgements are out, and deferred for as off_loop does."""
    await take_turn()
    current = pace()
    alone = not current.burst
    current.waiting += 1
    try:
        if not alone:
            await _defer(interaction, current, ephemeral=ephemeral, update=update)
        await current.no_deferrals.wait()  # acknowledgements first
        await take_turn()  # then the crowd's work starts a turn's share at a time
        task = asyncio.ensure_future(start())
        if alone:
            done, _ = await asyncio.wait({task}, timeout=patience(interaction))
            if not done:
                await _defer(interaction, current, ephemeral=ephemeral, update=update)
    finally:
        current.waiting -= 1
    return await task


async def _defer(interaction: Interaction, current: Pace, *, ephemeral: bool, update: bool) -> None:
    if interaction.response.is_done():
        return
    if update:
        await current.deferral(interaction.response.defer)
        return
    await current.deferral(lambda: interaction.response.defer(ephemeral=ephemeral, thinking=True))
    interaction.extras["thinking"] = "private" if ephemeral else "public"


async def edit(interaction: Interaction, **message: Any) -> None:
    """Replace the message a button was pressed on, whether or not the click was deferred.

    After a deferral the edit is retried; if it still fails, the words are sent as a private
    follow-up instead, so that what happened (a command stored, say) is still told."""
    if not interaction.response.is_done():
        await interaction.response.edit_message(**message)
        return
    what = f"editing the message of {describe(interaction)}"
    try:
        await retried(lambda: interaction.edit_original_response(**_rewound(message)), what)
    except Exception as error:
        if isinstance(error, discord.HTTPException) and not passing(error):
            raise  # a message Discord refuses: a bug to log, not a moment's failure
        log.warning("%s failed for good (%r); telling it in a follow-up", what, error)
        await send(interaction, content=message.get("content") or FAILED, ephemeral=True)


def _options(options: list[dict[str, Any]]) -> dict[str, Any]:
    """Slash-command options as name -> value (sub-commands flattened), long values cut for the log."""
    found: dict[str, Any] = {}
    for option in options:
        if "options" in option:
            found |= _options(option["options"])
        elif "value" in option:
            value = option["value"]
            if isinstance(value, str) and len(value) > LOGGED_OPTION_CHARS:
                value = f"{value[:LOGGED_OPTION_CHARS]}… ({len(value)} characters)"
            found[option["name"]] = value
    return found


def describe(interaction: Interaction) -> str:
    """What the user did, for the log: the command and its options, or the button pressed."""
    data: dict[str, Any] = dict(interaction.data or {})
    if "custom_id" in data:
        form = interaction.type is discord.InteractionType.modal_submit
        what = f"{'form' if form else 'button'} {data['custom_id']!r}"
    else:
        what = f"/{data.get('name', '?')} {json.dumps(_options(data.get('options', [])))}"
    return f"{what} (user {interaction.user.id}, guild {interaction.guild_id})"


async def report_failure(interaction: Interaction, error: BaseException) -> None:
    """Log the failure with its context and traceback; tell the user in plain words. A Refused
    is no failure: its message is told as it is. Nothing raised while telling escapes: it is
    logged, since there is no one left to tell."""
    original = getattr(error, "original", None) or error
    if not isinstance(original, Refused):
        log.error(
            "failed to answer %s",
            describe(interaction),
            exc_info=(type(original), original, original.__traceback__),
        )
    try:
        await tell(interaction, str(original) if isinstance(original, Refused) else FAILED)
    except Exception as failure:
        log.warning("could not tell the user about %s: %r", describe(interaction), failure)
