"""What moderators hand the bot besides forms: an uploaded .toml file, read safely, and their server's command names as they type."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands

from bot.app.autocomplete import MAX_CHOICES
from bot.app.context import Interaction
from bot.app.moderator_views import (
    moderator_refusal,
)
from bot.app.respond import Refused
from bot.guilds.moderation import MAX_TOML


async def read_toml(attachment: discord.Attachment) -> str:
    """A moderator's .toml upload as text: small, UTF-8, or refused in plain words."""
    if not attachment.filename.lower().endswith(".toml"):
        raise Refused("Attach a .toml file (see commands/README.md for what goes in it).")
    too_big = Refused(f"The file is larger than {MAX_TOML:,} bytes; a prepared query is small.")
    if attachment.size > MAX_TOML:
        raise too_big
    try:
        data = await attachment.read()
    except discord.HTTPException:
        raise Refused("I could not download the file; try again.") from None
    if len(data) > MAX_TOML:
        raise too_big
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("The file is not UTF-8 text.") from None


async def stored_names(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """This server's command names, for moderators only (autocomplete skips command checks)."""
    if moderator_refusal(interaction):
        return []
    stored = await asyncio.to_thread(interaction.client.state.commands, interaction.guild_id)
    typed = str(current or "").strip().lower()
    return [app_commands.Choice(name=c.name, value=c.name) for c in stored if typed in c.name][
        :MAX_CHOICES
    ]
