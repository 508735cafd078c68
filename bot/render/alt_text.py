"""One plain sentence describing a chart, for screen readers and Discord's image description."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from bot.engine.answer import Answer
from bot.engine.formatting import PERCENT_UNITS, format_value

if TYPE_CHECKING:
    pass
from bot.render.chart_marks import gap_indexes, period_slots
from bot.render.chart_style import (
    ALT_TEXT_LIMIT,
)


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
    gaps = gap_indexes(period_slots(points))
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
