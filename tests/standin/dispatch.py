"""The HTTP side of the stand-in: each request is read into a :class:`~tests.standin.records.Request`,
matched to a route handler (or to an injected failure), answered, and recorded."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.standin.common import API_PREFIX
from tests.standin.records import Request, UploadedFile, _Fault, _Raw
from tests.standin.validation import _ApiError

_log = logging.getLogger(__name__)


class Dispatch:
    """Routing and recording, mixed into :class:`~tests.standin.server.StandIn` (its state)."""

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
        fault = self._take_failure(rec.route)
        try:
            if fault is not None and fault.reset:
                status, body = 0, None  # nothing is answered: see below
            elif fault is not None and fault.status is not None:
                status, body = fault.status, fault.body
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
        if fault is not None and fault.reset:
            return self._dropped(request)
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        headers = dict(fault.headers) if fault is not None else {}
        if isinstance(body, _Raw):
            return web.Response(
                status=status, body=body.data, headers={"Content-Type": body.content_type}
            )
        if body is None:
            return web.Response(status=status, headers=headers)
        # discord.py parses JSON only when Content-Type is exactly "application/json".
        return web.Response(
            status=status,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **headers},
        )

    @staticmethod
    def _dropped(request: web.Request) -> web.StreamResponse:
        """Close the connection without a word, as a reset does; aiohttp writes nothing more."""
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError

    def _take_failure(self, route: str | None) -> _Fault | None:
        for fault in self._failures:
            if fault.route == route and fault.times > 0:
                fault.times -= 1
                return fault
        return None
