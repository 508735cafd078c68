"""The :class:`StandIn` server: its lifecycle, pointing discord.py at it, what tests set up, the
request log and bounded waits; routing, route handlers and delivery come from the mixins it
combines, one module per family."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import mimetypes
from collections.abc import Callable
from typing import Any

import discord
import discord.asset
import discord.http
import discord.webhook.async_
import discord.webhook.sync
from aiohttp import web

from tests.standin.app_routes import AppRoutes
from tests.standin.common import API_PREFIX, APP_ID, CALLBACK_DEADLINE, _user_object, snowflake
from tests.standin.delivery import Delivery
from tests.standin.dispatch import Dispatch
from tests.standin.interaction_routes import InteractionRoutes
from tests.standin.message_routes import MessageRoutes
from tests.standin.payloads import AttachmentOption
from tests.standin.records import Request, StandInTimeout, _Fault, _Interaction, _Raw


class _ErrorLog(logging.Handler):
    """Keeps ERROR records (discord.py logs handler exceptions) for failure messages."""

    def __init__(self, sink: list[str]):
        super().__init__(logging.ERROR)
        self.sink = sink
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.sink.append(self.format(record))


class StandIn(Delivery, Dispatch, AppRoutes, InteractionRoutes, MessageRoutes):
    """Discord's REST API on 127.0.0.1, recording every request the real client makes.

    Start it with ``async with StandIn() as standin:`` (or ``await start()`` / ``await stop()``)
    and point discord.py at it with :meth:`patch_discord` (the ``standin`` fixture does both).
    """

    def __init__(
        self,
        *,
        app_id: int = APP_ID,
        bot_name: str = "immistats",
        callback_deadline: float | None = CALLBACK_DEADLINE,
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
        self._failures: list[_Fault] = []
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

    def fail(
        self,
        route: str,
        status: int,
        body: Any = None,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next ``times`` requests to ``route`` (a template, as in ``Request.route``)
        with ``status``, ``body`` and ``headers`` instead — to test how the bot copes with Discord
        errors. A 429 gets Discord's body (``retry_after``) unless one is given; discord.py waits
        and retries a 429 itself only when it carries a ``Via`` header (Discord's own), so
        ``headers={"Via": "1.1 google"}`` is Discord rate limiting and no header a proxy's 429.

        Beware that discord.py retries 500/502/504/524 after sleeping 1, 3, 5, 7 s.
        """
        if body is None and status == 429:
            body = {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
        if body is None:
            body = {"message": f"stand-in injected {status}", "code": 0}
        self._failures.append(_Fault(route, times, status=status, body=body, headers=headers or {}))

    def reset(self, route: str, *, times: int = 1) -> None:
        """Drop the connection of the next ``times`` requests to ``route`` without answering (the
        client sees the connection reset), after reading the request (it is recorded)."""
        self._failures.append(_Fault(route, times, reset=True))

    def slow(self, route: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` requests to ``route`` only after ``seconds`` (the request is
        handled, and recorded, when it arrives: a deadline is judged on arrival, as on Discord)."""
        self._failures.append(_Fault(route, times, delay=seconds))

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
