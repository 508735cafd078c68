"""The marks of a chart: bars or a line laid out on period slots, gaps, highlights and value labels."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

from bot.engine.answer import Point
from bot.engine.formatting import format_value
from bot.engine.periods import parse_period

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from bot.render.chart_style import (
    ACCENT,
    BACKGROUND,
    BASE,
    FOOTER_SIZE,
    LABEL_SIZE,
    MAX_SLOTS,
    MAX_VALUE_LABELS,
    MUTED,
    TEXT,
    TEXT_MUTED,
    Placement,
)

BAR_WIDTH = 0.72  # of a period's slot


def bar_colour(point: Point, any_highlight: bool) -> str:
    if point.highlight:
        return ACCENT
    return MUTED if any_highlight else BASE


def partial_word(points: list[Point]) -> str:
    """'partial month' for monthly series, 'partial year' otherwise."""
    parsed = parse_period(points[0].period)
    return "partial month" if parsed and parsed.kind == "month" else "partial year"


def period_slots(points: list[Point]) -> list[int]:
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


def gap_indexes(slots: list[int]) -> list[int]:
    """Indexes i where periods are missing between point i and point i + 1."""
    return [i for i, (a, b) in enumerate(itertools.pairwise(slots)) if b - a > 1]


def draw_bars(ax: Axes, points: list[Point], slots: list[int], unit: str) -> list:
    """Bars; partial periods lighter and hatched. Returns legend handles (only when needed)."""
    from matplotlib.patches import Patch

    any_highlight = any(p.highlight for p in points)
    whole = [(x, p) for x, p in zip(slots, points, strict=True) if not p.partial]
    partial = [(x, p) for x, p in zip(slots, points, strict=True) if p.partial]
    if whole:
        _solid_bars(ax, whole, any_highlight)
    if partial:  # one or two: as matplotlib's own bars, whose hatching takes the bar's colour
        xs, values, colours = _bar_columns(partial, any_highlight)
        ax.bar(xs, values, width=BAR_WIDTH, color=colours, alpha=0.45, zorder=2)
        ax.bar(xs, values, width=BAR_WIDTH, fill=False, hatch="///", edgecolor=colours, zorder=3)
    if _few_highlights(points):
        for x, point in zip(slots, points, strict=True):
            if point.highlight:
                _value_label(ax, x, point, unit, ((0, 4), "center", "bottom"))
    if not any(p.partial for p in points):
        return []
    sample = BASE if not any_highlight else MUTED
    return [
        Patch(
            facecolor="none",
            edgecolor=sample,
            hatch="///",
            label=f"Hatched: {partial_word(points)}",
        )
    ]


def _solid_bars(ax: Axes, bars: list[tuple[int, Point]], any_highlight: bool) -> None:
    """All the whole periods' bars as one artist: a Rectangle per bar costs a millisecond each
    to add and to draw (a 30-year series spent a third of its chart there). The axis limits are
    set from the values, so the bars need not widen them."""
    from matplotlib.collections import PolyCollection

    half = BAR_WIDTH / 2
    outlines = [
        ((x - half, 0), (x - half, p.value), (x + half, p.value), (x + half, 0)) for x, p in bars
    ]
    colours = [bar_colour(p, any_highlight) for _, p in bars]
    ax.add_collection(
        PolyCollection(outlines, facecolors=colours, edgecolors="none", linewidths=0, zorder=2),
        autolim=False,
    )


def _bar_columns(
    bars: list[tuple[int, Point]], any_highlight: bool
) -> tuple[list[int], list[float], list[str]]:
    return (
        [x for x, _ in bars],
        [p.value for _, p in bars],
        [bar_colour(p, any_highlight) for _, p in bars],
    )


def draw_line(ax: Axes, points: list[Point], slots: list[int], unit: str) -> list:
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
    # Each kind of mark is one artist for all its points (an artist each cost ~1 ms a point).
    dashed_x: list[float] = []
    dashed_y: list[float] = []
    hollow: list[tuple[int, float]] = []
    marked: list[tuple[int, float]] = []
    for i, (x, point) in enumerate(zip(slots, points, strict=True)):
        if point.partial:
            for j in (i - 1, i + 1):
                if 0 <= j < len(points) and abs(slots[j] - x) == 1:
                    dashed_x += [x, slots[j], math.nan]
                    dashed_y += [point.value, points[j].value, math.nan]
            hollow.append((x, point.value))
        if point.highlight:
            marked.append((x, point.value))
            if _few_highlights(points):
                _value_label(ax, x, point, unit, _line_label_spot(points, i))
    if dashed_x:
        ax.plot(dashed_x, dashed_y, color=BASE, linewidth=2, linestyle=(0, (3, 2)), zorder=2)
    if hollow:
        ax.plot(
            *zip(*hollow, strict=True),
            linestyle="none",
            marker="o",
            markersize=6,
            markerfacecolor=BACKGROUND,
            markeredgecolor=BASE,
            markeredgewidth=1.8,
            zorder=3,
        )
    if marked:
        ax.plot(
            *zip(*marked, strict=True),
            linestyle="none",
            marker="o",
            markersize=10,
            color=ACCENT,
            markeredgecolor=BACKGROUND,
            markeredgewidth=1.5,
            zorder=4,
        )
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
            label=f"Dashed, hollow: {partial_word(points)}",
        )
    ]


def _few_highlights(points: list[Point]) -> bool:
    """Values are written on the chart for up to 3 highlighted periods; more would overlap."""
    return sum(p.highlight for p in points) <= MAX_VALUE_LABELS


def mark_gaps(ax: Axes, slots: list[int]) -> None:
    """'no data' written upright in each run of missing periods, so a gap is not read as zero."""
    for i in gap_indexes(slots):
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
