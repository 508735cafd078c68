"""Builders for the INTERACTION_CREATE payloads tests feed the bot (slash commands, autocomplete,
component clicks, modal submits), shaped as Discord sends them so the real dispatch runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.standin.common import (
    APP_ID,
    DEFAULT_ATTACHMENT_SIZE_LIMIT,
    DEFAULT_MEMBER_PERMISSIONS,
    GUILD_ID,
    USER_ID,
    _custom_ids,
    _find_component,
    _png_size,
    snowflake,
)
from tests.standin.envelope import _context_kwargs, _interaction, _message_object


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
