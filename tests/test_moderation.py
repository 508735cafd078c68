"""A moderator's prepared query: validated like a command file, refused when hostile or shadowing.

The hostile catalog runs against the real statistics database, which must come out unchanged byte
for byte.
"""

import hashlib

import pytest

from bot.guilds.moderation import MAX_TOML, validate, with_commands

TEMPLATE = '''name = "{name}"
title = "Test query"
aliases = [{aliases}]
unit = "cases"
headline = "{{value}} cases in {{period}}"
sources = ["ice_fy2023_annual_report_release"]
sql = """{sql}"""
'''
GOOD_SQL = (
    "select period, value, source_id from figures where metric = 'ice_removals' "
    "and is_preferred = 1 order by fiscal_year"
)


def toml(
    sql: str = GOOD_SQL, name: str = "ice-removals-test", aliases: str = '"ice test removals"'
):
    return TEMPLATE.format(name=name, aliases=aliases, sql=sql.replace('"""', "'''"))


HOSTILE_SQL = [
    "insert into figures (metric) values ('x')",
    "update figures set value = 0",
    "delete from figures",
    "drop table figures",
    "create table x (a)",
    "create temp table x (a)",
    "create temp view v as select 1",
    "create index i on figures (value)",
    "alter table figures add column x",
    "attach database '/tmp/evil.db' as evil",
    "detach database main",
    "pragma writable_schema = 1",
    "pragma table_info(figures)",
    "select * from pragma_table_info('figures')",
    "select load_extension('/tmp/evil.so') as period, 1 as value",
    "select randomblob(1000000000) as period, 1 as value",
    "select zeroblob(1000000000) as period, 1 as value",
    "select hex(zeroblob(100000000)) as period, 1 as value",
    "select period, value from figures; drop table figures",
    "select period, value from figures; select 1",
    "with recursive c(x) as (select 1 union all select x + 1 from c) "
    "select count(*) as value, 'FY2023' as period from c",
    "select name as period, 1 as value from sqlite_master",
    "select sql as period, 1 as value from sqlite_schema",
    "vacuum into '/tmp/evil-copy.db'",
    "reindex",
    "analyze",
    "begin transaction",
    "select period, value from nowhere",
    "select period, value from figures where metric = ?",
    "select readfile('/etc/passwd') as period, 1 as value",
    "select period, value from figures where metric = :undeclared",
    "select 1 as period",
    "select period, value from figures where metric = 'no-such-metric'",
    "select sqlite_version() as period, 1 as value",
    "select period, value from main.figures, temp.sqlite_temp_master",
]


def test_the_hostile_catalog_is_large_enough():
    assert len(HOSTILE_SQL) >= 30


@pytest.mark.parametrize("sql", HOSTILE_SQL)
def test_every_hostile_query_is_refused_and_changes_nothing(service, built_db, sql):
    before = hashlib.sha256(built_db.read_bytes()).hexdigest()
    verdict = validate(toml(sql), service.catalog, service.db)
    assert not verdict.ok
    assert verdict.problems and all(isinstance(p, str) and p for p in verdict.problems)
    assert hashlib.sha256(built_db.read_bytes()).hexdigest() == before


def test_a_good_query_passes(service):
    verdict = validate(toml(), service.catalog, service.db)
    assert verdict.ok, verdict.problems
    assert verdict.command.name == "ice-removals-test"


def test_names_and_aliases_may_not_shadow_built_in_commands(service):
    taken = validate(toml(name="backlog"), service.catalog, service.db)
    assert "the name 'backlog' is already taken" in taken.problems
    alias = validate(toml(aliases='"terminations"'), service.catalog, service.db)
    assert "the alias 'terminations' is already used by 'asylum-terminated'" in alias.problems


def test_shadowing_reads_words_as_the_built_in_catalog_does(service):
    """One normaliser for both: case, punctuation and a plural 's' make no new words."""
    plural = validate(toml(aliases='"Termination!"'), service.catalog, service.db)
    assert plural.problems == [
        "the alias 'Termination!' is already used by 'asylum-terminated' (its alias 'terminations')"
    ]
    named = validate(toml(name="terminations"), service.catalog, service.db)
    assert named.problems == [
        "the name 'terminations' is already used by 'asylum-terminated' (its alias 'terminations')"
    ]


def test_a_headline_placeholder_nothing_fills_is_refused(service):
    text = toml().replace("{period}", "{perod}")
    verdict = validate(text, service.catalog, service.db)
    assert verdict.command is None
    assert verdict.problems == [
        "line 5: 'headline' has {perod}, which nothing fills (it may use {value}, {period}, {unit})"
    ]


def test_a_file_with_retired_keys_is_accepted_and_says_what_is_ignored(service):
    old = toml().replace('title = "', 'description = "An old key."\ntitle = "', 1)
    old += '\n[params.year]\ntype = "fiscal_year"\ndefault = "latest"\n\n[chart]\nx = "period"\n'
    verdict = validate(old, service.catalog, service.db)
    assert verdict.ok, verdict.problems
    assert verdict.command.retired == ("description", "chart.x", "params.year.default")


def test_a_guild_command_answers_through_ask(service):
    verdict = validate(toml(), service.catalog, service.db)
    guild = with_commands(service.catalog, [verdict.command])
    answer = service.engine.ask("ice test removals 2020", guild)
    assert answer.command == "ice-removals-test" and answer.value == 185_884
    assert service.engine.ask("ice test removals 2020").command != "ice-removals-test"
    other = validate(toml(name="other", aliases='"ice test removals"'), guild, service.db)
    assert other.problems == [
        "the alias 'ice test removals' is already used by 'ice-removals-test' "
        "(its name 'ice-removals-test')"  # the same words in another order
    ]


def test_editing_keeps_the_name_and_may_keep_its_own_aliases(service):
    verdict = validate(toml(), service.catalog, service.db)
    guild = with_commands(service.catalog, [verdict.command])
    edited = validate(toml(), guild, service.db, replacing="ice-removals-test")
    assert edited.ok, edited.problems
    renamed = validate(toml(name="renamed"), guild, service.db, replacing="ice-removals-test")
    assert renamed.problems == ["the name must stay 'ice-removals-test' when editing"]


def test_input_length_is_bounded(service):
    verdict = validate("x" * (MAX_TOML + 1), service.catalog, service.db)
    assert verdict.problems == [f"the file is longer than {MAX_TOML:,} characters"]
