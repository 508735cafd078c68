"""Charts are drawn in worker processes, once per chart: concurrent requests share one drawing,
and the disk cache keeps each chart per data version."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.engine.answer import Answer
from bot.render.chart import render_chart
from bot.render.chart_pool import Charts, shared_workers, warm
from tests.test_chart import bar_answer, monthly_answer


@pytest.fixture(scope="module")
def workers():
    """The process's shared workers, as the Discord tests use them."""
    found = shared_workers()
    found.start()
    return found


def test_a_worker_draws_the_same_bytes_as_the_process_itself(workers, tmp_path: Path) -> None:
    charts = Charts(workers, tmp_path)
    for answer in (bar_answer("FY2020"), monthly_answer()):
        assert charts.chart(answer) == render_chart(answer)


def test_concurrent_requests_for_one_chart_wait_for_one_drawing(workers, tmp_path: Path) -> None:
    charts = Charts(workers, tmp_path)
    answer = bar_answer("FY2019")
    results: list[bytes] = []
    start = threading.Barrier(8)

    def ask() -> None:
        start.wait()
        results.append(charts.chart(answer))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert charts.drawn == 1
    assert results == [results[0]] * 8


def test_submitted_charts_come_back_from_one_thread_asking_for_all(workers, tmp_path) -> None:
    """Charts.submit hands the wait to the charts' own threads: one asker (the event loop) gets
    a future per chart at once, the same chart asked twice is drawn once."""
    charts = Charts(workers, tmp_path)
    years = [f"FY{year}" for year in range(2014, 2022)]
    futures = [charts.submit(bar_answer(year)) for year in years + years]
    pngs = [future.result(timeout=120) for future in futures]
    assert pngs[: len(years)] == pngs[len(years) :]
    assert pngs[0] == render_chart(bar_answer(years[0]))
    assert len(set(pngs)) == len(years) == charts.drawn
    charts.close()


def test_a_chart_is_drawn_once_per_data_version_and_kept_on_disk(workers, tmp_path: Path) -> None:
    first = Charts(workers, tmp_path)
    png = first.chart(bar_answer("FY2018"))
    assert first.drawn == 1
    kept = list(tmp_path.glob("*/*.png"))
    assert [path.parent.name for path in kept] == [bar_answer().data_version]
    again = Charts(workers, tmp_path)  # a restarted bot, say
    assert again.chart(bar_answer("FY2018")) == png
    assert again.drawn == 0
    again.chart(bar_answer("FY2018", version="2099.01.1"))
    assert again.drawn == 1
    assert len(list(tmp_path.glob("*/*.png"))) == 2


def test_a_worker_that_dies_is_replaced(workers, tmp_path: Path) -> None:
    charts = Charts(workers, tmp_path)
    for pid in workers.pids():
        os.kill(pid, signal.SIGKILL)
    assert charts.chart(bar_answer("FY2017")) == render_chart(bar_answer("FY2017"))


def test_an_empty_series_is_refused(workers, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="empty series"):
        Charts(workers, tmp_path).chart(Answer("terminations", True))


def test_the_bot_process_never_imports_matplotlib(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bot.render.chart_pool import Charts, ChartWorkers\n"
        "from tests.test_chart import bar_answer\n"
        "workers = ChartWorkers(1)\n"
        "workers.start()\n"
        f"assert Charts(workers, Path({str(tmp_path)!r})).chart(bar_answer())[:4] == b'\\x89PNG'\n"
        "workers.stop()\n"
        "assert 'matplotlib' not in sys.modules, 'the chart pool loaded matplotlib'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0, result.stderr


def test_warming_draws_every_default_chart_once(workers, tmp_path: Path, service) -> None:
    charts = Charts(workers, tmp_path)
    drawn = warm(charts, service.engine)
    assert drawn > 10
    assert len(list(tmp_path.glob("*/*.png"))) == drawn
    assert warm(Charts(workers, tmp_path), service.engine) == 0  # a restart: all on disk
