"""An Answer as a Discord message: the query and the chart off the event loop, the embed, the chart
attached with its alt text (or a note when the channel forbids files), and the buttons.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import discord

from bot.app.buttons import AnswerView
from bot.app.context import Interaction
from bot.app.embeds import CHART_FILENAME, answer_embed, not_understood_embed
from bot.app.respond import paced, send, tell, wait_message
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
    prepared, wants_chart = _answered(compute, may_attach)
    return replace(prepared, png=charts.chart(prepared.answer)) if wants_chart else prepared


def _answered(compute: Callable[[], Answer], may_attach: bool) -> tuple[Prepared, bool]:
    """Runs in an answering thread: the answer, and whether its chart is still to be added."""
    answer = compute()
    if not answer.understood or not answer.series:
        return Prepared(answer), False
    if not may_attach:
        return Prepared(answer, chart_note=NO_ATTACH), False
    return Prepared(answer, alt=alt_text(answer)), True


async def prepared(compute: Callable[[], Answer], may_attach: bool, charts: Charts) -> Prepared:
    """`prepare` without holding an answering thread while the chart is drawn: the query runs in
    one, the chart is waited for in a thread of the charts' own (Charts.submit), so the answering
    threads go on to the next questions and can be as few as the cores."""
    found, wants_chart = await asyncio.to_thread(_answered, compute, may_attach)
    if not wants_chart:
        return found
    return replace(found, png=await asyncio.wrap_future(charts.submit(found.answer)))


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
    ready = await paced(interaction, partial(prepared, compute, may_attach, charts))
    view = AnswerView(
        ready.answer, catalog or interaction.client.service.catalog, answer_alternative
    )
    await send(interaction, **answer_message(ready, view))


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
