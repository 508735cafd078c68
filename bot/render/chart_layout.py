"""Where the plot sits on the card, computed once from what is written around it.

matplotlib's constrained layout would draw every text to find its box (a quarter of the chart's
time); the card's layout is simple enough to compute from a few measured texts: the title above,
the legend band under it, the y labels and the unit on the left, the x labels and the source line
below. The gaps are the ones the constrained layout kept (0.1 in at the sides, 0.06 in between).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.render.chart_axes import LABEL_PAD_PT, X_LABEL_GID, X_TICK_PT, Y_LABEL_GID
from bot.render.chart_style import FOOTER_BAND, TICK_SIZE
from bot.render.chart_text import font_of, width_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from matplotlib.text import Text

SIDE_GAP_IN, GAP_IN = 0.1, 0.06
Y_TITLE_PAD_PT = 4.0  # between the y labels and the unit written along the axis


def place(
    fig: Figure,
    ax: Axes,
    title: Text,
    legend: Legend | None,
    y_labels_width: float,
    x_labels: list[Text],
) -> None:
    """Set the plot's position so that everything around it fits on the card."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    side, gap, pt = SIDE_GAP_IN * fig.dpi, GAP_IN * fig.dpi, fig.dpi / 72

    top = title.get_window_extent(renderer).y0 - gap
    if legend is not None:
        top -= legend.get_window_extent(renderer).height + gap

    bottom = FOOTER_BAND * height + gap + (LABEL_PAD_PT + X_TICK_PT) * pt
    if x_labels:
        # Every label has the same height; the widest one, turned, reaches lowest.
        bold = font_of(TICK_SIZE, bold=True)
        widest = max(x_labels, key=lambda label: width_of(label.get_text(), bold))
        bottom += widest.get_window_extent(renderer).height

    unit_height = ax.yaxis.label.get_window_extent(renderer).width  # written upright
    left = side + unit_height + (Y_TITLE_PAD_PT + LABEL_PAD_PT) * pt + y_labels_width
    right = width - side
    ax.set_position(
        (left / width, bottom / height, (right - left) / width, (top - bottom) / height)
    )
    _keep_figures_inside(ax, renderer, left, right)
    # The unit, just left of the widest y label (axes fraction: the plot's own coordinates).
    ax.yaxis.set_label_coords(
        -(y_labels_width + (LABEL_PAD_PT + Y_TITLE_PAD_PT) * pt) / (right - left), 0.5
    )


def _keep_figures_inside(ax: Axes, renderer: RendererBase, left: float, right: float) -> None:
    """A figure written over the first or last bar of a long series is wider than its bar: centred,
    it would reach into the y labels or off the card. It starts (or ends) at its bar's centre
    instead, and so stays over the plot."""
    for text in ax.texts:
        if text.get_gid() in (X_LABEL_GID, Y_LABEL_GID):
            continue
        box = text.get_window_extent(renderer)
        if box.x0 < left:
            text.set_horizontalalignment("left")
        elif box.x1 > right:
            text.set_horizontalalignment("right")
