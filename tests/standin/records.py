"""What the stand-in records and the tests read: requests, stored messages, replies, the failures
raised when the bot did not answer or a wait ran out, and the stand-in's own bookkeeping."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.standin.common import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFAULT_ATTACHMENT_SIZE_LIMIT,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    EPHEMERAL,
    LOADING,
    MODAL,
    _custom_ids,
    _find_component,
)
from tests.standin.envelope import _context_of
from tests.standin.payloads import component_payload, modal_submit_payload


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

    def button(self, label: str, *, starts: bool = False) -> str:
        """The custom id of the button labelled ``label`` (or whose label starts with it) on the
        message the user ends up looking at."""
        components = self.final.components if self.final else []
        for row in components:
            for item in row["components"]:
                shown = item.get("label", "")
                if shown == label or (starts and shown.startswith(label)):
                    return item["custom_id"]
        raise AssertionError(f"no button {label!r} in {components}")

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


# --------------------------------------------------------------------------------------------
# The stand-in's own bookkeeping


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


@dataclass
class _Fault:
    """A failure injected on a route for its next ``times`` requests: an error answer
    (``status``, ``body``, ``headers``), a dropped connection (``reset``) or a late answer
    (``delay`` seconds)."""

    route: str
    times: int
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False
    delay: float = 0.0
