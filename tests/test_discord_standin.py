"""The Discord stand-in, proven against a tiny bot: the real discord.py client, over real HTTP.

Each path a bot can take with an interaction (reply with embed and file, defer then edit or
follow up, autocomplete, buttons, modals) is driven through ``parse_interaction_create`` and
checked on what discord.py actually posted, so the real bot's tests can trust the harness.
"""

from __future__ import annotations

import asyncio
import io
import struct
import zlib

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.standin import (
    APP_ID,
    APP_PERMISSIONS_NO_FILES,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    EPHEMERAL,
    GUILD_ID,
    MANAGER_PERMISSIONS,
    MODAL,
    PNG_SIGNATURE,
    UPDATE_MESSAGE,
    USER_ID,
    NotAnswered,
    StandInTimeout,
    autocomplete_payload,
    component_payload,
    modal_submit_payload,
    permissions,
    permissions_without,
    slash_payload,
)


def tiny_png() -> bytes:
    """A valid 2x1 PNG, built by hand so the test needs no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\x00\xff")
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG = tiny_png()
COUNTRIES = ["Mexico", "India", "China", "Philippines", "Cuba", "Dominican Republic"]


class GreetView(discord.ui.View):
    """A per-message view: discord.py stores it under the id of the message it was sent with."""

    @discord.ui.button(label="Hello", custom_id="tiny:hello")
    async def hello(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message(f"hello {interaction.user.id}", ephemeral=True)

    @discord.ui.button(label="Edit", custom_id="tiny:edit", style=discord.ButtonStyle.secondary)
    async def edit(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="edited by click", view=None)


class PanelView(discord.ui.View):
    """A persistent view (no timeout, fixed custom_id), registered in setup_hook."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Go", custom_id="tiny:persist")
    async def go(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("persistent ok", ephemeral=True)


class NoteModal(discord.ui.Modal, title="Leave a note"):
    note = discord.ui.TextInput(label="Note", custom_id="tiny:note", max_length=200)

    def __init__(self) -> None:
        super().__init__(custom_id="tiny:modal")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"noted: {self.note.value}", ephemeral=True)


@app_commands.command(description="Echo text as an embed with a chart")
async def echo(interaction: discord.Interaction, text: str) -> None:
    embed = discord.Embed(title=text, description="echoed", colour=0x3366CC)
    embed.set_image(url="attachment://chart.png")
    await interaction.response.send_message(
        embed=embed, file=discord.File(io.BytesIO(PNG), filename="chart.png")
    )


@app_commands.command(description="Defer, then answer")
@app_commands.choices(
    mode=[app_commands.Choice(name=m, value=m) for m in ("edit", "followup", "ephemeral")]
)
async def slow(interaction: discord.Interaction, mode: str) -> None:
    await interaction.response.defer(thinking=True, ephemeral=mode == "ephemeral")
    await asyncio.sleep(0.01)  # the "slow query"
    if mode == "followup":
        await interaction.followup.send(embed=discord.Embed(title="late answer"))
    else:
        await interaction.edit_original_response(content=f"done ({mode})")


@app_commands.command(description="Defer, then attach a chart to the original")
async def chart(interaction: discord.Interaction) -> None:
    await interaction.response.defer(thinking=True)
    embed = discord.Embed(title="chart").set_image(url="attachment://c.png")
    await interaction.edit_original_response(
        embed=embed, attachments=[discord.File(io.BytesIO(PNG), filename="c.png")]
    )
    shown = await interaction.original_response()  # GET @original
    assert shown.attachments[0].filename == "c.png"


@app_commands.command(description="Reply, follow up, edit the follow-up, delete the reply")
async def chatter(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("first")
    later = await interaction.followup.send("second", wait=True)
    await later.edit(content="second, edited")
    await interaction.delete_original_response()


@app_commands.command(description="Pick a country")
async def pick(interaction: discord.Interaction, country: str) -> None:
    await interaction.response.send_message(f"picked {country}")


@pick.autocomplete("country")
async def pick_autocomplete(interaction: discord.Interaction, current: str):
    return [app_commands.Choice(name=c, value=c) for c in COUNTRIES if current.lower() in c.lower()]


@app_commands.command(description="Buttons")
async def buttons(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("pick one", view=GreetView())


@app_commands.command(description="Persistent panel")
async def panel(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("panel", view=PanelView())


@app_commands.command(description="Open a modal")
async def feedback(interaction: discord.Interaction) -> None:
    await interaction.response.send_modal(NoteModal())


@app_commands.command(description="Report permissions")
async def perms(interaction: discord.Interaction) -> None:
    where = "dm" if interaction.guild is None else "guild"
    await interaction.response.send_message(
        f"{where} manage={interaction.permissions.manage_guild} "
        f"files={interaction.app_permissions.attach_files}",
        ephemeral=True,
    )


@app_commands.command(description="Measure an upload")
async def size(interaction: discord.Interaction, file: discord.Attachment) -> None:
    data = await file.read()
    await interaction.response.send_message(f"{file.filename} {len(data)} {data[:4]!r}")


@app_commands.command(description="Never answers")
async def silent(interaction: discord.Interaction) -> None:
    return None


@app_commands.command(description="Too long for Discord")
async def toolong(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("x" * 2001)


@app_commands.command(description="Acknowledges twice over raw HTTP")
async def twice_raw(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("first")
    interaction.response._response_type = None  # pretend we forgot, to reach Discord's check
    await interaction.response.send_message("second")


group = app_commands.Group(name="stats", description="Statistics")


@group.command(name="top", description="Top countries")
async def stats_top(interaction: discord.Interaction, year: int, share: float = 0.5) -> None:
    await interaction.response.send_message(f"top {year} {share}")


class TinyBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            help_command=None,
        )
        self.setup_ran = False

    async def setup_hook(self) -> None:
        for command in (echo, slow, pick, buttons, panel, feedback, perms, size, silent):
            self.tree.add_command(command)
        for command in (toolong, twice_raw, group, chart, chatter):
            self.tree.add_command(command)
        self.add_view(PanelView())
        self.setup_ran = True


@pytest.fixture
async def bot(logged_in):
    return await logged_in(TinyBot())


# --- login and sync -----------------------------------------------------------------------------


async def test_login_asks_users_me_and_application(standin, logged_in):
    bot = await logged_in(TinyBot())
    assert standin.routes_called() == ["GET /users/@me", "GET /oauth2/applications/@me"]
    assert standin.requests[0].headers["Authorization"] == "Bot stand-in-token"
    assert bot.user.id == APP_ID and bot.user.bot
    assert bot.application_id == APP_ID
    assert bot.setup_ran
    assert not bot.is_ready() and bot.ws is None  # the gateway was never opened


async def test_tree_sync_puts_the_commands_and_echoes_ids(standin, bot):
    synced = await bot.tree.sync()
    (put,) = standin.matching("PUT /applications/{application_id}/commands")
    assert put.path == f"/applications/{APP_ID}/commands"
    sent = {c["name"]: c for c in put.json}
    assert {"echo", "slow", "pick", "stats"} <= set(sent)
    text = sent["echo"]["options"][0]
    assert (text["name"], text["type"], text["required"]) == ("text", 3, True)
    assert sent["pick"]["options"][0]["autocomplete"] is True
    assert sent["stats"]["options"][0]["type"] == 1  # subcommand
    assert {c.name for c in synced} == set(sent)
    assert all(c.id and c.application_id == APP_ID for c in synced)

    fetched = await bot.tree.fetch_commands()
    assert [c.id for c in fetched] == [c.id for c in synced]

    guild = discord.Object(GUILD_ID)
    bot.tree.copy_global_to(guild=guild)
    guild_synced = await bot.tree.sync(guild=guild)
    assert standin.matching("PUT /applications/{application_id}/guilds/{guild_id}/commands")
    assert {c.guild_id for c in guild_synced} == {GUILD_ID}
    assert standin.unmatched == []


async def test_invalid_command_definitions_are_refused_like_discord(standin, bot):
    bad = app_commands.Command(name="ok", description="d", callback=silent.callback)
    bad.description = "x" * 101  # discord.py would refuse on creation; simulate drift
    bot.tree.add_command(bad)
    with pytest.raises(discord.HTTPException) as raised:
        await bot.tree.sync()
    assert raised.value.status == 400 and raised.value.code == 50035
    assert "100 or fewer" in str(raised.value)


# --- slash commands --------------------------------------------------------------------------


async def test_echo_replies_with_an_embed_and_a_png(standin, bot):
    reply = await standin.send(bot, slash_payload("echo", {"text": "hello"}))
    assert reply.type == CHANNEL_MESSAGE and not reply.ephemeral
    callback = reply.callback
    assert callback.multipart and callback.query == {"with_response": "1"}
    assert callback.json["data"]["embeds"][0]["title"] == "hello"
    assert callback.json["data"]["attachments"] == [{"id": 0, "filename": "chart.png"}]
    (upload,) = callback.files
    assert upload.field == "files[0]" and upload.filename == "chart.png"
    assert upload.data.startswith(PNG_SIGNATURE)

    final = reply.final
    assert final.embed["image"]["url"] == "attachment://chart.png"
    (attachment,) = final.attachments
    assert attachment.content_type == "image/png" and attachment.data == PNG
    assert (attachment.raw["width"], attachment.raw["height"]) == (2, 1)
    assert await bot.http.get_from_cdn(attachment.url) == PNG  # served back by the stand-in


async def test_defer_then_edit_original(standin, bot):
    reply = await standin.send(bot, slash_payload("slow", {"mode": "edit"}))
    assert reply.type == DEFERRED_CHANNEL_MESSAGE and reply.deferred
    routes = [r.route for r in reply.requests]
    assert routes == [
        "POST /interactions/{interaction_id}/{token}/callback",
        "PATCH /webhooks/{application_id}/{token}/messages/@original",
    ]
    assert reply.requests[1].json["content"] == "done (edit)"
    assert reply.final.content == "done (edit)" and not reply.final.loading
    assert reply.followups == []


async def test_defer_then_followup_replaces_the_thinking_message(standin, bot):
    reply = await standin.send(bot, slash_payload("slow", {"mode": "followup"}))
    assert reply.type == DEFERRED_CHANNEL_MESSAGE
    post = reply.requests[1]
    assert post.route == "POST /webhooks/{application_id}/{token}"
    assert post.path == f"/webhooks/{APP_ID}/{reply.token}"
    assert reply.final.embed["title"] == "late answer"
    assert reply.final.id == reply.original.id and reply.followups == []


async def test_defer_then_edit_with_a_file(standin, bot):
    reply = await standin.send(bot, slash_payload("chart"))
    patch = reply.requests[1]
    assert patch.multipart and patch.json["attachments"] == [{"id": 0, "filename": "c.png"}]
    assert patch.files[0].data == PNG
    assert reply.requests[2].route == "GET /webhooks/{application_id}/{token}/messages/@original"
    assert reply.final.embed["image"]["url"] == "attachment://c.png"
    assert [a.data for a in reply.final.attachments] == [PNG]
    assert reply.files[0].filename == "c.png"


async def test_followup_edit_and_delete_original(standin, bot):
    reply = await standin.send(bot, slash_payload("chatter"))
    assert [r.method for r in reply.requests] == ["POST", "POST", "PATCH", "DELETE"]
    assert reply.requests[1].query["wait"] == "1"
    assert reply.original is None  # deleted
    assert [m.content for m in reply.followups] == ["second, edited"]
    assert reply.final.raw["edited_timestamp"] is not None


async def test_ephemeral_defer_keeps_flag_64(standin, bot):
    reply = await standin.send(bot, slash_payload("slow", {"mode": "ephemeral"}))
    assert reply.callback.json == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert reply.ephemeral and reply.final.ephemeral
    assert reply.final.content == "done (ephemeral)"


async def test_wait_modes_and_response_to(standin, bot):
    payload = slash_payload("slow", {"mode": "edit"})
    first = await standin.send(bot, payload, wait="callback")
    assert first.type == DEFERRED_CHANNEL_MESSAGE
    final = await standin.response_to(payload["id"], final=True)
    assert final.final.content == "done (edit)"


async def test_subcommand_with_typed_options(standin, bot):
    payload = slash_payload("stats", {"year": 2022, "share": 0.25}, subcommand="top")
    reply = await standin.send(bot, payload)
    assert reply.final.content == "top 2022 0.25"


async def test_autocomplete_returns_type_8_choices(standin, bot):
    reply = await standin.send(bot, autocomplete_payload("pick", {"country": "ic"}, "country"))
    assert reply.type == AUTOCOMPLETE_RESULT
    assert reply.choices == [
        {"name": "Mexico", "value": "Mexico"},
        {"name": "Dominican Republic", "value": "Dominican Republic"},
    ]
    assert reply.final is None


async def test_attachment_option_is_downloaded_from_the_standin(standin, bot):
    upload = standin.attachment("table.csv", b"year,count\n2022,1\n")
    reply = await standin.send(bot, slash_payload("size", {"file": upload}))
    assert reply.final.content == "table.csv 18 b'year'"
    assert standin.matching("GET /files/{name}")


# --- components and modals -------------------------------------------------------------------


async def test_button_click_sends_an_ephemeral_message(standin, bot):
    reply = await standin.send(bot, slash_payload("buttons"))
    assert reply.final.custom_ids == ["tiny:hello", "tiny:edit"]
    click = reply.press("tiny:hello")
    assert click["type"] == 3 and click["data"] == {"custom_id": "tiny:hello", "component_type": 2}
    assert click["message"]["id"] == str(reply.final.id)

    answer = await standin.send(bot, click)
    assert answer.type == CHANNEL_MESSAGE
    assert answer.callback.json["data"]["flags"] == EPHEMERAL and answer.ephemeral
    assert answer.final.content == f"hello {USER_ID}"


async def test_button_click_updates_its_message(standin, bot):
    reply = await standin.send(bot, slash_payload("buttons"))
    answer = await standin.send(bot, component_payload("tiny:edit", reply))
    assert answer.type == UPDATE_MESSAGE
    assert answer.final.id == reply.final.id
    assert answer.final.content == "edited by click" and answer.final.components == []
    assert standin.reply(reply.token).final.content == "edited by click"


async def test_persistent_view_survives_without_a_stored_message(standin, bot):
    message = {
        "id": "1100000000000000099",
        "type": 0,
        "channel_id": "1100000000000000003",
        "content": "panel from yesterday",
        "author": standin.bot_user,
        "components": [
            {
                "type": 1,
                "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "tiny:persist"}],
            }
        ],
        "timestamp": "2024-01-01T00:00:00+00:00",
        "flags": 0,
    }
    answer = await standin.send(bot, component_payload("tiny:persist", message))
    assert answer.type == DEFERRED_CHANNEL_MESSAGE and answer.ephemeral
    assert answer.final.content == "persistent ok" and answer.final.ephemeral


async def test_modal_opens_then_submits(standin, bot):
    opened = await standin.send(bot, slash_payload("feedback"))
    assert opened.type == MODAL
    assert opened.modal["custom_id"] == "tiny:modal" and opened.modal["title"] == "Leave a note"

    submitted = await standin.send(bot, opened.submit({"tiny:note": "more charts"}))
    assert submitted.payload["type"] == 5
    assert submitted.type == CHANNEL_MESSAGE and submitted.ephemeral
    assert submitted.final.content == "noted: more charts"

    # A submitted modal is finished: discord.py drops a second submit, as it would live.
    late = modal_submit_payload("tiny:modal", {"tiny:note": "again"})
    assert not (await standin.send(bot, late, expect_answer=False)).answered
    await standin.send(bot, slash_payload("feedback"))
    again = modal_submit_payload("tiny:modal", {"tiny:note": "again"})
    assert (await standin.send(bot, again)).final.content == "noted: again"


# --- permissions and contexts ----------------------------------------------------------------


def test_permissions_builds_bitfields_from_flag_names():
    no_files = permissions("send_messages", "embed_links")
    assert discord.Permissions(int(no_files)) == discord.Permissions(
        send_messages=True, embed_links=True
    )
    assert not discord.Permissions(int(APP_PERMISSIONS_NO_FILES)).attach_files
    assert discord.Permissions(int(MANAGER_PERMISSIONS)).manage_guild
    assert permissions_without(permissions("manage_guild", "attach_files"), "attach_files") == str(
        discord.Permissions(manage_guild=True).value
    )
    with pytest.raises(ValueError, match="unknown permission"):
        permissions("attach_file")


async def test_member_and_app_permissions_and_dm(standin, bot):
    plain = await standin.send(bot, slash_payload("perms"))
    assert plain.final.content == "guild manage=False files=True"
    manager = slash_payload("perms", permissions=MANAGER_PERMISSIONS)
    assert (await standin.send(bot, manager)).final.content == "guild manage=True files=True"
    no_files = slash_payload("perms", app_permissions=permissions("send_messages", "embed_links"))
    assert (await standin.send(bot, no_files)).final.content == "guild manage=False files=False"
    dm = slash_payload("perms", guild_id=None)
    assert "member" not in dm and dm["user"]["id"] == str(USER_ID)
    assert (await standin.send(bot, dm)).final.content == "dm manage=False files=True"


async def test_enforced_app_permissions_refuse_uploads(standin, bot):
    standin.enforce_app_permissions = True
    payload = slash_payload("echo", {"text": "x"}, app_permissions=APP_PERMISSIONS_NO_FILES)
    reply = await standin.send(bot, payload, expect_answer=False)
    assert not reply.answered
    assert reply.requests[0].status == 403 and reply.requests[0].response["code"] == 50013


# --- failures are loud -----------------------------------------------------------------------


async def test_unanswered_interaction_raises_with_the_log(standin, bot):
    with pytest.raises(NotAnswered, match="did not acknowledge"):
        await standin.send(bot, slash_payload("silent"))
    with pytest.raises(StandInTimeout, match="GET /users/@me"):
        await standin.wait_for(lambda r: r.method == "PUT", timeout=0.05)


async def test_discord_refusals_are_modelled(standin, bot):
    too_long = await standin.send(bot, slash_payload("toolong"), expect_answer=False)
    (refused,) = too_long.requests
    assert refused.status == 400 and refused.response["code"] == 50035
    assert refused.response["errors"]["data"]["content"]["_errors"][0]["code"] == (
        "BASE_TYPE_MAX_LENGTH"
    )
    assert any("2000 or fewer" in e for e in standin.errors)  # discord.py logged the failure

    twice_reply = await standin.send(bot, slash_payload("twice_raw"))
    assert [r.status for r in twice_reply.requests] == [200, 400]
    assert twice_reply.requests[1].response["code"] == 40060
    assert twice_reply.final.content == "first"


async def test_unknown_routes_are_recorded_as_404(standin, bot):
    with pytest.raises(discord.NotFound):
        await bot.fetch_channel(123)
    (unknown,) = standin.unmatched
    assert (unknown.method, unknown.path, unknown.status) == ("GET", "/channels/123", 404)


async def test_injected_failure(standin, bot):
    standin.fail(
        "POST /interactions/{interaction_id}/{token}/callback",
        404,
        {"message": "Unknown interaction", "code": 10062},
    )
    reply = await standin.send(bot, slash_payload("echo", {"text": "late"}), expect_answer=False)
    assert not reply.answered and reply.requests[0].status == 404
    assert (await standin.send(bot, slash_payload("echo", {"text": "ok"}))).answered


async def test_callback_deadline(standin, bot):
    standin.callback_deadline = 0.0  # everything is "too late"
    reply = await standin.send(bot, slash_payload("echo", {"text": "x"}), expect_answer=False)
    assert reply.requests[0].response == {"message": "Unknown interaction", "code": 10062}


# --- load ------------------------------------------------------------------------------------


async def test_many_interactions_at_once(standin, bot):
    payloads = [slash_payload("slow", {"mode": "followup"}) for _ in range(15)]
    payloads += [slash_payload("echo", {"text": f"n{i}"}) for i in range(15)]
    replies = await asyncio.gather(*(standin.send(bot, p) for p in payloads))
    assert all(r.answered for r in replies)
    assert {r.final.embed["title"] for r in replies[15:]} == {f"n{i}" for i in range(15)}
    assert all(r.final.embed["title"] == "late answer" for r in replies[:15])
    assert len({r.final.id for r in replies}) == 30
    assert standin.unmatched == []
