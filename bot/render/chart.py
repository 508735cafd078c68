"""Answer -> a small PNG chart for Discord and the CLI, plus its alt text and an in-memory cache.

Drawn on a white card of its own so it reads the same on Discord's dark and light themes. Uses a
private Figure + FigureCanvasAgg per render (never pyplot), so worker threads do not share state.
matplotlib is imported inside the functions: `import bot.chart` stays cheap for the CLI.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.engine.answer import Answer, Point
from bot.engine.formatting import PERCENT_UNITS, format_value
from bot.engine.periods import parse_period

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100  # 800 x 450 px
MAX_X_LABELS = 25
MIN_SLOTS = 6  # a series shorter than this is drawn at this many bars' spacing
MAX_SLOTS = 240  # beyond this many periods from first to last, points are simply drawn side by side
PLOT_PX = 700  # width of the plot area inside the card, less the y axis labels
TITLE_LINES = 2
ALT_TEXT_LIMIT = 1000
CACHE_SIZE = 128

Placement = tuple[tuple[float, float], str, str]  # label offset in points, ha, va

BACKGROUND = "#FFFFFF"
TEXT = "#1F2328"
TEXT_MUTED = "#57606A"
GRID = "#D8DEE4"
BASE = "#3B6EA8"  # every bar when nothing is highlighted
MUTED = "#A9BDD6"  # the other bars when one is highlighted
MAX_VALUE_LABELS = 3
ACCENT = "#C2410C"  # the requested period

TITLE_SIZE = 15
LABEL_SIZE = 11
TICK_SIZE = 10.5
FOOTER_SIZE = 10


def render_chart(answer: Answer) -> bytes:
    """Draw answer.series as an 800x450 PNG; bars for years, a line for months."""
    out = io.BytesIO()
    # No Pillow optimize=True: it saves ~3% of 50-80 KB at ~50-80 ms, a third of the render time.
    fig = _build_figure(answer)
    # Lay out once and freeze: otherwise savefig draws the whole figure twice to run the layout.
    fig.get_layout_engine().execute(fig)
    fig.set_layout_engine("none")
    # Fast compression: ~12 ms less per chart than the default, and charts stay near 60 KB.
    fig.savefig(out, format="png", facecolor=BACKGROUND, pil_kwargs={"compress_level": 1})
    return out.getvalue()


def _build_figure(answer: Answer) -> Figure:
    """The whole chart as a Figure on its own Agg canvas; separate from saving so tests can inspect it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not answer.series:
        raise ValueError("cannot chart an answer with an empty series")
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor=BACKGROUND, layout="constrained")
    renderer = FigureCanvasAgg(fig).get_renderer()
    # Leave a band at the bottom for the source line, which the layout engine does not see.
    fig.get_layout_engine().set(rect=(0.0, 0.06, 1.0, 0.94), h_pad=0.06, w_pad=0.1)
    fig.suptitle(
        _wrap(answer.chart_title or answer.title, renderer, _font(TITLE_SIZE, bold=True)),
        x=0.012,
        ha="left",
        fontsize=TITLE_SIZE,
        fontweight="bold",
        color=TEXT,
    )
    ax = fig.add_subplot(facecolor=BACKGROUND)
    points = answer.series
    slots = _slots(points)
    draw = _draw_line if answer.chart_kind == "line" else _draw_bars
    handles = draw(ax, points, slots, answer.unit)
    _style_axes(ax, answer, slots)
    _mark_gaps(ax, slots)
    _x_labels(ax, points, slots, renderer)
    if handles:
        # Above the plot, right-aligned, in its own band between the title and the data.
        ax.legend(
            handles=handles,
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
            fontsize=FOOTER_SIZE + 0.5,
            labelcolor=TEXT_MUTED,
            borderaxespad=0.1,
        )
    _footer(fig, renderer, answer)
    return fig


def _font(size: float, bold: bool = False) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(size=size, weight="bold" if bold else "normal")


def _width(text: str, renderer: RendererBase, font: FontProperties) -> float:
    """Rendered width in pixels, measured rather than guessed from character counts."""
    return renderer.get_text_width_height_descent(text, font, ismath=False)[0]


def _wrap(title: str, renderer: RendererBase, font: FontProperties) -> str:
    """At most TITLE_LINES lines across the card; a longer title ends in an ellipsis, never cut off."""
    room = WIDTH_IN * DPI * 0.97
    # Start from the average character width, then narrow until every line measures inside.
    chars = max(10, int(len(title) * room / max(_width(title, renderer, font), 1.0)))
    while True:
        lines = textwrap.wrap(title, chars)
        if len(lines) > TITLE_LINES:
            lines = lines[: TITLE_LINES - 1] + [_clip(" ".join(lines[TITLE_LINES - 1 :]), chars)]
        if chars <= 10 or all(_width(line, renderer, font) <= room for line in lines):
            return "\n".join(lines)
        chars -= 2


def _colour(point: Point, any_highlight: bool) -> str:
    if point.highlight:
        return ACCENT
    return MUTED if any_highlight else BASE


def _partial_word(points: list[Point]) -> str:
    """'partial month' for monthly series, 'partial year' otherwise."""
    parsed = parse_period(points[0].period)
    return "partial month" if parsed and parsed.kind == "month" else "partial year"


def _slots(points: list[Point]) -> list[int]:
    """Each point's x position counted in periods, so a missing year or month leaves a visible gap.

    Falls back to side by side when periods are not all of one kind, in order, and close together.
    """
    keys = [_period_key(p.period) for p in points]
    if None in keys or len({kind for kind, _ in keys}) != 1:
        return list(range(len(points)))
    ordinals = [n for _, n in keys]
    in_order = all(b > a for a, b in itertools.pairwise(ordinals))
    if not in_order or ordinals[-1] - ordinals[0] >= MAX_SLOTS:
        return list(range(len(points)))
    return [n - ordinals[0] for n in ordinals]


def _period_key(period: str) -> tuple[str, int] | None:
    """(kind, running number): FY2023 -> ('fiscal_year', 2023), 2024-05 -> ('month', 24293)."""
    parsed = parse_period(period)
    if parsed is None:
        return None
    if parsed.kind == "fiscal_year":
        return parsed.kind, parsed.fiscal_year
    if parsed.kind == "calendar_year":
        return parsed.kind, parsed.calendar_year
    if parsed.kind == "month":
        year, month = parsed.month.split("-")
        return parsed.kind, int(year) * 12 + int(month) - 1
    return None


def _gaps(slots: list[int]) -> list[int]:
    """Indexes i where periods are missing between point i and point i + 1."""
    return [i for i, (a, b) in enumerate(itertools.pairwise(slots)) if b - a > 1]


def _draw_bars(ax: Axes, points: list[Point], slots: list[int], unit: str) -> list:
    """Bars; partial periods lighter and hatched. Returns legend handles (only when needed)."""
    from matplotlib.patches import Patch

    any_highlight = any(p.highlight for p in points)
    for x, point in zip(slots, points, strict=True):
        colour = _colour(point, any_highlight)
        if point.partial:
            ax.bar(x, point.value, width=0.72, color=colour, alpha=0.45, zorder=2)
            ax.bar(x, point.value, width=0.72, fill=False, hatch="///", edgecolor=colour, zorder=3)
        else:
            ax.bar(x, point.value, width=0.72, color=colour, zorder=2)
        if point.highlight and _few_highlights(points):
            _value_label(ax, x, point, unit, ((0, 4), "center", "bottom"))
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


def _draw_line(ax: Axes, points: list[Point], slots: list[int], unit: str) -> list:
    """A line with small markers, broken where periods are missing; into a partial period dashed."""
    from matplotlib.lines import Line2D

    xs: list[float] = []
    ys: list[float] = []
    for i, (x, point) in enumerate(zip(slots, points, strict=True)):
        if i and x - slots[i - 1] > 1:
            xs.append(x - 0.5)
            ys.append(math.nan)  # a NaN lifts the pen: no line drawn across missing months
        xs.append(x)
        ys.append(math.nan if point.partial else point.value)
    ax.plot(xs, ys, color=BASE, linewidth=2, marker="o", markersize=3.5, zorder=2)
    for i, (x, point) in enumerate(zip(slots, points, strict=True)):
        if point.partial:
            for j in (i - 1, i + 1):
                if 0 <= j < len(points) and abs(slots[j] - x) == 1:
                    ax.plot(
                        [x, slots[j]],
                        [point.value, points[j].value],
                        color=BASE,
                        linewidth=2,
                        linestyle=(0, (3, 2)),
                        zorder=2,
                    )
            ax.plot(
                x,
                point.value,
                marker="o",
                markersize=6,
                markerfacecolor=BACKGROUND,
                markeredgecolor=BASE,
                markeredgewidth=1.8,
                zorder=3,
            )
        if point.highlight:
            ax.plot(
                x,
                point.value,
                marker="o",
                markersize=10,
                color=ACCENT,
                markeredgecolor=BACKGROUND,
                markeredgewidth=1.5,
                zorder=4,
            )
            if _few_highlights(points):
                _value_label(ax, x, point, unit, _line_label_spot(points, i))
    if not any(p.partial for p in points):
        return []
    return [
        Line2D(
            [],
            [],
            color=BASE,
            linestyle=(0, (3, 2)),
            marker="o",
            markerfacecolor=BACKGROUND,
            markeredgecolor=BASE,
            label=f"Dashed, hollow: {_partial_word(points)}",
        )
    ]


def _few_highlights(points: list[Point]) -> bool:
    """Values are written on the chart for up to 3 highlighted periods; more would overlap."""
    return sum(p.highlight for p in points) <= MAX_VALUE_LABELS


def _mark_gaps(ax: Axes, slots: list[int]) -> None:
    """'no data' written upright in each run of missing periods, so a gap is not read as zero."""
    for i in _gaps(slots):
        ax.text(
            (slots[i] + slots[i + 1]) / 2,
            0.03,
            "no data",
            transform=ax.get_xaxis_transform(),
            rotation=90,
            ha="center",
            va="bottom",
            fontsize=FOOTER_SIZE - 1,
            color=TEXT_MUTED,
        )


def _value_label(ax: Axes, x: int, point: Point, unit: str, place: Placement) -> None:
    """The highlighted figure written next to its bar or point, as the headline writes it."""
    offset, ha, va = place
    ax.annotate(
        format_value(point.value, unit),
        (x, point.value),
        xytext=offset,
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=LABEL_SIZE,
        fontweight="bold",
        color=TEXT,
        zorder=5,
        bbox={
            "boxstyle": "round,pad=0.2",
            "facecolor": BACKGROUND,
            "edgecolor": "none",
            "alpha": 0.85,
        },
    )


def _line_label_spot(points: list[Point], i: int) -> Placement:
    """Where the line is not: up-right on a fall, up-left on a rise, below a dip, above a peak."""
    value = points[i].value
    left_higher = i > 0 and points[i - 1].value > value
    right_higher = i + 1 < len(points) and points[i + 1].value > value
    near_floor = value < 0.25 * max(p.value for p in points)
    if left_higher and right_higher and not near_floor:
        return (0, -9), "center", "top"
    if left_higher and i + 2 < len(points):
        return (8, 6), "left", "bottom"
    if right_higher and i > 1:
        return (-8, 6), "right", "bottom"
    return (0, 9), "center", "bottom"


def _style_axes(ax: Axes, answer: Answer, slots: list[int]) -> None:
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


def _x_labels(ax: Axes, points: list[Point], slots: list[int], renderer: RendererBase) -> None:
    """At most MAX_X_LABELS labels, evenly spaced, always including the highlighted one."""
    longest = sorted({p.label for p in points}, key=len)[-3:]  # measuring every label is slow
    # The highlighted label is bold, hence wider; 12 px keeps neighbours visibly apart.
    widest = max(_width(label, renderer, _font(TICK_SIZE, bold=True)) for label in longest) + 12
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


def _footer(fig: Figure, renderer: RendererBase, answer: Answer) -> None:
    """Source line at bottom left, data version at bottom right; a long source is shortened to fit."""
    y = 0.018
    version = _version_text(answer)
    fig.text(0.99, y, version, ha="right", va="bottom", fontsize=FOOTER_SIZE - 1, color=TEXT_MUTED)
    if not answer.sources:
        return
    font = _font(FOOTER_SIZE)
    room = fig.bbox.width * 0.97 - _width(version, renderer, _font(FOOTER_SIZE - 1)) - 20

    def fits(text: str) -> bool:
        return _width(text, renderer, font) <= room

    # Name an original (official or research) source: a press copy is never the one on the chart
    # when the publication it copied is listed too.
    first = next((src for src in answer.sources if src.kind != "secondary"), answer.sources[0])
    name = f"{first.publisher} — {first.title}"
    more = f" and {len(answer.sources) - 1} more" if len(answer.sources) > 1 else ""

    def line(name_chars: int, date_chars: int) -> str:
        date = f" (data: {_clip(first.date, date_chars)})" if first.date else ""
        return f"Source: {_clip(name, name_chars)}{date}{more}"

    # Shorten the publication's name first, then its date, never the count of other sources.
    name_chars = _longest(lambda n: fits(line(n, len(first.date))), 16, len(name))
    date_chars = _longest(lambda n: fits(line(name_chars, n)), 12, len(first.date))
    text = line(name_chars, date_chars)
    while not fits(text):  # even the shortest name and date do not fit: cut the end
        text = _clip(text, len(text) - 4)
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


def _clip(text: str, limit: int) -> str:
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


def alt_text(answer: Answer) -> str:
    """One plain sentence for screen readers: kind, subject, span, highlighted and partial periods."""
    points = answer.series
    if not points:
        raise ValueError("cannot describe an answer with an empty series")
    kind = "Line chart" if answer.chart_kind == "line" else "Bar chart"
    span = points[0].label if len(points) == 1 else f"{points[0].label}–{points[-1].label}"
    parts = [span]
    marked = [p for p in points if p.highlight]
    if marked:
        figures = " and ".join(p.label for p in marked[:3])
        values = " and ".join(_spoken(p.value, answer.unit) for p in marked[:3])
        parts.append(f"{figures} highlighted at {values}")
    low = min(points, key=lambda p: p.value)
    high = max(points, key=lambda p: p.value)
    if len(points) > 2:
        parts.append(
            f"lowest {_spoken(low.value, answer.unit)} in {low.label}, "
            f"highest {_spoken(high.value, answer.unit)} in {high.label}"
        )
    gaps = _gaps(_slots(points))
    if gaps:
        between = [f"{points[i].label} and {points[i + 1].label}" for i in gaps[:3]]
        parts.append(f"no data between {'; between '.join(between)}")
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
        tuple((s.publisher, s.title, s.date, s.kind) for s in answer.sources),
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
