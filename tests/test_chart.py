"""bot/chart.py draws an Answer as a small, legible PNG, describes it in words, and caches it."""

import io
import itertools
import math
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.engine.answer import Answer, Point, SourceRef
from bot.render import chart, chart_axes
from bot.render.alt_text import alt_text
from bot.render.chart import cached_chart, render_chart
from bot.render.chart_axes import X_LABEL_GID, Y_LABEL_GID

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ACCENT_RGB = (0xC2, 0x41, 0x0C)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

TRAC = SourceRef(
    "trac_r742",
    "TRAC Immigration (Syracuse University)",
    "Asylum outcomes in immigration court, FY2001–FY2024",
    "https://trac.syr.edu/reports/742/",
    "2024-06",
    "research",
)
EOIR = SourceRef(
    "eoir",
    "U.S. Department of Justice, Executive Office for Immigration Review",
    "Adjudication Statistics: Pending Cases, New Cases, and Total Completions",
    "https://www.justice.gov/eoir",
    "2025-07-31",
    "official",
)
TERMINATED = [18000, 17500, 16000, 21000, 25000, 31000, 28000, 46000, 104750, 149305, 160212]


def bar_answer(highlight: str = "FY2023", version: str = "2025.08.1") -> Answer:
    """Asylum terminations FY2014–FY2024, one year highlighted, FY2024 partial."""
    series = [
        Point(f"FY{y}", f"FY{y}", v, partial=y == 2024, highlight=f"FY{y}" == highlight)
        for y, v in zip(range(2014, 2025), TERMINATED, strict=True)
    ]
    return Answer(
        "terminations in 2023",
        True,
        command="asylum-terminated",
        params={"year": highlight},
        unit="cases",
        chart_kind="bar",
        chart_title="Asylum cases terminated or closed without a decision on the merits",
        series=series,
        sources=[TRAC, EOIR],
        data_version=version,
    )


def monthly_answer(months: int = 60) -> Answer:
    """CBP encounters by month from Jan 2020, the 48th month highlighted, the last partial."""
    series = [
        Point(
            f"{2020 + i // 12}-{i % 12 + 1:02d}",
            f"{MONTHS[i % 12]} {2020 + i // 12}",
            float(60_000 + (i * 37_919) % 250_000),
            partial=i == months - 1,
            highlight=i == 47,
        )
        for i in range(months)
    ]
    return Answer(
        "encounters by month",
        True,
        command="cbp-encounters",
        unit="encounters",
        chart_kind="line",
        chart_title="CBP southwest border encounters by month",
        series=series,
        sources=[EOIR],
        data_version="2025.08.1",
    )


def rate_answer(years: int = 25) -> Answer:
    """An asylum grant rate in percent, FY2001 onwards, FY2019 highlighted."""
    series = [
        Point(f"FY{y}", f"FY{y}", 30 + (y * 7) % 25 + 0.5, highlight=y == 2019)
        for y in range(2001, 2001 + years)
    ]
    return Answer(
        "asylum grant rate",
        True,
        command="asylum-grant-rate",
        unit="percent",
        chart_title="Asylum grant rate in immigration court",
        series=series,
        sources=[TRAC],
        data_version="2025.08.1",
    )


def decode(png: bytes) -> Image.Image:
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    image.load()  # raises on a truncated or corrupt file
    return image.convert("RGB")


def accent_columns(image: Image.Image) -> list[int]:
    """x of every pixel drawn in the highlight colour (anti-aliased edges excluded)."""
    width, height = image.size
    pixels = image.load()
    return [
        x
        for x in range(width)
        for y in range(height)
        if all(abs(a - b) <= 6 for a, b in zip(pixels[x, y], ACCENT_RGB, strict=True))
    ]


def drawn(answer: Answer):
    """The figure after layout, so text positions are final."""
    fig = chart._build_figure(answer)
    fig.canvas.draw()
    return fig


def axis_labels(fig, gid: str) -> list:
    """The x or y labels of the chart's axis (drawn as texts of the axes, see chart_axes)."""
    return [t for t in fig.axes[0].texts if t.get_gid() == gid]


def y_labels(fig) -> list[str]:
    return [t.get_text() for t in axis_labels(fig, Y_LABEL_GID)]


@pytest.fixture(autouse=True)
def empty_cache():
    chart._cache.clear()
    yield
    chart._cache.clear()


@pytest.mark.parametrize("make", [bar_answer, monthly_answer, rate_answer])
def test_renders_a_discord_sized_png(make):
    image = decode(render_chart(make()))
    width, height = image.size
    assert 700 <= width <= 900
    assert 380 <= height <= 520
    # An opaque card: the corners are our white, not transparent or the theme's colour.
    assert image.getpixel((0, 0)) == (255, 255, 255)


@pytest.mark.parametrize("answer", [monthly_answer(60), rate_answer(25)], ids=["60mo", "25y"])
def test_long_series_stay_small(answer):
    assert len(render_chart(answer)) < 150_000


def test_highlighted_bar_is_drawn_in_the_accent_colour_where_it_stands():
    early = accent_columns(decode(render_chart(bar_answer("FY2016"))))
    late = accent_columns(decode(render_chart(bar_answer("FY2023"))))
    none = accent_columns(decode(render_chart(bar_answer("none"))))
    assert len(early) > 500 and len(late) > 500  # a whole bar, not a stray pixel
    assert none == []
    # FY2016 is the 3rd of 11 bars, FY2023 the 10th: the accent moves with the highlight.
    assert statistics.median(early) < 400 < statistics.median(late)


def test_partial_period_changes_the_drawing_and_is_explained():
    answer = bar_answer()
    whole = replace(answer, series=[replace(p, partial=False) for p in answer.series])
    assert render_chart(answer) != render_chart(whole)
    legend = drawn(answer).axes[0].get_legend()
    assert "partial year" in legend.get_texts()[0].get_text()
    assert drawn(whole).axes[0].get_legend() is None
    monthly = drawn(monthly_answer()).axes[0].get_legend()
    assert "partial month" in monthly.get_texts()[0].get_text()


def test_y_ticks_are_readable_for_counts_millions_and_percentages():
    counts = y_labels(drawn(bar_answer()))
    assert "150,000" in counts
    millions = bar_answer()
    millions.series = [replace(p, value=p.value * 20) for p in millions.series]
    labels = y_labels(drawn(millions))
    assert labels[0] == "0" and all(label.endswith("M") for label in labels[1:])
    assert len(set(labels)) == len(labels)  # enough decimals to tell ticks apart
    rates = y_labels(drawn(rate_answer()))
    assert rates and all(label.endswith("%") for label in rates)
    assert drawn(rate_answer()).axes[0].get_ylabel() == "Percent"


@pytest.mark.parametrize(
    ("ticks", "unit", "labels"),
    [
        (
            [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000, 1_500_000, 1_750_000],
            "cases",
            ["0", "0.25M", "0.50M", "0.75M", "1.00M", "1.25M", "1.50M", "1.75M"],
        ),
        ([0, 500_000, 1_000_000, 1_500_000], "cases", ["0", "0.5M", "1.0M", "1.5M"]),
        ([0, 2.5, 5.0, 7.5], "cases", ["0.0", "2.5", "5.0", "7.5"]),
        ([0, 12.5, 25.0, 37.5], "percent", ["0.0%", "12.5%", "25.0%", "37.5%"]),
        ([0, 50_000, 100_000], "cases", ["0", "50,000", "100,000"]),
    ],
)
def test_each_y_label_says_its_ticks_value(ticks, unit, labels):
    """A 1.75M gridline labelled 1.8M put a bar of 1,783,915 above the line that named it."""
    assert chart_axes.y_tick_labels(ticks, unit) == labels


def test_x_labels_are_thinned_but_keep_the_highlighted_period():
    fig = drawn(monthly_answer(60))
    labels = axis_labels(fig, X_LABEL_GID)
    assert 5 <= len(labels) <= 25
    highlighted = [t for t in labels if t.get_text() == "Dec 2023"]
    assert highlighted and highlighted[0].get_fontweight() == "bold"
    assert all(t.get_rotation() == 45 for t in labels)  # 'May 2024' would collide flat
    # Parallel 45° labels dx pixels apart are dx·sin 45° apart: more than a line of text.
    ax = fig.axes[0]
    xs = [ax.transData.transform((t.get_position()[0], 0))[0] for t in labels]
    line_px = labels[0].get_fontsize() * fig.dpi / 72
    assert min(b - a for a, b in itertools.pairwise(xs)) * 0.7071 > 1.2 * line_px
    years = [t.get_text() for t in axis_labels(drawn(rate_answer(25)), X_LABEL_GID)]
    assert years == [f"FY{y}" for y in range(2001, 2026)]  # 25 bars: every one labelled


def test_long_title_is_wrapped_to_two_lines_inside_the_card():
    answer = bar_answer()
    answer.chart_title = " ".join(["Foreign-born residents who entered since 2010"] * 6)
    fig = drawn(answer)
    title = fig._suptitle
    assert title.get_text().count("\n") == 1
    assert title.get_text().endswith("…")
    box = title.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width


def test_source_line_names_the_first_source_and_fits_beside_the_version():
    answer = bar_answer()
    answer.sources = [replace(EOIR, title="Adjudication statistics " * 10), TRAC, TRAC]
    fig = drawn(answer)
    texts = {t.get_text().split(":")[0]: t for t in fig.texts}
    source, version = texts["Source"], texts["immistats · data v2025.08.1"]
    line = source.get_text()
    assert line.startswith("Source: U.S. Department of Justice")
    assert "(data: 2025-07-31) and 2 more" in line and "…" in line
    left, right = source.get_window_extent(), version.get_window_extent()
    assert left.x0 >= 0 and left.x1 < right.x0 and right.x1 <= fig.bbox.width


def test_short_source_is_shown_whole():
    answer = bar_answer()
    answer.sources = [replace(TRAC, title="Report 742")]
    texts = [t.get_text() for t in drawn(answer).texts]
    assert f"Source: {TRAC.publisher} — Report 742 (data: 2024-06)" in texts


def test_alt_text_names_kind_subject_highlight_and_partial():
    text = alt_text(bar_answer())
    assert text.startswith("Bar chart of asylum cases terminated")
    assert "FY2014–FY2024" in text
    assert "FY2023 highlighted at 149,305 cases" in text
    assert "FY2024 partial" in text
    assert alt_text(monthly_answer()).startswith("Line chart of CBP")
    assert "FY2019 highlighted at " in alt_text(rate_answer()) and "%" in alt_text(rate_answer())
    huge = bar_answer()
    huge.chart_title = "word " * 400
    assert len(alt_text(huge)) <= 1000 and "FY2023 highlighted" in alt_text(huge)


def test_empty_series_is_refused():
    empty = replace(bar_answer(), series=[])
    for function in (render_chart, cached_chart, alt_text):
        with pytest.raises(ValueError, match="empty series"):
            function(empty)


def test_cache_hit_returns_the_same_bytes_without_rendering(monkeypatch):
    first = cached_chart(bar_answer())

    def must_not_render(answer):
        raise AssertionError("cache hit re-rendered")

    monkeypatch.setattr(chart, "render_chart", must_not_render)
    assert cached_chart(bar_answer()) is first  # an equal, separately built Answer


def test_cache_key_follows_what_is_drawn():
    base = cached_chart(bar_answer())
    assert cached_chart(bar_answer(version="2025.09.1")) is not base
    assert cached_chart(bar_answer(highlight="FY2016")) != base
    retitled = bar_answer()
    retitled.chart_title = "Something else"
    assert cached_chart(retitled) != base


def test_cache_evicts_the_least_recently_used(monkeypatch):
    monkeypatch.setattr(chart, "render_chart", lambda answer: answer.data_version.encode())
    answers = [bar_answer(version=str(i)) for i in range(chart.CACHE_SIZE)]
    for answer in answers:
        cached_chart(answer)
    cached_chart(answers[0])  # used again: now the most recent
    cached_chart(bar_answer(version="new"))  # pushes out answers[1]
    assert len(chart._cache) == chart.CACHE_SIZE
    assert chart.chart_key(answers[0]) in chart._cache
    assert chart.chart_key(answers[1]) not in chart._cache


def test_concurrent_renders_match_serial_ones():
    answers = [bar_answer(f"FY{y}") for y in range(2014, 2022)] + [monthly_answer(), rate_answer()]
    serial = [render_chart(a) for a in answers]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(render_chart, answers))
    assert parallel == serial


def test_importing_is_cheap_and_rendering_never_touches_pyplot():
    script = (
        "import sys, bot.render.chart\n"
        "assert 'matplotlib' not in sys.modules, 'import bot.render.chart loaded matplotlib'\n"
        "from tests.test_chart import bar_answer\n"
        "bot.render.chart.render_chart(bar_answer())\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'rendering used pyplot'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0, result.stderr


def test_missing_years_leave_a_marked_gap_not_a_silent_join():
    answer = bar_answer()
    answer.series = [p for p in answer.series if p.period not in {"FY2016", "FY2017", "FY2018"}]
    fig = drawn(answer)
    ax = fig.axes[0]
    ticks = {t.get_text(): t.get_position()[0] for t in axis_labels(fig, X_LABEL_GID)}
    assert ticks["FY2019"] - ticks["FY2015"] == 4  # three empty slots between them
    assert "no data" in [t.get_text() for t in ax.texts]
    assert "no data between FY2015 and FY2019" in alt_text(answer)
    assert "no data" not in [t.get_text() for t in drawn(bar_answer()).axes[0].texts]


def test_missing_months_break_the_line():
    answer = monthly_answer(24)
    answer.series = answer.series[:6] + answer.series[10:]  # Jul–Oct 2020 missing
    line = drawn(answer).axes[0].get_lines()[0]
    ys = list(line.get_ydata())
    gap = next(i for i, y in enumerate(ys) if math.isnan(y))  # the NaN that lifts the pen
    assert line.get_xdata()[gap - 1] == 5 and line.get_xdata()[gap + 1] == 10


def test_source_line_prefers_the_original_over_a_press_copy():
    press = SourceRef(
        "press", "bostonmail.net", "Biden administration dismisses…", "u", "June 2024", "secondary"
    )
    answer = bar_answer()
    answer.sources = [press, TRAC]
    line = next(t.get_text() for t in drawn(answer).texts if t.get_text().startswith("Source:"))
    assert line.startswith("Source: TRAC Immigration") and line.endswith("and 1 more")
    answer.sources = [press]  # nothing better listed: the press copy is still named
    line = next(t.get_text() for t in drawn(answer).texts if t.get_text().startswith("Source:"))
    assert line.startswith("Source: bostonmail.net")


@pytest.mark.parametrize(
    ("version", "shown"),
    [
        ("2025.08.1", "immistats · data v2025.08.1"),
        ("e7376dd00a29", "immistats · data e7376dd00a29"),
    ],
)
def test_data_version_is_printed_on_the_card(version, shown):
    assert shown in [t.get_text() for t in drawn(bar_answer(version=version)).texts]


@pytest.mark.parametrize(
    "make", [bar_answer, monthly_answer, rate_answer], ids=["bars", "months", "rate"]
)
def test_every_word_is_on_the_card_and_clear_of_the_plot(make):
    """The layout is computed, not found by drawing: title, legend, unit, axis labels and the
    source line each keep to their own band."""
    answer = make()
    answer.chart_title = "Removals by all DHS components (DHS Yearbook to FY2019, OHSS after)"
    fig = drawn(answer)
    ax, renderer = fig.axes[0], fig.canvas.get_renderer()
    plot = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in [*fig.texts, *ax.texts, fig._suptitle]]
    for box in boxes:
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width
        assert box.y0 >= 0 and box.y1 <= fig.bbox.height
    title = fig._suptitle.get_window_extent(renderer)
    legend = ax.get_legend()
    if legend is not None:
        band = legend.get_window_extent(renderer)
        assert title.y0 > band.y1 and band.y0 >= plot.y1 - 1
    assert title.y0 > plot.y1
    source = next(t for t in fig.texts if t.get_text().startswith("Source:"))
    floor = source.get_window_extent(renderer).y1
    for label in axis_labels(fig, X_LABEL_GID):
        box = label.get_window_extent(renderer)
        assert floor < box.y0 and box.y1 < plot.y0
    unit = ax.yaxis.label.get_window_extent(renderer)
    for label in axis_labels(fig, Y_LABEL_GID):
        box = label.get_window_extent(renderer)
        assert unit.x1 < box.x0 and box.x1 < plot.x0


@pytest.mark.parametrize("end", ["first", "last"])
def test_a_figure_written_over_an_end_bar_stays_on_the_card_and_off_the_labels(end):
    answer = rate_answer(31)  # narrow bars: the written figure is wider than its bar
    index = 0 if end == "first" else -1
    answer.series = [replace(p, highlight=False) for p in answer.series]
    answer.series[index] = replace(answer.series[index], highlight=True, value=99.5)
    fig = drawn(answer)
    ax, renderer = fig.axes[0], fig.canvas.get_renderer()
    figure = next(t for t in ax.texts if t.get_gid() is None and "%" in t.get_text())
    box = figure.get_window_extent(renderer)
    plot = ax.get_window_extent(renderer)
    assert plot.x0 <= box.x0 and box.x1 <= fig.bbox.width
    for label in axis_labels(fig, Y_LABEL_GID):
        assert label.get_window_extent(renderer).x1 < box.x0


def in_new_thread(function, *args):
    """function(*args) on a thread of its own: a fresh chart renderer with empty text caches."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def test_texts_drawn_from_the_text_cache_match_matplotlibs_own_drawing():
    from bot.render.chart_canvas import renderer

    def draw_twice(answer: Answer, caching: bool) -> tuple[bytes, bytes, int]:
        renderer().caching = caching
        first = render_chart(answer)
        kept = len(renderer().texts)
        second = render_chart(answer)
        assert len(renderer().texts) == kept, "the second drawing made new text entries"
        return first, second, kept

    for answer in (bar_answer(), monthly_answer(), rate_answer()):
        cold, warm, kept = in_new_thread(draw_twice, answer, True)
        own, _, _ = in_new_thread(draw_twice, answer, False)
        assert kept > 10  # the cache was used: every text of the chart is kept
        assert cold == warm == own


def draw_sequence(renderer, texts) -> np.ndarray:
    from matplotlib.font_manager import FontProperties

    for x, y, text, size, colour, angle in texts:
        gc = renderer.new_gc()
        gc.set_foreground(colour)
        math = text.startswith("$")  # as Text.draw passes it
        renderer.draw_text(gc, x, y, text, FontProperties(size=size), angle, ismath=math)
        gc.restore()
    return np.asarray(renderer.buffer_rgba()).copy()


def test_a_text_kept_in_one_colour_size_or_angle_is_not_served_for_another():
    from matplotlib.backends.backend_agg import RendererAgg

    from bot.render.chart_text_cache import TextCachingRenderer

    texts = [
        (10.3, 20.6, "FY2023", 9, "#c2410c", 0),
        (60.3, 20.6, "FY2023", 9, "#1f4e79", 0),  # same phase, other colour: a hit, recoloured
        (110.3, 20.6, "FY2023", 10, "#1f4e79", 0),  # other size
        (10.3, 60.6, "FY2023", 9, "#1f4e79", 45),  # other angle
        (70.8, 60.1, "FY2023", 9, "#1f4e79", 0),  # other sub-pixel position
        (10.0, 90.0, r"$x^2$", 9, "#1f4e79", 0),  # mathtext: matplotlib's own
    ]
    mine = TextCachingRenderer(200, 100, 100)
    expected = draw_sequence(RendererAgg(200, 100, 100), texts)
    assert np.array_equal(draw_sequence(mine, texts), expected)
    assert mine.caching
    assert len(mine.texts) == 4  # the second text came from the first's entry


def test_text_cache_stays_within_its_bound_and_draws_right_after_evicting():
    from matplotlib.backends.backend_agg import RendererAgg

    from bot.render.chart_text_cache import BoundedCache, TextCachingRenderer

    mine = TextCachingRenderer(400, 300, 100)
    mine.texts = BoundedCache(3000)
    texts = [
        (5.25 + 40 * (i % 9), 12.5 + 25 * (i // 9), f"{i * 1000:,}", 9, "#333333", 0)
        for i in range(99)
    ]
    texts += texts[:9]  # the first ones again, long evicted
    expected = draw_sequence(RendererAgg(400, 300, 100), texts)
    assert np.array_equal(draw_sequence(mine, texts), expected)
    assert mine.texts.bytes <= 3000
    assert 0 < len(mine.texts) < 30


def test_text_cache_falls_back_to_matplotlib_when_its_internals_differ(monkeypatch):
    from matplotlib.backends.backend_agg import RendererAgg

    from bot.render import chart_text_cache

    monkeypatch.setattr(chart_text_cache, "RenderMode", None)  # as if matplotlib renamed it
    texts = [(10.3, 20.6, "FY2023", 9, "#1f4e79", 0), (60.3, 20.6, "100,000", 9, "#333333", 0)]
    mine = chart_text_cache.TextCachingRenderer(200, 100, 100, caching=True)
    assert np.array_equal(
        draw_sequence(mine, texts), draw_sequence(RendererAgg(200, 100, 100), texts)
    )
    assert mine.caching is False
    chart_text_cache.verified.cache_clear()
    try:
        assert chart_text_cache.verified() is False  # a new renderer would not cache at all
    finally:
        monkeypatch.undo()
        chart_text_cache.verified.cache_clear()
    assert chart_text_cache.verified() is True  # this matplotlib draws texts as the cache does
