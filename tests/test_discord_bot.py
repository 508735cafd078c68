"""The Discord bot end to end: the real discord.py client and our real cogs against the stand-in.

Every reply is checked on what the client actually posted (callback types, embeds, multipart
files, flags, components); nothing of ours is mocked. The stand-in enforces Discord's limits, so an
oversized embed, label or choice list would fail these tests the way Discord would refuse it.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from discord import app_commands

from bot import __version__
from bot.app.client import create_bot, sync_global
from bot.app.embeds import answer_embed
from bot.cli import BAD_TOKEN, NO_TOKEN, main
from bot.engine.service import start
from bot.engine.timewords import TimeAsk
from tests.standin import (
    APP_PERMISSIONS_NO_FILES,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    GUILD_ID,
    PNG_SIGNATURE,
    USER_ID,
    autocomplete_payload,
    slash_payload,
)

COMMANDS = Path(__file__).resolve().parents[1] / "commands"
OPTIONS = {
    "ask": ["question"],
    "check": ["claim"],
    "Check the numbers": [],
    "run": ["name", "year", "start", "end"],
    "stat": ["metric", "year", "region", "citizenship"],
    "compare": ["metric", "first", "second"],
    "trend": ["metric", "start", "end"],
    "sources": ["metric"],
    "coverage": ["topic"],
    "define": ["term"],
    "about": [],
    "help": [],
    # a group: its subcommands (each checks Manage Server; see test_discord_moderation.py)
    "commands": [
        "add",
        "edit",
        "remove",
        "list",
        "show",
        "export",
        "history",
        "wanted",
        "reports",
        "forget-server",
    ],
}
TERMINATED_TITLE = "Asylum cases terminated or closed without a decision on the merits"


def options_of(command) -> list[str]:
    """A command's option names, or a group's subcommand names."""
    if isinstance(command, app_commands.Group):
        return [c.name for c in command.commands]
    if isinstance(command, app_commands.ContextMenu):
        return []  # a message command: the message is its only input
    return [p.name for p in command.parameters]


def embed_text(embed: dict) -> str:
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts + [embed.get("footer", {}).get("text", "")])


# ----- start-up and command registration


async def test_start_loads_the_commands_and_never_syncs_globally(standin, bot):
    assert {c.name: options_of(c) for c in bot.tree.get_commands()} == OPTIONS
    assert not [r for r in standin.requests if r.method == "PUT"]
    assert bot.intents.value == 1  # guilds only: no privileged intent
    assert bot.defer_after < 3


async def test_a_development_server_gets_the_commands_at_start(
    standin, service, logged_in, monkeypatch
):
    monkeypatch.setenv("DISCORD_GUILD_ID", str(GUILD_ID))
    await logged_in(create_bot(service))
    routes = [r.route for r in standin.requests if r.method == "PUT"]
    assert routes == ["PUT /applications/{application_id}/guilds/{guild_id}/commands"]
    synced = {c["name"]: c for c in standin.commands[GUILD_ID]}  # Discord accepted every limit
    assert {n: [o["name"] for o in c.get("options", [])] for n, c in synced.items()} == OPTIONS
    assert [o["required"] for o in synced["stat"]["options"]] == [True, True, False, False]
    assert all(o.get("autocomplete") for o in synced["stat"]["options"])
    assert None not in standin.commands  # nothing global


async def test_sync_registers_the_commands_globally_once(standin, service):
    count = await sync_global(create_bot(service), "stand-in-token")
    assert count == len(OPTIONS)
    assert [r.route for r in standin.requests if r.method == "PUT"] == [
        "PUT /applications/{application_id}/commands"
    ]
    assert sorted(c["name"] for c in standin.commands[None]) == sorted(OPTIONS)


def test_shards_come_from_the_environment(monkeypatch, service):
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", "2, 0")
    bot = create_bot(service)
    assert (bot.shard_count, bot.shard_ids) == (4, [0, 2])


# ----- /ask


async def test_ask_answers_with_embed_chart_alt_text_and_buttons(standin, bot):
    reply = await standin.send(bot, slash_payload("ask", {"question": "terminations in 2023"}))
    assert reply.type == CHANNEL_MESSAGE and not reply.ephemeral
    embed = reply.final.embed
    assert embed["title"].startswith("149,305 asylum cases terminated")
    assert embed["image"]["url"] == "attachment://chart.png"
    text = embed_text(embed)
    assert "FY2023 (Oct 2022–Sep 2023)" in text and "https://" in text
    assert reply.callback.multipart
    (chart,) = reply.files
    assert chart.filename == "chart.png" and chart.data.startswith(PNG_SIGNATURE)
    (attachment,) = reply.final.attachments
    assert attachment.raw["description"].startswith("Bar chart of asylum cases terminated")
    labels = [item["label"] for row in reply.final.components for item in row["components"]]
    assert labels == ["Show data", "How this was computed", "Report a problem"]
    assert all(len(custom_id) <= 100 for custom_id in reply.final.custom_ids)


async def test_show_data_sends_the_table_and_the_csv_only_to_the_clicker(standin, bot):
    reply = await standin.send(bot, slash_payload("ask", {"question": "terminations in 2023"}))
    shown = await standin.send(bot, reply.press(reply.button("Show data", starts=True)))
    assert shown.type == CHANNEL_MESSAGE and shown.ephemeral
    assert "```" in shown.final.content and "149,305" in shown.final.content
    (table,) = shown.final.attachments
    assert table.filename == "asylum-terminated.csv"
    rows = list(csv.reader(io.StringIO(table.data.decode())))
    assert rows[0][:3] == ["period", "label", "value"]
    assert [r[:3] for r in rows if r[:1] == ["FY2023"]] == [["FY2023", "FY2023", "149305.0"]]


async def test_how_this_was_computed_shows_command_parameters_and_sql(standin, bot):
    reply = await standin.send(bot, slash_payload("ask", {"question": "terminations in 2023"}))
    shown = await standin.send(bot, reply.press(reply.button("How this was computed", starts=True)))
    assert shown.ephemeral
    assert "`asylum-terminated`" in shown.final.content and "```sql" in shown.final.content


async def test_a_refused_reading_offers_each_alternative_as_a_button(standin, bot):
    question = {"question": "terminations and green cards 2023"}  # two measures: no one figure
    reply = await standin.send(bot, slash_payload("ask", question))
    assert "Closest things I can answer" in embed_text(reply.final.embed)
    other = await standin.send(bot, reply.press(reply.button(TERMINATED_TITLE, starts=True)))
    assert other.type == CHANNEL_MESSAGE and not other.ephemeral
    assert other.final.embed["title"].startswith("149,305 asylum cases terminated")  # same year
    assert other.files[0].data.startswith(PNG_SIGNATURE)


async def test_an_unknown_question_is_answered_with_suggestions_not_an_error(standin, bot):
    reply = await standin.send(bot, slash_payload("ask", {"question": "pending 2020"}))
    assert reply.type == CHANNEL_MESSAGE and not reply.ephemeral
    assert reply.final.embed["title"] == "Not a question I can answer"
    assert not reply.files and not standin.errors
    suggested = await standin.send(bot, reply.press(reply.final.custom_ids[0]))
    assert suggested.final.embed["image"]["url"] == "attachment://chart.png"


@pytest.mark.parametrize("question", ["   ", "terminations in 2023 " + "please " * 995])
async def test_empty_and_4000_character_questions_are_answered_calmly(standin, bot, question):
    reply = await standin.send(bot, slash_payload("ask", {"question": question}))
    assert reply.type == CHANNEL_MESSAGE and not reply.ephemeral and not standin.errors
    if question.strip():
        assert len(question) >= 4000
        assert reply.final.embed["title"].startswith("149,305")
    else:
        assert "Ask me about" in reply.final.embed["description"]


async def test_slow_work_is_deferred_then_followed_up(standin, bot):
    bot.defer_after = 0  # as if the query and chart took longer than the allowance
    reply = await standin.send(bot, slash_payload("ask", {"question": "green cards 2019"}))
    assert reply.type == DEFERRED_CHANNEL_MESSAGE
    final = reply.final
    assert not final.loading and final.embed["image"]["url"] == "attachment://chart.png"
    assert final.attachments[0].data.startswith(PNG_SIGNATURE)


async def test_without_attach_files_the_answer_comes_without_the_chart(standin, bot):
    standin.enforce_app_permissions = True  # Discord refuses uploads the bot may not make
    payload = slash_payload(
        "ask", {"question": "terminations in 2023"}, app_permissions=APP_PERMISSIONS_NO_FILES
    )
    reply = await standin.send(bot, payload)
    assert reply.type == CHANNEL_MESSAGE and not reply.files
    embed = reply.final.embed
    assert "image" not in embed
    assert "I don't have permission to attach files" in embed["description"]
    assert embed["title"].startswith("149,305")


async def test_a_direct_message_is_answered(standin, bot):
    reply = await standin.send(
        bot, slash_payload("ask", {"question": "gotaways 2022"}, guild_id=None)
    )
    assert reply.type == CHANNEL_MESSAGE and reply.files[0].data.startswith(PNG_SIGNATURE)


async def test_the_largest_answer_fits_discords_limits(standin, bot, service):
    def size(name: str) -> int:
        answer = service.engine.ask_command(name, time=TimeAsk.asked("range", (1990, 2030)))
        return len(answer_embed(answer, chart_filename="chart.png"))

    largest = max((c.name for c in service.catalog), key=size)
    payload = slash_payload("trend", {"metric": largest, "start": 1990, "end": 2030})
    reply = await standin.send(bot, payload)  # the stand-in refuses anything over a limit
    assert reply.type == CHANNEL_MESSAGE and len(reply.final.embed["description"]) > 0


# ----- /stat, /compare, /trend


async def test_stat_answers_a_year_with_a_citizenship_and_a_region(standin, bot):
    options = {"metric": "encounters", "year": 2023, "citizenship": "VENEZUELA"}
    reply = await standin.send(bot, slash_payload("stat", options))
    assert reply.final.embed["title"].endswith("citizenship: Venezuela")
    assert "FY2023" in reply.final.embed["title"]
    typed = {"metric": "encounters", "year": 2022, "region": "southern border"}  # not picked
    reply = await standin.send(bot, slash_payload("stat", typed))
    assert "Southwest Land Border" in embed_text(reply.final.embed)


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"metric": "no such metric", "year": 2023}, "I don't know the metric"),
        ({"metric": "backlog", "year": 2023, "region": "Southwest Land Border"}, "by region"),
        ({"metric": "encounters", "year": 2023, "citizenship": "Atlantis"}, "not a citizenship"),
    ],
)
async def test_stat_refuses_what_it_cannot_answer_in_plain_words(standin, bot, options, said):
    reply = await standin.send(bot, slash_payload("stat", options))
    assert reply.ephemeral and said in reply.final.content and not standin.errors


async def test_compare_shows_two_years_and_the_change(standin, bot):
    options = {"metric": "asylum-terminated", "first": 2022, "second": 2023}
    reply = await standin.send(bot, slash_payload("compare", options))
    embed = reply.final.embed
    assert embed["title"].startswith("149,305") and "FY2022" in embed["description"]
    assert "Change: +" in embed["description"]


async def test_trend_shows_a_span_with_its_chart(standin, bot):
    options = {"metric": "backlog", "start": 2015, "end": 2024}
    reply = await standin.send(bot, slash_payload("trend", options))
    assert "FY2024" in reply.final.embed["title"]
    assert reply.files[0].data.startswith(PNG_SIGNATURE)


async def test_a_user_asking_quickly_is_asked_to_wait(standin, bot):
    for year in range(2019, 2024):
        payload = slash_payload("stat", {"metric": "asylum-terminated", "year": year})
        assert not (await standin.send(bot, payload)).ephemeral
    reply = await standin.send(bot, slash_payload("ask", {"question": "terminations 2023"}))
    assert reply.ephemeral
    assert reply.final.content.startswith("You're asking quickly; try again in ")
    other_user = slash_payload("ask", {"question": "terminations 2023"}, user_id=USER_ID + 100)
    assert not (await standin.send(bot, other_user)).ephemeral


# ----- autocomplete


async def autocomplete(standin, bot, name: str, options: dict, focused: str) -> list[dict]:
    reply = await standin.send(bot, autocomplete_payload(name, options, focused))
    assert reply.type == AUTOCOMPLETE_RESULT
    assert len(reply.choices) <= 25
    return reply.choices


@pytest.mark.parametrize("command", ["stat", "compare", "trend", "sources"])
async def test_metric_autocomplete_is_fuzzy_and_gives_command_names(standin, bot, command):
    choices = await autocomplete(standin, bot, command, {"metric": "terminatoins"}, "metric")
    assert choices[0] == {"name": TERMINATED_TITLE, "value": "asylum-terminated"}
    everything = await autocomplete(standin, bot, command, {"metric": ""}, "metric")
    assert len(everything) == 25


async def test_year_autocomplete_lists_the_metrics_years_newest_first(standin, bot):
    typed = {"metric": "asylum-terminated", "year": ""}
    choices = await autocomplete(standin, bot, "stat", typed, "year")
    years = [c["value"] for c in choices]
    assert years == sorted(years, reverse=True) and 2023 in years and 2016 not in years
    assert choices[years.index(2023)]["name"] == "FY2023 (Oct 2022–Sep 2023)"
    typed = {"metric": "foreign-born-population", "second": "23"}
    assert await autocomplete(standin, bot, "compare", typed, "second") == [
        {"name": "2023 (calendar year)", "value": 2023}
    ]
    ends = await autocomplete(standin, bot, "trend", {"metric": "encounters", "end": ""}, "end")
    assert ends[0]["value"] >= 2024
    assert (
        await autocomplete(standin, bot, "stat", {"metric": "nonsense", "year": ""}, "year") == []
    )


async def test_region_and_citizenship_come_from_the_chosen_metric(standin, bot):
    typed = {"metric": "encounters", "citizenship": "venez"}
    assert await autocomplete(standin, bot, "stat", typed, "citizenship") == [
        {"name": "Venezuela", "value": "VENEZUELA"}
    ]
    typed = {"metric": "encounters", "region": ""}
    regions = await autocomplete(standin, bot, "stat", typed, "region")
    assert {"name": "Southwest Land Border", "value": "Southwest Land Border"} in regions
    typed = {"metric": "backlog", "region": ""}
    assert await autocomplete(standin, bot, "stat", typed, "region") == []


async def test_a_malformed_autocomplete_still_gets_an_empty_list(standin, bot):
    payload = autocomplete_payload("stat", {"metric": "encounters"}, "year")  # nothing focused
    reply = await standin.send(bot, payload)
    assert reply.type == AUTOCOMPLETE_RESULT and reply.choices == []


async def test_define_autocomplete_suggests_glossary_terms(standin, bot):
    choices = await autocomplete(standin, bot, "define", {"term": "termin"}, "term")
    assert choices[0] == {"name": "termination", "value": "termination"}


# ----- /sources, /define, /about, /help


async def test_sources_lists_the_publications_with_links_and_dates(standin, bot, service):
    reply = await standin.send(bot, slash_payload("sources", {}))
    embed = reply.final.embed
    assert f"The {len(service.engine.sources)} publications" in embed["title"]
    assert "](https://" in embed["description"]
    one = await standin.send(bot, slash_payload("sources", {"metric": "asylum-terminated"}))
    assert one.final.embed["title"] == f"Sources: {TERMINATED_TITLE}"
    assert "TRAC" in one.final.embed["description"]


async def test_define_explains_a_term_and_names_close_ones_for_a_typo(standin, bot):
    reply = await standin.send(bot, slash_payload("define", {"term": "Title 42"}))
    assert reply.final.embed["title"] == "Title 42" and not reply.ephemeral
    missing = await standin.send(bot, slash_payload("define", {"term": "xylophone"}))
    assert missing.ephemeral and "No glossary entry" in missing.final.content


async def test_about_gives_version_data_version_and_how_to_add_commands(standin, bot, service):
    text = embed_text((await standin.send(bot, slash_payload("about", {}))).final.embed)
    assert __version__ in text and service.engine.data_version in text
    assert "commands/README.md" in text


async def test_help_teaches_every_command_with_an_example(standin, bot):
    text = embed_text((await standin.send(bot, slash_payload("help", {}))).final.embed)
    for name in OPTIONS:
        assert (name if name[0].isupper() else f"/{name}") in text  # a message command: its name
    assert "/ask terminations in 2023" in text


# ----- failures


BROKEN = """
name = "broken-metric"
title = "A query that names a column the database does not have"
description = "Loads (the catalog checks names and parameters) but fails when it runs."
aliases = ["broken widgets"]
unit = "widgets"
headline = "{value} widgets in {period}"
sources = ["trac_r742"]
sql = "select period, no_such_column as value from figures"
"""


async def test_a_failing_query_is_logged_with_context_and_told_in_plain_words(
    standin, logged_in, built_db, tmp_path, caplog
):
    (tmp_path / "broken.toml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "terminated.toml").write_bytes((COMMANDS / "asylum-terminated.toml").read_bytes())
    service = await asyncio.to_thread(start, built_db, tmp_path)
    try:
        bot = await logged_in(create_bot(service))  # a broken command does not stop the start
        caplog.clear()
        options = {"metric": "broken-metric", "year": 2023}
        with caplog.at_level(logging.ERROR, logger="immistats.discord"):
            reply = await standin.send(bot, slash_payload("stat", options))
        assert reply.ephemeral
        assert reply.final.content == "Something went wrong answering that; it has been logged."
        (record,) = [r for r in caplog.records if r.name == "immistats.discord"]
        assert '/stat {"metric": "broken-metric", "year": 2023}' in record.getMessage()
        assert record.exc_info is not None and "no_such_column" in caplog.text
        working = await standin.send(bot, slash_payload("ask", {"question": "terminations 2023"}))
        assert working.final.embed["title"].startswith("149,305")
    finally:
        service.close()


# ----- immistats serve / sync


@pytest.fixture
def cli_env(tmp_path, monkeypatch, built_db):
    """A working folder of its own, the session's database, and the root logger put back after."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IMMISTATS_DB", str(built_db))
    for name in ("DISCORD_TOKEN", "DISCORD_GUILD_ID", "SHARD_COUNT", "SHARD_IDS"):
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield tmp_path
    root.handlers[:] = handlers
    root.setLevel(level)


def test_serve_without_a_token_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["IMMISTATS_HOME"] = str(tmp_path)  # no .env there either
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == f"immistats: {NO_TOKEN}\n"


async def test_a_wrong_token_is_one_clear_line_not_a_traceback(
    standin, cli_env, capsys, monkeypatch
):
    monkeypatch.setenv("DISCORD_TOKEN", "wrong")
    standin.fail("GET /users/@me", 401, {"message": "401: Unauthorized", "code": 0})
    assert await asyncio.to_thread(main, ["serve"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == f"immistats: {BAD_TOKEN}" and "Traceback" not in err


async def test_sync_from_the_command_line_reads_the_token_from_dot_env(standin, cli_env, capsys):
    (cli_env / ".env").write_text("DISCORD_TOKEN=from-dot-env\n", encoding="utf-8")
    assert await asyncio.to_thread(main, ["sync"]) == 0
    out = capsys.readouterr().out
    assert out == f"synced {len(OPTIONS)} slash commands globally (every server the bot is in)\n"
    assert standin.matching("GET /users/@me")[0].headers["Authorization"] == "Bot from-dot-env"
    assert sorted(c["name"] for c in standin.commands[None]) == sorted(OPTIONS)
