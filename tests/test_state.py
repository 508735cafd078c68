"""The bot's state store, on SQLite and on PostgreSQL alike: changes are atomic, audited, durable
across restarts; members' questions expire and carry no member's id; a server can remove all of its
state. The kill test is SQLite's own (its file is the thing that could be left half-written)."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from bot.guilds.migrations import MIGRATIONS
from bot.guilds.state import DAY, Forgotten, StateError, StateStore, question_key
from bot.settings import SettingsError, keep_questions_days, state_location
from tests.conftest import ROOT
from tests.state_backends import (  # noqa: F401
    open_store_fixture,
    postgres_server_fixture,
    postgres_url_fixture,
)

TOML = 'name = "x"\n'
BIG_ID = 1_311_111_111_111_111_111  # Discord ids are 64-bit: they must not be cut to 32


class Clock:
    """A clock the test moves: expiry is asserted without waiting for days to pass."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_add_edit_remove_are_audited_with_before_and_after(open_store):
    store = open_store()
    store.add(1, "visas", TOML, user_id=10)
    store.edit(1, "visas", TOML + "# v2\n", user_id=11)
    store.remove(1, "visas", user_id=12)
    history = store.history(1)
    assert [(h.action, h.user_id) for h in history] == [("remove", 12), ("edit", 11), ("add", 10)]
    assert history[1].before_toml == TOML and history[1].after_toml == TOML + "# v2\n"
    assert history[0].after_toml is None
    assert store.commands(1) == []


def test_guilds_do_not_see_each_other(open_store):
    store = open_store()
    store.add(1, "visas", TOML, user_id=10)
    assert [c.name for c in store.commands(1)] == ["visas"]
    assert store.commands(2) == [] and store.history(2) == []


def test_discord_sized_ids_come_back_whole(open_store):
    store = open_store()
    store.add(BIG_ID, "visas", TOML, user_id=BIG_ID + 1)
    (command,) = store.commands(BIG_ID)
    assert (command.guild_id, command.updated_by) == (BIG_ID, BIG_ID + 1)
    assert store.history(BIG_ID)[0].user_id == BIG_ID + 1


def test_a_refused_change_writes_nothing(open_store):
    store = open_store()
    store.add(1, "visas", TOML, user_id=10)
    with pytest.raises(StateError, match="already has a command named 'visas'"):
        store.add(1, "visas", "other", user_id=11)
    with pytest.raises(StateError, match="no command named 'nope'"):
        store.edit(1, "nope", TOML, user_id=11)
    assert len(store.history(1)) == 1
    assert store.command(1, "visas").toml == TOML


def test_everything_survives_a_restart(open_store):
    store = open_store()
    store.add(1, "visas", TOML, user_id=10)
    store.record_unanswered(1, "How many visas in 2023?")
    store.close()
    again = open_store()
    assert again.command(1, "visas").toml == TOML
    assert [w.question for w in again.wanted(1)] == ["How many visas in 2023?"]
    assert again.schema_version() == len(MIGRATIONS)


def test_sqlite_runs_in_wal_mode(tmp_path):
    StateStore(tmp_path / "state.db").close()
    with sqlite3.connect(tmp_path / "state.db") as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_wanted_questions_are_counted_most_frequent_first(open_store):
    store = open_store()
    for question in ["visas 2023", "Visas, 2023?", "pizza", "visas  2023"]:
        store.record_unanswered(7, question)
    store.record_unanswered(7, "   ")
    wanted = store.wanted(7)
    assert [(w.times, question_key(w.question)) for w in wanted] == [
        (3, "visas 2023"),
        (1, "pizza"),
    ]


def test_questions_expire_after_the_days_kept_counted_from_the_last_ask(open_store):
    clock = Clock()
    store = open_store(keep_days=90, clock=clock)
    store.record_unanswered(7, "visas 2023")
    clock.now += 60 * DAY
    store.record_unanswered(7, "visas 2023")  # asked again: kept 90 days from now
    store.record_unanswered(7, "pizza")
    clock.now += 89 * DAY
    assert [w.question for w in store.wanted(7)] == ["visas 2023", "pizza"]
    clock.now += 2 * DAY
    assert store.wanted(7) == []  # hidden at once, whether or not anything purged them
    store.record_unanswered(8, "cheese")  # any new question purges the expired ones
    assert store.forget_guild(7) == Forgotten(0, 0, 0, 0)


def test_reports_keep_the_answer_and_no_member(open_store):
    clock = Clock()
    store = open_store(keep_days=90, clock=clock)
    params = {"year": "FY2023", "region": "southwest"}
    first = store.add_report(
        1,
        command="ice-removals",
        params=params,
        data_version="abc123",
        question="deportations 2023",
        reason="CBP says otherwise " * 40,
    )
    second = store.add_report(
        None, command="x", params={}, data_version="v", question="q", reason="dm"
    )
    assert second > first
    (report,) = store.reports(1)
    assert (report.id, report.guild_id, report.command, report.params) == (
        first,
        1,
        "ice-removals",
        params,
    )
    assert (report.data_version, report.question, report.at) == (
        "abc123",
        "deportations 2023",
        clock.now,
    )
    assert len(report.reason) == 300 and report.reason.startswith("CBP says otherwise")
    assert [r.id for r in store.reports()] == [second, first]  # every server's, newest first
    clock.now += 91 * DAY
    assert store.reports() == []


def test_forgetting_a_server_removes_all_of_its_state_and_nothing_else(open_store):
    store = open_store()
    for guild in (1, 2):
        store.add(guild, "visas", TOML, user_id=10)
        store.edit(guild, "visas", TOML + "# v2\n", user_id=10)
        store.record_unanswered(guild, "pizza")
        store.add_report(guild, command="c", params={}, data_version="v", question="q", reason="r")
    assert store.forget_guild(1) == Forgotten(
        commands=1, audit_entries=2, wanted_questions=1, reports=1
    )
    assert (store.commands(1), store.history(1), store.wanted(1), store.reports(1)) == (
        [],
        [],
        [],
        [],
    )
    assert len(store.commands(2)) == len(store.wanted(2)) == len(store.reports(2)) == 1
    assert len(store.history(2)) == 2


def test_listeners_hear_each_committed_change_and_no_refused_one(open_store):
    store = open_store()
    heard: list[int] = []
    changed = threading.Event()

    def listener(guild_id: int) -> None:
        heard.append(guild_id)
        changed.set()

    store.on_change(listener)
    with pytest.raises(StateError):
        store.remove(5, "nope", user_id=1)
    store.add(BIG_ID, "visas", TOML, user_id=1)
    assert changed.wait(30), "the change was never announced"
    assert heard == [BIG_ID]


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


def test_a_sqlite_process_killed_mid_change_leaves_a_consistent_database(tmp_path):
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


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("IMMISTATS_STATE_URL", "mysql://db/immistats", "must start with postgresql://"),
        ("IMMISTATS_KEEP_QUESTIONS_DAYS", "0", "at least 1"),
        ("IMMISTATS_KEEP_QUESTIONS_DAYS", "ninety", "whole number"),
    ],
)
def test_a_bad_state_setting_is_one_clear_line(monkeypatch, tmp_path, variable, value, said):
    monkeypatch.setenv("IMMISTATS_STATE", str(tmp_path / "state.db"))
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=said):
        StateStore(state_location())


def test_the_state_url_chooses_postgresql_and_questions_are_kept_90_days(monkeypatch, tmp_path):
    monkeypatch.setenv("IMMISTATS_STATE", str(tmp_path / "state.db"))
    assert state_location() == tmp_path / "state.db" and keep_questions_days() == 90
    monkeypatch.setenv("IMMISTATS_STATE_URL", "postgresql://u@db.example/immistats")
    assert state_location() == "postgresql://u@db.example/immistats"


def test_an_unreachable_postgresql_is_one_clear_line():
    with pytest.raises(SettingsError, match="cannot reach the state store at IMMISTATS_STATE_URL"):
        StateStore("postgresql://nobody@127.0.0.1:1/immistats")
