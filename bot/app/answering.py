"""An Answer as a Discord message: the query and the chart off the event loop, the embed, the chart
attached with its alt text (or a note when the channel forbids files), and the buttons.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import discord

from bot.app.buttons import AnswerView
from bot.app.context import Interaction
from bot.app.embeds import CHART_FILENAME, answer_embed, not_understood_embed
from bot.app.respond import off_loop, send, tell, wait_message
from bot.engine.answer import Answer
from bot.engine.catalog import Catalog
from bot.render.alt_text import alt_text
from bot.render.chart_pool import Charts

NO_ATTACH = "The chart is not attached: I don't have permission to attach files in this channel."


@dataclass(frozen=True)
class Prepared:
    """An answer with its chart, ready to send: everything slow has been done."""

    answer: Answer
    png: bytes | None = None
    alt: str = ""
    chart_note: str | None = None


def prepare(compute: Callable[[], Answer], may_attach: bool, charts: Charts) -> Prepared:
    """Runs in a worker thread: the query, then the chart (from the cache, or drawn in a chart
    worker process while this thread waits) when the channel allows files."""
    answer = compute()
    if not answer.understood or not answer.series:
        return Prepared(answer)
    if not may_attach:
        return Prepared(answer, chart_note=NO_ATTACH)
    return Prepared(answer, charts.chart(answer), alt_text(answer))


def answer_message(prepared: Prepared, view: AnswerView | None) -> dict[str, Any]:
    """The keyword arguments of the message: embed, chart file and buttons (a moderator's
    preview brings its own)."""
    answer = prepared.answer
    message: dict[str, Any] = {}
    if answer.understood:
        message["embed"] = answer_embed(
            answer,
            chart_filename=CHART_FILENAME if prepared.png else None,
            chart_note=prepared.chart_note,
        )
    else:
        message["embed"] = not_understood_embed(answer)
    if prepared.png:
        chart = discord.File(
            io.BytesIO(prepared.png), filename=CHART_FILENAME, description=prepared.alt
        )
        message["files"] = [chart]
    if view is not None and view.children:
        message["view"] = view
    return message


async def send_answer(
    interaction: Interaction, compute: Callable[[], Answer], catalog: Catalog | None = None
) -> None:
    """Compute an Answer off the loop and send it as an embed with its chart and buttons;
    `catalog` (the server's, when it has commands of its own) names the alternatives."""
    may_attach = interaction.app_permissions.attach_files
    charts = interaction.client.charts
    prepared = await off_loop(interaction, partial(prepare, compute, may_attach, charts))
    view = AnswerView(
        prepared.answer, catalog or interaction.client.service.catalog, answer_alternative
    )
    await send(interaction, **answer_message(prepared, view))


async def answer_alternative(interaction: Interaction, answer: Answer, name: str) -> None:
    """A "did you mean" button: the same period and filters, asked of the other command."""
    limiter = interaction.client.limiter
    if (retry := limiter.retry_after(interaction.user.id)) is not None:
        await tell(interaction, wait_message(retry))
        return
    catalog = await interaction.client.catalog_for(interaction)
    if name not in catalog.commands:  # a server command removed since the answer was given
        await tell(interaction, "That command is no longer available here.")
        return
    engine = interaction.client.service.engine
    choices = {k: v for k, v in answer.sql_params.items() if isinstance(v, str) and v != "all"}
    compute = partial(engine.ask_command, name, time=answer.time, choices=choices, catalog=catalog)
    await send_answer(interaction, compute, catalog)
