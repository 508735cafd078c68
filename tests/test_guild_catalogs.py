"""Server catalogs: a stored command is checked when stored and once per data version, then only
loaded; compiled catalogs are kept up to a bound, least recently used dropped first."""

from pathlib import Path

import pytest

from bot.engine.db import StatsDB
from bot.guilds.catalogs import GuildCatalogs
from bot.guilds.checked import CheckedMarks
from bot.guilds.state import StateStore
from tests.test_moderation import toml

GUILD = 4242
NAMES = [f"server-query-{i}" for i in range(3)]


@pytest.fixture
def store(tmp_path: Path):
    opened = StateStore(tmp_path / "state.db")
    yield opened
    opened.close()


@pytest.fixture
def closed_db(service) -> StatsDB:
    """The statistics database, closed: any query raises, so a catalog built with it ran none."""
    db = StatsDB(service.db.path)
    db.close()
    return db


def commands_for(name: str) -> str:
    return toml(name=name, aliases=f'"{name.replace("-", " ")} words"')


def stored_by_moderators(store: StateStore, catalogs: GuildCatalogs) -> None:
    """What /commands add does: validate against the server's catalog, then store."""
    for name in NAMES:
        text = commands_for(name)
        verdict = catalogs.validate(GUILD, text, catalogs.catalog(GUILD))
        assert verdict.ok, verdict.problems
        store.add(GUILD, name, text, user_id=7)
        catalogs.invalidate(GUILD)


def marks(tmp_path: Path, service, version: str | None = None) -> CheckedMarks:
    data_version = version or service.engine.data_version
    return CheckedMarks(tmp_path / "checked.db", data_version, service.catalog)


def test_a_command_checked_when_stored_is_loaded_not_checked_again(
    tmp_path: Path, service, store: StateStore, closed_db: StatsDB
) -> None:
    stored_by_moderators(
        store, GuildCatalogs(service.catalog, service.db, store, marks=marks(tmp_path, service))
    )
    restarted = GuildCatalogs(service.catalog, closed_db, store, marks=marks(tmp_path, service))
    catalog = restarted.catalog(GUILD)
    assert set(NAMES) <= set(catalog.commands)
    assert catalog.problems == []
    answer = service.engine.ask("server query 1 words 2020", catalog)
    assert answer.command == "server-query-1"


def test_a_new_data_version_checks_every_command_again(
    tmp_path: Path, service, store: StateStore, closed_db: StatsDB
) -> None:
    stored_by_moderators(
        store, GuildCatalogs(service.catalog, service.db, store, marks=marks(tmp_path, service))
    )
    newer = GuildCatalogs(
        service.catalog, closed_db, store, marks=marks(tmp_path, service, "9999.01.1")
    )
    catalog = newer.catalog(GUILD)
    assert not set(NAMES) & set(catalog.commands)  # checking needs the (closed) database
    assert {problem.file for problem in catalog.problems} == set(NAMES)


def test_commands_stored_without_a_check_are_checked_once_at_first_use(
    tmp_path: Path, service, store: StateStore, closed_db: StatsDB
) -> None:
    for name in NAMES:
        store.add(GUILD, name, commands_for(name), user_id=7)
    first = GuildCatalogs(service.catalog, service.db, store, marks=marks(tmp_path, service))
    assert set(NAMES) <= set(first.catalog(GUILD).commands)
    later = GuildCatalogs(service.catalog, closed_db, store, marks=marks(tmp_path, service))
    assert set(NAMES) <= set(later.catalog(GUILD).commands)


def test_compiled_catalogs_are_bounded_least_recently_used_first(service, store) -> None:
    catalogs = GuildCatalogs(service.catalog, service.db, store, keep=2)
    for guild in (1, 2):
        catalogs.catalog(guild)
    assert catalogs.cached(1) is not None  # used again: now the most recent
    catalogs.catalog(3)
    assert catalogs.cached(2) is None
    assert catalogs.cached(1) is not None and catalogs.cached(3) is not None
