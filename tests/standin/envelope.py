"""The INTERACTION_CREATE envelope around every payload: who sent it, from where, about which message.

All payload builders share it, and :class:`~tests.standin.records.Reply` reads it back so a click or
a modal submit comes from the same user in the same place.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Mapping
from typing import Any

from tests.standin.common import (
    APP_ID,
    CHANNEL_ID,
    DEFAULT_APP_PERMISSIONS,
    DEFAULT_ATTACHMENT_SIZE_LIMIT,
    DEFAULT_MEMBER_PERMISSIONS,
    DM_APP_PERMISSIONS,
    DM_CHANNEL_ID,
    GUILD_ID,
    USER_ID,
    _user_object,
    snowflake,
)


def _message_object(message: Any) -> dict[str, Any]:
    # Imported here: records builds follow-on payloads with this module, so it imports us first.
    from tests.standin.records import Message, Reply

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
