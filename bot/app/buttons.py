"""The buttons under an answer: its data, how it was computed, and the other readings of the question.

The View keeps the Answer it was made for. After a restart the View is gone and Discord tells the
user the interaction failed, which is acceptable; custom ids carry a random token so two answers'
buttons never collide.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import discord

from bot.app.context import Interaction
from bot.app.embeds import computed_text, data_table
from bot.app.respond import report_failure
from bot.engine.answer import Answer
from bot.engine.catalog import Catalog

Alternative = Callable[[Interaction, Answer, str], Awaitable[None]]

TIMEOUT = 15 * 60.0
MAX_ALTERNATIVES = 3
LABEL_LIMIT = 80


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1].rstrip() + "…"


class AnswerView(discord.ui.View):
    """ "Show data", "How this was computed", and one button per "did you mean" alternative."""

    def __init__(self, answer: Answer, catalog: Catalog, on_alternative: Alternative):
        super().__init__(timeout=TIMEOUT)
        self.answer = answer
        self.on_alternative = on_alternative
        token = secrets.token_hex(8)
        if answer.understood and answer.series:
            self._button("Show data", f"immistats:data:{token}", self.show_data)
        if answer.understood and answer.sql:
            self._button("How this was computed", f"immistats:sql:{token}", self.show_computed)
        for index, name in enumerate(answer.suggested_commands[:MAX_ALTERNATIVES]):
            if command := catalog.get(name):
                self._button(
                    _label(command.title),
                    f"immistats:alt:{index}:{token}",
                    partial(self.answer_alternative, name),
                )

    def _button(
        self, label: str, custom_id: str, callback: Callable[[Interaction], Awaitable[Any]]
    ) -> None:
        button: discord.ui.Button[AnswerView] = discord.ui.Button(
            label=label, custom_id=custom_id, style=discord.ButtonStyle.secondary
        )
        button.callback = callback  # type: ignore[method-assign]
        self.add_item(button)

    async def show_data(self, interaction: Interaction) -> None:
        text, csv_bytes = data_table(self.answer)
        table = discord.File(io.BytesIO(csv_bytes), filename=f"{self.answer.command}.csv")
        await interaction.response.send_message(text, file=table, ephemeral=True)

    async def show_computed(self, interaction: Interaction) -> None:
        await interaction.response.send_message(computed_text(self.answer), ephemeral=True)

    async def answer_alternative(self, name: str, interaction: Interaction) -> None:
        await self.on_alternative(interaction, self.answer, name)

    async def on_error(
        self, interaction: Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_failure(interaction, error)
