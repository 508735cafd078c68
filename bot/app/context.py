"""What the Discord code may use of the bot: one typed context for cogs, views and replies.

Cogs and views depend on this class, not on the client module, so the client can load them by name
(as extensions) and nothing in `bot/app/` imports the client back: no import circle.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TypeAlias

import discord
from discord.ext import commands

from bot.app.autocomplete import Completion
from bot.app.limits import QuestionLimiter
from bot.engine.catalog import Catalog
from bot.engine.glossary import Glossary
from bot.engine.service import Service
from bot.guilds.catalogs import GuildCatalogs
from bot.guilds.state import StateStore
from bot.render.chart_pool import Charts


class BotContext(commands.AutoShardedBot):
    """The services a running bot offers; `bot.app.client.ImmistatsBot` provides them."""

    defer_after: float

    @property
    @abstractmethod
    def service(self) -> Service: ...

    @property
    @abstractmethod
    def glossary(self) -> Glossary: ...

    @property
    @abstractmethod
    def completion(self) -> Completion: ...

    @property
    @abstractmethod
    def state(self) -> StateStore: ...

    @property
    @abstractmethod
    def guild_catalogs(self) -> GuildCatalogs: ...

    @property
    @abstractmethod
    def limiter(self) -> QuestionLimiter: ...

    @property
    @abstractmethod
    def charts(self) -> Charts: ...

    @abstractmethod
    async def catalog_for(
        self, interaction: Interaction, *, ephemeral: bool = False, update: bool = False
    ) -> Catalog:
        """The catalog of the interaction's server: built-in commands plus the server's own."""


Interaction: TypeAlias = discord.Interaction[BotContext]
