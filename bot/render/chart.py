"""Answer -> a small PNG chart for Discord and the CLI, with an in-memory cache.

Drawn on a white card of its own so it reads the same on Discord's dark and light themes. Each
chart is a Figure of its own (never pyplot) drawn on its thread's renderer (chart_canvas), laid
out by arithmetic (chart_layout) and drawn once: about 55 ms of CPU, where matplotlib's
constrained layout, tick objects and a bar per period cost 130-200 ms. matplotlib is imported
inside the functions: `import bot.render.chart` stays cheap for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.answer import Answer
from bot.engine.lru import Lru

if TYPE_CHECKING:
    from matplotlib.figure import Figure
from bot.render.chart_axes import x_axis, y_axis
from bot.render.chart_canvas import new_figure
from bot.render.chart_layout import place
from bot.render.chart_marks import draw_bars, draw_line, mark_gaps, period_slots
from bot.render.chart_style import (
    BACKGROUND,
    CACHE_SIZE,
    FOOTER_SIZE,
    TEXT,
    TEXT_MUTED,
    TITLE_SIZE,
)
from bot.render.chart_text import font_of, footer, wrap

PROVISIONAL_PLOT = (0.125, 0.11, 0.775, 0.77)  # matplotlib's default subplot: left, bottom, w, h


def render_chart(answer: Answer) -> bytes:
    """Draw answer.series as an 800x450 PNG; bars for years, a line for months."""
    import numpy as np

    from bot.render.chart_png import png

    fig = _build_figure(answer)
    fig.canvas.draw()  # once: the layout is computed, not found by drawing
    return png(np.asarray(fig.canvas.buffer_rgba()))


def _build_figure(answer: Answer) -> Figure:
    """The whole chart as a Figure on its own Agg canvas; separate from saving so tests can inspect it."""
    if not answer.series:
        raise ValueError("cannot chart an answer with an empty series")
    fig = new_figure(BACKGROUND)
    title = fig.suptitle(
        wrap(answer.chart_title or answer.title, font_of(TITLE_SIZE, bold=True)),
        x=0.012,
        ha="left",
        fontsize=TITLE_SIZE,
        fontweight="bold",
        color=TEXT,
    )
    # Where a lone subplot would be: the y labels are chosen at this height, then the plot is
    # placed (chart_layout).
    ax = fig.add_axes(PROVISIONAL_PLOT, facecolor=BACKGROUND)
    points = answer.series
    slots = period_slots(points)
    draw = draw_line if answer.chart_kind == "line" else draw_bars
    handles = draw(ax, points, slots, answer.unit)
    y_labels_width = y_axis(ax, answer, slots)
    mark_gaps(ax, slots)
    x_labels = x_axis(ax, points, slots)
    legend = None
    if handles:
        # Above the plot, right-aligned, in its own band between the title and the data.
        legend = ax.legend(
            handles=handles,
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
            fontsize=FOOTER_SIZE + 0.5,
            labelcolor=TEXT_MUTED,
            borderaxespad=0.1,
        )
    footer(fig, answer)
    place(fig, ax, title, legend, y_labels_width, x_labels)
    return fig


_cache: Lru[tuple, bytes] = Lru(CACHE_SIZE)


def chart_key(answer: Answer) -> tuple:
    """Everything the drawing reads, so a changed title or source can never serve a stale chart."""
    return (
        answer.command,
        tuple(sorted((k, repr(v)) for k, v in answer.params.items())),
        tuple((p.period, p.label, p.value, p.partial, p.highlight) for p in answer.series),
        answer.data_version,
        answer.chart_kind,
        answer.chart_title or answer.title,
        answer.unit,
        tuple((s.publisher, s.title, s.date, s.kind) for s in answer.sources),
    )


def cached_chart(answer: Answer) -> bytes:
    """render_chart behind a thread-safe LRU; rendering happens outside the lock."""
    return _cache.get_or_make(chart_key(answer), lambda: render_chart(answer))
