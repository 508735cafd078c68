"""A renderer that keeps the chart texts it draws: a text drawn again costs one blend, not a layout.

matplotlib 3.11's Agg renderer lays out every string (`_layout`) and renders it glyph by glyph
(size, transform, rasterise, blend): ~0.8 ms per text, ~22 ms of a chart's ~50, while the same
strings ("0", "FY2023", "100,000", the footer) come back chart after chart. Here a text's glyph
coverage is kept, per string, font and position of its glyphs inside the pixel grid, and later
blended in one call per run of glyphs with the same `draw_text_image` matplotlib itself uses: the
pixels are the ones matplotlib draws, not an approximation.

Why this is exact: a glyph's bitmap depends only on its font, size, transform and the fraction of
a pixel its origin falls on (FreeType's 1/64 units); moved by whole pixels it is the same bitmap,
moved. Blending a coverage of 0 leaves a pixel as it was, so glyphs whose inked pixels do not
overlap can share one mask; where two overlap, the later starts a new run, blended after.

Robust to other matplotlib versions: the first use draws a few test texts both ways and compares
the pixels (before 3.11 matplotlib renders whole strings, and internals may change); any
difference or error turns the cache off and matplotlib draws every text itself. Mathtext,
unantialiased text and font features or languages always go to matplotlib.

Each chart thread has its own renderer (chart_canvas), so the caches need no lock; each is bounded
in bytes and drops its least recently used entries first.
"""

from __future__ import annotations

import functools
import logging
import math
from array import array
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager
from matplotlib.ft2font import RenderMode

TEXT_BYTES = 8 << 20  # a chart's texts take ~25 KB of masks: ~300 charts' worth
GLYPH_BYTES = 4 << 20  # a glyph's coverage is ~100-300 bytes
LAYOUT_BYTES = 2 << 20
GLYPH_ENTRY_BYTES = 150  # a laid-out glyph: a tuple of a font, an int and two floats (estimated)
ENTRY_BYTES = 200  # what an entry costs besides its arrays (key, tuples, dict slot), estimated

log = logging.getLogger(__name__)


class BoundedCache:
    """An LRU map bounded by the bytes of its values (as the caller counts them)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._kept: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: Hashable) -> Any:
        found = self._kept.get(key)
        if found is None:
            return None
        self._kept.move_to_end(key)
        return found[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if (old := self._kept.pop(key, None)) is not None:
            self.bytes -= old[1]
        self._kept[key] = (value, size)
        self.bytes += size
        while self.bytes > self.max_bytes and len(self._kept) > 1:
            self.bytes -= self._kept.popitem(last=False)[1][1]


# One run of glyphs: their coverage as one mask, its left column and bottom row (exclusive)
# relative to the first glyph's whole-pixel origin (columns rightwards, rows downwards).
Run = tuple[np.ndarray, int, int]


class TextCachingRenderer(RendererAgg):
    """RendererAgg whose draw_text serves repeated texts from kept coverage masks."""

    def __init__(self, width: int, height: int, dpi: float, *, caching: bool | None = None):
        super().__init__(width, height, dpi)
        # None: decided on first use, by comparing with matplotlib's own drawing (verified()).
        self.caching = caching
        self.texts = BoundedCache(TEXT_BYTES)
        self.glyphs = BoundedCache(GLYPH_BYTES)
        self.layouts = BoundedCache(LAYOUT_BYTES)
        self._angles: dict[float, tuple[float, float, np.ndarray, tuple[int, ...]]] = {}

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if self.caching is None:
            self.caching = verified()
        if not self.caching or ismath or not gc.get_antialiased() or _styled(mtext):
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        try:
            runs, left, bottom = self._runs(x, y, s, prop, angle)
        except Exception:  # internals of another matplotlib version: let it draw, from now on
            log.warning("chart text cache off: matplotlib's text internals differ", exc_info=True)
            self.caching = False
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        for mask, column, row in runs:
            self._renderer.draw_text_image(mask, left + column, bottom + row, 0, gc)

    def _runs(self, x: float, y: float, s: str, prop, angle: float) -> tuple[list[Run], int, int]:
        """The text's runs and where its origin pixel goes (column, and row counted downwards)."""
        flags = get_hinting_flag()
        layout_key = (s, tuple(fontManager._find_fonts_by_props(prop)), prop.get_size_in_points())
        layout_key += (flags,)
        glyphs = self._layout(layout_key, prop, flags)
        cos, sin, matrix, matrix_key = self._rotation(angle)
        # Each glyph's origin in FreeType's 1/64 pixel units, rounded as matplotlib rounds it, then
        # taken from the first glyph's whole pixel: the key holds them packed (8 bytes a glyph).
        height, offsets, base_x, base_y = self.height, [], 0, 0
        for number, (_font, _index, dx, dy) in enumerate(glyphs):
            ox = round(0x40 * (x + dx * cos - dy * sin))
            oy = round(0x40 * (height - y + dx * sin + dy * cos))
            if number == 0:
                base_x, base_y = ox >> 6, oy >> 6
            offsets += (ox - (base_x << 6), oy - (base_y << 6))
        key = (layout_key, matrix_key, array("q", offsets).tobytes())
        if (runs := self.texts.get(key)) is None:
            size = layout_key[2]
            bitmaps = [
                self._glyph(font, size, index, matrix, matrix_key, flags, ox, oy)
                for (font, index, _dx, _dy), ox, oy in zip(
                    glyphs, offsets[::2], offsets[1::2], strict=True
                )
            ]
            runs = _merged(bitmaps)
            kept = sum(mask.nbytes for mask, _c, _r in runs) + len(key[2]) + 2 * len(s)
            self.texts.put(key, runs, kept + ENTRY_BYTES)
        return runs, base_x, int(height) - base_y

    def _layout(self, key: tuple, prop, flags) -> list[tuple[Any, int, float, float]]:
        """matplotlib's layout of the string: (font, glyph index, x, y) per glyph."""
        if (found := self.layouts.get(key)) is None:
            font = self._prepare_font(prop)
            found = [
                (i.ft_object, i.glyph_index, i.x, i.y) for i in font._layout(key[0], flags=flags)
            ]
            self.layouts.put(key, found, ENTRY_BYTES + GLYPH_ENTRY_BYTES * len(found))
        return found

    def _rotation(self, angle: float) -> tuple[float, float, np.ndarray, tuple[int, ...]]:
        """cos, sin and FreeType's 16.16 transform for a text angle, computed as matplotlib does."""
        if (found := self._angles.get(angle)) is None:
            cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[1, 0], [0, 1]]).round()
            matrix = matrix.astype(int)
            found = self._angles[angle] = (cos, sin, matrix, tuple(matrix.ravel().tolist()))
        return found

    def _glyph(self, font, size, index, matrix, matrix_key, flags, ox, oy) -> tuple:
        """A glyph's coverage at an origin (1/64 units, within a few pixels of the text's
        origin pixel), with its left column and top row relative to that pixel."""
        key = (font, size, index, matrix_key, flags, ox & 63, oy & 63)
        if (found := self.glyphs.get(key)) is None:
            font.set_size(size, self.dpi)
            font._set_transform(matrix, [ox & 63, oy & 63])
            bitmap = font._render_glyph(index, flags, RenderMode.NORMAL)
            found = (np.array(bitmap.buffer, dtype=np.uint8), bitmap.left, -bitmap.top)
            self.glyphs.put(key, found, found[0].nbytes + ENTRY_BYTES)
        coverage, left, top = found
        return coverage, left + (ox >> 6), top - (oy >> 6)


def _merged(bitmaps: list[tuple]) -> list[Run]:
    """Glyph coverages, in drawing order, merged into as few masks as keep every pixel's blends in
    the same order: a glyph joins the last mask unless its inked pixels overlap that mask's."""
    inked = [(c, left, top) for c, left, top in bitmaps if c.size]
    if not inked:
        return []
    x0 = min(left for _c, left, _t in inked)
    y0 = min(top for _c, _l, top in inked)
    x1 = max(left + c.shape[1] for c, left, _t in inked)
    y1 = max(top + c.shape[0] for c, _l, top in inked)
    masks: list[np.ndarray] = []
    for coverage, left, top in inked:
        rows = slice(top - y0, top - y0 + coverage.shape[0])
        columns = slice(left - x0, left - x0 + coverage.shape[1])
        if not masks or np.logical_and(masks[-1][rows, columns], coverage).any():
            masks.append(np.zeros((y1 - y0, x1 - x0), dtype=np.uint8))
        masks[-1][rows, columns] += coverage
    return [(mask, x0, y1) for mask in masks]


def _styled(mtext) -> bool:
    """Font features or a language change the layout: those texts are left to matplotlib."""
    if mtext is None:
        return False
    features = getattr(mtext, "get_fontfeatures", lambda: None)()
    language = getattr(mtext, "get_language", lambda: None)()
    return bool(features or language)


@functools.cache
def verified() -> bool:
    """Whether this matplotlib draws texts exactly as the cache does: a few texts (straight and
    turned, at whole and fractional positions, two served from the cache) drawn both ways."""
    from matplotlib.font_manager import FontProperties

    try:
        mine = TextCachingRenderer(120, 120, 100, caching=True)
        theirs = RendererAgg(120, 120, 100)
        for renderer in (mine, theirs):
            gc = renderer.new_gc()
            gc.set_foreground("#3a5f8c")
            for x, y, angle, bold in (
                (4.3, 20.61, 0, False),
                (10.3, 40.61, 0, False),
                (30.77, 110.2, 45, True),
                (52.77, 115.2, 45, True),
                (100.0, 100.0, 90, False),
            ):
                prop = FontProperties(size=9, weight="bold" if bold else "normal")
                renderer.draw_text(gc, x, y, "Ag,1 0…Wy", prop, angle)
            gc.restore()
        return (
            mine.caching is True
            and len(mine.texts) == 3
            and np.array_equal(np.asarray(mine.buffer_rgba()), np.asarray(theirs.buffer_rgba()))
        )
    except Exception:
        log.warning("chart text cache off: it could not be checked", exc_info=True)
        return False
