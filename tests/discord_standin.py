"""A local stand-in for Discord's REST API, for end-to-end tests of the bot's Discord face.

No network reaches Discord, so the tests run the *real* discord.py client against this server:
``discord.http.Route.BASE`` (which the webhook adapter shares) is pointed at an aiohttp app on
127.0.0.1, INTERACTION_CREATE payloads shaped as Discord sends them are fed to the client's own
``ConnectionState.parse_interaction_create``, and the tests assert on what the client posted back.
The gateway is never opened: the bot is logged in (``bot.login``, which runs ``setup_hook``) and
never started.

Usage::

    async def test_echo(standin, logged_in):
        bot = await logged_in(MyBot())
        reply = await standin.send(bot, slash_payload("echo", {"text": "hi"}))
        assert reply.type == CHANNEL_MESSAGE and not reply.ephemeral
        assert reply.final.embeds[0]["title"] == "hi"
        assert reply.final.attachments[0].data.startswith(PNG_SIGNATURE)
        click = await standin.send(bot, reply.press("more"))  # the button on that message
        assert click.ephemeral

What the stand-in models, because a bot that is wrong about it fails in production:

* every request is recorded (:class:`Request`): method, path, query, headers, JSON body, or the
  multipart parts with ``payload_json`` parsed and files kept as bytes;
* messages are stored as Discord stores them, so deferrals, edits of ``@original``, follow-ups
  (the first follow-up after a deferral replaces the "thinking" message, as on Discord) and
  component updates add up to the message a user would see (:attr:`Reply.final`);
* Discord's refusals: a second acknowledgement (400, code 40060), follow-ups or edits before any
  acknowledgement (404, 10015), the wrong callback type for the interaction, and the documented
  size limits for content, embeds, components, modals, autocomplete choices, attachments and
  command definitions (400, 50035 "Invalid Form Body", worded as Discord words it);
* optionally the 3-second acknowledgement deadline (``callback_deadline=3.0``) and refusing
  uploads when ``app_permissions`` lacks ATTACH_FILES (``enforce_app_permissions=True``).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import datetime
import itertools
import json
import logging
import mimetypes
import re
import secrets
import struct
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import discord
import discord.asset
import discord.http
import discord.webhook.async_
import discord.webhook.sync
from aiohttp import web

__all__ = [
    "APP_ID",
    "APP_PERMISSIONS_NO_FILES",
    "AUTOCOMPLETE_RESULT",
    "CHANNEL_ID",
    "CHANNEL_MESSAGE",
    "DEFAULT_APP_PERMISSIONS",
    "DEFAULT_MEMBER_PERMISSIONS",
    "DEFERRED_CHANNEL_MESSAGE",
    "DEFERRED_UPDATE_MESSAGE",
    "DM_APP_PERMISSIONS",
    "DM_CHANNEL_ID",
    "EPHEMERAL",
    "GUILD_ID",
    "MANAGER_PERMISSIONS",
    "MODAL",
    "NotAnswered",
    "PNG_SIGNATURE",
    "UPDATE_MESSAGE",
    "USER_ID",
    "Attachment",
    "AttachmentOption",
    "Message",
    "Option",
    "Reply",
    "Request",
    "StandIn",
    "StandInTimeout",
    "UploadedFile",
    "autocomplete_payload",
    "component_payload",
    "modal_submit_payload",
    "permissions",
    "permissions_without",
    "slash_payload",
]

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

_log = logging.getLogger(__name__)


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
# INTERACTION_CREATE payload builders


@dataclass(frozen=True)
class Option:
    """An option value with an explicit Discord option type (e.g. 6 user, 7 channel, 10 number)."""

    value: Any
    type: int


@dataclass(frozen=True)
class AttachmentOption:
    """An uploaded file for an option of type 11; made by :meth:`StandIn.attachment`.

    Its ``url`` points at the stand-in, which serves the bytes, so ``Attachment.read()`` works.
    """

    id: int
    filename: str
    data: bytes
    content_type: str
    url: str

    def resolved(self) -> dict[str, Any]:
        """The ``resolved.attachments`` entry Discord sends for this upload."""
        entry: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
            "ephemeral": True,
        }
        size = _png_size(self.data)
        if size:
            entry["width"], entry["height"] = size
        return entry


def _option_list(
    options: Mapping[str, Any] | Iterable[dict[str, Any]] | None,
    focused: str | None,
    resolved: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    if options is None:
        return []
    if not isinstance(options, Mapping):
        out = [dict(o) for o in options]
        for o in out:
            if focused is not None and o.get("name") == focused:
                o["focused"] = True
        return out
    out = []
    for name, value in options.items():
        if isinstance(value, Option):
            opt_type, raw = value.type, value.value
        elif isinstance(value, AttachmentOption):
            opt_type, raw = 11, str(value.id)
            resolved.setdefault("attachments", {})[str(value.id)] = value.resolved()
        elif isinstance(value, bool):
            opt_type, raw = 5, value
        elif isinstance(value, int):
            opt_type, raw = 4, value
        elif isinstance(value, float):
            opt_type, raw = 10, value
        elif isinstance(value, str):
            opt_type, raw = 3, value
        else:
            raise TypeError(f"option {name!r}: use Option(value, type) for {type(value).__name__}")
        opt: dict[str, Any] = {"name": name, "type": opt_type, "value": raw}
        if name == focused:
            opt["focused"] = True
        out.append(opt)
    return out


def _message_object(message: Any) -> dict[str, Any]:
    if isinstance(message, Message):
        return copy.deepcopy(message.raw)
    if isinstance(message, Reply):
        if message.final is None:
            raise ValueError("that reply has no visible message to interact with")
        return copy.deepcopy(message.final.raw)
    if isinstance(message, Mapping):
        return copy.deepcopy(dict(message))
    raise TypeError(f"expected a Message, Reply or message dict, not {type(message).__name__}")


def _interaction(
    itype: int,
    data: dict[str, Any],
    *,
    guild_id: int | None = GUILD_ID,
    channel_id: int | None = None,
    user_id: int = USER_ID,
    username: str = "tester",
    member_permissions: str = DEFAULT_MEMBER_PERMISSIONS,
    app_permissions: str | None = None,
    locale: str = "en-US",
    guild_locale: str = "en-US",
    application_id: int = APP_ID,
    message: Any = None,
    attachment_size_limit: int = DEFAULT_ATTACHMENT_SIZE_LIMIT,
) -> dict[str, Any]:
    interaction_id = snowflake()
    user = _user_object(user_id, username)
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": itype,
        "data": data,
        "token": f"itok{interaction_id}.{secrets.token_urlsafe(16)}",
        "version": 1,
        "locale": locale,
        "entitlements": [],
        "attachment_size_limit": attachment_size_limit,
    }
    if guild_id is not None:
        channel_id = CHANNEL_ID if channel_id is None else channel_id
        payload.update(
            guild_id=str(guild_id),
            guild={"id": str(guild_id), "locale": guild_locale, "features": []},
            guild_locale=guild_locale,
            channel_id=str(channel_id),
            channel={
                "id": str(channel_id),
                "type": 0,
                "guild_id": str(guild_id),
                "name": "general",
                "position": 0,
                "parent_id": None,
                "topic": None,
                "nsfw": False,
                "last_message_id": None,
                "rate_limit_per_user": 0,
                "flags": 0,
                "permissions": member_permissions,
            },
            member={
                "user": user,
                "roles": [],
                "joined_at": "2024-01-01T00:00:00.000000+00:00",
                "premium_since": None,
                "nick": None,
                "avatar": None,
                "banner": None,
                "deaf": False,
                "mute": False,
                "pending": False,
                "flags": 0,
                "communication_disabled_until": None,
                "permissions": member_permissions,
            },
            app_permissions=DEFAULT_APP_PERMISSIONS if app_permissions is None else app_permissions,
            context=0,
            authorizing_integration_owners={"0": str(guild_id)},
        )
    else:
        channel_id = DM_CHANNEL_ID if channel_id is None else channel_id
        payload.update(
            channel_id=str(channel_id),
            channel={
                "id": str(channel_id),
                "type": 1,
                "recipients": [user],
                "last_message_id": None,
                "flags": 0,
            },
            user=user,
            app_permissions=DM_APP_PERMISSIONS if app_permissions is None else app_permissions,
            context=1,
            authorizing_integration_owners={"0": "0"},
        )
    if message is not None:
        payload["message"] = _message_object(message)
    return payload


def slash_payload(
    name: str,
    options: Mapping[str, Any] | Iterable[dict[str, Any]] | None = None,
    *,
    subcommand: str | None = None,
    focused: str | None = None,
    command_id: int | None = None,
    command_guild_id: int | None = None,
    guild_id: int | None = GUILD_ID,
    channel_id: int | None = None,
    user_id: int = USER_ID,
    username: str = "tester",
    permissions: str = DEFAULT_MEMBER_PERMISSIONS,
    app_permissions: str | None = None,
    locale: str = "en-US",
    guild_locale: str = "en-US",
    application_id: int = APP_ID,
    attachment_size_limit: int = DEFAULT_ATTACHMENT_SIZE_LIMIT,
    resolved: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload for ``/name`` (type 2, or 4 when ``focused`` is given).

    ``options`` is ``{"name": value}`` (types inferred: str 3, int 4, bool 5, float 10,
    :class:`AttachmentOption` 11, :class:`Option` for anything else) or Discord's raw option
    list. ``subcommand`` is ``"sub"`` or ``"group sub"``. ``guild_id=None`` makes it a DM (user
    instead of member, DM permissions). ``permissions`` is the member's bitfield (see
    :func:`permissions`), ``app_permissions`` the bot's in the channel (default: everything a
    bot normally has; :data:`APP_PERMISSIONS_NO_FILES` lacks ATTACH_FILES). ``command_guild_id``
    is set for commands registered to one guild, as Discord does.
    """
    extra_resolved: dict[str, dict[str, Any]] = {}
    opts = _option_list(options, focused, extra_resolved)
    if subcommand:
        parts = subcommand.split()
        if len(parts) not in (1, 2):
            raise ValueError("subcommand is 'sub' or 'group sub'")
        opts = [{"type": 1, "name": parts[-1], "options": opts}]
        if len(parts) == 2:
            opts = [{"type": 2, "name": parts[0], "options": opts}]
    data: dict[str, Any] = {
        "id": str(command_id or snowflake()),
        "name": name,
        "type": 1,
        "options": opts,
    }
    merged = {k: dict(v) for k, v in (resolved or {}).items()}
    for key, entries in extra_resolved.items():
        merged.setdefault(key, {}).update(entries)
    if merged:
        data["resolved"] = merged
    if command_guild_id is not None:
        data["guild_id"] = str(command_guild_id)
    return _interaction(
        4 if focused else 2,
        data,
        guild_id=guild_id,
        channel_id=channel_id,
        user_id=user_id,
        username=username,
        member_permissions=permissions,
        app_permissions=app_permissions,
        locale=locale,
        guild_locale=guild_locale,
        application_id=application_id,
        attachment_size_limit=attachment_size_limit,
    )


def autocomplete_payload(
    name: str,
    options: Mapping[str, Any] | Iterable[dict[str, Any]] | None,
    focused: str,
    **kwargs: Any,
) -> dict[str, Any]:
    """An autocomplete INTERACTION_CREATE (type 4): the user is typing in option ``focused``.

    Takes the same keywords as :func:`slash_payload`.
    """
    return slash_payload(name, options, focused=focused, **kwargs)


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


def component_payload(
    custom_id: str,
    message: Any,
    *,
    component_type: int | None = None,
    values: list[str] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """A component INTERACTION_CREATE (type 3): the user clicked ``custom_id`` on ``message``.

    ``message`` is the message carrying the component as the stand-in stored it (a
    :class:`Message`, a :class:`Reply` meaning its final message, or a raw dict); discord.py
    routes the click to the view stored for that message id. ``component_type`` is read from
    the message when omitted (2 button, 3 string select, ...); ``values`` are select choices.
    Other keywords as for :func:`slash_payload` (``guild_id``, ``user_id``, ``permissions``...).
    """
    raw = _message_object(message)
    if component_type is None:
        found = _find_component(raw.get("components", []), custom_id)
        if found is None:
            ids = _custom_ids(raw.get("components", []))
            raise ValueError(f"no component {custom_id!r} on message {raw.get('id')}; has {ids}")
        component_type = found["type"]
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
    if values is not None or component_type in (3, 5, 6, 7, 8):
        data["values"] = list(values or [])
    builder_kwargs = _context_kwargs(kwargs)
    return _interaction(3, data, message=raw, **builder_kwargs)


def modal_submit_payload(
    custom_id: str,
    fields: Mapping[str, str | list[str]],
    *,
    modal: Mapping[str, Any] | None = None,
    message: Any = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """A modal submit INTERACTION_CREATE (type 5) with ``fields`` = ``{input custom_id: value}``.

    A list value answers a select inside the modal. Pass the recorded ``modal`` (``Reply.modal``)
    to mirror its layout (action rows or labels) exactly; otherwise rows are used.
    ``message`` is set when the modal was opened from a component on that message.
    """
    layout: dict[str, str] = {}
    if modal is not None:
        for top in modal.get("components", []):
            inner = top.get("component") if top.get("type") == 18 else None
            inner_list = [inner] if inner else top.get("components", [])
            for child in inner_list:
                if child.get("custom_id"):
                    layout[child["custom_id"]] = "label" if top.get("type") == 18 else "row"
        missing = set(fields) - set(layout)
        if missing:
            raise ValueError(f"modal {custom_id!r} has no inputs {sorted(missing)}")
    components = []
    for field_id, value in fields.items():
        if isinstance(value, list):
            inner = {"type": 3, "custom_id": field_id, "values": value}
        else:
            inner = {"type": 4, "custom_id": field_id, "value": value}
        if layout.get(field_id) == "label":
            components.append({"type": 18, "component": inner})
        else:
            components.append({"type": 1, "components": [inner]})
    data = {"custom_id": custom_id, "components": components}
    builder_kwargs = _context_kwargs(kwargs)
    return _interaction(5, data, message=message, **builder_kwargs)


def _context_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Map the public keyword names (as in slash_payload) onto _interaction's."""
    out = dict(kwargs)
    if "permissions" in out:
        out["member_permissions"] = out.pop("permissions")
    allowed = {
        "guild_id",
        "channel_id",
        "user_id",
        "username",
        "member_permissions",
        "app_permissions",
        "locale",
        "guild_locale",
        "application_id",
        "attachment_size_limit",
    }
    unknown = set(out) - allowed
    if unknown:
        raise TypeError(f"unexpected keyword(s) {sorted(unknown)}")
    return out


def _context_of(payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """The keywords that rebuild ``payload``'s guild/channel/user context for a follow-on click."""
    if not payload:
        return {}
    user = payload.get("member", {}).get("user") or payload.get("user") or {}
    out: dict[str, Any] = {
        "guild_id": int(payload["guild_id"]) if payload.get("guild_id") else None,
        "channel_id": int(payload["channel_id"]) if payload.get("channel_id") else None,
        "application_id": int(payload["application_id"]),
        "app_permissions": payload.get("app_permissions"),
        "locale": payload.get("locale", "en-US"),
        "attachment_size_limit": payload.get(
            "attachment_size_limit", DEFAULT_ATTACHMENT_SIZE_LIMIT
        ),
    }
    if user:
        out["user_id"] = int(user["id"])
        out["username"] = user.get("username", "tester")
    if "member" in payload:
        out["permissions"] = payload["member"].get("permissions", DEFAULT_MEMBER_PERMISSIONS)
    if payload.get("guild_locale"):
        out["guild_locale"] = payload["guild_locale"]
    return out


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


# --------------------------------------------------------------------------------------------
# What was recorded, and what the tests read


@dataclass(frozen=True)
class UploadedFile:
    """One multipart file part as discord.py sent it (``files[0]``...)."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Request:
    """One HTTP request the client made, with the stand-in's answer.

    ``path`` is relative to the API base (``/interactions/1/tok/callback``); ``route`` is the
    matched template (``"POST /interactions/{interaction_id}/{token}/callback"``) or ``None``
    when nothing matched (answered 404 — see :attr:`StandIn.unmatched`). ``json`` is the JSON
    body, or the parsed ``payload_json`` of a multipart body (``multipart`` is then true).
    """

    seq: int
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    files: list[UploadedFile] = field(default_factory=list)
    form: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    multipart: bool = False
    route: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    token: str | None = None
    status: int | None = None
    response: Any = None
    at: float = 0.0

    def __str__(self) -> str:
        body = "" if self.json is None else json.dumps(self.json)[:240]
        files = f" files={[f.filename for f in self.files]}" if self.files else ""
        return f"#{self.seq} {self.method} {self.path} -> {self.status} {body}{files}"


@dataclass(frozen=True)
class Attachment:
    """A file on a message, with the bytes the client uploaded."""

    id: int
    filename: str
    content_type: str | None
    size: int
    url: str
    data: bytes
    raw: dict[str, Any]


@dataclass(frozen=True)
class Message:
    """A snapshot of one message as Discord would now show it (``raw`` is Discord's object)."""

    raw: dict[str, Any]
    attachments: list[Attachment]

    @property
    def id(self) -> int:
        return int(self.raw["id"])

    @property
    def content(self) -> str:
        return self.raw.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.raw.get("embeds", [])

    @property
    def embed(self) -> dict[str, Any] | None:
        """The first embed, the common case."""
        return self.embeds[0] if self.embeds else None

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.raw.get("components", [])

    @property
    def flags(self) -> int:
        return int(self.raw.get("flags", 0))

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Still the "thinking…" placeholder of a deferral nobody filled in."""
        return bool(self.flags & LOADING)

    @property
    def custom_ids(self) -> list[str]:
        return _custom_ids(self.components)

    def component(self, custom_id: str) -> dict[str, Any] | None:
        return _find_component(self.components, custom_id)


@dataclass(frozen=True)
class Reply:
    """Everything the client did with one interaction, built from what the stand-in recorded.

    ``type`` is the callback type (4 message, 5 deferred, 6 deferred update, 7 update,
    8 autocomplete, 9 modal). ``original`` is the ``@original`` message after every edit
    (for a component interaction, the message carrying the component); ``followups`` are the
    other messages sent with the token. :attr:`final` is the message the user ends up looking
    at, however the bot got there.
    """

    interaction_id: int
    token: str
    payload: dict[str, Any] | None
    requests: list[Request]
    callback: Request | None
    original: Message | None
    followups: list[Message]

    @property
    def answered(self) -> bool:
        return self.callback is not None

    @property
    def type(self) -> int | None:
        return None if self.callback is None else self.callback.json.get("type")

    @property
    def data(self) -> dict[str, Any]:
        """The callback's ``data`` as posted."""
        if self.callback is None:
            return {}
        return self.callback.json.get("data") or {}

    @property
    def deferred(self) -> bool:
        return self.type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE)

    @property
    def ephemeral(self) -> bool:
        """Whether the answer is only visible to the user (flags & 64 on the callback/message)."""
        if self.type in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            return bool(int(self.data.get("flags", 0)) & EPHEMERAL)
        final = self.final
        return bool(final and final.ephemeral)

    @property
    def messages(self) -> list[Message]:
        return ([self.original] if self.original else []) + list(self.followups)

    @property
    def final(self) -> Message | None:
        """The last visible message: the last follow-up, else the (edited) original."""
        return self.messages[-1] if self.messages else None

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices (type 8)."""
        if self.type != AUTOCOMPLETE_RESULT:
            raise AssertionError(f"not an autocomplete result: callback type {self.type}")
        return self.data.get("choices", [])

    @property
    def modal(self) -> dict[str, Any]:
        """The modal the bot opened (type 9): ``custom_id``, ``title``, ``components``."""
        if self.type != MODAL:
            raise AssertionError(f"not a modal: callback type {self.type}")
        return self.data

    @property
    def files(self) -> list[UploadedFile]:
        """Every file uploaded for this interaction, in order."""
        return [f for r in self.requests if 200 <= (r.status or 0) < 300 for f in r.files]

    def press(self, custom_id: str, *, message: Any = None, **kwargs: Any) -> dict[str, Any]:
        """A component payload clicking ``custom_id`` on the message of this reply carrying it.

        The user, guild and channel are those of the original interaction unless overridden.
        """
        if message is None:
            message = next((m for m in reversed(self.messages) if m.component(custom_id)), None)
            if message is None:
                ids = [m.custom_ids for m in self.messages]
                raise AssertionError(f"no component {custom_id!r} in this reply; custom ids: {ids}")
        context = _context_of(self.payload)
        context.update(kwargs)
        return component_payload(custom_id, message, **context)

    def submit(self, fields: Mapping[str, str | list[str]], **kwargs: Any) -> dict[str, Any]:
        """A modal submit payload answering the modal this reply opened."""
        modal = self.modal
        context = _context_of(self.payload)
        message = kwargs.pop("message", (self.payload or {}).get("message"))
        context.update(kwargs)
        return modal_submit_payload(
            modal["custom_id"], fields, modal=modal, message=message, **context
        )

    def describe(self) -> str:
        return "\n".join(str(r) for r in self.requests) or "(no requests for this interaction)"


class StandInTimeout(AssertionError):
    """A bounded wait ran out; the message lists what the stand-in recorded."""


class NotAnswered(AssertionError):
    """The bot finished handling an interaction without acknowledging it."""


class _ApiError(Exception):
    def __init__(self, status: int, code: int, message: str, errors: dict | None = None):
        super().__init__(message)
        body: dict[str, Any] = {"message": message, "code": code}
        if errors:
            body["errors"] = errors
        self.status = status
        self.body = body


class _FormErrors:
    """Collects Invalid Form Body errors nested the way Discord reports them."""

    def __init__(self, prefix: tuple = ()):
        self.prefix = prefix
        self.tree: dict[str, Any] = {}

    def add(self, path: tuple, code: str, message: str) -> None:
        node = self.tree
        for part in self.prefix + path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: tuple, value: Any, limit: int, minimum: int = 0) -> None:
        if value is None:
            return
        length = len(value)
        if length > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
        elif length < minimum:
            self.add(
                path,
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between {minimum} and {limit} in length.",
            )

    def raise_if_any(self) -> None:
        if self.tree:
            raise _ApiError(400, 50035, "Invalid Form Body", self.tree)


# --------------------------------------------------------------------------------------------
# Discord's limits (https://discord.com/developers/docs, Message / Embed / Components / Modals)


def _check_embeds(errors: _FormErrors, embeds: list[dict[str, Any]]) -> None:
    if len(embeds) > 10:
        errors.add(("embeds",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        path = ("embeds", i)
        errors.max_length(path + ("title",), embed.get("title"), 256)
        errors.max_length(path + ("description",), embed.get("description"), 4096)
        footer = embed.get("footer") or {}
        author = embed.get("author") or {}
        errors.max_length(path + ("footer", "text"), footer.get("text"), 2048)
        errors.max_length(path + ("author", "name"), author.get("name"), 256)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.add(path + ("fields",), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, fld in enumerate(fields):
            errors.max_length(path + ("fields", j, "name"), fld.get("name") or "", 256, 1)
            errors.max_length(path + ("fields", j, "value"), fld.get("value") or "", 1024, 1)
            total += len(fld.get("name") or "") + len(fld.get("value") or "")
        for text in (embed.get("title"), embed.get("description"), footer.get("text")):
            total += len(text or "")
        total += len(author.get("name") or "")
    if total > 6000:
        errors.add(
            ("embeds",), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
        )


def _check_components(errors: _FormErrors, components: list[dict[str, Any]], v2: bool) -> None:
    if v2:
        if len(components) > 40:
            errors.add(("components",), "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length.")
        return
    if len(components) > 5:
        errors.add(("components",), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    seen: set[str] = set()
    for i, row in enumerate(components):
        path = ("components", i)
        if row.get("type") != 1:
            errors.add(path + ("type",), "UNION_TYPE_CHOICES", 'Value of field "type" must be 1.')
            continue
        children = row.get("components") or []
        if not 1 <= len(children) <= 5:
            errors.add(
                path + ("components",),
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 5 in length.",
            )
        for j, child in enumerate(children):
            cpath = path + ("components", j)
            ctype = child.get("type")
            custom_id = child.get("custom_id")
            if custom_id is not None:
                errors.max_length(cpath + ("custom_id",), custom_id, 100, 1)
                if custom_id in seen:
                    errors.add(
                        cpath + ("custom_id",),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                seen.add(custom_id)
            if ctype == 2:
                errors.max_length(cpath + ("label",), child.get("label"), 80)
                style = child.get("style")
                if style == 5:
                    if not child.get("url") or custom_id is not None:
                        errors.add(
                            cpath,
                            "BUTTON_COMPONENT_INVALID_URL",
                            "A link button needs a url and no custom_id.",
                        )
                elif style != 6 and custom_id is None:
                    errors.add(
                        cpath + ("custom_id",), "BASE_TYPE_REQUIRED", "This field is required"
                    )
                if not child.get("label") and not child.get("emoji"):
                    errors.add(
                        cpath,
                        "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
                        "A button needs a label or an emoji.",
                    )
            elif ctype in (3, 5, 6, 7, 8):
                if len(children) != 1:
                    errors.add(
                        path + ("components",),
                        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                        "The specified component exceeds the maximum width",
                    )
                errors.max_length(cpath + ("placeholder",), child.get("placeholder"), 150)
                if ctype == 3:
                    errors.max_length(cpath + ("options",), child.get("options") or [], 25, 1)
                    for k, opt in enumerate(child.get("options") or []):
                        errors.max_length(cpath + ("options", k, "label"), opt.get("label"), 100, 1)
                        errors.max_length(cpath + ("options", k, "value"), opt.get("value"), 100, 1)
            else:
                errors.add(
                    cpath + ("type",),
                    "UNION_TYPE_CHOICES",
                    f"Component type {ctype} is not allowed here.",
                )


def _check_message(
    data: dict[str, Any], files: list[UploadedFile], size_limit: int, *, prefix: tuple = ()
) -> None:
    errors = _FormErrors(prefix)
    errors.max_length(("content",), data.get("content"), 2000)
    _check_embeds(errors, data.get("embeds") or [])
    flags = int(data.get("flags") or 0)
    _check_components(errors, data.get("components") or [], bool(flags & IS_COMPONENTS_V2))
    if len(files) > 10:
        errors.add(("files",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    errors.raise_if_any()
    for upload in files:
        if len(upload.data) > size_limit:
            raise _ApiError(413, 40005, "Request entity too large")


def _check_choices(data: dict[str, Any]) -> None:
    errors = _FormErrors(("data",))
    choices = data.get("choices")
    if choices is None:
        errors.add(("choices",), "BASE_TYPE_REQUIRED", "This field is required")
    else:
        errors.max_length(("choices",), choices, 25)
        for i, choice in enumerate(choices):
            errors.max_length(("choices", i, "name"), choice.get("name") or "", 100, 1)
            if isinstance(choice.get("value"), str):
                errors.max_length(("choices", i, "value"), choice["value"], 100)
    errors.raise_if_any()


def _check_modal(data: dict[str, Any]) -> None:
    errors = _FormErrors(("data",))
    errors.max_length(("title",), data.get("title") or "", 45, 1)
    errors.max_length(("custom_id",), data.get("custom_id") or "", 100, 1)
    components = data.get("components") or []
    errors.max_length(("components",), components, 5, 1)
    for i, top in enumerate(components):
        path = ("components", i)
        if top.get("type") == 18:
            errors.max_length(path + ("label",), top.get("label") or "", 45, 1)
            inner = [top.get("component") or {}]
        elif top.get("type") == 1:
            inner = top.get("components") or []
            errors.max_length(path + ("components",), inner, 1, 1)
        else:
            # Text displays and other non-input layout are accepted as they come.
            continue
        for child in inner:
            errors.max_length(path + ("custom_id",), child.get("custom_id") or "", 100, 1)
            if child.get("type") == 4:
                if top.get("type") == 1:
                    errors.max_length(path + ("label",), child.get("label") or "", 45, 1)
                errors.max_length(path + ("placeholder",), child.get("placeholder"), 100)
                errors.max_length(path + ("value",), child.get("value"), 4000)
    errors.raise_if_any()


_NAME = re.compile(r"^[-_'\w]{1,32}$")


def _check_commands(commands: list[dict[str, Any]]) -> None:
    errors = _FormErrors()
    if sum(1 for c in commands if c.get("type", 1) == 1) > 100:
        errors.add((), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    names: set[tuple[str, int]] = set()
    for i, command in enumerate(commands):
        ctype = command.get("type", 1)
        name = command.get("name") or ""
        key = (name, ctype)
        if key in names:
            errors.add(
                (i, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {name}",
            )
        names.add(key)
        if ctype == 1:
            if not _NAME.match(name) or name != name.lower():
                errors.add(
                    (i, "name"),
                    "APPLICATION_COMMAND_INVALID_NAME",
                    f"Command name is invalid: {name}",
                )
            errors.max_length((i, "description"), command.get("description") or "", 100, 1)
            size = _check_options(errors, (i, "options"), command.get("options") or [])
            if size + len(name) + len(command.get("description") or "") > 4000:
                errors.add(
                    (i,), "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (4000)"
                )
        else:
            errors.max_length((i, "name"), name, 32, 1)
    errors.raise_if_any()


def _check_options(errors: _FormErrors, path: tuple, options: list[dict[str, Any]]) -> int:
    size = 0
    errors.max_length(path, options, 25)
    seen_optional = False
    for j, opt in enumerate(options):
        opath = path + (j,)
        name = opt.get("name") or ""
        if not _NAME.match(name) or name != name.lower():
            errors.add(
                opath + ("name",),
                "APPLICATION_COMMAND_INVALID_NAME",
                f"Option name is invalid: {name}",
            )
        errors.max_length(opath + ("description",), opt.get("description") or "", 100, 1)
        size += len(name) + len(opt.get("description") or "")
        if opt.get("type") in (1, 2):
            size += _check_options(errors, opath + ("options",), opt.get("options") or [])
            continue
        if opt.get("required"):
            if seen_optional:
                errors.add(
                    opath + ("required",),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = opt.get("choices") or []
        errors.max_length(opath + ("choices",), choices, 25)
        for k, choice in enumerate(choices):
            errors.max_length(opath + ("choices", k, "name"), choice.get("name") or "", 100, 1)
            size += len(choice.get("name") or "") + len(str(choice.get("value", "")))
    return size


# --------------------------------------------------------------------------------------------
# The server


@dataclass
class _Interaction:
    id: int
    token: str
    application_id: int
    payload: dict[str, Any] | None = None
    requests: list[Request] = field(default_factory=list)
    callback: Request | None = None
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    dispatched_at: float | None = None

    @property
    def type(self) -> int | None:
        return None if self.payload is None else self.payload["type"]

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else self.callback.json["type"]

    @property
    def size_limit(self) -> int:
        return (self.payload or {}).get("attachment_size_limit", DEFAULT_ATTACHMENT_SIZE_LIMIT)


class _Raw:
    def __init__(self, data: bytes, content_type: str):
        self.data = data
        self.content_type = content_type


# Callback types Discord accepts per interaction type.
_ALLOWED_CALLBACKS = {
    2: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    3: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE, MODAL},
    4: {AUTOCOMPLETE_RESULT},
    5: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE},
}


class _ErrorLog(logging.Handler):
    """Keeps ERROR records (discord.py logs handler exceptions) for failure messages."""

    def __init__(self, sink: list[str]):
        super().__init__(logging.ERROR)
        self.sink = sink
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.sink.append(self.format(record))


class StandIn:
    """Discord's REST API on 127.0.0.1, recording every request the real client makes.

    Start it with ``async with StandIn() as standin:`` (or ``await start()`` / ``await stop()``)
    and point discord.py at it with :meth:`patch_discord` (the ``standin`` fixture does both).
    """

    def __init__(
        self,
        *,
        app_id: int = APP_ID,
        bot_name: str = "immistats",
        callback_deadline: float | None = None,
        enforce_app_permissions: bool = False,
    ):
        self.app_id = app_id
        self.bot_user = _user_object(app_id, bot_name, bot=True)
        self.bot_user.update(verified=True, mfa_enabled=True, locale="en-US", email=None, bio="")
        self.callback_deadline = callback_deadline
        self.enforce_app_permissions = enforce_app_permissions
        self.requests: list[Request] = []
        self.errors: list[str] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self._blobs: dict[int, bytes] = {}
        self._files: dict[str, _Raw] = {}
        self._interactions: dict[str, _Interaction] = {}
        self._failures: list[list[Any]] = []
        self._seq = itertools.count(1)
        self._changed: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._log_handler: _ErrorLog | None = None
        self._undo: list[tuple[Any, str, Any]] = []
        self.port: int | None = None
        self._routes = [
            (method, self._compile(template), f"{method} {template}", handler)
            for method, template, handler in self._route_table()
        ]

    # ----- lifecycle

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``."""
        if self.port is None:
            raise RuntimeError("the stand-in is not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What ``Route.BASE`` is set to: ``http://127.0.0.1:<port>/api/v10``."""
        return self.origin + API_PREFIX

    async def start(self) -> StandIn:
        """Listen on 127.0.0.1 on a free port, and start collecting logged errors."""
        self._changed = asyncio.Event()
        app = web.Application(client_max_size=128 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._log_handler = _ErrorLog(self.errors)
        logging.getLogger().addHandler(self._log_handler)
        return self

    async def stop(self) -> None:
        """Undo :meth:`patch_discord` (if it patched itself) and close the server."""
        self.unpatch_discord()
        if self._log_handler is not None:
            logging.getLogger().removeHandler(self._log_handler)
            self._log_handler = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StandIn:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def patch_discord(self, setattr_: Callable[[Any, str, Any], None] | None = None) -> None:
        """Point discord.py's REST base URLs here.

        ``discord.http.Route.BASE`` builds every REST URL; the webhook adapters import that same
        ``Route`` (checked, and patched separately should a release give them their own), and
        ``Asset.BASE`` is the CDN, pointed here so nothing can leave 127.0.0.1. Pass
        ``monkeypatch.setattr`` to let pytest restore them; otherwise :meth:`stop` does.
        """
        targets = {discord.http.Route}
        targets.add(discord.webhook.async_.Route)
        targets.add(discord.webhook.sync.Route)
        changes = [(route, "BASE", self.api_base) for route in targets]
        changes.append((discord.asset.Asset, "BASE", self.origin + "/cdn"))
        for obj, name, value in changes:
            if setattr_ is not None:
                setattr_(obj, name, value)
            else:
                self._undo.append((obj, name, getattr(obj, name)))
                setattr(obj, name, value)

    def unpatch_discord(self) -> None:
        while self._undo:
            obj, name, value = self._undo.pop()
            setattr(obj, name, value)

    # ----- things tests set up

    def serve_file(self, name: str, data: bytes, content_type: str | None = None) -> str:
        """Serve ``data`` at ``<origin>/files/<name>`` (e.g. an upload the bot downloads); returns the url."""
        ctype = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        self._files[name] = _Raw(data, ctype)
        return f"{self.origin}/files/{name}"

    def attachment(
        self, filename: str, data: bytes, content_type: str | None = None
    ) -> AttachmentOption:
        """An upload for an attachment option (type 11), served by the stand-in."""
        attachment_id = snowflake()
        ctype = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        url = self.serve_file(f"{attachment_id}/{filename}", data, ctype)
        return AttachmentOption(attachment_id, filename, data, ctype, url)

    def fail(self, route: str, status: int, body: Any = None, *, times: int = 1) -> None:
        """Answer the next ``times`` requests to ``route`` (a template, as in ``Request.route``)
        with ``status`` and ``body`` instead — to test how the bot copes with Discord errors.

        Beware that discord.py retries 500/502/504/524 after sleeping 1, 3, 5, 7 s.
        """
        if body is None:
            body = {"message": f"stand-in injected {status}", "code": 0}
        self._failures.append([route, status, body, times])

    def clear(self) -> None:
        """Forget the request log (interaction state and stored messages are kept)."""
        self.requests.clear()
        self.errors.clear()

    # ----- reading the log

    @property
    def unmatched(self) -> list[Request]:
        """Requests to routes the stand-in does not know (answered 404)."""
        return [r for r in self.requests if r.route is None]

    def routes_called(self) -> list[str]:
        """Route templates of every request so far, in order (unmatched ones as ``METHOD path``)."""
        return [r.route or f"{r.method} {r.path}" for r in self.requests]

    def matching(self, route: str) -> list[Request]:
        """Recorded requests whose template is ``route``, e.g. ``"GET /users/@me"``."""
        return [r for r in self.requests if r.route == route]

    def describe(self) -> str:
        """The request log and logged errors, for failure messages."""
        lines = [str(r) for r in self.requests] or ["(no requests recorded)"]
        if self.errors:
            lines.append("logged errors:")
            lines.extend(f"  {e}" for e in self.errors)
        return "\n".join(lines)

    # ----- waiting

    async def wait_for(
        self, predicate: Callable[[Request], bool], timeout: float = 10.0
    ) -> Request:
        """The first recorded request (already there or still to come) for which ``predicate`` is true."""
        return await self._until(
            lambda: next((r for r in self.requests if predicate(r)), None),
            timeout,
            "a request matching the predicate",
        )

    async def _until(self, probe: Callable[[], Any], timeout: float, what: str) -> Any:
        if self._changed is None:
            raise RuntimeError("the stand-in is not started")
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = probe()
            if found is not None and found is not False:
                return found
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise StandInTimeout(
                    f"timed out after {timeout}s waiting for {what}; recorded:\n{self.describe()}"
                )
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _notify(self) -> None:
        assert self._changed is not None
        self._changed.set()
        self._changed = asyncio.Event()

    # ----- interactions

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
        before = asyncio.all_tasks()
        state.parse_interaction_create(copy.deepcopy(dict(payload)))  # type: ignore[arg-type]
        handlers = asyncio.all_tasks() - before
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

    # ----- HTTP plumbing

    @staticmethod
    def _compile(template: str) -> re.Pattern[str]:
        pattern = re.sub(
            r"\{(\w+)\}",
            r"(?P<\1>[^/]+)",
            re.escape(template).replace(r"\{", "{").replace(r"\}", "}"),
        )
        return re.compile(f"^{pattern}$")

    def _route_table(self) -> list[tuple[str, str, Callable[..., Any]]]:
        return [
            ("GET", "/users/@me", self._get_me),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/@me", self._get_application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway),
            ("GET", "/applications/{application_id}/commands", self._get_commands),
            ("PUT", "/applications/{application_id}/commands", self._put_commands),
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._get_commands,
            ),
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._put_commands,
            ),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._post_callback),
            ("GET", "/webhooks/{application_id}/{token}/messages/@original", self._get_message),
            ("PATCH", "/webhooks/{application_id}/{token}/messages/@original", self._patch_message),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/@original",
                self._delete_message,
            ),
            ("POST", "/webhooks/{application_id}/{token}", self._post_followup),
            ("GET", "/webhooks/{application_id}/{token}/messages/{message_id}", self._get_message),
            (
                "PATCH",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._patch_message,
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._delete_message,
            ),
        ]

    async def _read(self, request: web.Request) -> Request:
        path = request.path
        api_path = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path
        rec = Request(
            seq=next(self._seq),
            method=request.method,
            path=api_path,
            query=dict(request.query),
            headers=dict(request.headers),
            at=time.monotonic(),
        )
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            rec.multipart = True
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                data = await part.read()  # type: ignore[union-attr]
                name = part.name or ""
                if name == "payload_json":
                    rec.json = json.loads(data.decode("utf-8"))
                elif part.filename is not None:  # type: ignore[union-attr]
                    rec.files.append(
                        UploadedFile(
                            name, part.filename, part.headers.get("Content-Type"), bytes(data)
                        )  # type: ignore[union-attr]
                    )
                else:
                    rec.form[name] = data.decode("utf-8", "replace")
        elif request.can_read_body:
            raw = await request.read()
            if ctype == "application/json":
                rec.json = json.loads(raw.decode("utf-8")) if raw else None
            else:
                rec.text = raw.decode("utf-8", "replace")
        return rec

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        rec = await self._read(request)
        handler = None
        if request.path.startswith(API_PREFIX):
            for method, pattern, name, fn in self._routes:
                match = pattern.match(rec.path)
                if match and method == rec.method:
                    rec.route, rec.params, handler = name, match.groupdict(), fn
                    break
        elif rec.method == "GET" and rec.path.startswith("/files/"):
            rec.route, rec.params = "GET /files/{name}", {"name": rec.path[len("/files/") :]}
            handler = self._get_file
        elif rec.method == "GET" and rec.path.startswith("/attachments/"):
            rec.route, rec.params = "GET /attachments/{attachment_id}/{filename}", {}
            handler = self._get_attachment
        rec.token = rec.params.get("token")
        try:
            injected = self._take_failure(rec.route)
            if injected is not None:
                status, body = injected
            elif handler is None:
                status, body = 404, {"message": "404: Not Found", "code": 0}
            else:
                status, body = await handler(rec, **rec.params)
        except _ApiError as e:
            status, body = e.status, e.body
        except Exception as e:  # a stand-in bug must not look like a hang
            _log.exception("stand-in failed on %s %s", rec.method, rec.path)
            status, body = 500, {"message": f"stand-in error: {e!r}", "code": 0}
        rec.status, rec.response = status, body
        self.requests.append(rec)
        if rec.token and rec.token in self._interactions:
            self._interactions[rec.token].requests.append(rec)
        self._notify()
        if isinstance(body, _Raw):
            return web.Response(
                status=status, body=body.data, headers={"Content-Type": body.content_type}
            )
        if body is None:
            return web.Response(status=status)
        # discord.py parses JSON only when Content-Type is exactly "application/json".
        return web.Response(
            status=status,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )

    def _take_failure(self, route: str | None) -> tuple[int, Any] | None:
        for failure in self._failures:
            if failure[0] == route and failure[3] > 0:
                failure[3] -= 1
                return failure[1], failure[2]
        return None

    # ----- route handlers: login and sync

    async def _get_me(self, rec: Request) -> tuple[int, Any]:
        return 200, self.bot_user

    async def _get_application(self, rec: Request) -> tuple[int, Any]:
        return 200, {
            "id": str(self.app_id),
            "name": self.bot_user["username"],
            "icon": None,
            "description": "Local Discord stand-in",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": _user_object(OWNER_ID, "owner"),
            "team": None,
            "rpc_origins": [],
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "install_params": {
                "scopes": ["bot", "applications.commands"],
                "permissions": DEFAULT_APP_PERMISSIONS,
            },
            "integration_types_config": {"0": {}},
            "approximate_guild_count": 1,
            "bot": self.bot_user,
        }

    async def _get_gateway(self, rec: Request) -> tuple[int, Any]:
        # Answered for completeness; the tests never connect, and nothing listens there.
        return 200, {
            "url": "ws://127.0.0.1:9",
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    def _check_app(self, application_id: str) -> None:
        if int(application_id) != self.app_id:
            raise _ApiError(403, 50001, "Missing Access")

    async def _get_commands(
        self, rec: Request, application_id: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        self._check_app(application_id)
        return 200, self.commands.get(int(guild_id) if guild_id else None, [])

    async def _put_commands(
        self, rec: Request, application_id: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        self._check_app(application_id)
        body = rec.json or []
        if not isinstance(body, list):
            raise _ApiError(400, 50035, "Invalid Form Body")
        _check_commands(body)
        key = int(guild_id) if guild_id else None
        previous = {(c["name"], c.get("type", 1)): c for c in self.commands.get(key, [])}
        stored = []
        for command in body:
            old = previous.get((command["name"], command.get("type", 1)))
            echoed = {
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **copy.deepcopy(command),
                "id": old["id"] if old else str(snowflake()),
                "application_id": str(self.app_id),
                "version": str(snowflake()),
            }
            if key is not None:
                echoed["guild_id"] = str(key)
            else:
                echoed.setdefault("contexts", [0, 1, 2])
                echoed.setdefault("integration_types", [0])
            stored.append(echoed)
        self.commands[key] = stored
        return 200, stored

    # ----- route handlers: interactions

    def _interaction_for(self, token: str, application_id: str) -> _Interaction:
        it = self._interactions.get(token)
        if it is None or it.application_id != int(application_id):
            raise _ApiError(404, 10015, "Unknown Webhook")
        return it

    def _new_message(self, it: _Interaction, flags: int) -> dict[str, Any]:
        payload = it.payload or {}
        user = payload.get("member", {}).get("user") or payload.get("user")
        message: dict[str, Any] = {
            "id": str(snowflake()),
            "type": 20 if it.type == 2 else 0,
            "channel_id": payload.get("channel_id", str(CHANNEL_ID)),
            "content": "",
            "embeds": [],
            "attachments": [],
            "components": [],
            "flags": flags,
            "author": copy.deepcopy(self.bot_user),
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "webhook_id": str(it.application_id),
            "application_id": str(it.application_id),
        }
        if payload.get("guild_id"):
            message["guild_id"] = payload["guild_id"]
        if user is not None:
            metadata: dict[str, Any] = {
                "id": str(it.id),
                "type": it.type,
                "user": copy.deepcopy(user),
                "authorizing_integration_owners": payload.get("authorizing_integration_owners", {}),
            }
            if it.type == 2:
                metadata["name"] = payload["data"]["name"]
            message["interaction_metadata"] = metadata
        self.messages[int(message["id"])] = message
        return message

    def _apply(
        self,
        it: _Interaction,
        message: dict[str, Any],
        data: dict[str, Any],
        files: list[UploadedFile],
        *,
        editing: bool,
    ) -> None:
        """Merge a create/edit body into a stored message the way Discord does."""
        if "content" in data:
            message["content"] = data["content"] or ""
        if "embeds" in data:
            message["embeds"] = [{"type": "rich", **e} for e in data["embeds"] or []]
        if "components" in data:
            message["components"] = copy.deepcopy(data["components"] or [])
        if "flags" in data and data["flags"] is not None:
            flags = int(data["flags"])
            if editing:
                keep = message["flags"] & ~(SUPPRESS_EMBEDS | IS_COMPONENTS_V2)
                message["flags"] = keep | (flags & (SUPPRESS_EMBEDS | IS_COMPONENTS_V2))
            else:
                message["flags"] = flags & (
                    SUPPRESS_EMBEDS | EPHEMERAL | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
                )
        by_index: dict[int, UploadedFile] = {}
        for n, upload in enumerate(files):
            m = re.fullmatch(r"files\[(\d+)\]", upload.field)
            by_index[int(m.group(1)) if m else n] = upload
        existing = {a["id"]: a for a in message["attachments"]}
        ephemeral = bool(message["flags"] & EPHEMERAL)
        if data.get("attachments") is not None:
            result = []
            for entry in data["attachments"]:
                key = str(entry.get("id"))
                if key in existing:
                    result.append(existing[key])
                elif str(entry.get("id")).isdigit() and int(entry["id"]) in by_index:
                    upload = by_index.pop(int(entry["id"]))
                    result.append(self._store_attachment(message, upload, entry, ephemeral))
            message["attachments"] = result
        for upload in by_index.values():
            message["attachments"].append(self._store_attachment(message, upload, {}, ephemeral))
        if editing:
            if message["flags"] & LOADING:
                message["flags"] &= ~LOADING
            else:
                message["edited_timestamp"] = _now_iso()

    def _store_attachment(
        self, message: dict[str, Any], upload: UploadedFile, entry: dict[str, Any], ephemeral: bool
    ) -> dict[str, Any]:
        attachment_id = snowflake()
        filename = entry.get("filename") or upload.filename or "file"
        ctype = mimetypes.guess_type(filename)[0] or upload.content_type
        url = f"{self.origin}/attachments/{attachment_id}/{filename}"
        attachment: dict[str, Any] = {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url,
            "content_type": ctype,
        }
        if entry.get("description"):
            attachment["description"] = entry["description"]
        size = _png_size(upload.data)
        if size:
            attachment["width"], attachment["height"] = size
        if ephemeral:
            attachment["ephemeral"] = True
        self._blobs[attachment_id] = upload.data
        return attachment

    def _check_files_allowed(self, it: _Interaction, files: list[UploadedFile]) -> None:
        if not (files and self.enforce_app_permissions and it.payload):
            return
        allowed = discord.Permissions(int(it.payload.get("app_permissions") or 0))
        if not allowed.attach_files:
            raise _ApiError(403, 50013, "Missing Permissions")

    @staticmethod
    def _check_not_empty(message: dict[str, Any]) -> None:
        if not (
            message["content"]
            or message["embeds"]
            or message["attachments"]
            or message["components"]
        ):
            raise _ApiError(400, 50006, "Cannot send an empty message")

    async def _post_callback(
        self, rec: Request, interaction_id: str, token: str
    ) -> tuple[int, Any]:
        it = self._interactions.get(token)
        if it is None:
            # Not registered through send(): accept it, as Discord would for a live token.
            it = _Interaction(int(interaction_id), token, self.app_id)
            self._interactions[token] = it
        if it.id != int(interaction_id):
            raise _ApiError(404, 10062, "Unknown interaction")
        if it.callback is not None:
            raise _ApiError(400, 40060, "Interaction has already been acknowledged.")
        if (
            self.callback_deadline is not None
            and it.dispatched_at is not None
            and time.monotonic() - it.dispatched_at > self.callback_deadline
        ):
            raise _ApiError(404, 10062, "Unknown interaction")
        body = rec.json if isinstance(rec.json, dict) else {}
        ctype = body.get("type")
        data = body.get("data") or {}
        allowed = _ALLOWED_CALLBACKS.get(it.type) if it.type is not None else None
        if ctype not in (allowed or {4, 5, 6, 7, 8, 9}):
            raise _ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                "message": f"Interaction response type {ctype} is not valid for interaction type {it.type}",
                            }
                        ]
                    }
                },
            )
        message: dict[str, Any] | None = None
        if ctype == CHANNEL_MESSAGE:
            _check_message(data, rec.files, it.size_limit, prefix=("data",))
            self._check_files_allowed(it, rec.files)
            message = self._new_message(it, 0)
            self._apply(it, message, data, rec.files, editing=False)
            self._check_not_empty(message)
            it.original_id = int(message["id"])
        elif ctype == DEFERRED_CHANNEL_MESSAGE:
            message = self._new_message(it, (int(data.get("flags") or 0) & EPHEMERAL) | LOADING)
            it.original_id = int(message["id"])
        elif ctype in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            if it.original_id is None or it.original_id not in self.messages:
                raise _ApiError(400, 40004, "Interaction has no message to update")
            message = self.messages[it.original_id]
            if ctype == UPDATE_MESSAGE:
                _check_message(data, rec.files, it.size_limit, prefix=("data",))
                self._check_files_allowed(it, rec.files)
                self._apply(it, message, data, rec.files, editing=True)
        elif ctype == AUTOCOMPLETE_RESULT:
            _check_choices(data)
        elif ctype == MODAL:
            _check_modal(data)
        it.callback = rec
        callback: dict[str, Any] = {
            "interaction": {
                "id": str(it.id),
                "type": it.type if it.type is not None else 2,
                "response_message_loading": ctype == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(message and int(message["flags"]) & EPHEMERAL),
            },
            "resource": {"type": ctype},
        }
        if message is not None:
            callback["interaction"]["response_message_id"] = message["id"]
            callback["resource"]["message"] = copy.deepcopy(message)
        return 200, callback

    def _target(self, it: _Interaction, message_id: str) -> int:
        no_message = it.callback_type in (AUTOCOMPLETE_RESULT, MODAL) and message_id == "@original"
        if it.callback is None or no_message:
            raise _ApiError(404, 10008, "Unknown Message")
        mid = it.original_id if message_id == "@original" else int(message_id)
        if (
            mid is None
            or mid not in self.messages
            or (mid != it.original_id and mid not in it.followup_ids)
        ):
            raise _ApiError(404, 10008, "Unknown Message")
        return mid

    async def _get_message(
        self, rec: Request, application_id: str, token: str, message_id: str = "@original"
    ) -> tuple[int, Any]:
        it = self._interaction_for(token, application_id)
        return 200, copy.deepcopy(self.messages[self._target(it, message_id)])

    async def _patch_message(
        self, rec: Request, application_id: str, token: str, message_id: str = "@original"
    ) -> tuple[int, Any]:
        it = self._interaction_for(token, application_id)
        mid = self._target(it, message_id)
        data = rec.json if isinstance(rec.json, dict) else {}
        _check_message(data, rec.files, it.size_limit)
        self._check_files_allowed(it, rec.files)
        message = self.messages[mid]
        self._apply(it, message, data, rec.files, editing=True)
        self._check_not_empty(message)
        return 200, copy.deepcopy(message)

    async def _delete_message(
        self, rec: Request, application_id: str, token: str, message_id: str = "@original"
    ) -> tuple[int, Any]:
        it = self._interaction_for(token, application_id)
        mid = self._target(it, message_id)
        del self.messages[mid]
        return 204, None

    async def _post_followup(
        self, rec: Request, application_id: str, token: str
    ) -> tuple[int, Any]:
        it = self._interaction_for(token, application_id)
        if it.callback_type not in (
            CHANNEL_MESSAGE,
            DEFERRED_CHANNEL_MESSAGE,
            DEFERRED_UPDATE_MESSAGE,
            UPDATE_MESSAGE,
        ):
            raise _ApiError(404, 10015, "Unknown Webhook")
        data = rec.json if isinstance(rec.json, dict) else {}
        _check_message(data, rec.files, it.size_limit)
        self._check_files_allowed(it, rec.files)
        original = self.messages.get(it.original_id) if it.original_id else None
        if original is not None and original["flags"] & LOADING:
            # After a "thinking" deferral the first follow-up replaces the placeholder.
            message = original
            self._apply(
                it,
                message,
                {k: v for k, v in data.items() if k != "flags"},
                rec.files,
                editing=True,
            )
        else:
            message = self._new_message(it, 0)
            self._apply(it, message, data, rec.files, editing=False)
            it.followup_ids.append(int(message["id"]))
        self._check_not_empty(message)
        if rec.query.get("wait") in ("1", "true", "True"):
            return 200, copy.deepcopy(message)
        return 204, None

    # ----- route handlers: files

    async def _get_file(self, rec: Request, name: str) -> tuple[int, Any]:
        raw = self._files.get(name)
        if raw is None:
            return 404, {"message": "404: Not Found", "code": 0}
        return 200, raw

    async def _get_attachment(self, rec: Request) -> tuple[int, Any]:
        parts = rec.path.split("/")
        if len(parts) >= 3 and parts[2].isdigit() and int(parts[2]) in self._blobs:
            data = self._blobs[int(parts[2])]
            ctype = mimetypes.guess_type(parts[-1])[0] or "application/octet-stream"
            return 200, _Raw(data, ctype)
        return 404, {"message": "404: Not Found", "code": 0}
