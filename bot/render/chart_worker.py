"""What runs inside a chart worker process: imports matplotlib up front and draws.

Imported only in the workers (see chart_pool), so the bot's own process never loads matplotlib.
"""

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.engine.answer import Answer
from bot.render.chart import render_chart


def draw(answer: Answer) -> bytes:
    return render_chart(answer)


def warm_up() -> None:
    """Fill the font and text-layout caches once, so the first real chart is not the slow one."""
    figure = Figure(figsize=(2, 1), dpi=50)
    FigureCanvasAgg(figure)
    figure.suptitle("warm-up 0123456789")
    figure.add_subplot().bar([0, 1], [1, 2])
    figure.canvas.draw()
