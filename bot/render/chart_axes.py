"""The axes' furniture as plain artists: y grid lines and labels, x tick marks and labels.

matplotlib's own ticks cost a Tick object per label (five artists: two tick lines, two labels and
a grid line), about a millisecond each to make and as much to draw; a 25-year axis spent a third
of the chart's time on them. Here each label is one Text, and all the grid lines or tick marks are
one artist. The labels sit where matplotlib's would (the same transforms and pads). Tests find
them by their gid.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from bot.engine.answer import Answer, Point
from bot.engine.formatting import PERCENT_UNITS
from bot.render.chart_style import (
    ACCENT,
    GRID,
    LABEL_SIZE,
    MAX_X_LABELS,
    MIN_SLOTS,
    PLOT_PX,
    TEXT,
    TEXT_MUTED,
    TICK_SIZE,
)
from bot.render.chart_text import font_of, width_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.text import Text

X_LABEL_GID, Y_LABEL_GID = "x-label", "y-label"
LABEL_PAD_PT = 3.5  # between a tick and its label, as matplotlib's default
X_TICK_PT = 3.0  # x tick marks; the y axis has none (its grid lines say where the values are)


def y_axis(ax: Axes, answer: Answer, slots: list[int]) -> float:
    """Zero-based y axis (no exaggerated changes), light grid lines, readable labels on the left.
    Returns the widest label's width in pixels."""
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
    bottom, top = ax.get_ylim()
    ticks = [t for t in ax.yaxis.get_major_locator()() if bottom <= t <= top]
    ax.set_xticks([])
    ax.set_yticks([])
    ax.hlines(ticks, 0, 1, transform=ax.get_yaxis_transform(), colors=GRID, lw=0.8, zorder=0)
    transform, va, ha = ax.get_yaxis_text1_transform(LABEL_PAD_PT)
    labels = y_tick_labels(ticks, answer.unit)
    for tick, label in zip(ticks, labels, strict=True):
        ax.text(
            0, tick, label, transform=transform, ha=ha, va=va, fontsize=TICK_SIZE, color=TEXT
        ).set_gid(Y_LABEL_GID)
    ax.set_ylabel(answer.unit[:1].upper() + answer.unit[1:], fontsize=LABEL_SIZE, color=TEXT)
    font = font_of(TICK_SIZE)
    return max((width_of(label, font) for label in labels), default=0.0)


def y_tick_labels(ticks: list[float], unit: str) -> list[str]:
    """46% for rates; 1,234,567 up to a million; 1.5M beyond; each label the tick's value,
    with as many decimals as the step between ticks needs (0.25M, not 0.2M)."""
    if not ticks:
        return []
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    if unit in PERCENT_UNITS:
        decimals = _decimals(step)
        return [f"{t:.{decimals}f}%" for t in ticks]
    biggest = max(abs(t) for t in ticks)
    for scale, suffix in ((1e9, "B"), (1e6, "M")):
        if biggest >= scale:
            decimals = _decimals(step / scale)
            return ["0" if t == 0 else f"{t / scale:,.{decimals}f}{suffix}" for t in ticks]
    decimals = _decimals(step)
    return [f"{t:,.{decimals}f}" for t in ticks]


def _decimals(step: float, most: int = 6) -> int:
    """The fewest decimals that write `step` exactly (matplotlib's steps are 1, 2, 2.5 or 5
    times a power of ten: 0.25 needs two)."""
    return next(
        (d for d in range(most) if abs(round(step, d) - step) <= 1e-9 * max(abs(step), 1e-12)),
        most,
    )


def x_axis(ax: Axes, points: list[Point], slots: list[int]) -> list[Text]:
    """At most MAX_X_LABELS labels, evenly spaced, always including the highlighted one; turned
    45° when they would touch."""
    from matplotlib.markers import TICKDOWN

    longest = sorted({p.label for p in points}, key=len)[-3:]  # measuring every label is slow
    # The highlighted label is bold, hence wider; 12 px keeps neighbours visibly apart.
    bold = font_of(TICK_SIZE, bold=True)
    widest = max(width_of(label, bold) for label in longest) + 12
    # Month labels (May 2024) are thinned harder: a 60-month axis reads better with fewer.
    limit = MAX_X_LABELS if max(len(label) for label in longest) <= 6 else 15
    span = slots[-1] + 1
    step = max(1, math.ceil(span / limit))
    highlighted = [x for x, p in zip(slots, points, strict=True) if p.highlight]
    anchor = highlighted[0] if highlighted else slots[-1]
    shown = [i for i, x in enumerate(slots) if (x - anchor) % step == 0]
    rotated = widest > PLOT_PX / max(span, MIN_SLOTS) * step
    xs = [slots[i] for i in shown]
    ax.plot(
        xs,
        [0] * len(xs),
        linestyle="none",
        marker=TICKDOWN,
        markersize=X_TICK_PT,
        markeredgewidth=0.8,
        color=TEXT_MUTED,
        transform=ax.get_xaxis_transform(),
        clip_on=False,
        zorder=1,
    )
    transform, va, ha = ax.get_xaxis_text1_transform(LABEL_PAD_PT + X_TICK_PT)
    labels = []
    for i in shown:
        point = points[i]
        label = ax.text(
            slots[i],
            0,
            point.label,
            transform=transform,
            va=va,
            ha="right" if rotated else ha,
            rotation=45 if rotated else 0,
            rotation_mode="anchor" if rotated else "default",
            fontsize=TICK_SIZE,
            fontweight="bold" if point.highlight else "normal",
            color=ACCENT if point.highlight else TEXT,
        )
        label.set_gid(X_LABEL_GID)
        labels.append(label)
    return labels
