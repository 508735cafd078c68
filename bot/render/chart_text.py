"""The words on a chart: the wrapped title, axis labels that fit, and the source footer."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.engine.answer import Answer, Point
from bot.engine.formatting import PERCENT_UNITS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
from bot.render.chart_style import (
    ACCENT,
    DPI,
    FOOTER_SIZE,
    GRID,
    LABEL_SIZE,
    MAX_X_LABELS,
    MIN_SLOTS,
    PLOT_PX,
    TEXT,
    TEXT_MUTED,
    TICK_SIZE,
    TITLE_LINES,
    WIDTH_IN,
)


def font_of(size: float, bold: bool = False) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(size=size, weight="bold" if bold else "normal")


def _width(text: str, renderer: RendererBase, font: FontProperties) -> float:
    """Rendered width in pixels, measured rather than guessed from character counts."""
    return renderer.get_text_width_height_descent(text, font, ismath=False)[0]


def wrap(title: str, renderer: RendererBase, font: FontProperties) -> str:
    """At most TITLE_LINES lines across the card; a longer title ends in an ellipsis, never cut off."""
    room = WIDTH_IN * DPI * 0.97
    # Start from the average character width, then narrow until every line measures inside.
    chars = max(10, int(len(title) * room / max(_width(title, renderer, font), 1.0)))
    while True:
        lines = textwrap.wrap(title, chars)
        if len(lines) > TITLE_LINES:
            lines = lines[: TITLE_LINES - 1] + [clip(" ".join(lines[TITLE_LINES - 1 :]), chars)]
        if chars <= 10 or all(_width(line, renderer, font) <= room for line in lines):
            return "\n".join(lines)
        chars -= 2


def style_axes(ax: Axes, answer: Answer, slots: list[int]) -> None:
    """Zero-based y axis (no exaggerated changes), light grid, readable tick labels."""
    values = [p.value for p in answer.series]
    low, high = min(0.0, min(values)), max(0.0, max(values))
    ax.set_ylim(low, high * 1.15 if high > 0 else 1.0)
    # A short series is centred on a wider axis, so one bar does not fill the whole card.
    span = slots[-1] + 1
    pad = max(0.0, (MIN_SLOTS - span) / 2)
    ax.set_xlim(-0.6 - pad, span - 0.4 + pad)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(TEXT_MUTED)
    ax.grid(axis="y", color=GRID, linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)
    ax.tick_params(colors=TEXT_MUTED, labelcolor=TEXT, labelsize=TICK_SIZE, length=0)
    ax.tick_params(axis="x", length=3)
    ax.set_ylabel(answer.unit[:1].upper() + answer.unit[1:], fontsize=LABEL_SIZE, color=TEXT)
    bottom, top = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if bottom <= t <= top]
    ax.set_yticks(ticks, labels=_y_tick_labels(ticks, answer.unit))


def _y_tick_labels(ticks: list[float], unit: str) -> list[str]:
    """46% for rates; 1,234,567 up to a million; 1.5M beyond."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    if unit in PERCENT_UNITS:
        decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
        return [f"{t:.{decimals}f}%" for t in ticks]
    biggest = max(abs(t) for t in ticks)
    for scale, suffix in ((1e9, "B"), (1e6, "M")):
        if biggest >= scale:
            decimals = max(0, -math.floor(math.log10(step / scale)))
            return ["0" if t == 0 else f"{t / scale:,.{decimals}f}{suffix}" for t in ticks]
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return [f"{t:,.{decimals}f}" for t in ticks]


def x_labels(ax: Axes, points: list[Point], slots: list[int], renderer: RendererBase) -> None:
    """At most MAX_X_LABELS labels, evenly spaced, always including the highlighted one."""
    longest = sorted({p.label for p in points}, key=len)[-3:]  # measuring every label is slow
    # The highlighted label is bold, hence wider; 12 px keeps neighbours visibly apart.
    widest = max(_width(label, renderer, font_of(TICK_SIZE, bold=True)) for label in longest) + 12
    # Month labels (May 2024) are thinned harder: a 60-month axis reads better with fewer.
    limit = MAX_X_LABELS if max(len(label) for label in longest) <= 6 else 15
    span = slots[-1] + 1
    step = max(1, math.ceil(span / limit))
    highlighted = [x for x, p in zip(slots, points, strict=True) if p.highlight]
    anchor = highlighted[0] if highlighted else slots[-1]
    shown = [i for i, x in enumerate(slots) if (x - anchor) % step == 0]
    ax.set_xticks([slots[i] for i in shown], labels=[points[i].label for i in shown])
    rotate = widest > PLOT_PX / max(span, MIN_SLOTS) * step
    for i, label in zip(shown, ax.get_xticklabels(), strict=True):
        if rotate:
            label.set_rotation(45)
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
        if points[i].highlight:
            label.set_fontweight("bold")
            label.set_color(ACCENT)


def footer(fig: Figure, renderer: RendererBase, answer: Answer) -> None:
    """Source line at bottom left, data version at bottom right; a long source is shortened to fit."""
    y = 0.018
    version = _version_text(answer)
    fig.text(0.99, y, version, ha="right", va="bottom", fontsize=FOOTER_SIZE - 1, color=TEXT_MUTED)
    if not answer.sources:
        return
    font = font_of(FOOTER_SIZE)
    room = fig.bbox.width * 0.97 - _width(version, renderer, font_of(FOOTER_SIZE - 1)) - 20

    def fits(text: str) -> bool:
        return _width(text, renderer, font) <= room

    # Name an original (official or research) source: a press copy is never the one on the chart
    # when the publication it copied is listed too.
    first = next((src for src in answer.sources if src.kind != "secondary"), answer.sources[0])
    name = f"{first.publisher} — {first.title}"
    more = f" and {len(answer.sources) - 1} more" if len(answer.sources) > 1 else ""

    def line(name_chars: int, date_chars: int) -> str:
        date = f" (data: {clip(first.date, date_chars)})" if first.date else ""
        return f"Source: {clip(name, name_chars)}{date}{more}"

    # Shorten the publication's name first, then its date, never the count of other sources.
    name_chars = _longest(lambda n: fits(line(n, len(first.date))), 16, len(name))
    date_chars = _longest(lambda n: fits(line(name_chars, n)), 12, len(first.date))
    text = line(name_chars, date_chars)
    while not fits(text):  # even the shortest name and date do not fit: cut the end
        text = clip(text, len(text) - 4)
    fig.text(0.01, y, text, ha="left", va="bottom", fontsize=FOOTER_SIZE, color=TEXT_MUTED)


def _longest(fits: Callable[[int], bool], low: int, high: int) -> int:
    """The largest n in [low, high] with fits(n), by binary search (each try costs a measurement);
    low when none fits."""
    low = min(low, high)
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


def clip(text: str, limit: int) -> str:
    """text cut at limit characters, ending in an ellipsis, without a dangling separator."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[-15:]:  # end on a whole word when that does not lose much
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" —-,;:(") + "…"


def _version_text(answer: Answer) -> str:
    """'data v2025.08.1' for a version number, 'data e7376dd00a29' for a content hash."""
    version = answer.data_version
    if not version:
        return "immistats"
    prefix = "v" if re.fullmatch(r"\d+(\.\d+)+", version) else ""
    return f"immistats · data {prefix}{version}"
