"""Discord's numbers, permission bitfields and the small helpers every part of the stand-in shares.

Fixed ids let tests and assertions read the same snowflakes; the component-tree walkers at the end
serve both the payload builders and :class:`~tests.standin.records.Message`.
"""

from __future__ import annotations

import datetime
import itertools
import struct
import time
from collections.abc import Iterable
from typing import Any

import discord

API_VERSION = 10
API_PREFIX = f"/api/v{API_VERSION}"

# Fixed snowflakes so tests and assertions read the same ids. The bot user's id is the
# application id, as it is for every Discord bot.
APP_ID = 1100000000000000001
GUILD_ID = 1100000000000000002
CHANNEL_ID = 1100000000000000003
USER_ID = 1100000000000000004
OWNER_ID = 1100000000000000005
DM_CHANNEL_ID = 1100000000000000006

# Interaction callback types (Discord's InteractionResponseType).
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

# Message flags.
SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # what Discord sends for unboosted guilds

# --------------------------------------------------------------------------------------------
# Permissions


def permissions(*names: str, base: str | int = 0) -> str:
    """A permissions bitfield string, as Discord sends it, from ``discord.Permissions`` flag names.

    Names are checked against discord.py so a typo fails loudly instead of silently granting
    nothing: ``permissions("send_messages", "embed_links")``; ``base`` is added to.
    """
    value = discord.Permissions(int(base))
    for name in names:
        if not isinstance(getattr(discord.Permissions, name, None), discord.flags.flag_value):
            valid = ", ".join(sorted(discord.Permissions.VALID_FLAGS))
            raise ValueError(f"unknown permission {name!r}; valid names: {valid}")
        setattr(value, name, True)
    return str(value.value)


def permissions_without(base: str | int, *names: str) -> str:
    """``base`` with the named permissions removed, e.g. the bot's permissions minus ATTACH_FILES."""
    value = discord.Permissions(int(base))
    for name in names:
        permissions(name)  # validates the name
        setattr(value, name, False)
    return str(value.value)


# An ordinary member of a server (what @everyone usually has), and one who manages the server.
DEFAULT_MEMBER_PERMISSIONS = permissions(
    "view_channel",
    "send_messages",
    "read_message_history",
    "embed_links",
    "attach_files",
    "add_reactions",
    "use_external_emojis",
    "use_application_commands",
)
MANAGER_PERMISSIONS = permissions("manage_guild", base=DEFAULT_MEMBER_PERMISSIONS)
# The bot's permissions in the channel; the second lacks ATTACH_FILES (no charts possible).
DEFAULT_APP_PERMISSIONS = permissions(
    "view_channel",
    "send_messages",
    "send_messages_in_threads",
    "read_message_history",
    "embed_links",
    "attach_files",
    "add_reactions",
    "use_external_emojis",
    "use_application_commands",
)
APP_PERMISSIONS_NO_FILES = permissions_without(DEFAULT_APP_PERMISSIONS, "attach_files")
# In DMs Discord grants the app these implicitly.
DM_APP_PERMISSIONS = permissions(
    "attach_files", "embed_links", "mention_everyone", "use_external_emojis"
)

# --------------------------------------------------------------------------------------------
# Ids and small helpers

_sequence = itertools.count(1)


CALLBACK_DEADLINE = 3.0  # seconds Discord waits for an interaction's first response


def snowflake() -> int:
    """A fresh, time-ordered snowflake (discord.py derives creation times from ids)."""
    ms = int(time.time() * 1000) - discord.utils.DISCORD_EPOCH
    return (ms << 22) | (next(_sequence) & 0x3FFFFF)


def _now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


def _user_object(user_id: int, username: str, *, bot: bool = False) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": None if bot else username.title(),
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
    }
    if bot:
        user["bot"] = True
    return user


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data.startswith(PNG_SIGNATURE) and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    return None


# --------------------------------------------------------------------------------------------
# Component trees (rows, labels, sections and their children)


def _find_component(components: Iterable[dict[str, Any]], custom_id: str) -> dict | None:
    for component in components:
        if component.get("custom_id") == custom_id:
            return component
        for key in ("components", "component", "accessory"):
            child = component.get(key)
            if isinstance(child, dict):
                child = [child]
            if child:
                found = _find_component(child, custom_id)
                if found is not None:
                    return found
    return None


def _custom_ids(components: Iterable[dict[str, Any]]) -> list[str]:
    ids: list[str] = []
    for component in components:
        if component.get("custom_id"):
            ids.append(component["custom_id"])
        for key in ("components", "component", "accessory"):
            child = component.get(key)
            if isinstance(child, dict):
                child = [child]
            if child:
                ids.extend(_custom_ids(child))
    return ids
