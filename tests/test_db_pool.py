"""Each query on a connection of its own: a slow query holds nothing another query waits on, and
the watchdog stops a query at its deadline."""

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.engine.db import StatsDB
from bot.engine.sql_rules import QueryTimeout
from bot.engine.watchdog import Watchdog

RUNAWAY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


@pytest.fixture
def stats_file(tmp_path: Path) -> Path:
    path = tmp_path / "stats.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE figures (period TEXT, value INTEGER)")
    conn.executemany(
        "INSERT INTO figures VALUES (?, ?)", [(f"FY{y}", y) for y in range(2000, 2025)]
    )
    conn.commit()
    conn.close()
    return path


def wait_until(condition, what: str) -> None:
    """Poll a condition the test is about; the bound only turns a hang into a failure."""
    for _ in range(20_000):
        if condition():
            return
        time.sleep(0.001)
    raise AssertionError(f"never happened: {what}")


def test_a_query_is_answered_while_a_slow_one_is_still_running(stats_file: Path) -> None:
    order: list[str] = []
    with StatsDB(stats_file, connections=4) as db:

        def slow_server() -> None:
            with pytest.raises(QueryTimeout):
                db.query(RUNAWAY, time_budget=2.0)
            order.append("slow query stopped")

        slow = threading.Thread(target=slow_server)
        slow.start()
        wait_until(lambda: db.running == 1, "the slow query started")
        rows = db.query("SELECT value FROM figures WHERE period = 'FY2023'").rows
        order.append("other query answered")
        slow.join()
    assert rows == [(2023,)]
    assert order == ["other query answered", "slow query stopped"]


def test_connections_are_reused_and_bounded(stats_file: Path) -> None:
    with StatsDB(stats_file, connections=2) as db:
        results: list[list[tuple]] = []

        def ask() -> None:
            for _ in range(10):
                results.append(db.query("SELECT count(*) FROM figures").rows)

        threads = [threading.Thread(target=ask) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [[(25,)]] * 60
        assert db._open <= 2


def test_the_watchdog_interrupts_at_the_deadline_and_never_after_release() -> None:
    watchdog = Watchdog()
    fired = threading.Event()
    released = threading.Event()
    try:
        token = watchdog.watch(time.monotonic() + 3600, released.set)
        watchdog.release(token)
        watchdog.watch(time.monotonic(), fired.set)
        assert fired.wait(10)
        assert not released.is_set()
    finally:
        watchdog.stop()


def test_the_watchdog_stops_a_query_the_progress_handler_does_not_see(stats_file: Path) -> None:
    """With the progress handler silenced, only the watchdog's interrupt can stop the query."""
    with StatsDB(stats_file, connections=1) as db:
        guarded = db._take()
        guarded.conn.set_progress_handler(None, 0)
        db._give_back(guarded)
        with pytest.raises(QueryTimeout):
            db.query(RUNAWAY, time_budget=0.2)
        assert db.query("SELECT count(*) FROM figures").rows == [(25,)]
