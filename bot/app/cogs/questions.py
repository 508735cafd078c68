"""/ask, /run, /stat, /compare and /trend: the commands that query the data, so they share a
per-user limit. /ask and /run also answer the server's own commands."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.answering import send_answer
from bot.app.autocomplete import Completion, match_choice, option_param, year_options, years_of
from bot.app.context import BotContext, Interaction
from bot.app.respond import Refused, rate_limited, tell
from bot.engine.answer import Answer
from bot.engine.catalog import Catalog, Command
from bot.engine.timewords import LATEST, TimeAsk

log = logging.getLogger("immistats.discord")
C = TypeVar("C", int, str)
Year = app_commands.Range[int, 1900, 2100]
ECHO_LIMIT = 100  # characters of a user's text repeated back in a refusal


def _echo(text: str) -> str:
    """A user's text as said back in a reply: cut, and its markdown shown as typed, not applied."""
    cut = text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1] + "…"
    return discord.utils.escape_markdown(cut)


def _completing(
    interaction: Interaction, make: Callable[[Completion], list[app_commands.Choice[C]]]
) -> list[app_commands.Choice[C]]:
    """Autocomplete never fails loudly: a bug shows an empty list, and the log says why."""
    try:
        return make(interaction.client.completion)
    except Exception:
        log.exception("autocomplete failed for %s", interaction.data)
        return []


def _metric(interaction: Interaction) -> str:
    return str(interaction.namespace.metric or "")


async def metric_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return _completing(interaction, lambda c: c.metrics(str(current or "")))


async def year_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[int]]:
    return _completing(
        interaction, lambda c: c.year_choices(_metric(interaction), str(current or ""))
    )


async def region_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return _completing(
        interaction, lambda c: c.option_choices(_metric(interaction), "region", str(current or ""))
    )


async def citizenship_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return _completing(
        interaction,
        lambda c: c.option_choices(_metric(interaction), "citizenship", str(current or "")),
    )


async def _server_catalog(interaction: Interaction) -> Catalog:
    """For autocomplete: the server's catalog, or the built-in one if it cannot be read."""
    try:
        return await interaction.client.catalog_for(interaction)
    except Exception:
        log.exception("cannot read the catalog of guild %s", interaction.guild_id)
        return interaction.client.service.catalog


async def run_name_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    catalog = await _server_catalog(interaction)
    return _completing(interaction, lambda c: c.run_choices(catalog, str(current or "")))


async def run_year_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[int]]:
    """The years of the command being run; a server command's are read from its query."""
    bot = interaction.client
    name = str(interaction.namespace.name or "")
    if name in bot.completion.years:
        return year_options(bot.completion.years[name], str(current or ""))
    catalog = await _server_catalog(interaction)
    if name not in catalog.commands:
        return []
    try:
        periods = await asyncio.to_thread(bot.service.engine.periods, name, catalog)
    except Exception:
        log.exception("cannot list the periods of server command %r", name)
        return []
    return year_options(years_of(periods), str(current or ""))


def run_time(year: int | None, start: int | None, end: int | None) -> TimeAsk:
    """/run's year options as the engine's asked time; refuses a mix it cannot read."""
    if year is not None and (start is not None or end is not None):
        raise Refused("Give either `year`, or `start` (and `end`) for a span, not both.")
    if year is not None:
        return TimeAsk.asked("single", (year,))
    if start is not None and end is not None:
        return TimeAsk.asked("range", (start, end))
    if start is not None:
        return TimeAsk.asked("since", (start,))
    if end is not None:
        raise Refused("Give `start` with `end`, or just `year`.")
    return LATEST


async def command_for(interaction: Interaction, metric: str) -> Command | None:
    """The command a metric option names; None (and the user told so) when there is none."""
    command = interaction.client.completion.resolve(metric)
    if command is None:
        await tell(
            interaction,
            f"I don't know the metric “{_echo(metric)}”. Pick one from the list as you type, "
            "or see `/help`.",
        )
    return command


async def choices_for(
    interaction: Interaction, command: Command, options: dict[str, str | None]
) -> dict[str, str] | None:
    """Option texts as the command's choice values; None (and the user told why) when one fails."""
    chosen: dict[str, str] = {}
    for option, text in options.items():
        if not text:
            continue
        param = option_param(command, option)
        if param is None:
            await tell(interaction, f"“{command.title}” has no figures by {option}.")
            return None
        value = match_choice(param, text)
        if value is None:
            await tell(
                interaction,
                f"“{_echo(text)}” is not a {option} I have for “{command.title}”; "
                "pick one from the list as you type.",
            )
            return None
        chosen[param.name] = value
    return chosen


class Questions(commands.Cog):
    """The doors to the figures: free text, or a metric and years picked from lists."""

    def __init__(self, bot: BotContext):
        self.bot = bot

    async def _ask_command(self, interaction: Interaction, command: Command, **how: Any) -> None:
        engine = self.bot.service.engine
        await send_answer(interaction, partial(engine.ask_command, command.name, **how))

    def _ask_and_note(self, question: str, catalog: Catalog, guild_id: int | None) -> Answer:
        """Runs in a worker thread: a question nothing answers in a server is noted for its
        moderators (/commands wanted); noting it never costs the member the reply."""
        answer = self.bot.service.engine.ask(question, catalog)
        if not answer.understood and guild_id is not None:
            try:
                self.bot.state.record_unanswered(guild_id, question)
            except sqlite3.Error:
                log.exception("could not note an unanswered question of guild %d", guild_id)
        return answer

    @app_commands.command(name="ask", description="Ask about U.S. immigration statistics in words")
    @app_commands.describe(question="e.g. terminations in 2023 · encounters from Venezuela 2023")
    @rate_limited
    async def ask(self, interaction: Interaction, question: str) -> None:
        catalog = await self.bot.catalog_for(interaction)
        compute = partial(self._ask_and_note, question, catalog, interaction.guild_id)
        await send_answer(interaction, compute, catalog)

    @app_commands.command(name="run", description="Run a prepared query by name, this server's too")
    @app_commands.describe(
        name="The query: this server's own first, then the built-in ones (start typing)",
        year="One year (without it: the latest)",
        start="The first year of a span",
        end="The last year of a span",
    )
    @app_commands.autocomplete(
        name=run_name_autocomplete,
        year=run_year_autocomplete,
        start=run_year_autocomplete,
        end=run_year_autocomplete,
    )
    @rate_limited
    async def run(
        self,
        interaction: Interaction,
        name: str,
        year: Year | None = None,
        start: Year | None = None,
        end: Year | None = None,
    ) -> None:
        time = run_time(year, start, end)
        catalog = await self.bot.catalog_for(interaction)
        command = catalog.get(name.strip().lower())
        if command is None:
            raise Refused(
                f"No query named “{_echo(name)}” here; pick one from the list as you type."
            )
        engine = self.bot.service.engine
        compute = partial(engine.ask_command, command.name, time=time, catalog=catalog)
        await send_answer(interaction, compute, catalog)

    @app_commands.command(name="stat", description="One figure: pick a metric and a year")
    @app_commands.describe(
        metric="What to count: start typing (encounters, asylum grants, backlog …)",
        year="The year; a fiscal year runs Oct–Sep (FY2023 = Oct 2022–Sep 2023)",
        region="Border region, for metrics that have one",
        citizenship="Country of citizenship, for metrics that have one",
    )
    @app_commands.autocomplete(
        metric=metric_autocomplete,
        year=year_autocomplete,
        region=region_autocomplete,
        citizenship=citizenship_autocomplete,
    )
    @rate_limited
    async def stat(
        self,
        interaction: Interaction,
        metric: str,
        year: Year,
        region: str | None = None,
        citizenship: str | None = None,
    ) -> None:
        if (command := await command_for(interaction, metric)) is None:
            return
        options = {"region": region, "citizenship": citizenship}
        if (choices := await choices_for(interaction, command, options)) is None:
            return
        await self._ask_command(
            interaction, command, time=TimeAsk.asked("single", (year,)), choices=choices
        )

    @app_commands.command(name="compare", description="Two years of one metric side by side")
    @app_commands.describe(
        metric="What to count: start typing",
        first="The earlier year",
        second="The later year",
    )
    @app_commands.autocomplete(
        metric=metric_autocomplete, first=year_autocomplete, second=year_autocomplete
    )
    @rate_limited
    async def compare(
        self, interaction: Interaction, metric: str, first: Year, second: Year
    ) -> None:
        if (command := await command_for(interaction, metric)) is None:
            return
        await self._ask_command(
            interaction, command, time=TimeAsk.asked("compare", (first, second))
        )

    @app_commands.command(name="trend", description="A metric over a span of years, with its chart")
    @app_commands.describe(
        metric="What to count: start typing",
        start="The first year",
        end="The last year",
    )
    @app_commands.autocomplete(
        metric=metric_autocomplete, start=year_autocomplete, end=year_autocomplete
    )
    @rate_limited
    async def trend(self, interaction: Interaction, metric: str, start: Year, end: Year) -> None:
        if (command := await command_for(interaction, metric)) is None:
            return
        await self._ask_command(interaction, command, time=TimeAsk.asked("range", (start, end)))


async def setup(bot: BotContext) -> None:
    """Extension entry point: `load_extension` calls this from the bot's setup_hook."""
    await bot.add_cog(Questions(bot))
