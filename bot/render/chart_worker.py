"""What runs inside a chart worker process: imports matplotlib up front and draws.

Imported only in the workers (see chart_pool), so the bot's own process never loads matplotlib.
"""

from bot.engine.answer import Answer, Point, SourceRef
from bot.render.chart import render_chart
from bot.render.chart_canvas import renderer

WARM_UP_SOURCE = SourceRef("warm-up", "Publisher", "A publication", "", "2025-01-01", "official")


def draw(answer: Answer) -> bytes:
    return render_chart(answer)


def warm_up() -> None:
    """Draw a bar chart and a line chart, so that matplotlib is loaded, its fonts opened and the
    digits, month names and common words already measured before the first real chart."""
    renderer()
    for kind, labels in (
        ("bar", [f"FY{year}" for year in range(2015, 2025)]),
        ("line", [f"{month} 2024" for month in ("Jan", "Feb", "Mar", "Apr", "May", "Jun")]),
    ):
        series = [
            Point(label, label, 1000.0 * (i + 1), partial=i == len(labels) - 1, highlight=i == 2)
            for i, label in enumerate(labels)
        ]
        answer = Answer(
            "warm-up 0123456789",
            True,
            command="warm-up",
            title="Warm-up chart",
            unit="people",
            chart_kind=kind,
            series=series,
            sources=[WARM_UP_SOURCE],
            data_version="warm-up",
        )
        render_chart(answer)
