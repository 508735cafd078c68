"""Charts drawn in worker processes, each drawn once per data version and kept on disk.

A chart costs tens of milliseconds of pure Python and C under the GIL; drawn in the bot's own
threads it fights the event loop and the other answers. Here it is drawn in a process pool sized
to the cores. Requests for the same chart that arrive together wait for one drawing; a chart is
kept on disk under its data version (the data only changes at build), so it is drawn once per data
version, ever, and recent charts stay in memory.

The workers are forked from the bot's process (which never imports matplotlib itself; each worker
imports it once and draws a warm-up chart when the pool starts). A fork server would load
matplotlib once for all of them, but every worker it starts runs the main script's imports again.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import multiprocessing
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from bot.engine.answer import Answer
from bot.engine.answering import Engine
from bot.render.chart_style import CACHE_SIZE

log = logging.getLogger("immistats.charts")

WAITERS_PER_WORKER = 4  # threads waiting on the workers (Charts.submit): enough to keep them busy

RENDER_DIR = Path(__file__).resolve().parent


def drawing_fingerprint() -> str:
    """A digest of the drawing code, so that a changed chart style never serves old files."""
    digest = hashlib.sha256()
    for path in sorted(RENDER_DIR.glob("chart*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


class ChartWorkers:
    """The worker processes. Thread-safe; started once, used by any number of threads."""

    def __init__(self, count: int | None = None) -> None:
        self.count = count or os.cpu_count() or 1
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the processes and wait until each has drawn a warm-up chart (a second or two)."""
        with self._lock:
            if self._executor is not None:
                return
            context = multiprocessing.get_context("fork")
            self._executor = ProcessPoolExecutor(self.count, mp_context=context)
            executor = self._executor
        warming = [executor.submit(_warm_up) for _ in range(self.count)]
        for future in warming:
            future.result()

    def draw(self, answer: Answer) -> bytes:
        """The chart's PNG, drawn in a worker; a worker that died is replaced and asked again."""
        for attempt in (1, 2):
            executor = self._running()
            try:
                return executor.submit(_draw, answer).result()
            except BrokenProcessPool:
                log.warning("a chart worker stopped (attempt %d); starting new ones", attempt)
                with self._lock:
                    if self._executor is executor:
                        self._executor = None
                self.start()
        raise RuntimeError("the chart workers keep stopping")

    def pids(self) -> list[int]:
        """The workers' process ids, for memory reports."""
        with self._lock:
            executor = self._executor
        return sorted(executor._processes) if executor is not None else []  # noqa: SLF001

    def stop(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _running(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                raise RuntimeError("the chart workers are not started")
            return self._executor


def _warm_up() -> None:
    from bot.render.chart_worker import warm_up  # in the worker: matplotlib stays out of the bot

    warm_up()


def _draw(answer: Answer) -> bytes:
    from bot.render.chart_worker import draw

    return draw(answer)


_shared: ChartWorkers | None = None
_shared_lock = threading.Lock()


def shared_workers() -> ChartWorkers:
    """One set of workers for the whole process (the test suite, benches), stopped at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ChartWorkers()
            atexit.register(_shared.stop)
        return _shared


class Charts:
    """Answer -> PNG through memory, the disk cache and the workers, one drawing per chart."""

    def __init__(self, workers: ChartWorkers, cache_dir: Path | None) -> None:
        self.workers = workers
        self.cache_dir = cache_dir
        self.fingerprint = drawing_fingerprint()
        self.drawn = 0  # charts drawn by the workers, not found in a cache
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, bytes] = OrderedDict()
        self._drawing: dict[str, Future[bytes]] = {}
        # Started as needed; they spend their time blocked on a worker, not holding the GIL.
        self._waiting = ThreadPoolExecutor(
            WAITERS_PER_WORKER * workers.count, thread_name_prefix="immistats-chart"
        )

    def submit(self, answer: Answer) -> Future[bytes]:
        """chart(answer) in a thread of the charts' own: whoever asks is not held while the chart
        is found or drawn, and up to WAITERS_PER_WORKER charts per worker are under way."""
        return self._waiting.submit(self.chart, answer)

    def close(self) -> None:
        """Stop the waiting threads (the workers are the owner's to stop)."""
        self._waiting.shutdown(wait=False, cancel_futures=True)

    def chart(self, answer: Answer) -> bytes:
        """Blocking: call it in a thread. Raises ValueError for an answer with nothing to draw."""
        if not answer.series:
            raise ValueError("cannot chart an answer with an empty series")
        key = self._key(answer)
        with self._lock:
            if (png := self._recent.get(key)) is not None:
                self._recent.move_to_end(key)
                return png
            pending = self._drawing.get(key)
            if pending is None:
                mine: Future[bytes] = Future()
                self._drawing[key] = mine
        if pending is not None:
            return pending.result()
        try:
            png = self._read(answer, key)
            if png is None:
                png = self.workers.draw(answer)
                self.drawn += 1
                self._write(answer, key, png)
            self._remember(key, png)
            mine.set_result(png)
            return png
        except BaseException as error:
            mine.set_exception(error)
            raise
        finally:
            with self._lock:
                self._drawing.pop(key, None)

    def _key(self, answer: Answer) -> str:
        from bot.render.chart import chart_key

        text = repr((self.fingerprint, chart_key(answer)))
        return hashlib.sha256(text.encode()).hexdigest()

    def _path(self, answer: Answer, key: str) -> Path | None:
        if self.cache_dir is None:
            return None
        version = "".join(c if c.isalnum() or c in "-_." else "_" for c in answer.data_version)
        return self.cache_dir / (version or "unversioned") / f"{key}.png"

    def _read(self, answer: Answer, key: str) -> bytes | None:
        path = self._path(answer, key)
        try:
            return path.read_bytes() if path is not None else None
        except OSError:
            return None

    def _write(self, answer: Answer, key: str, png: bytes) -> None:
        """Write beside, then rename: a reader never sees half a file. A full disk is no failure."""
        path = self._path(answer, key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
            partial.write_bytes(png)
            partial.replace(path)
        except OSError as error:
            log.warning("could not keep a chart in %s: %s", path.parent, error)

    def _remember(self, key: str, png: bytes) -> None:
        with self._lock:
            self._recent[key] = png
            self._recent.move_to_end(key)
            while len(self._recent) > CACHE_SIZE:
                self._recent.popitem(last=False)


def warm(charts: Charts, engine: Engine) -> int:
    """Draw every command's default chart (its latest period) ahead of the first question, all
    workers busy at once; returns how many were drawn rather than found in the cache."""
    from concurrent.futures import ThreadPoolExecutor

    answers = []
    for command in engine.catalog:
        try:
            answer = engine.ask_command(command.name)
        except Exception:  # one broken command must not stop the others from being drawn
            log.exception("no default chart for %s", command.name)
            continue
        if answer.understood and answer.series:
            answers.append(answer)
    before = charts.drawn
    with ThreadPoolExecutor(charts.workers.count * 2) as threads:
        list(threads.map(charts.chart, answers))
    return charts.drawn - before
