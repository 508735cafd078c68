"""Webhook routes on an interaction's messages (get, edit, delete, follow up) and the files they
carry; messages are stored so edits and follow-ups add up to what a user would see."""

from __future__ import annotations

import copy
import mimetypes
import re
from typing import Any

import discord

from tests.standin.common import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_ID,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    EPHEMERAL,
    IS_COMPONENTS_V2,
    LOADING,
    MODAL,
    SUPPRESS_EMBEDS,
    SUPPRESS_NOTIFICATIONS,
    UPDATE_MESSAGE,
    _now_iso,
    _png_size,
    snowflake,
)
from tests.standin.records import Request, UploadedFile, _Interaction, _Raw
from tests.standin.validation import _ApiError, _check_message


class MessageRoutes:
    """Message and file routes, mixed into :class:`~tests.standin.server.StandIn` (its state)."""

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
