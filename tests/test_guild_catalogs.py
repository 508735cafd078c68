"""Server catalogs: a stored command is checked when stored and once per data version, then only
loaded; compiled catalogs are kept up to a bound, least recently used dropped first; a built-in
added later never takes a stored command's words; a server's words are the built-in ones and its
own."""

from dataclasses import replace
from pathlib import Path

import pytest

from bot.engine.catalog import Catalog
from bot.engine.catalog_words import catalog_words, extends
from bot.engine.db import StatsDB
from bot.guilds.catalogs import GuildCatalogs
from bot.guilds.checked import CheckedMarks
from bot.guilds.hidden import hidden_built_ins
from bot.guilds.moderation import built_in
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


# ----- a built-in command added after a server's command that shares its words


def newer_base(service, **built_ins: tuple[str, ...]) -> Catalog:
    """The built-in catalog of a later release: new commands `name=aliases`, each a copy of the
    ICE removals command under its own title, as its commands/ file would be loaded."""
    template = service.catalog.commands["ice-removals"]
    added = {
        name: replace(
            template,
            name=name,
            title=f"New built-in {name}",
            aliases=aliases,
            path=Path(f"{name}.toml"),
        )
        for name, aliases in built_ins.items()
    }
    return Catalog(service.catalog.commands | added, [])


def upgraded(service, store: StateStore, tmp_path: Path) -> GuildCatalogs:
    """After an upgrade: `server-query-0`'s name and `server-query-1`'s alias are built-in now."""
    base = newer_base(
        service,
        **{
            "server-query-0": ("server query 0 words", "new built in zero"),
            "new-built-in": ("new built in one", "server query 1 words"),
        },
    )
    return GuildCatalogs(base, service.db, store, marks=CheckedMarks(None, "", base))


def test_a_built_in_added_later_is_hidden_where_a_stored_command_has_its_words(
    tmp_path: Path, service, store: StateStore
) -> None:
    stored_by_moderators(store, GuildCatalogs(service.catalog, service.db, store))
    catalogs = upgraded(service, store, tmp_path)
    catalog = catalogs.catalog(GUILD)
    assert catalog.problems == []
    assert hidden_built_ins(catalog) == {
        "server-query-0": ("server-query-0",),
        "server-query-1": ("new-built-in",),
    }
    assert set(NAMES) <= set(catalog.commands) and "new-built-in" not in catalog.commands
    assert not built_in(catalog.commands["server-query-0"])  # /run server-query-0: the server's
    engine = service.engine
    for question, name in (
        ("server query 0 words 2020", "server-query-0"),
        ("server query 1 words 2020", "server-query-1"),
    ):
        answer = engine.ask(question, catalog)
        assert (answer.command, answer.title) == (name, "Test query")
    for question in ("new built in zero 2020", "new built in one 2020"):  # hidden by every name
        assert not engine.ask(question, catalog).title.startswith("New built-in")
    elsewhere = catalogs.catalog(GUILD + 1)
    assert hidden_built_ins(elsewhere) == {}
    assert engine.ask("server query 1 words 2020", elsewhere).command == "new-built-in"
    assert engine.ask("server query 0 words 2020", elsewhere).title.startswith("New built-in")


def test_a_new_command_never_takes_a_built_ins_words_even_one_hidden_here(
    tmp_path: Path, service, store: StateStore
) -> None:
    stored_by_moderators(store, GuildCatalogs(service.catalog, service.db, store))
    catalogs = upgraded(service, store, tmp_path)
    checking = catalogs.checking(GUILD)
    for name, aliases in (
        ("new-built-in", '"some other words"'),
        ("another-query", '"new built in one"'),
        ("another-query", '"new built in zero"'),
    ):
        verdict = catalogs.validate(GUILD, toml(name=name, aliases=aliases), checking)
        assert not verdict.ok and "already" in " ".join(verdict.problems), (name, aliases)
    # editing a command that hides a built-in keeps its words; it takes no new ones
    keeping = toml(name="server-query-1", aliases='"server query 1 words", "more words"')
    editing = catalogs.checking(GUILD, "server-query-1")
    assert catalogs.validate(GUILD, keeping, editing, replacing="server-query-1").ok
    taking = toml(name="server-query-1", aliases='"server query 1 words", "new built in zero"')
    assert not catalogs.validate(GUILD, taking, editing, replacing="server-query-1").ok


def test_a_name_paired_with_a_built_in_for_month_questions_is_refused_or_hides_it(
    service, store: StateStore
) -> None:
    catalogs = GuildCatalogs(service.catalog, service.db, store)
    for name, said in (
        ("encounters-monthly", "would answer the month questions of the built-in 'encounters'"),
        ("dhs-removals", "would send its month questions to the built-in 'dhs-removals-monthly'"),
    ):
        text = toml(name=name, aliases=f'"{name} test words"')
        verdict = catalogs.validate(GUILD, text, catalogs.checking(GUILD))
        assert said in " ".join(verdict.problems)
        store.add(GUILD, name, text, user_id=7)  # as if stored before that built-in came
    catalogs.invalidate(GUILD)
    catalog = catalogs.catalog(GUILD)
    assert hidden_built_ins(catalog) == {
        "dhs-removals": ("dhs-removals", "dhs-removals-monthly"),
        "encounters-monthly": ("encounters-monthly", "encounters"),
    }
    assert "encounters" not in catalog.commands and "dhs-removals-monthly" not in catalog.commands


def test_a_server_catalogs_words_are_the_built_in_words_and_its_own(
    service, store: StateStore
) -> None:
    """Gathered from the built-in catalog's, they equal the words gathered from every command."""
    stored_by_moderators(store, GuildCatalogs(service.catalog, service.db, store))
    filler = service.engine.vocabulary.filler
    base = service.catalog
    # a server's own command with breakdown words (a copy of encounters under another name)
    own = replace(base.commands["encounters"], name="own-encounters", aliases=("own words",))
    extended = Catalog(base.commands | {own.name: own}, [])
    extends(extended, base, [own])
    catalogs = (
        GuildCatalogs(base, service.db, store).catalog(GUILD),  # built-in + own
        upgraded(service, store, Path()).catalog(GUILD),  # some built-ins hidden
        extended,
    )
    for catalog in catalogs:
        words = catalog_words(catalog, filler)
        fresh = catalog_words(Catalog(dict(catalog.commands), []), filler)
        assert words.choices == fresh.choices and words.measures == fresh.measures
    assert "server" in catalog_words(catalogs[0], filler).measures
    assert "own" in catalog_words(extended, filler).measures
    assert (
        catalog_words(extended, filler).choices.keys() == catalog_words(base, filler).choices.keys()
    )
    wrong = Catalog(dict(base.commands), [])  # not base + [own]: said of it, ignored
    extends(wrong, base, [own])
    assert "own" not in catalog_words(wrong, filler).measures
