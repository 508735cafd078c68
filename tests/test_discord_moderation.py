"""Moderators on the stand-in: /commands with the real discord.py client, a real state database
and the real statistics database.

Forms are opened (callback type 9) and submitted (interaction type 5), previews confirmed or
cancelled with their buttons (type 3), files attached as Discord sends them; every assertion is on
what the client posted back, on the state database, or on the statistics database's bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import moderator_views
from bot.app.client import ImmistatsBot, create_bot
from bot.app.moderator_views import IN_A_SERVER, MANAGE_SERVER
from bot.engine.answering import Engine
from bot.engine.catalog import Catalog
from bot.engine.service import Service
from bot.guilds.moderation import MAX_TOML
from tests.standin import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    GUILD_ID,
    MANAGER_PERMISSIONS,
    MODAL,
    PNG_SIGNATURE,
    UPDATE_MESSAGE,
    USER_ID,
    autocomplete_payload,
    permissions,
    slash_payload,
)
from tests.test_moderation import GOOD_SQL, HOSTILE_SQL

OTHER_GUILD = GUILD_ID + 1
NAME = "ice-removals-test"
TITLE = "ICE removals (test)"
FORM = {
    "name": NAME,
    "title": TITLE,
    "aliases": "ice test removals, test deportations",
    "sql": GOOD_SQL,
    "sources": "ice_fy2023_annual_report_release",
}
FILE_TOML = f'''name = "{NAME}"
title = "{TITLE}"
description = "Removals by ICE, added by a moderator from a file."
aliases = ["ice test removals"]
unit = "persons"
headline = "{{value}} people removed by ICE in {{period}}"
sources = ["ice_fy2023_annual_report_release"]
sql = """{GOOD_SQL}"""
'''
# A command whose query no longer runs (as if the data had changed under it): stored directly.
BROKEN_TOML = (
    FILE_TOML.replace(NAME, "broken-test")
    .replace('"ice test removals"', '"broken test words"')
    .replace("select period, value", "select period, no_such_column as value")
)


def moderator(subcommand: str, options: dict | None = None, **context) -> dict:
    context.setdefault("permissions", MANAGER_PERMISSIONS)
    return slash_payload("commands", options or {}, subcommand=subcommand, **context)


def form(**changes: str) -> dict[str, str]:
    return {f"immistats:form:{key}": value for key, value in (FORM | changes).items()}


def snapshot(bot: ImmistatsBot, guild_id: int = GUILD_ID) -> tuple:
    """Everything the state database holds for a server."""
    state = bot.state
    return state.commands(guild_id), state.history(guild_id, 100), state.wanted(guild_id, 100)


async def submit_form(standin, bot, subcommand: str = "add", options=None, **changes: str):
    opened = await standin.send(bot, moderator(subcommand, options))
    assert opened.type == MODAL, opened.final and opened.final.content
    return await standin.send(bot, opened.submit(form(**changes)))


async def add_command(standin, bot, **changes: str):
    preview = await submit_form(standin, bot, **changes)
    return await standin.send(bot, preview.press(preview.button("Confirm")))


async def ask(standin, bot, question: str, **context) -> dict:
    reply = await standin.send(bot, slash_payload("ask", {"question": question}, **context))
    return reply.final.embed


# ----- who may


SUBCOMMANDS = [
    ("add", {}),
    ("edit", {"name": NAME}),
    ("remove", {"name": NAME}),
    ("list", {}),
    ("show", {"name": NAME}),
    ("export", {"name": NAME}),
    ("history", {}),
    ("wanted", {}),
]


@pytest.mark.parametrize(("subcommand", "options"), SUBCOMMANDS, ids=[s for s, _ in SUBCOMMANDS])
async def test_every_subcommand_needs_manage_server_checked_by_the_bot(
    standin, bot, subcommand, options
):
    bot.state.add(GUILD_ID, NAME, FILE_TOML, user_id=USER_ID)
    before = snapshot(bot)
    member = await standin.send(bot, moderator(subcommand, options, permissions=permissions()))
    direct = await standin.send(bot, moderator(subcommand, options, guild_id=None))
    for reply, said in ((member, MANAGE_SERVER), (direct, IN_A_SERVER)):
        assert reply.type == CHANNEL_MESSAGE and reply.ephemeral  # no form opened, nothing shown
        assert reply.final.content == said and not reply.final.embeds and not reply.files
    assert snapshot(bot) == before
    allowed = await standin.send(bot, moderator(subcommand, options))
    assert allowed.type == MODAL or allowed.ephemeral
    assert not standin.errors


async def test_the_group_is_hinted_to_discord_as_manage_server_and_server_only(bot):
    group = bot.tree.get_command("commands")
    assert group.default_permissions.manage_guild and group.guild_only


async def test_a_form_or_button_from_someone_without_manage_server_changes_nothing(standin, bot):
    opened = await standin.send(bot, moderator("add"))
    refused = await standin.send(bot, opened.submit(form(), permissions=permissions()))
    assert refused.ephemeral and refused.final.content == MANAGE_SERVER
    preview = await submit_form(standin, bot)
    confirm = preview.button("Confirm")
    lost = await standin.send(bot, preview.press(confirm, permissions=permissions()))
    other = await standin.send(bot, preview.press(confirm, user_id=USER_ID + 1))
    assert lost.final.content == MANAGE_SERVER
    assert other.final.content == "Only the moderator who asked can answer this."
    assert bot.state.commands(GUILD_ID) == []
    done = await standin.send(bot, preview.press(confirm))  # the moderator still can
    assert done.type == UPDATE_MESSAGE and bot.state.command(GUILD_ID, NAME)


# ----- add: form, preview, confirm


async def test_the_form_previews_the_real_answer_then_confirm_stores_it(standin, bot):
    opened = await standin.send(bot, moderator("add", {"unit": "persons", "chart": "line"}))
    assert opened.type == MODAL and opened.modal["title"] == "Add a command"
    assert len(opened.modal["components"]) == 5  # Discord's most

    preview = await standin.send(bot, opened.submit(form()))
    assert preview.payload["type"] == 5 and preview.type == CHANNEL_MESSAGE and preview.ephemeral
    assert preview.final.content.startswith(f"**Preview** of `{NAME}`")
    embed = preview.final.embed
    assert embed["title"].startswith(f"{TITLE}: ") and " persons in FY20" in embed["title"]
    assert embed["image"]["url"] == "attachment://chart.png"
    (chart,) = preview.files
    assert chart.data.startswith(PNG_SIGNATURE)
    assert [b["label"] for b in preview.final.components[0]["components"]] == ["Confirm", "Cancel"]
    assert bot.state.commands(GUILD_ID) == []  # nothing stored before Confirm

    done = await standin.send(bot, preview.press(preview.button("Confirm")))
    assert done.type == UPDATE_MESSAGE and done.ephemeral and done.final.components == []
    assert done.final.content == (
        "Added: members can now ask `/ask ice test removals` or `/run name:ice-removals-test`."
    )
    stored = bot.state.command(GUILD_ID, NAME)
    assert 'unit = "persons"' in stored.toml and 'kind = "line"' in stored.toml
    (entry,) = bot.state.history(GUILD_ID)
    assert (entry.action, entry.user_id, entry.after_toml) == ("add", USER_ID, stored.toml)


async def test_cancel_stores_nothing(standin, bot):
    preview = await submit_form(standin, bot)
    cancelled = await standin.send(bot, preview.press(preview.button("Cancel")))
    assert cancelled.type == UPDATE_MESSAGE
    assert cancelled.final.content == "Cancelled: nothing was changed."
    assert not cancelled.final.embeds and not cancelled.final.components
    assert snapshot(bot) == ([], [], [])


async def test_slow_checks_are_deferred_privately_and_confirm_still_updates_the_preview(
    standin, bot
):
    bot.defer_after = 0  # as if validating and the dry run took longer than the allowance
    preview = await submit_form(standin, bot)
    assert preview.type == DEFERRED_CHANNEL_MESSAGE and preview.ephemeral
    assert preview.final.embed["image"]["url"] == "attachment://chart.png"
    done = await standin.send(bot, preview.press(preview.button("Confirm")))
    assert done.type == DEFERRED_UPDATE_MESSAGE
    assert done.final.content.startswith("Added:") and not done.final.components
    assert bot.state.command(GUILD_ID, NAME)


async def test_an_unanswered_preview_expires_without_storing(standin, bot, monkeypatch):
    monkeypatch.setattr(moderator_views, "CONFIRM_TIMEOUT", 0.2)
    preview = await submit_form(standin, bot)
    await asyncio.sleep(0.5)
    final = standin.reply(preview.token).final
    assert final.content == moderator_views.EXPIRED and not final.components
    assert bot.state.commands(GUILD_ID) == []


async def test_a_query_that_fails_is_refused_in_plain_words(standin, bot):
    refused = await submit_form(standin, bot, sql="select period, value from nowhere")
    assert refused.ephemeral and not refused.final.components
    assert refused.final.content.startswith("Not added: fix these")
    assert "the query fails" in refused.final.content and "nowhere" in refused.final.content
    empty = await submit_form(standin, bot, sql=GOOD_SQL.replace("ice_removals", "nothing"))
    assert "returns no rows" in empty.final.content
    shadow = await submit_form(standin, bot, aliases="terminations")
    assert "'terminations' is already used by 'asylum-terminated'" in shadow.final.content
    assert snapshot(bot) == ([], [], [])


# ----- answered at once, in this server only


async def test_a_new_command_answers_at_once_through_ask_and_run_in_its_server_only(standin, bot):
    await add_command(standin, bot)
    here = await ask(standin, bot, "ice test removals 2020")
    assert here["title"] == f"{TITLE}: 185,884 cases in FY2020 (Oct 2019–Sep 2020)"
    elsewhere = await ask(standin, bot, "ice test removals 2020", guild_id=OTHER_GUILD)
    assert not elsewhere["title"].startswith(TITLE)

    run = await standin.send(bot, slash_payload("run", {"name": NAME, "year": 2020}))
    assert run.final.embed["title"] == here["title"] and run.files
    span = await standin.send(bot, slash_payload("run", {"name": NAME, "start": 2019, "end": 2020}))
    assert "FY2019–FY2020" in span.final.embed["title"]
    other = await standin.send(
        bot, slash_payload("run", {"name": NAME}, guild_id=OTHER_GUILD, user_id=USER_ID + 1)
    )
    assert other.ephemeral and other.final.content.startswith("No query named")
    builtin = await standin.send(
        bot, slash_payload("run", {"name": "asylum-terminated", "year": 2023}, user_id=USER_ID + 1)
    )
    assert builtin.final.embed["title"].startswith("149,305")
    assert not standin.errors


async def test_run_completes_this_servers_commands_first_then_the_built_in_ones(standin, bot):
    await add_command(standin, bot)
    reply = await standin.send(bot, autocomplete_payload("run", {"name": ""}, "name"))
    assert reply.type == AUTOCOMPLETE_RESULT and len(reply.choices) == 25
    assert reply.choices[0] == {"name": f"{TITLE} · this server", "value": NAME}
    assert reply.choices[1]["value"] != NAME
    elsewhere = autocomplete_payload("run", {"name": "ice test"}, "name", guild_id=OTHER_GUILD)
    assert NAME not in [c["value"] for c in (await standin.send(bot, elsewhere)).choices]
    years = await standin.send(
        bot, autocomplete_payload("run", {"name": NAME, "year": "20"}, "year")
    )
    assert {"name": "FY2020 (Oct 2019–Sep 2020)", "value": 2020} in years.choices


async def test_run_refuses_a_year_mixed_with_a_span(standin, bot):
    options = {"name": "backlog", "year": 2020, "end": 2021}
    reply = await standin.send(bot, slash_payload("run", options))
    assert reply.ephemeral and reply.final.content.startswith("Give either `year`")


# ----- files


async def test_a_toml_file_is_previewed_and_stored_as_written(standin, bot):
    upload = standin.attachment(f"{NAME}.toml", FILE_TOML.encode())
    preview = await standin.send(bot, moderator("add", {"file": upload}))
    assert preview.ephemeral and preview.final.embed["title"].endswith(
        "people removed by ICE in FY2026 (Oct 2025–Sep 2026)"  # the latest: FY2026 to 7 Feb 2026
    )
    await standin.send(bot, preview.press(preview.button("Confirm")))
    assert bot.state.command(GUILD_ID, NAME).toml == FILE_TOML
    assert (await ask(standin, bot, "ice test removals 2020"))["title"].startswith("185,884 people")


@pytest.mark.parametrize(
    ("filename", "data", "said"),
    [
        ("evil.toml", FILE_TOML.replace(GOOD_SQL, "drop table figures").encode(), "Not added"),
        ("evil.toml", b"name = 'x'\n[[[", "not valid TOML"),
        ("notes.txt", FILE_TOML.encode(), "Attach a .toml file"),
        ("big.toml", b"#" * (MAX_TOML + 1), "larger than 8,000 bytes"),
        ("latin1.toml", "title = 'Año'".encode("latin-1"), "not UTF-8"),
    ],
)
async def test_a_bad_or_hostile_file_is_refused(standin, bot, built_db, filename, data, said):
    before = hashlib.sha256(built_db.read_bytes()).hexdigest()
    upload = standin.attachment(filename, data)
    reply = await standin.send(bot, moderator("add", {"file": upload}))
    assert reply.ephemeral and said in reply.final.content and not reply.final.components
    assert snapshot(bot) == ([], [], [])
    assert hashlib.sha256(built_db.read_bytes()).hexdigest() == before


# ----- the hostile catalog, through the form


async def test_every_hostile_query_through_the_form_is_refused_and_the_data_is_untouched(
    standin, bot, built_db
):
    assert len(HOSTILE_SQL) >= 30
    before = hashlib.sha256(built_db.read_bytes()).hexdigest()
    for sql in HOSTILE_SQL:
        reply = await submit_form(standin, bot, sql=sql)
        assert reply.ephemeral, sql
        assert reply.final.content.startswith("Not added: fix these"), (sql, reply.final.content)
        assert not reply.final.components and not reply.files, sql
    assert snapshot(bot) == ([], [], [])
    assert hashlib.sha256(built_db.read_bytes()).hexdigest() == before
    assert not standin.errors


async def test_form_text_cannot_break_out_of_its_toml_value(standin, bot):
    sneaky = 'x" sql = "delete from figures" [chart] kind = "pie\\'
    await add_command(standin, bot, title=sneaky, aliases='ice test removals, "], sql = "x')
    export = await standin.send(bot, moderator("export", {"name": NAME}))
    text = export.files[0].data.decode()
    assert tomllib.loads(text)["title"] == sneaky
    assert tomllib.loads(text)["aliases"] == ["ice test removals", '"]', 'sql = "x']
    assert tomllib.loads(text)["sql"].strip() == GOOD_SQL


# ----- edit, remove, export, list, show


async def test_edit_prefills_the_form_previews_and_saves_with_before_and_after(standin, bot):
    await add_command(standin, bot)
    opened = await standin.send(bot, moderator("edit", {"name": NAME}))
    values = {
        c["component"]["custom_id"]: c["component"].get("value") for c in opened.modal["components"]
    }
    assert values["immistats:form:name"] == NAME and values["immistats:form:sql"] == GOOD_SQL
    assert values["immistats:form:aliases"] == "ice test removals, test deportations"
    preview = await standin.send(bot, opened.submit(form(title="ICE removals (edited)")))
    assert preview.final.embed["title"].startswith("ICE removals (edited): ")
    saved = await standin.send(bot, preview.press(preview.button("Confirm")))
    assert saved.final.content.startswith(f"Saved: `{NAME}` answers with your changes now")
    assert (await ask(standin, bot, "ice test removals 2020"))["title"].startswith(
        "ICE removals (edited): 185,884"
    )
    renamed = await submit_form(standin, bot, "edit", {"name": NAME}, name="new-name")
    assert "the name must stay 'ice-removals-test' when editing" in renamed.final.content
    entry = bot.state.history(GUILD_ID)[0]
    assert entry.action == "edit" and TITLE in entry.before_toml and "(edited)" in entry.after_toml


async def test_remove_asks_first_then_the_command_stops_answering(standin, bot):
    await add_command(standin, bot)
    asked = await standin.send(bot, moderator("remove", {"name": NAME}))
    assert asked.ephemeral and asked.final.content.startswith(f"Remove `{NAME}`?")
    kept = await standin.send(bot, asked.press(asked.button("Cancel")))
    assert kept.type == UPDATE_MESSAGE and bot.state.command(GUILD_ID, NAME)
    asked = await standin.send(bot, moderator("remove", {"name": NAME}))
    removed = await standin.send(bot, asked.press(asked.button("Remove")))
    assert removed.final.content == f"Removed `{NAME}`." and not removed.final.components
    assert bot.state.command(GUILD_ID, NAME) is None
    assert not (await ask(standin, bot, "ice test removals 2020"))["title"].startswith(TITLE)
    missing = await standin.send(bot, moderator("remove", {"name": NAME}))
    assert missing.final.content.startswith(f"This server has no command named `{NAME}`")


async def test_export_returns_the_stored_toml_file(standin, bot):
    await add_command(standin, bot)
    reply = await standin.send(bot, moderator("export", {"name": NAME}))
    (file,) = reply.final.attachments
    assert reply.ephemeral and file.filename == f"{NAME}.toml"
    assert file.data == bot.state.command(GUILD_ID, NAME).toml.encode()
    assert "commands/" in reply.final.content and "pull request" in reply.final.content


async def test_list_and_show_mark_a_command_that_no_longer_validates(standin, bot, caplog):
    await add_command(standin, bot)
    bot.state.add(GUILD_ID, "broken-test", BROKEN_TOML, user_id=USER_ID)
    bot.guild_catalogs.invalidate(GUILD_ID)
    with caplog.at_level(logging.WARNING, logger="immistats.guilds"):
        listed = await standin.send(bot, moderator("list"))
    assert "'broken-test' skipped, it no longer validates" in caplog.text
    lines = listed.final.embed["description"].splitlines()
    assert listed.final.embed["title"] == "This server's commands (2)"
    assert "`broken-test`" in lines[0] and "not answering" in lines[0]
    assert f"`{NAME}` {TITLE}" in lines[1] and f"<@{USER_ID}>" in lines[1]
    shown = await standin.send(bot, moderator("show", {"name": "broken-test"}))
    status = shown.final.embed["fields"][0]["value"]
    assert "Not answering" in status and "no_such_column" in status
    assert shown.final.embed["description"].startswith('```toml\nname = "broken-test"')
    good = await standin.send(bot, moderator("show", {"name": NAME}))
    assert good.final.embed["fields"][0]["value"].startswith("Answering")
    # the broken one is skipped, the rest of the server's catalog answers
    assert (await ask(standin, bot, "ice test removals 2020"))["title"].startswith(TITLE)
    # name completion lists every stored command, the broken one too, and only for moderators
    for who, expected in ((MANAGER_PERMISSIONS, ["broken-test", NAME]), (permissions(), [])):
        typing = autocomplete_payload(
            "commands", {"name": "test"}, "name", subcommand="show", permissions=who
        )
        assert [c["value"] for c in (await standin.send(bot, typing)).choices] == expected


async def test_a_full_server_and_a_command_too_long_for_the_form_are_told_what_to_do(standin, bot):
    long_aliases = ", ".join(f'"alias number {i} {"x" * 40}"' for i in range(40))
    bot.state.add(GUILD_ID, NAME, FILE_TOML.replace('"ice test removals"', long_aliases), USER_ID)
    too_long = await standin.send(bot, moderator("edit", {"name": NAME}))
    assert too_long.type == CHANNEL_MESSAGE and "too long for the form" in too_long.final.content
    bot.get_cog("Moderators").max_commands = 1
    full = await standin.send(bot, moderator("add"))
    assert full.final.content.startswith("This server has 1 commands, the most it may have")


# ----- the record: history and wanted


async def test_history_shows_who_when_what_with_before_and_after_attached(standin, bot):
    await add_command(standin, bot)
    preview = await submit_form(standin, bot, "edit", {"name": NAME}, title="Edited title")
    await standin.send(bot, preview.press(preview.button("Confirm")))
    asked = await standin.send(bot, moderator("remove", {"name": NAME}))
    await standin.send(bot, asked.press(asked.button("Remove")))

    reply = await standin.send(bot, moderator("history"))
    lines = reply.final.embed["description"].splitlines()
    assert [line.split("> ")[-1] for line in lines] == [
        f"removed `{NAME}`",
        f"edited `{NAME}`",
        f"added `{NAME}`",
    ]
    assert all(f"<@{USER_ID}>" in line and "<t:" in line for line in lines)
    (log_file,) = reply.final.attachments
    text = log_file.data.decode()
    assert log_file.filename == "history.txt"
    edit_part = text.split("=" * 72)[1]
    assert "== what changed ==" in edit_part and '+title = "Edited title"' in edit_part
    assert "== before ==" in edit_part and "== after ==" in edit_part


async def test_wanted_lists_this_servers_unanswered_questions_most_asked_first(standin, bot):
    asked = ["visa overstays 2023"] * 3 + ["pizza prices"] + ["Visa overstays, 2023?"]
    for index, question in enumerate(asked):
        await ask(standin, bot, question, user_id=USER_ID + 10 + index)
    await ask(standin, bot, "cheese imports", guild_id=OTHER_GUILD)
    await ask(standin, bot, "terminations 2023")  # answered: not wanted
    reply = await standin.send(bot, moderator("wanted"))
    lines = reply.final.embed["description"].splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("• **4×** Visa overstays, 2023?") and "pizza" in lines[1]
    assert [w.question for w in bot.state.wanted(OTHER_GUILD)] == ["cheese imports"]


# ----- durability


async def test_commands_survive_a_restart(standin, service, logged_in, state_path):
    first = await logged_in(create_bot(service, state_path=state_path))
    await add_command(standin, first)
    await first.close()
    second = await logged_in(create_bot(service, state_path=state_path))
    assert (await ask(standin, second, "ice test removals 2020"))["title"].startswith(TITLE)
    assert [e.action for e in second.state.history(GUILD_ID)] == ["add"]


# ----- a built-in command added later never takes this server's command's words


async def test_a_built_in_added_later_is_hidden_where_a_servers_command_uses_its_words(
    standin, service, logged_in, state_path
):
    before = await logged_in(create_bot(service, state_path=state_path))
    await add_command(standin, before)
    await before.close()
    # the next release brings a built-in with the server's command's name and one of its aliases
    template = service.catalog.commands["ice-removals"]
    added = replace(
        template,
        name=NAME,
        title="New built-in (test)",
        headline="{value} removals counted by the new built-in in {period}",
        aliases=("ice test removals", "new built in removals"),
        path=Path(f"{NAME}.toml"),
    )
    base = Catalog(service.catalog.commands | {NAME: added}, [])
    upgraded = Service(Engine(service.db, base, service.engine.data_version), service.db, base)
    bot = await logged_in(create_bot(upgraded, state_path=state_path))

    here = await ask(standin, bot, "ice test removals 2020")
    assert here["title"] == f"{TITLE}: 185,884 cases in FY2020 (Oct 2019–Sep 2020)"
    run = await standin.send(bot, slash_payload("run", {"name": NAME, "year": 2020}, user_id=3))
    assert run.final.embed["title"] == here["title"]
    hidden = await ask(standin, bot, "new built in removals 2020", user_id=4)
    assert "new built-in" not in hidden["title"]  # hidden here by all its names
    typing = autocomplete_payload("run", {"name": "removals"}, "name")
    offered = (await standin.send(bot, typing)).choices
    assert offered[0] == {"name": f"{TITLE} · this server", "value": NAME}
    assert "New built-in (test)" not in [c["name"] for c in offered]
    listed = await standin.send(bot, moderator("list"))
    (line,) = listed.final.embed["description"].splitlines()
    assert f"`{NAME}` {TITLE}" in line and line.endswith(f"hides the built-in `{NAME}`")
    shown = await standin.send(bot, moderator("show", {"name": NAME}))
    status = shown.final.embed["fields"][0]["value"]
    assert status.startswith("Answering") and f"hides the built-in `{NAME}`" in status

    elsewhere = await ask(standin, bot, "ice test removals 2020", guild_id=OTHER_GUILD, user_id=5)
    assert elsewhere["title"].startswith("185,884 removals counted by the new built-in")
    # a new command still may not take the hidden built-in's words
    refused = await submit_form(standin, bot, name="another-test", aliases="new built in removals")
    assert refused.final.content.startswith("Not added")
    assert "already used by 'ice-removals-test'" in refused.final.content
    assert [c.name for c in bot.state.commands(GUILD_ID)] == [NAME]
    assert not standin.errors
