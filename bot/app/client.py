"""The Discord client: a configured, unconnected AutoShardedBot whose setup_hook loads the cogs
and opens the bot's own state database (guild commands, audit log, unanswered questions).

Global commands are synced only by `immistats sync` (Discord allows 200 command creations a day);
with DISCORD_GUILD_ID set, every start copies them to that one server for development. No
privileged intents: slash commands need only the guilds intent.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot import paths
from bot.app.autocomplete import Completion
from bot.app.context import BotContext, Interaction
from bot.app.limits import QuestionLimiter
from bot.app.respond import Refused, off_loop, report_failure, tell, wait_message
from bot.engine.catalog import Catalog
from bot.engine.glossary import Glossary, load_glossary
from bot.engine.service import Service, start
from bot.guilds.catalogs import GuildCatalogs
from bot.guilds.checked import CheckedMarks
from bot.guilds.state import StateStore
from bot.render.chart_pool import Charts, ChartWorkers, shared_workers, warm
from bot.settings import (
    answer_threads,
    cache_dir,
    catalogs_cached,
    dev_guild_id,
    sharding,
    state_location,
)

log = logging.getLogger("immistats.discord")

DEFER_AFTER = 2.0  # seconds of work before the bot says "thinking…" (Discord allows 3)
NOT_ALLOWED = "You can't use that command here."
# The cogs, loaded by name in setup_hook: each module's `setup(bot)` adds its cog.
EXTENSIONS = (
    "bot.app.cogs.questions",
    "bot.app.cogs.claims",
    "bot.app.cogs.reference",
    "bot.app.cogs.moderators",
)


class ImmistatsTree(app_commands.CommandTree):
    """One error handler for every command: the user gets a plain line, the log gets the rest;
    nothing raised while telling the user escapes it (Discord may be failing too)."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        try:
            if isinstance(error, app_commands.CommandOnCooldown):
                await tell(interaction, wait_message(error.retry_after))
            elif isinstance(error, app_commands.CheckFailure):
                await tell(interaction, str(error) if isinstance(error, Refused) else NOT_ALLOWED)
            else:
                await report_failure(interaction, error)
        except Exception as failure:
            log.warning("could not tell the user why %r failed: %r", interaction.data, failure)


class ImmistatsBot(BotContext):
    """The bot: the statistics Service, the glossary, the autocomplete lists, and each server's
    own commands it answers from."""

    def __init__(
        self,
        service: Service | None = None,
        *,
        state_path: Path | str,
        guild_id: int | None = None,
        shard_count: int | None = None,
        shard_ids: list[int] | None = None,
    ):
        intents = discord.Intents.none()
        intents.guilds = True
        # The bot never joins voice: no warnings about missing voice libraries at every start.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents,
            tree_cls=ImmistatsTree,
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=shard_count,
            shard_ids=shard_ids,
        )
        self._service = service
        self._owns_service = service is None
        self._glossary: Glossary | None = None
        self._completion: Completion | None = None
        self._state: StateStore | None = None
        self._guild_catalogs: GuildCatalogs | None = None
        self._charts: Charts | None = None
        self.warm_charts = False  # `serve --warm`: every command's default chart, drawn at start
        self._warming: asyncio.Future[None] | None = None
        self.state_path = state_path
        self.guild_id = guild_id
        self._limiter = QuestionLimiter()
        self.defer_after = DEFER_AFTER

    @property
    def service(self) -> Service:
        if self._service is None:
            raise RuntimeError("the bot is not set up yet (setup_hook starts the service)")
        return self._service

    @property
    def glossary(self) -> Glossary:
        if self._glossary is None:
            raise RuntimeError("the bot is not set up yet (setup_hook loads the glossary)")
        return self._glossary

    @property
    def completion(self) -> Completion:
        if self._completion is None:
            raise RuntimeError("the bot is not set up yet (setup_hook prepares autocomplete)")
        return self._completion

    @property
    def limiter(self) -> QuestionLimiter:
        return self._limiter

    @property
    def state(self) -> StateStore:
        if self._state is None:
            raise RuntimeError("the bot is not set up yet (setup_hook opens the state database)")
        return self._state

    @property
    def charts(self) -> Charts:
        if self._charts is None:
            raise RuntimeError("the bot is not set up yet (setup_hook starts the chart workers)")
        return self._charts

    @property
    def guild_catalogs(self) -> GuildCatalogs:
        if self._guild_catalogs is None:
            raise RuntimeError("the bot is not set up yet (setup_hook opens the state database)")
        return self._guild_catalogs

    async def catalog_for(
        self, interaction: Interaction, *, ephemeral: bool = False, update: bool = False
    ) -> Catalog:
        """The catalog of the interaction's server: built-in commands plus the server's own.

        Cached after the first use; building it runs the server's queries, so it happens in a
        thread (deferring as `off_loop` does, except for autocomplete, which cannot defer)."""
        catalogs = self.guild_catalogs
        if (found := catalogs.cached(interaction.guild_id)) is not None:
            return found
        work = functools.partial(catalogs.catalog, interaction.guild_id)
        if interaction.type is discord.InteractionType.autocomplete:
            return await asyncio.to_thread(work)
        return await off_loop(interaction, work, ephemeral=ephemeral, update=update)

    async def setup_hook(self) -> None:
        """Start the service (building the database if missing) and open the state database off
        the loop, then the cogs. Answers run in threads sized to the machine, charts in worker
        processes: the bot's own workers, or, for a bot given its service (tests, benches), the
        process's shared ones."""
        threads = answer_threads()
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(threads, thread_name_prefix="immistats-answer")
        )
        workers = ChartWorkers() if self._owns_service else shared_workers()
        await asyncio.to_thread(workers.start)
        self._charts = Charts(workers, cache_dir() / "charts")
        if self._service is None:
            self._service = await asyncio.to_thread(start)
        self._state = await asyncio.to_thread(StateStore, self.state_path)
        service = self._service
        marks = CheckedMarks(
            cache_dir() / "checked-commands.db", service.engine.data_version, service.catalog
        )
        self._guild_catalogs = GuildCatalogs(
            service.catalog, service.db, self._state, marks=marks, keep=catalogs_cached()
        )
        if self.warm_charts:
            self._warming = asyncio.ensure_future(self._warm())
        self._glossary = await asyncio.to_thread(load_glossary, paths.data_dir() / "glossary.csv")
        self._completion = await asyncio.to_thread(Completion.build, self._service.engine)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        # What was just loaded lives as long as the bot (catalog, vocabulary, glossary,
        # completion lists): kept out of the garbage collector's full passes, which scanned it
        # all and stalled the event loop for up to ~250 ms.
        gc.collect()
        gc.freeze()
        if self.guild_id is not None:
            guild = discord.Object(self.guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to development server %d", len(synced), self.guild_id)

    async def _warm(self) -> None:
        drawn = await asyncio.to_thread(warm, self.charts, self.service.engine)
        log.info("drew %d default charts ahead of the first question", drawn)

    async def close(self) -> None:
        await super().close()
        if self._state is not None:
            self._state.close()
            self._state = None
        if self._charts is not None:
            self._charts.close()
            if self._owns_service:
                await asyncio.to_thread(self._charts.workers.stop)
        self._charts = None
        if self._owns_service and self._service is not None:
            self._service.close()
            self._service = None


def create_bot(
    service: Service | None = None, state_path: Path | str | None = None
) -> ImmistatsBot:
    """A configured, unconnected bot; settings come from the environment or a .env file
    (IMMISTATS_STATE or IMMISTATS_STATE_URL place the state store; tests pass `state_path`)."""
    shards = sharding()
    return ImmistatsBot(
        service,
        state_path=state_path or state_location(),
        guild_id=dev_guild_id(),
        shard_count=shards.shard_count,
        shard_ids=shards.shard_ids,
    )


async def sync_global(bot: ImmistatsBot, token: str) -> int:
    """Log in, register the slash commands with Discord for every server, and log out."""
    async with bot:
        await bot.login(token)
        synced = await bot.tree.sync()
    return len(synced)
