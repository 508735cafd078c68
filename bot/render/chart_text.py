"""The words on a chart: the wrapped title and the source footer, measured as they will be drawn.

Measuring a string is a text layout (~1 ms for a long one): every width is kept, per string and
font, for the life of the process (titles, sources and labels repeat from chart to chart), and a
search for the longest text that fits runs on the sum of each character's advance, checked by
one exact measurement at the end.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.engine.answer import Answer
from bot.render.chart_canvas import renderer
from bot.render.chart_style import DPI, FOOTER_SIZE, TEXT_MUTED, TITLE_LINES, WIDTH_IN

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties


@functools.lru_cache(maxsize=16)
def font_of(size: float, bold: bool = False) -> FontProperties:
    """One FontProperties per size and weight (shared: never changed after it is made)."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(size=size, weight="bold" if bold else "normal")


@functools.lru_cache(maxsize=4096)
def width_of(text: str, font: FontProperties) -> float:
    """Rendered width in pixels, measured rather than guessed from character counts."""
    return renderer().get_text_width_height_descent(text, font, ismath=False)[0]


@functools.lru_cache(maxsize=2048)
def _advance(char: str, font: FontProperties) -> float:
    from matplotlib.font_manager import findfont, get_font

    face = get_font(findfont(font))
    face.set_size(font.get_size_in_points(), DPI)
    return face.load_char(ord(char)).linearHoriAdvance / 65536


def estimated_width(text: str, font: FontProperties) -> float:
    """The sum of the characters' advances, a little wider than that as drawing rounds up: for
    searches, which then check their answer with width_of."""
    return sum(_advance(char, font) for char in text) * 1.025 + 2


def wrap(title: str, font: FontProperties) -> str:
    """At most TITLE_LINES lines across the card; a longer title ends in an ellipsis, never cut off."""
    room = WIDTH_IN * DPI * 0.97
    # Start from the average character width, then narrow until every line measures inside.
    chars = max(10, int(len(title) * room / max(estimated_width(title, font), 1.0)))
    while True:
        lines = textwrap.wrap(title, chars)
        if len(lines) > TITLE_LINES:
            lines = lines[: TITLE_LINES - 1] + [clip(" ".join(lines[TITLE_LINES - 1 :]), chars)]
        if chars <= 10 or all(width_of(line, font) <= room for line in lines):
            return "\n".join(lines)
        chars -= 2


def footer(fig: Figure, answer: Answer) -> None:
    """Source line at bottom left, data version at bottom right; a long source is shortened to fit."""
    y = 0.018
    version = _version_text(answer)
    fig.text(0.99, y, version, ha="right", va="bottom", fontsize=FOOTER_SIZE - 1, color=TEXT_MUTED)
    if not answer.sources:
        return
    font = font_of(FOOTER_SIZE)
    room = fig.bbox.width * 0.97 - width_of(version, font_of(FOOTER_SIZE - 1)) - 20

    def fits(text: str) -> bool:
        return estimated_width(text, font) <= room

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
    while width_of(text, font) > room and name_chars > 16:  # the estimate was a little short
        name_chars -= 2
        text = line(name_chars, date_chars)
    while width_of(text, font) > room:  # even the shortest name and date do not fit: cut the end
        text = clip(text, len(text) - 4)
    fig.text(0.01, y, text, ha="left", va="bottom", fontsize=FOOTER_SIZE, color=TEXT_MUTED)


def _longest(fits: Callable[[int], bool], low: int, high: int) -> int:
    """The largest n in [low, high] with fits(n), by binary search; low when none fits."""
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
