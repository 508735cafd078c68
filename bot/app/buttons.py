"""The buttons under an answer: its data, how it was computed, the other readings of the question,
and "Report a problem", a short form whose reason lands in the state store for the server's
moderators (/commands reports) and the maintainers (`immistats reports`), naming no member.

The View keeps the Answer it was made for. After a restart the View is gone and Discord tells the
user the interaction failed, which is acceptable; custom ids carry a random token so two answers'
buttons never collide.
"""

from __future__ import annotations

import asyncio
import io
import secrets
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import discord

from bot.app.context import Interaction
from bot.app.embeds import computed_text, data_table
from bot.app.respond import Refused, report_failure, wait_message
from bot.engine.answer import Answer
from bot.engine.catalog import Catalog

Alternative = Callable[[Interaction, Answer, str], Awaitable[None]]

TIMEOUT = 15 * 60.0
MAX_ALTERNATIVES = 3
LABEL_LIMIT = 80
REASON_MIN, REASON_MAX = 5, 300  # characters of a report's reason
REPORTED = (
    "Thank you: report #{number} is with this server's moderators and the maintainers, who check "
    "the figure against its source. It does not name you."
)
REPORTED_DIRECT = (
    "Thank you: report #{number} is with the maintainers, who check the figure against its "
    "source. It does not name you."
)


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
        if answer.understood and answer.command:
            self._button("Report a problem", f"immistats:report:{token}", self.report_problem)
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

    async def report_problem(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(ReportForm(self.answer))

    async def answer_alternative(self, name: str, interaction: Interaction) -> None:
        await self.on_alternative(interaction, self.answer, name)

    async def on_error(
        self, interaction: Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_failure(interaction, error)


class ReportForm(discord.ui.Modal):
    """Why the figure looks wrong, in a sentence; stored with the answer's command, parameters,
    data version and question, never with who sent it."""

    def __init__(self, answer: Answer):
        super().__init__(
            title="Report a problem with this answer",
            timeout=TIMEOUT,
            custom_id=f"immistats:report-form:{secrets.token_hex(8)}",
        )
        self.answer = answer
        self.reason: discord.ui.TextInput[ReportForm] = discord.ui.TextInput(
            label="What looks wrong?",
            style=discord.TextStyle.paragraph,
            custom_id="immistats:report:reason",
            placeholder="e.g. the source's own table gives another figure for this year",
            min_length=REASON_MIN,
            max_length=REASON_MAX,
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        bot = interaction.client
        if (retry := bot.limiter.retry_after(interaction.user.id)) is not None:
            raise Refused(wait_message(retry))
        answer = self.answer
        number = await asyncio.to_thread(
            partial(
                bot.state.add_report,
                interaction.guild_id,
                command=answer.command or "",
                params=answer.params,
                data_version=answer.data_version,
                question=answer.question,
                reason=self.reason.value,
            )
        )
        thanks = REPORTED if interaction.guild_id is not None else REPORTED_DIRECT
        await interaction.response.send_message(thanks.format(number=number), ephemeral=True)

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_failure(interaction, error)
