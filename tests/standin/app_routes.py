"""Route handlers for logging in and syncing commands: the bot user, the application, the gateway
URL, and the global or per-guild command lists, checked as Discord checks them."""

from __future__ import annotations

import copy
from typing import Any

from tests.standin.common import DEFAULT_APP_PERMISSIONS, OWNER_ID, _user_object, snowflake
from tests.standin.records import Request
from tests.standin.validation import _ApiError, _check_commands


class AppRoutes:
    """Login and command-sync routes, mixed into :class:`~tests.standin.server.StandIn`."""

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
