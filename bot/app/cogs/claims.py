"""/check and the "Check the numbers" message command: a claimed number beside the data's figure.

The message command reads the message the interaction carries (Discord sends it with the
interaction), so no privileged intent is needed. Verdicts are neutral: the data shows, the claim
says; consistent, higher, lower, or not in the data.
"""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.answering import send_answer
from bot.app.context import BotContext, Interaction
from bot.app.embeds import answer_embed, not_understood_embed
from bot.app.respond import off_loop, rate_limited, send, tell, within_rate
from bot.engine.answer import Answer
from bot.engine.catalog import Catalog
from bot.engine.claims import find_claims, sentences

MAX_SENTENCES = 3  # claims checked from one message, in the order written
NO_NUMBER = (
    "I found no number to check there. Write the claim with its number, e.g. "
    "“2.4 million migrants crossed the border in 2023”; `/ask` answers plain questions."
)


class Claims(commands.Cog):
    """Checks numbers people post against the data."""

    def __init__(self, bot: BotContext):
        self.bot = bot
        self.menu = app_commands.ContextMenu(name="Check the numbers", callback=self.check_message)
        self.menu.add_check(within_rate)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @app_commands.command(name="check", description="Check a claimed number against the data")
    @app_commands.describe(
        claim="The claim with its number, e.g. 9.5 million encounters under Biden"
    )
    @rate_limited
    async def check(self, interaction: Interaction, claim: app_commands.Range[str, 1, 500]) -> None:
        if not find_claims(claim):
            await tell(interaction, NO_NUMBER)
            return
        catalog = await self.bot.catalog_for(interaction)
        engine = self.bot.service.engine
        await send_answer(interaction, partial(engine.ask, claim, catalog), catalog)

    async def check_message(self, interaction: Interaction, message: discord.Message) -> None:
        claimed = sentences(message.content or "")[:MAX_SENTENCES]
        if not claimed:
            await tell(interaction, NO_NUMBER)
            return
        catalog = await self.bot.catalog_for(interaction)
        answers = await off_loop(interaction, partial(_check_all, self.bot, claimed, catalog))
        await send(interaction, embeds=[_embed(a) for a in answers])


def _check_all(bot: BotContext, claimed: list[str], catalog: Catalog) -> list[Answer]:
    return [bot.service.engine.ask(sentence, catalog) for sentence in claimed]


def _embed(answer: Answer) -> discord.Embed:
    if answer.understood:
        return answer_embed(answer, chart_filename=None)
    return not_understood_embed(answer)


async def setup(bot: BotContext) -> None:
    """Extension entry point: `load_extension` calls this from the bot's setup_hook."""
    await bot.add_cog(Claims(bot))
