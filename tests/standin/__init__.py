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
* the 3-second acknowledgement deadline: a late callback gets Discord's 404 Unknown interaction
  (code 10062); ``callback_deadline=None`` turns it off;
* faults on a route: an error answer with headers (``fail``: a 429 with or without ``Via``, a 5xx),
  a dropped connection (``reset``), a late answer (``slow``);
* optionally refusing uploads when ``app_permissions`` lacks ATTACH_FILES
  (``enforce_app_permissions=True``).
"""

from tests.standin.common import (
    APP_ID,
    APP_PERMISSIONS_NO_FILES,
    AUTOCOMPLETE_RESULT,
    CHANNEL_ID,
    CHANNEL_MESSAGE,
    DEFAULT_APP_PERMISSIONS,
    DEFAULT_MEMBER_PERMISSIONS,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    DM_APP_PERMISSIONS,
    DM_CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    MANAGER_PERMISSIONS,
    MODAL,
    PNG_SIGNATURE,
    UPDATE_MESSAGE,
    USER_ID,
    permissions,
    permissions_without,
)
from tests.standin.payloads import (
    AttachmentOption,
    Option,
    autocomplete_payload,
    component_payload,
    modal_submit_payload,
    slash_payload,
)
from tests.standin.records import (
    Attachment,
    Message,
    NotAnswered,
    Reply,
    Request,
    StandInTimeout,
    UploadedFile,
)
from tests.standin.server import StandIn

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
