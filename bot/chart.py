"""Answer -> a small PNG chart for Discord and the CLI, plus its alt text and an in-memory cache.

Drawn on a white card of its own so it reads the same on Discord's dark and light themes. Uses a
private Figure + FigureCanvasAgg per render (never pyplot), so worker threads do not share state.
matplotlib is imported inside the functions: `import bot.chart` stays cheap for the CLI.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from bot.answer import Answer, Point
from bot.formatting import PERCENT_UNITS, format_value
from bot.periods import parse_period

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100  # 800 x 450 px
MAX_X_LABELS = 25
TITLE_WIDTH = 62  # characters per title line at TITLE_SIZE on 800 px
TITLE_LINES = 2
ALT_TEXT_LIMIT = 1000
CACHE_SIZE = 128

BACKGROUND = "#FFFFFF"
TEXT = "#1F2328"
TEXT_MUTED = "#57606A"
GRID = "#D8DEE4"
BASE = "#3B6EA8"  # every bar when nothing is highlighted
MUTED = "#A9BDD6"  # the other bars when one is highlighted
ACCENT = "#C2410C"  # the requested period

TITLE_SIZE = 15
LABEL_SIZE = 11
FOOTER_SIZE = 9.5


def render_chart(answer: Answer) -> bytes:
    """Draw answer.series as a PNG; bars for years, a line for months."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not answer.series:
        raise ValueError("cannot chart an answer with an empty series")
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor=BACKGROUND, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    # Leave a band at the bottom for the source line, which the layout engine does not see.
    fig.get_layout_engine().set(rect=(0.0, 0.055, 1.0, 0.945), h_pad=0.06, w_pad=0.1)
    ax = fig.add_subplot(facecolor=BACKGROUND)
    points = answer.series
    draw = _draw_line if answer.chart_kind == "line" else _draw_bars
    handles = draw(ax, points, answer.unit)
    _style_axes(ax, answer)
    _x_labels(ax, points)
    if handles:
        ax.legend(
            handles=handles,
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
            fontsize=LABEL_SIZE - 1,
            labelcolor=TEXT_MUTED,
            borderaxespad=0.2,
        )
    ax.set_title(
        _title_text(answer.chart_title or answer.title, narrow=bool(handles)),
        loc="left",
        fontsize=TITLE_SIZE,
        fontweight="bold",
        color=TEXT,
        pad=10,
    )
    _footer(fig, canvas.get_renderer(), answer)
    out = io.BytesIO()
    fig.savefig(out, format="png", facecolor=BACKGROUND, pil_kwargs={"optimize": True})
    return out.getvalue()


def _colour(point: Point, any_highlight: bool) -> str:
    if point.highlight:
        return ACCENT
    return MUTED if any_highlight else BASE


def _partial_word(points: list[Point]) -> str:
    """'partial month' for monthly series, 'partial year' otherwise."""
    parsed = parse_period(points[0].period)
    return "partial month" if parsed and parsed.kind == "month" else "partial year"


def _draw_bars(ax: Axes, points: list[Point], unit: str) -> list:
    """Bars; partial periods lighter and hatched. Returns legend handles (only when needed)."""
    from matplotlib.patches import Patch

    any_highlight = any(p.highlight for p in points)
    for x, point in enumerate(points):
        colour = _colour(point, any_highlight)
        if point.partial:
            ax.bar(x, point.value, width=0.72, color=colour, alpha=0.45, zorder=2)
            ax.bar(x, point.value, width=0.72, fill=False, hatch="///", edgecolor=colour, zorder=3)
        else:
            ax.bar(x, point.value, width=0.72, color=colour, zorder=2)
        if point.highlight:
            _value_label(ax, x, point, unit, offset=4)
    if not any(p.partial for p in points):
        return []
    sample = BASE if not any_highlight else MUTED
    return [
        Patch(
            facecolor="none",
            edgecolor=sample,
            hatch="///",
            label=f"Hatched: {_partial_word(points)}",
        )
    ]


def _draw_line(ax: Axes, points: list[Point], unit: str) -> list:
    """A line with small markers; segments into a partial period dashed, its marker hollow."""
    from matplotlib.lines import Line2D

    xs = range(len(points))
    solid = [math.nan if p.partial else p.value for p in points]
    ax.plot(xs, solid, color=BASE, linewidth=2, marker="o", markersize=3.5, zorder=2)
    for x, point in enumerate(points):
        if point.partial:
            for nx in (x - 1, x + 1):
                if 0 <= nx < len(points):
                    ax.plot(
                        [x, nx], [point.value, points[nx].value], color=BASE, linewidth=2,
                        linestyle=(0, (3, 2)), zorder=2,
                    )  # fmt: skip
            ax.plot(
                x, point.value, marker="o", markersize=6, markerfacecolor=BACKGROUND,
                markeredgecolor=BASE, markeredgewidth=1.8, zorder=3,
            )  # fmt: skip
        if point.highlight:
            ax.plot(
                x, point.value, marker="o", markersize=10, color=ACCENT,
                markeredgecolor=BACKGROUND, markeredgewidth=1.5, zorder=4,
            )  # fmt: skip
            _value_label(ax, x, point, unit, offset=9)
    if not any(p.partial for p in points):
        return []
    return [
        Line2D(
            [], [], color=BASE, linestyle=(0, (3, 2)), marker="o", markerfacecolor=BACKGROUND,
            markeredgecolor=BASE, label=f"Dashed, hollow: {_partial_word(points)}",
        )
    ]  # fmt: skip


def _value_label(ax: Axes, x: int, point: Point, unit: str, offset: float) -> None:
    """The highlighted figure written above its bar or point, as the headline writes it."""
    ax.annotate(
        format_value(point.value, unit), (x, point.value), xytext=(0, offset),
        textcoords="offset points", ha="center", va="bottom", fontsize=LABEL_SIZE,
        fontweight="bold", color=TEXT, zorder=5,
    )  # fmt: skip


def _style_axes(ax: Axes, answer: Answer) -> None:
    """Zero-based y axis (no exaggerated changes), light grid, readable tick labels."""
    values = [p.value for p in answer.series]
    low, high = min(0.0, min(values)), max(0.0, max(values))
    ax.set_ylim(low, high * 1.15 if high > 0 else 1.0)
    ax.set_xlim(-0.6, len(values) - 0.4)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(TEXT_MUTED)
    ax.grid(axis="y", color=GRID, linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)
    ax.tick_params(colors=TEXT_MUTED, labelcolor=TEXT, labelsize=LABEL_SIZE, length=0)
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


def _x_labels(ax: Axes, points: list[Point]) -> None:
    """At most MAX_X_LABELS labels, spaced evenly and always including the highlighted one."""
    n = len(points)
    longest = max(len(p.label) for p in points)
    # Fewer labels when they are long (May 2024) so rotated labels never touch.
    limit = MAX_X_LABELS if longest <= 6 else 15
    step = max(1, math.ceil(n / limit))
    highlighted = [i for i, p in enumerate(points) if p.highlight]
    anchor = highlighted[0] if highlighted else n - 1
    shown = [i for i in range(n) if (i - anchor) % step == 0]
    ax.set_xticks(shown, labels=[points[i].label for i in shown])
    # Labels side by side need about 0.62 em per character; rotate when they would not fit.
    slot_px = 700 / len(shown)
    label_px = longest * LABEL_SIZE * DPI / 72 * 0.62 + 8
    for i, label in zip(shown, ax.get_xticklabels(), strict=True):
        if label_px > slot_px:
            label.set_rotation(45)
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
        if points[i].highlight:
            label.set_fontweight("bold")
            label.set_color(ACCENT)


def _title_text(title: str, narrow: bool) -> str:
    """At most two lines; shortened with an ellipsis rather than cut mid-word or off the card."""
    width = TITLE_WIDTH - 14 if narrow else TITLE_WIDTH
    limit = width * TITLE_LINES
    while True:
        lines = textwrap.wrap(textwrap.shorten(title, limit, placeholder=" …"), width)
        if len(lines) <= TITLE_LINES:
            return "\n".join(lines)
        limit -= 4


def _footer(fig: Figure, renderer: RendererBase, answer: Answer) -> None:
    """Source line at bottom left, data version at bottom right, the source shortened to fit."""
    y = 0.018
    right = fig.text(
        0.99, y, _version_text(answer), ha="right", va="bottom",
        fontsize=FOOTER_SIZE - 1, color=TEXT_MUTED,
    )  # fmt: skip
    if not answer.sources:
        return
    room = fig.bbox.width * 0.97 - right.get_window_extent(renderer).width - 16
    first = answer.sources[0]
    name = f"{first.publisher} — {first.title}"
    suffix = f" (data: {first.date})" if first.date else ""
    if len(answer.sources) > 1:
        suffix += f" and {len(answer.sources) - 1} more"
    left = fig.text(0.01, y, "", ha="left", va="bottom", fontsize=FOOTER_SIZE, color=TEXT_MUTED)
    keep = len(name)
    while True:
        shown = name if keep == len(name) else name[:keep].rstrip(" —,;:") + "…"
        left.set_text(f"Source: {shown}{suffix}")
        if keep <= 8 or left.get_window_extent(renderer).width <= room:
            return
        keep = min(keep - 1, int(keep * room / left.get_window_extent(renderer).width))


def _version_text(answer: Answer) -> str:
    return f"immistats · data v{answer.data_version}" if answer.data_version else "immistats"


def alt_text(answer: Answer) -> str:
    """One plain sentence for screen readers: kind, subject, span, highlighted and partial periods."""
    points = answer.series
    if not points:
        raise ValueError("cannot describe an answer with an empty series")
    kind = "Line chart" if answer.chart_kind == "line" else "Bar chart"
    span = points[0].label if len(points) == 1 else f"{points[0].label}–{points[-1].label}"
    parts = [f"{span}"]
    marked = [p for p in points if p.highlight]
    if marked:
        figures = " and ".join(f"{p.label} at {_spoken(p.value, answer.unit)}" for p in marked[:3])
        parts.append(f"highlighted {figures}")
    low = min(points, key=lambda p: p.value)
    high = max(points, key=lambda p: p.value)
    if len(points) > 2:
        parts.append(
            f"lowest {_spoken(low.value, answer.unit)} in {low.label}, "
            f"highest {_spoken(high.value, answer.unit)} in {high.label}"
        )
    partial = [p.label for p in points if p.partial]
    if partial:
        parts.append(
            f"{' and '.join(partial[:3])}{' and others' if len(partial) > 3 else ''} partial"
        )
    tail = "; ".join(parts) + "."
    subject = answer.chart_title or answer.title or "the requested figures"
    if subject[1:2].islower():
        subject = subject[:1].lower() + subject[1:]
    room = ALT_TEXT_LIMIT - len(kind) - len(tail) - len(" of , ")
    return f"{kind} of {textwrap.shorten(subject, max(room, 20), placeholder='…')}, {tail}"[
        :ALT_TEXT_LIMIT
    ]


def _spoken(value: float, unit: str) -> str:
    text = format_value(value, unit)
    return text if unit in PERCENT_UNITS or not unit else f"{text} {unit}"


_cache: OrderedDict[tuple, bytes] = OrderedDict()
_cache_lock = threading.Lock()


def _cache_key(answer: Answer) -> tuple:
    """Everything the drawing reads, so a changed title or source can never serve a stale chart."""
    return (
        answer.command,
        tuple(sorted((k, repr(v)) for k, v in answer.params.items())),
        tuple((p.period, p.label, p.value, p.partial, p.highlight) for p in answer.series),
        answer.data_version,
        answer.chart_kind,
        answer.chart_title or answer.title,
        answer.unit,
        tuple((s.publisher, s.title, s.date) for s in answer.sources),
    )


def cached_chart(answer: Answer) -> bytes:
    """render_chart behind a thread-safe LRU; rendering happens outside the lock."""
    key = _cache_key(answer)
    with _cache_lock:
        if (png := _cache.get(key)) is not None:
            _cache.move_to_end(key)
            return png
    png = render_chart(answer)
    with _cache_lock:
        png = _cache.setdefault(key, png)  # another thread may have won the race
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return png
