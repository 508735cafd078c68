"""The bot's state database: changes are atomic, audited, durable across restarts and kills."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from bot.guilds.state import MIGRATIONS, StateError, StateStore, question_key
from tests.conftest import ROOT

TOML = 'name = "x"\n'


def test_add_edit_remove_are_audited_with_before_and_after(tmp_path):
    store = StateStore(tmp_path / "state.db")
    store.add(1, "visas", TOML, user_id=10)
    store.edit(1, "visas", TOML + "# v2\n", user_id=11)
    store.remove(1, "visas", user_id=12)
    history = store.history(1)
    assert [(h.action, h.user_id) for h in history] == [("remove", 12), ("edit", 11), ("add", 10)]
    assert history[1].before_toml == TOML and history[1].after_toml == TOML + "# v2\n"
    assert history[0].after_toml is None
    assert store.commands(1) == []


def test_guilds_do_not_see_each_other(tmp_path):
    store = StateStore(tmp_path / "state.db")
    store.add(1, "visas", TOML, user_id=10)
    assert [c.name for c in store.commands(1)] == ["visas"]
    assert store.commands(2) == [] and store.history(2) == []


def test_a_refused_change_writes_nothing(tmp_path):
    store = StateStore(tmp_path / "state.db")
    store.add(1, "visas", TOML, user_id=10)
    with pytest.raises(StateError, match="already has a command named 'visas'"):
        store.add(1, "visas", "other", user_id=11)
    with pytest.raises(StateError, match="no command named 'nope'"):
        store.edit(1, "nope", TOML, user_id=11)
    assert len(store.history(1)) == 1
    assert store.command(1, "visas").toml == TOML


def test_everything_survives_a_restart(tmp_path):
    path = tmp_path / "state.db"
    store = StateStore(path)
    store.add(1, "visas", TOML, user_id=10)
    store.record_unanswered(1, "How many visas in 2023?")
    store.close()
    again = StateStore(path)
    assert again.command(1, "visas").toml == TOML
    assert [w.question for w in again.wanted(1)] == ["How many visas in 2023?"]
    assert again.schema_version() == len(MIGRATIONS)
    with sqlite3.connect(path) as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_wanted_questions_are_counted_most_frequent_first(tmp_path):
    store = StateStore(tmp_path / "state.db")
    for question in ["visas 2023", "Visas, 2023?", "pizza", "visas  2023"]:
        store.record_unanswered(7, question)
    store.record_unanswered(7, "   ")
    wanted = store.wanted(7)
    assert [(w.times, question_key(w.question)) for w in wanted] == [
        (3, "visas 2023"),
        (1, "pizza"),
    ]


CHILD = """
import sys
from pathlib import Path
from bot.guilds.state import StateStore
store = StateStore(Path(sys.argv[1]))
i = 0
while True:
    store.add(1, f"cmd-{i}", "x" * 5000, user_id=1)
    if i % 3 == 0:
        store.remove(1, f"cmd-{i}", user_id=1)
    i += 1
"""


def test_a_process_killed_mid_change_leaves_a_consistent_database(tmp_path):
    path = tmp_path / "state.db"
    StateStore(path).close()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], cwd=ROOT)
    # Wait for what is asserted below, more than 50 adds: the removes are audited too.
    count_adds = "select count(*) from audit_log where action = 'add'"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with sqlite3.connect(path) as conn:
                if conn.execute(count_adds).fetchone()[0] > 50:
                    break
            time.sleep(0.05)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    store = StateStore(path)
    conn = sqlite3.connect(path)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    adds, removes = (
        conn.execute("select count(*) from audit_log where action = ?", (a,)).fetchone()[0]
        for a in ("add", "remove")
    )
    assert adds > 50
    # Every committed change is there with its audit entry, and nothing half-written.
    assert len(store.commands(1)) == adds - removes
    # Removed ones stay removed; only the very last add may still await its remove.
    numbers = sorted(int(c.name.split("-")[1]) for c in store.commands(1))
    assert all(n % 3 != 0 for n in numbers[:-1])
