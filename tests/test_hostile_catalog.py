"""The hostile catalog: what a moderator (or a pull request) could send, and how each is refused.

Four classes, each refused by the one validator that `immistats commands check` and
`/commands add` share: files of the wrong shape (skipped with their reason, never fatal to the other
commands), queries whose rows the engine could not answer from, names and aliases that would take
another command's questions, and SQL that reaches past the read-only sandbox (tests/
test_moderation.py). The statistics database comes out unchanged byte for byte.
"""

import hashlib
import shutil

import pytest

from bot.app.client import create_bot
from bot.engine.catalog import load_catalog
from bot.engine.checks import check_catalog
from bot.engine.service import start
from bot.guilds.moderation import validate, with_commands
from tests.conftest import COMMANDS
from tests.standin import slash_payload
from tests.test_discord_moderation import moderator
from tests.test_moderation import HOSTILE_SQL, toml

GOOD = toml()


def replaced(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def added(line: str) -> str:
    """The good file with one more top-level key (before any table)."""
    return GOOD.replace('unit = "cases"\n', f'unit = "cases"\n{line}\n', 1)


# ----- 1. Files of the wrong shape: (text, words the reason must hold)

MALFORMED = [
    (added("aggregate = []"), "`aggregate` must be one of `none`, `sum`, not a list"),
    (added('aggregate = "average"'), "`aggregate` must be one of"),
    (added("aggregate = {}"), "`aggregate` must be one of"),
    (added("aggregate = 1"), "`aggregate` must be one of"),
    (added('series = ["month"]'), "`series` must be one of"),
    (added('series = "weekly"'), "`series` must be one of"),
    (added("series = true"), "`series` must be one of"),
    (added("metric = []"), "`metric` must be a text, not a list"),
    (added("metric = { id = 'x' }"), "`metric` must be a text, not a table"),
    (added("metric = 3"), "`metric` must be a text, not a number"),
    (added("definition = ['a']"), "`definition` must be a text"),
    (added("definition = 1979-05-27"), "`definition` must be a text, not a date"),
    (added("caveats = 'one caveat'"), "`caveats` must be a list of texts"),
    (added("caveats = [1, 2]"), "`caveats` must be a list of texts"),
    (added("caveats = [['nested']]"), "`caveats` must be a list of texts"),
    (added("examples = { a = 1 }"), "`examples` must be a list of texts"),
    (added("examples = ['']"), "`examples` has an empty entry"),
    (added("related_metrics = 'ice_removals'"), "`related_metrics` must be a list of texts"),
    (added("related_metrics = [" + ", ".join(['"x"'] * 11) + "]"), "more than 10 entries"),
    (replaced('name = "ice-removals-test"', "name = ['x']"), "`name` must be a text, not a list"),
    (replaced('name = "ice-removals-test"', 'name = "Bad Name"'), "`name` may hold only"),
    (replaced('name = "ice-removals-test"', 'name = "x"'), "`name` may hold only"),
    (replaced('name = "ice-removals-test"', 'name = "' + "a" * 50 + '"'), "longer than 41"),
    (replaced('title = "Test query"', "title = { text = 'x' }"), "`title` must be a text"),
    (replaced('title = "Test query"', 'title = "   "'), "`title` must not be empty"),
    (replaced('title = "Test query"', 'title = "' + "t" * 201 + '"'), "longer than 200"),
    (replaced('aliases = ["ice test removals"]', "aliases = []"), "at least one entry"),
    (replaced('aliases = ["ice test removals"]', 'aliases = "one"'), "`aliases` must be a list"),
    (replaced('aliases = ["ice test removals"]', "aliases = [[[[[]]]]]"), "deeper than"),
    (replaced('aliases = ["ice test removals"]', 'aliases = ["' + "w" * 201 + '"]'), "200"),
    (replaced('unit = "cases"', "unit = []"), "`unit` must be a text, not a list"),
    (replaced('unit = "cases"', "unit = 7"), "`unit` must be a text, not a number"),
    (replaced('headline = "{value} cases in {period}"', "headline = []"), "`headline` must be"),
    (replaced('headline = "{value} cases in {period}"', 'headline = "{period}"'), "{value}"),
    (replaced('headline = "{value} cases in {period}"', 'headline = "{value} {0}"'), "{0}"),
    (replaced('sources = ["ice_fy2023_annual_report_release"]', "sources = []"), "`sources` needs"),
    (replaced('sources = ["ice_fy2023_annual_report_release"]', 'sources = "x"'), "`sources` must"),
    (replaced('sources = ["ice_fy2023_annual_report_release"]', "sources = [1]"), "`sources` must"),
    (GOOD + "[chart]\nkind = []\n", "`chart.kind` must be one of `bar`, `line`, not a list"),
    (GOOD + "[chart]\nkind = 'pie'\n", "`chart.kind` must be one of"),
    (GOOD + "[chart]\ncolour = 'red'\n", "unknown chart key(s): ['colour']"),
    (added("chart = 'bar'"), "`chart` must be a table, not a text"),
    (added("params = []"), "`params` must be a table, not a list"),
    (GOOD + "[params]\nyear = 'fiscal_year'\n", "`params.year` must be a table, not a text"),
    (GOOD + "[params.year]\ntype = []\n", "`params.year.type` must be one of"),
    (GOOD + "[params.year]\ntype = 'weekday'\n", "`params.year.type` must be one of"),
    (GOOD + "[params.year]\nkind = 'fiscal_year'\n", "`params.year.type` must be one of"),
    (GOOD + "[params.region]\ntype = 'choice'\n", "needs a `choices` table"),
    (GOOD + "[params.region]\ntype = 'choice'\nchoices = ['a']\n", "must be a table"),
    (
        GOOD + "[params.region]\ntype = 'choice'\n[params.region.choices]\na = 'word'\n",
        "`params.region.choices.a` must be a list of texts",
    ),
    (
        GOOD
        + "[params.region]\ntype = 'choice'\nrequired = 'yes'\n[params.region.choices]\na = []\n",
        "`params.region.required` must be true or false",
    ),
    (
        GOOD + "[params.region]\ntype = 'choice'\ndefault = 'z'\n[params.region.choices]\na = []\n",
        "default 'z' of `region` is not one of its choices",
    ),
    (
        GOOD
        + "[params.region]\ntype = 'choice'\ndefault = ['a']\n[params.region.choices]\na = []\n",
        "`params.region.default` must be a text",
    ),
    (
        GOOD + "[params.region]\ntype = 'choice'\n[params.region.choices]\na = []\n",
        "parameter `region` is declared but the SQL never uses it",
    ),
    (GOOD + "[params.'bad name']\ntype = 'fiscal_year'\n", "needs a name of letters"),
    (GOOD.replace("is_preferred = 1", "is_preferred = :p"), "no parameter `p` is declared"),
    (GOOD.replace("is_preferred = 1", "is_preferred = ?"), "named parameters"),
    (added("colour = 'red'"), "unknown key(s): ['colour']"),
    (added("a = { b = { c = { d = { e = { f = 1 } } } } }"), "`a` nests lists or tables deeper"),
    (added("aliases2 = " + "[" * 300 + "]" * 300), "`aliases2` nests lists or tables deeper"),
    (added("aliases = " + "[" * 2000 + "]" * 2000), "nested too deeply"),
    (added("caveats = " + "[" * 6 + "'x'" + "]" * 6), "deeper than a command needs"),
    ("name = [", "not valid TOML"),
    ('name = "a"\nname = "b"\n', "not valid TOML"),
    ("\x00", "not valid TOML"),
    ("", "`name` is missing"),
    ("[[name]]\n", "`name` must be a text, not a list"),
]


@pytest.mark.parametrize(("text", "reason"), MALFORMED)
def test_a_malformed_file_is_skipped_with_its_reason_and_the_rest_load(tmp_path, text, reason):
    (tmp_path / "a-bad.toml").write_text(text, encoding="utf-8")
    (tmp_path / "b-good.toml").write_text(toml(name="good-one", aliases='"good words"'))
    catalog = load_catalog(tmp_path)
    assert list(catalog.commands) == ["good-one"]
    reasons = [p.reason for p in catalog.problems if p.file == "a-bad.toml"]
    assert any(reason in r for r in reasons), reasons
    assert all(p.line >= 1 for p in catalog.problems)


@pytest.mark.parametrize(("text", "reason"), MALFORMED)
def test_a_malformed_file_is_refused_on_discord_with_the_same_reason(service, text, reason):
    verdict = validate(text, service.catalog, service.db)
    assert not verdict.ok
    assert any(reason in problem for problem in verdict.problems), verdict.problems


# ----- 2. Rows the engine could not answer from: (SQL, words the reason must hold)


def row(period: str = "'FY2020'", value: str = "1", **more: str) -> str:
    extra = "".join(f", {sql} as {column}" for column, sql in more.items())
    return f"select {period} as period, {value} as value{extra}"


BAD_ROWS = [
    (row(value="'many'"), "`value` must be a number, not the text 'many'"),
    (row(value="'12'"), "`value` must be a number, not the text '12'"),
    (row(value="x'00ff'"), "`value` must be a number, not a blob"),
    (row(value="9e999"), "not a finite number"),
    (row(value="-9e999"), "not a finite number"),
    (row(value="1e16"), "not a finite number within"),
    (row(value="-1e300"), "not a finite number within"),
    (row(value="10000000000000000"), "not a finite number within"),
    (row(period="'garbage'"), "`period` must be a period like FY2023"),
    (row(period="'FY0'"), "not the text 'FY0'"),
    (row(period="'2023-13'"), "not the text '2023-13'"),
    (row(period="'2023-00'"), "`period` must be a period"),
    (row(period="'FY2024-FY2020'"), "`period` must be a period"),
    (row(period="'fy2023'"), "`period` must be a period"),
    (row(period="' FY2023'"), "`period` must be a period"),
    (row(period="'FY2023 '"), "`period` must be a period"),
    (row(period="''"), "`period` must be a period"),
    (row(period="2023"), "`period` must be a period like FY2023, FY2021-FY2024, CY2023 or 2024-05"),
    (row(period="2023.5"), "`period` must be a period"),
    (row(period="x'46593230'"), "not a blob"),
    (row(period="'FY0000'"), "outside the years 1800-2200"),
    (row(period="'FY9999'"), "outside the years"),
    (row(period="'CY0001'"), "outside the years"),
    (row(period="'0001-05'"), "outside the years"),
    (row(period="printf('%-500s', 'FY2020')"), "`period` must be a period"),
    (row(months="'twelve'"), "`months` must be a whole number from 0 to 12"),
    (row(months="13"), "`months` must be a whole number"),
    (row(months="-1"), "`months` must be a whole number"),
    (row(months="9e999"), "`months` must be a whole number"),
    (row(months="6.5"), "`months` must be a whole number"),
    (row(partial_through="2023"), "`partial_through` must be a text"),
    (row(partial_through="'soon'"), "`partial_through` must be a period"),
    (row(last_month="'2023-13'"), "`last_month` must be a period"),
    (row(source_id="42"), "`source_id` must be a text"),
    (row(source_id="'no-such-source'"), "'no-such-source' is not a known source id"),
    (row(flags="x'00'"), "`flags` must be a text, not a blob"),
    (row(as_of="20240501"), "`as_of` must be a text"),
    (row() + " union all " + row(period="'nonsense'"), "row 2: `period`"),
    (row() + " union all " + row(value="'n/a'"), "row 2: `value`"),
    ("select period, value from figures where 0", "no rows with its defaults"),
    ("select NULL as period, 1 as value", "no row with both a period and a value"),
    ("select 'FY2020' as period, NULL as value", "no row with both a period and a value"),
    ("select 'FY2020' as period", "must return column(s) ['value']"),
    ("select 1 as value", "must return column(s) ['period']"),
]


@pytest.mark.parametrize(("sql", "reason"), BAD_ROWS)
def test_rows_the_engine_cannot_read_are_refused_on_both_paths(tmp_path, service, sql, reason):
    text = toml(sql)
    verdict = validate(text, service.catalog, service.db)
    assert not verdict.ok and any(reason in p for p in verdict.problems), verdict.problems
    (tmp_path / "rows.toml").write_text(text)
    problems = check_catalog(load_catalog(tmp_path), service.db)
    assert any(reason in p.reason for p in problems), problems  # `immistats commands check`


def test_a_choice_whose_rows_are_bad_is_refused_naming_the_choice(service):
    text = (
        toml(
            "select * from (select 'FY2020' as period, 1 as value, 'a' as k union all "
            "select 'garbage', 2, 'b') where k = :k"
        )
        + "[params.k]\ntype = 'choice'\ndefault = 'a'\n[params.k.choices]\na = ['ay']\nb = ['bee']\n"
    )
    verdict = validate(text, service.catalog, service.db)
    assert not verdict.ok
    assert verdict.problems == [
        "line 7: row 1: `period` must be a period like FY2023, FY2021-FY2024, CY2023 or 2024-05, "
        "not the text 'garbage' (with k = 'b')"
    ]


def test_an_unknown_metric_is_refused_on_discord_as_in_commands_check(service):
    verdict = validate(added('metric = "no_such_metric"'), service.catalog, service.db)
    assert verdict.problems == ["line 5: unknown metric 'no_such_metric'"]


# ----- 3. Words another command answers: (name, aliases) as a moderator would write them

SHADOWING_ALIASES = [
    '"the terminations"',
    '"Terminations, the"',
    '"terminations?"',
    '"TERMINATIONS"',
    '"termination"',
    '"terminations."',
    '"the termination of"',
    '"an asylum termination"',
    '"terminations asylum"',
    '"asylum-terminations"',
    '"asylum_terminations"',
    '"asylum/terminations"',
    '"Asylum  Terminations!!"',
    '"cases terminated asylum"',
    '"immigration court backlog."',
    '"the immigration court backlog"',
    '"backlog of the immigration court"',
    '"court immigration backlog"',
    '"Backlogs"',
    '"pending cases in the court"',
    '"encounter"',
    '"border encounter"',
    '"encounters at the border"',
    '"crossings, illegal border"',
    '"the dismissals"',
    '"closed without decision"',
    '"ice test words", "terminations"',
]


@pytest.mark.parametrize("aliases", SHADOWING_ALIASES)
def test_an_alias_a_built_in_answers_is_refused(service, aliases):
    verdict = validate(toml(aliases=aliases), service.catalog, service.db)
    assert not verdict.ok
    assert any("is already used by" in p for p in verdict.problems), verdict.problems


SHADOWING_NAMES = [
    ("backlog", "the name 'backlog' is already taken"),
    ("encounters", "the name 'encounters' is already taken"),
    ("terminations", "is already used by 'asylum-terminated'"),
    ("terminated-asylum", "the name 'terminated-asylum' is already taken"),
    ("the-backlog", "the name 'the-backlog' is already taken"),
    ("backlogs", "the name 'backlogs' is already taken"),
    ("asylum-terminated-monthly", "month questions of the built-in 'asylum-terminated'"),
    ("backlog-monthly", "month questions of the built-in 'backlog'"),
    ("ice-removals-monthly", "month questions of the built-in 'ice-removals'"),
    ("encounters-monthly", "the name 'encounters-monthly' is already taken"),
]


@pytest.mark.parametrize(("name", "reason"), SHADOWING_NAMES)
def test_a_name_a_built_in_answers_or_its_monthly_sibling_is_refused(service, name, reason):
    verdict = validate(toml(name=name, aliases='"fresh words here"'), service.catalog, service.db)
    assert not verdict.ok
    assert any(reason in p for p in verdict.problems), verdict.problems


def test_a_server_may_add_a_monthly_sibling_to_its_own_command(service):
    own = validate(toml(name="my-removals", aliases='"my removals"'), service.catalog, service.db)
    guild = with_commands(service.catalog, [own.command])
    sibling = toml(name="my-removals-monthly", aliases='"my removals by month"')
    assert validate(sibling, guild, service.db).ok


def test_a_refused_alias_would_have_taken_the_built_in_answer(service):
    """Why the words must be compared as the reader reads them: without the check, the server's
    alias 'the terminations' would answer 'terminations in 2023' with ICE removals."""
    text = toml(aliases='"the terminations"')
    command = validate(text, service.catalog, service.db).command
    assert command is not None  # parsed; refused only for the words
    assert service.engine.ask("terminations in 2023").command == "asylum-terminated"


# ----- 4. SQL past the sandbox: tests/test_moderation.py's HOSTILE_SQL, and resource hogs here

# (Limits on columns, rows and bytes are the database door's: tests/test_db_sandbox.py.)
RESOURCE_SQL = [
    "select printf('%999990s', 'x') as period, 1 as value",
    "select 'FY2020' as period, zeroblob(1000000) as value",
    "select randomblob(1000000) as period, 1 as value",
    "select 'FY' || (1900 + value) as period, 1 as value from figures",
    "select 'FY2020' as period, 1 as value union all " * 60 + "select 'FY2020', 1",
    "select 'FY2020' as period, length(hex(randomblob(100000))) * 1e12 as value",
    "select group_concat(period) as period, sum(value) as value from figures",
]


@pytest.mark.parametrize("sql", RESOURCE_SQL)
def test_a_query_too_big_to_answer_from_is_refused(service, sql):
    verdict = validate(toml(sql), service.catalog, service.db)
    assert not verdict.ok and verdict.problems


def test_the_hostile_catalog_holds_every_class_and_at_least_150_cases():
    classes = [MALFORMED, BAD_ROWS, SHADOWING_ALIASES, SHADOWING_NAMES, RESOURCE_SQL, HOSTILE_SQL]
    assert all(len(cases) >= 7 for cases in classes)
    assert sum(len(cases) for cases in classes) >= 150


def test_the_database_is_unchanged_by_the_whole_catalog(service, built_db):
    before = hashlib.sha256(built_db.read_bytes()).hexdigest()
    for text, _ in MALFORMED:
        validate(text, service.catalog, service.db)
    for sql in [s for s, _ in BAD_ROWS] + RESOURCE_SQL:
        validate(toml(sql), service.catalog, service.db)
    assert hashlib.sha256(built_db.read_bytes()).hexdigest() == before


def test_immistats_ask_answers_beside_a_malformed_file(tmp_path, built_db):
    """The issue's crash: `aggregate = []` in commands/ stopped `immistats ask` and the bot."""
    folder = tmp_path / "commands"
    shutil.copytree(COMMANDS, folder)
    (folder / "zz-broken.toml").write_text(added("aggregate = []"))
    (folder / "zz-table.toml").write_text(replaced('unit = "cases"', "unit = { a = 1 }"))
    running = start(built_db, folder)
    try:
        answer = running.engine.ask("terminations in 2023")
        assert answer.command == "asylum-terminated" and answer.value is not None
        files = {p.file for p in check_catalog(running.catalog, running.db)}
        assert files == {"zz-broken.toml", "zz-table.toml"}
    finally:
        running.close()


async def test_the_bot_starts_beside_a_malformed_file_and_lists_it(
    standin, logged_in, built_db, tmp_path
):
    """The bot starts, answers, and `/commands list` names the skipped file with its reason."""
    folder = tmp_path / "commands"
    shutil.copytree(COMMANDS, folder)
    (folder / "zz-broken.toml").write_text(added("aggregate = []"))
    running = start(built_db, folder)
    try:
        bot = await logged_in(create_bot(running, state_path=tmp_path / "state.db"))
        asked = await standin.send(bot, slash_payload("ask", {"question": "terminations in 2023"}))
        assert asked.final.embed["title"].startswith("149,305")
        listed = await standin.send(bot, moderator("list"))
        (field,) = listed.final.embed["fields"]
        assert field["name"] == "Built-in files skipped (fix them in commands/)"
        assert "`zz-broken.toml` line 5: `'aggregate' must be one of" in field["value"]
    finally:
        running.close()
