"""/sources, /define, /coverage, /about and /help: what the figures rest on and how to use the bot."""

from __future__ import annotations

import io
import logging
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.app.autocomplete import years_of
from bot.app.cogs.questions import command_for, metric_autocomplete
from bot.app.context import BotContext, Interaction
from bot.app.embeds import (
    COLOUR,
    DESCRIPTION_LIMIT,
    TITLE_LIMIT,
    about_embed,
    clip,
    define_embed,
    help_embed,
    sources_embed,
)
from bot.app.respond import off_loop, send, tell
from bot.engine.answer import SourceRef
from bot.engine.answering import Engine
from bot.engine.catalog import Command
from bot.engine.coverage import Coverage, coverage, topics
from bot.engine.timewords import TimeAsk
from bot.render.coverage import coverage_csv, coverage_pages

log = logging.getLogger("immistats.discord")
KIND_ORDER = {"official": 0, "research": 1, "secondary": 2}
TERM_SUGGESTIONS = 5  # close terms named when a typed term has no entry


def all_sources(engine: Engine) -> list[SourceRef]:
    """Official publications first, then research, then secondary copies; by publisher."""
    return sorted(
        engine.sources.values(),
        key=lambda s: (KIND_ORDER.get(s.kind, 3), s.publisher.lower(), s.title.lower()),
    )


def command_sources(engine: Engine, command: Command) -> list[SourceRef]:
    """The publications behind every figure a command answers with, over its whole series,
    including the other sources it shows where they differ. Runs the query: call it in a thread."""
    ids = list(command.sources)
    years = [year for year, _ in years_of(engine.periods(command.name))]
    if years:
        answer = engine.ask_command(
            command.name, time=TimeAsk.asked("range", (min(years), max(years)))
        )
        ids = [s.id for s in answer.sources] + [d.source.id for d in answer.sources_differ] + ids
    return [engine.sources[i] for i in dict.fromkeys(ids) if i in engine.sources]


async def term_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    try:
        names = interaction.client.glossary.suggest(str(current or ""), limit=25)
    except Exception:
        log.exception("glossary autocomplete failed for %r", current)
        return []
    return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names]


def coverage_reply(rows: list[Coverage], topic: str | None) -> dict:
    """The first page of the list as an embed, and the whole table (of this topic) as a CSV."""
    scope = f" — {topic.strip()}" if topic and topic.strip() else ""
    pages = coverage_pages(rows, DESCRIPTION_LIMIT)
    embed = discord.Embed(
        title=clip(f"What can be asked: {len(rows)} series{scope}", TITLE_LIMIT),
        description=pages[0],
        colour=COLOUR,
    )
    more = f"Page 1 of {len(pages)}. " if len(pages) > 1 else ""
    embed.set_footer(text=f"{more}Every series, with its first and last period: coverage.csv")
    table = discord.File(io.BytesIO(coverage_csv(rows).encode()), filename="coverage.csv")
    return {"embed": embed, "file": table}


class Reference(commands.Cog):
    """Sources, definitions, version and help: answered from memory, so no per-user limit."""

    def __init__(self, bot: BotContext):
        self.bot = bot
        self._topics: list[str] = []

    @app_commands.command(name="sources", description="The publications behind the figures")
    @app_commands.describe(metric="Only the sources of this metric (start typing)")
    @app_commands.autocomplete(metric=metric_autocomplete)
    async def sources(self, interaction: Interaction, metric: str | None = None) -> None:
        engine = self.bot.service.engine
        if not metric:
            found = all_sources(engine)
            title = f"The {len(found)} publications behind immistats' figures"
            await send(interaction, embed=sources_embed(found, title))
            return
        if (command := await command_for(interaction, metric)) is None:
            return
        found = await off_loop(interaction, partial(command_sources, engine, command))
        await send(interaction, embed=sources_embed(found, f"Sources: {command.title}"))

    @app_commands.command(name="define", description="What a word means in these statistics")
    @app_commands.describe(term="e.g. termination, encounter, Title 42, gotaway, fiscal year")
    @app_commands.autocomplete(term=term_autocomplete)
    async def define(self, interaction: Interaction, term: str) -> None:
        glossary = self.bot.glossary
        entry = glossary.lookup(term)
        if entry is None:
            close = glossary.suggest(term, limit=TERM_SUGGESTIONS)
            hint = f" Close: {', '.join(close)}." if close else ""
            said = discord.utils.escape_markdown(term[:100])  # as typed, not as markdown
            await tell(
                interaction,
                f"No glossary entry for “{said}”.{hint} Pick a term from the list as you type.",
            )
            return
        source = self.bot.service.engine.sources.get(entry.source_id)
        await send(interaction, embed=define_embed(entry, source))

    @app_commands.command(
        name="coverage", description="What can be asked: every series and its years"
    )
    @app_commands.describe(topic="Only this topic or these words, e.g. border, courts, removals")
    async def coverage(self, interaction: Interaction, topic: str | None = None) -> None:
        service = self.bot.service
        rows = await off_loop(interaction, partial(coverage, service.db, service.catalog, topic))
        if not rows:
            said = discord.utils.escape_markdown(clip(topic or "", 100))  # as typed
            await tell(
                interaction,
                f"Nothing matches “{said}”. Try /coverage with no topic for the "
                "whole list, or a topic such as border, courts, enforcement or refugees.",
            )
            return
        await send(interaction, **coverage_reply(rows, topic))

    @coverage.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if not self._topics:
            service = self.bot.service
            self._topics = topics(coverage(service.db, service.catalog))
        typed = str(current or "").lower()
        names = [t for t in self._topics if t.lower().startswith(typed)] or self._topics
        return [app_commands.Choice(name=t[:100], value=t[:100]) for t in names[:25]]

    @app_commands.command(name="about", description="Version, data dates, and how to add commands")
    async def about(self, interaction: Interaction) -> None:
        engine = self.bot.service.engine
        embed = about_embed(__version__, engine.data_version, all_sources(engine))
        await send(interaction, embed=embed)

    @app_commands.command(name="help", description="Every command, with examples")
    async def help(self, interaction: Interaction) -> None:
        await send(interaction, embed=help_embed(self.bot.service.catalog))


async def setup(bot: BotContext) -> None:
    """Extension entry point: `load_extension` calls this from the bot's setup_hook."""
    await bot.add_cog(Reference(bot))
