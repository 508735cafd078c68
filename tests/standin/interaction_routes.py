"""The interaction callback route: an interaction's one acknowledgement, refused as Discord refuses
a second one, a late one or one of the wrong type for the interaction."""

from __future__ import annotations

import copy
import time
from typing import Any

from tests.standin.common import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    EPHEMERAL,
    LOADING,
    MODAL,
    UPDATE_MESSAGE,
)
from tests.standin.records import Request, _Interaction
from tests.standin.validation import _ApiError, _check_choices, _check_message, _check_modal

# Callback types Discord accepts per interaction type.
_ALLOWED_CALLBACKS = {
    2: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    3: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE, MODAL},
    4: {AUTOCOMPLETE_RESULT},
    5: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE},
}


class InteractionRoutes:
    """The callback route, mixed into :class:`~tests.standin.server.StandIn` (its state)."""

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
