"""How the bot replies to an interaction: first response or follow-up, slow work off the event loop,
and failures in plain words (with the details in the log).

Discord wants a first response within 3 seconds. Slow work runs in a worker thread; if it is not
done within the bot's `defer_after` seconds the bot says "thinking…" first and follows up.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.app.context import Interaction

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


async def send(interaction: Interaction, **message: Any) -> None:
    """The first reply is the interaction's response; anything after (or after a defer) a follow-up."""
    if interaction.response.is_done():
        await interaction.followup.send(**message)
    else:
        await interaction.response.send_message(**message)


async def tell(interaction: Interaction, text: str) -> None:
    """A short ephemeral line: waits, refusals, failures (an autocomplete gets no choices)."""
    if interaction.type is discord.InteractionType.autocomplete:
        if not interaction.response.is_done():
            await interaction.response.autocomplete([])
        return
    await send(interaction, content=text, ephemeral=True)


async def off_loop(
    interaction: Interaction,
    work: Callable[[], T],
    *,
    ephemeral: bool = False,
    update: bool = False,
) -> T:
    """Run `work` in a thread; defer if it is not done within defer_after seconds: "thinking…"
    (only for the user when `ephemeral`), or, with `update`, a silent wait before a button
    edits its own message (see `edit`)."""
    task = asyncio.ensure_future(asyncio.to_thread(work))
    done, _ = await asyncio.wait({task}, timeout=interaction.client.defer_after)
    if not done and not interaction.response.is_done():
        if update:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    return await task


async def edit(interaction: Interaction, **message: Any) -> None:
    """Replace the message a button was pressed on, whether or not the click was deferred."""
    if interaction.response.is_done():
        await interaction.edit_original_response(**message)
    else:
        await interaction.response.edit_message(**message)


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
    is no failure: its message is told as it is."""
    original = getattr(error, "original", None) or error
    if isinstance(original, Refused):
        await tell(interaction, str(original))
        return
    log.error(
        "failed to answer %s",
        describe(interaction),
        exc_info=(type(original), original, original.__traceback__),
    )
    try:
        await tell(interaction, FAILED)
    except discord.HTTPException:
        log.warning("could not tell the user about the failure of %s", describe(interaction))
