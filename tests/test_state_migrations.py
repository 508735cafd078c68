"""Moderators' stored commands survive a schema change: a state database written by the code of
320b4ba (tests/fixtures/state-v2.sql) opened by today's code.

The keys the schema retired leave every stored file, each rewrite is in the audit log beside the
untouched history, and a command that no longer passes the checks stays stored, logged and named
per server for /commands list, never dropped.
"""

import logging
import sqlite3
import tomllib
from contextlib import closing
from pathlib import Path

import pytest

from bot.app.moderator_embeds import history_embed, history_text, list_embed
from bot.engine.command_schema import retired_keys, without_retired
from bot.guilds.catalogs import GuildCatalogs, not_answering
from bot.guilds.migrations import BOT_USER, MIGRATIONS
from bot.guilds.state import StateStore
from bot.guilds.upgrade import upgrade_toml

FIXTURE = Path(__file__).parent / "fixtures" / "state-v2.sql"
OLD_VERSION = 2
MODERATED, TYPO_GUILD = 1001, 2002


def old_state(tmp_path: Path) -> Path:
    path = tmp_path / "state.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(FIXTURE.read_text(encoding="utf-8"))
        assert conn.execute("pragma user_version").fetchone()[0] == OLD_VERSION
    return path


@pytest.fixture
def before(tmp_path) -> dict[tuple[int, str], str]:
    """The stored TOML as the old code left it, by (guild, name)."""
    (tmp_path / "copy").mkdir()
    with closing(sqlite3.connect(old_state(tmp_path / "copy"))) as conn:
        rows = conn.execute("select guild_id, name, toml from guild_commands").fetchall()
    return {(guild, name): toml for guild, name, toml in rows}


@pytest.fixture
def store(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="immistats.guilds"):
        opened = StateStore(old_state(tmp_path))
    yield opened
    opened.close()


def stored(store: StateStore) -> dict[tuple[int, str], str]:
    return {
        (c.guild_id, c.name): c.toml
        for guild in (MODERATED, TYPO_GUILD)
        for c in store.commands(guild)
    }


def test_the_retired_keys_leave_every_stored_command(store, before):
    assert store.schema_version() == len(MIGRATIONS) > OLD_VERSION
    after = stored(store)
    assert set(after) == set(before)  # nothing dropped
    assert all(retired_keys(tomllib.loads(text)) for text in before.values())
    for key, text in after.items():
        data = tomllib.loads(text)
        assert retired_keys(data) == [] and "description" not in data
        assert data == without_retired(tomllib.loads(before[key]))  # nothing else changed
    regions = after[MODERATED, "patrol-by-region-mod"]
    assert "# the words our members use" in regions  # the moderator's layout is kept
    assert "[chart]" not in regions  # it held only x and y


def test_the_audit_log_keeps_its_history_and_records_each_upgrade(store, before):
    history = list(reversed(store.history(MODERATED)))
    old, upgrades = history[:5], history[5:]
    assert [(e.id, e.action, e.user_id) for e in old] == [
        (1, "add", 11),
        (2, "edit", 12),
        (3, "add", 11),
        (4, "add", 13),
        (5, "remove", 13),
    ]
    assert "description" in old[1].after_toml  # history is what was stored then, untouched
    assert [(e.action, e.user_id, e.name) for e in upgrades] == [
        ("upgrade", BOT_USER, "ice-removals-mod"),
        ("upgrade", BOT_USER, "patrol-by-region-mod"),
    ]
    for entry in upgrades:
        assert entry.before_toml == before[MODERATED, entry.name]
        assert entry.after_toml == store.command(MODERATED, entry.name).toml
    text = history_text(store.history(MODERATED))
    assert "#7 · upgrade · ice-removals-mod" in text and "by immistats" in text
    assert '-description = "ICE removals (a moderator\'s)"' in text
    lines = history_embed(store.history(MODERATED)).description.splitlines()
    assert "immistats dropped keys nothing reads any more from `patrol-by-region-mod`" in lines[0]
    assert [w.question for w in store.wanted(MODERATED)] == ["How many visas in 2023?"]


def test_new_changes_follow_the_upgrade_in_the_log(store, tmp_path):
    store.remove(MODERATED, "ice-removals-mod", user_id=12)
    newest = store.history(MODERATED, limit=1)[0]
    assert (newest.id, newest.action) == (10, "remove")  # 6 old entries, 3 upgrades, then this
    path = store.path
    store.close()
    again = StateStore(path)  # a second opening upgrades nothing twice
    assert [e.id for e in again.history(TYPO_GUILD)] == [9, 6]
    again.close()


def test_upgraded_commands_still_validate_and_answer(store, service):
    catalogs = GuildCatalogs(service.catalog, service.db, store)
    catalog = catalogs.catalog(MODERATED)
    assert not_answering(catalog) == {}
    removals = service.engine.ask("moderator ice removals 2020", catalog)
    assert (removals.command, removals.value) == ("ice-removals-mod", 185_884)
    regions = service.engine.ask("mod patrol arrests mod southwest 2019", catalog)
    assert (
        regions.command == "patrol-by-region-mod" and "(Southwest Land Border)" in regions.headline
    )


def test_a_command_that_no_longer_passes_is_kept_logged_and_reported_per_server(
    store, service, caplog
):
    opening = "\n".join(r.getMessage() for r in caplog.get_records("setup"))
    assert (
        "guild 2002: command 'terminations-mod' kept as stored but no longer passes the checks: "
        "terminations-mod.toml, line 5: 'headline' has {perod}, which nothing fills"
    ) in opening
    kept = store.command(TYPO_GUILD, "terminations-mod")
    assert kept is not None and "{perod}" in kept.toml
    catalogs = GuildCatalogs(service.catalog, service.db, store)
    catalog = catalogs.catalog(TYPO_GUILD)
    assert "terminations-mod" not in catalog.commands
    report = not_answering(catalog)
    assert list(report) == ["terminations-mod"]
    assert report["terminations-mod"][0].startswith("line 5: 'headline' has {perod}")
    (line,) = list_embed(store.commands(TYPO_GUILD), catalog).description.splitlines()
    assert "⚠️ not answering: `line 5: 'headline' has {perod}" in line


OLD_FILE = '''name = "x"  # kept
description = """
two lines
of text"""
aliases = ["a", "b"]

[params.year]
type = "fiscal_year"
default = "latest"  # nothing read this

[chart]
x = "period"
y = "value"
'''


def test_upgrading_a_file_edits_only_the_retired_lines():
    upgraded, dropped = upgrade_toml(OLD_FILE)
    assert dropped == ["description", "chart.x", "chart.y", "params.year.default"]
    assert (
        upgraded
        == 'name = "x"  # kept\naliases = ["a", "b"]\n\n[params.year]\ntype = "fiscal_year"\n'
    )
    assert upgrade_toml(upgraded) == (upgraded, [])


@pytest.mark.parametrize(
    "text",
    [
        'name = "x"\nchart = { kind = "bar", x = "period" }\n',
        'name = "x"\nchart.kind = "bar"\nchart.highlight = "year"\n',
        'name = "x"\nsql = """\ndescription = 1\n"""\ndescription = "y"\n',
    ],
)
def test_odd_layouts_come_out_without_the_retired_keys(text):
    """Inline tables and dotted keys defeat the line edit (the file is written afresh); a line that
    only looks like a retired key inside a text is not taken for one."""
    upgraded, dropped = upgrade_toml(text)
    assert dropped and tomllib.loads(upgraded) == without_retired(tomllib.loads(text))


# ----- version 4 (commit 100f438) to today: reports, and questions that expire

FIXTURE_V4 = Path(__file__).parent / "fixtures" / "state-v4.sql"
ASKED_LATELY, ASKED_IN_2020 = 1795600100.0, 1590000000.0  # the fixture's last_at values


def test_a_version_4_database_gains_reports_and_expires_old_questions(tmp_path):
    path = tmp_path / "state.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(FIXTURE_V4.read_text(encoding="utf-8"))
        assert conn.execute("pragma user_version").fetchone()[0] == 4
        before = conn.execute("select * from audit_log order by id").fetchall()
    store = StateStore(path, keep_days=90, clock=lambda: ASKED_LATELY + 86_400)
    try:
        assert store.schema_version() == len(MIGRATIONS)
        assert [c.name for c in store.commands(MODERATED)] == ["ice-removals-test"]
        with closing(sqlite3.connect(path)) as conn:
            assert conn.execute("select * from audit_log order by id").fetchall() == before
            columns = {row[1] for row in conn.execute("pragma table_info(wanted_questions)")}
            columns |= {row[1] for row in conn.execute("pragma table_info(reports)")}
            kept = conn.execute("select guild_id from wanted_questions").fetchall()
        assert kept == [(MODERATED,)]  # the 2020 question was removed when the store opened
        assert not any("user" in column for column in columns)  # no member's id, anywhere
        assert [(w.question, w.times) for w in store.wanted(MODERATED)] == [
            ("how many visas in 2023", 2)
        ]
        assert store.wanted(TYPO_GUILD) == []  # asked in 2020: expired
        number = store.add_report(
            MODERATED, command="c", params={}, data_version="v", question="q", reason="r"
        )
        assert [r.id for r in store.reports(MODERATED)] == [number]
        store.remove(MODERATED, "ice-removals-test", user_id=12)
        assert store.history(MODERATED, limit=1)[0].id == len(before) + 1
    finally:
        store.close()
