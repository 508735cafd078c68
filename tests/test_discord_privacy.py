"""/commands forget-server on the stand-in: a moderator removes everything the bot keeps about the
server (its commands, their audit log, the questions nothing answered, members' reports) after
confirming; other servers keep theirs, Cancel removes nothing, members cannot do it."""

from __future__ import annotations

from bot.app.client import ImmistatsBot
from bot.app.moderator_views import MANAGE_SERVER
from tests.standin import (
    GUILD_ID,
    MANAGER_PERMISSIONS,
    UPDATE_MESSAGE,
    USER_ID,
    permissions,
    slash_payload,
)
from tests.test_discord_moderation import FILE_TOML, NAME, TITLE

OTHER_GUILD = GUILD_ID + 1


def forget(**context) -> dict:
    context.setdefault("permissions", MANAGER_PERMISSIONS)
    return slash_payload("commands", {}, subcommand="forget-server", **context)


def fill(bot: ImmistatsBot, guild_id: int) -> None:
    """A command edited once, an unanswered question and a report: every kind of state."""
    state = bot.state
    state.add(guild_id, NAME, FILE_TOML, user_id=USER_ID)
    state.edit(guild_id, NAME, FILE_TOML + "# edited\n", user_id=USER_ID)
    state.record_unanswered(guild_id, "cheese imports")
    state.add_report(
        guild_id, command="c", params={}, data_version="v", question="q", reason="looks off"
    )


def everything(bot: ImmistatsBot, guild_id: int) -> tuple:
    state = bot.state
    return (
        state.commands(guild_id),
        state.history(guild_id, 100),
        state.wanted(guild_id, 100),
        state.reports(guild_id, 100),
    )


async def ask(standin, bot, question: str) -> dict:
    reply = await standin.send(bot, slash_payload("ask", {"question": question}))
    return reply.final.embed


async def test_forget_server_asks_first_then_removes_all_of_this_servers_state(standin, bot):
    fill(bot, GUILD_ID)
    fill(bot, OTHER_GUILD)
    other_before = everything(bot, OTHER_GUILD)
    assert TITLE in str(await ask(standin, bot, "ice test removals 2020"))  # it answers here
    asked = await standin.send(bot, forget())
    assert asked.ephemeral and "cannot be undone" in asked.final.content
    assert len(everything(bot, GUILD_ID)[0]) == 1  # nothing removed before Confirm

    done = await standin.send(bot, asked.press(asked.button("Remove all")))
    assert done.type == UPDATE_MESSAGE and done.final.components == []
    assert done.final.content.startswith(
        "Removed: 1 command(s), 2 history entries, 1 unanswered question(s) and 1 report(s)."
    )
    assert everything(bot, GUILD_ID) == ([], [], [], [])
    assert everything(bot, OTHER_GUILD) == other_before
    answer = await ask(standin, bot, "ice test removals 2020")
    assert TITLE not in str(answer)  # the server's command stopped answering at once


async def test_cancel_removes_nothing(standin, bot):
    fill(bot, GUILD_ID)
    before = everything(bot, GUILD_ID)
    asked = await standin.send(bot, forget())
    cancelled = await standin.send(bot, asked.press(asked.button("Cancel")))
    assert cancelled.final.content == "Cancelled: nothing was changed."
    assert everything(bot, GUILD_ID) == before


async def test_members_cannot_forget_a_server(standin, bot):
    fill(bot, GUILD_ID)
    before = everything(bot, GUILD_ID)
    member = await standin.send(bot, forget(permissions=permissions()))
    assert member.ephemeral and member.final.content == MANAGE_SERVER
    assert not member.final.components
    assert everything(bot, GUILD_ID) == before
