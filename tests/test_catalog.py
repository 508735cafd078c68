"""Prepared queries: the shipped catalog is sound, and a bad file is reported and skipped."""

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from bot.engine.catalog import Catalog, Command, load_catalog, phrase_key
from bot.engine.checks import check_catalog, stand_in_problems
from bot.engine.command_schema import FILLED, parse_command
from tests.conftest import COMMANDS

GOOD = """name = "{name}"
title = "Test"
aliases = [{aliases}]
unit = "cases"
headline = "{{value}} cases in {{period}}"
sources = ["trac_r742"]
sql = \"\"\"{sql}\"\"\"
"""
FIGURES_SQL = "select period, value from figures where metric = 'ice_removals' and is_preferred = 1"


def write(folder, name, text):
    (folder / f"{name}.toml").write_text(text)


def test_shipped_catalog_has_no_problems(service):
    assert check_catalog(service.catalog, service.db) == []


def test_every_metric_is_served_by_some_command(service):
    metrics = {row[0] for row in service.db.query("select id from metrics", {}).rows}
    sql = " ".join(c.sql for c in service.catalog)
    unserved = {m for m in metrics if f"'{m}'" not in sql}
    monthly_tables = {"cbp_encounters", "cbp_southwest_encounters", "usbp_apprehensions_monthly"}
    monthly_tables.add("usbp_encounters_ohss")
    assert unserved <= monthly_tables
    tables = " ".join(c.sql for c in service.catalog)
    for table in ("cbp_encounters_by_category", "cbp_southwest_monthly", "usbp_monthly_by_region"):
        assert table in tables
    assert "usbp_ohss_monthly_citizenship" in tables and "usbp_ohss_monthly_sector" in tables


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name = [", "not valid TOML"),
        (GOOD.format(name="Bad Name", aliases='"x"', sql=FIGURES_SQL), "`name` may hold only"),
        (
            GOOD.format(name="no-aliases", aliases="", sql=FIGURES_SQL),
            "`aliases` needs at least one entry",
        ),
        (
            GOOD.format(name="undeclared", aliases='"u"', sql=FIGURES_SQL + " and period = :year"),
            "uses :year but no parameter `year` is declared",
        ),
        (
            GOOD.format(name="positional", aliases='"p"', sql=FIGURES_SQL + " and period = ?"),
            "named parameters",
        ),
        (
            GOOD.replace("{{value}}", "").format(name="nv", aliases='"n"', sql=FIGURES_SQL),
            "{value}",
        ),
        (
            GOOD.replace("{{period}}", "{{perod}}").format(
                name="typo", aliases='"t"', sql=FIGURES_SQL
            ),
            "'headline' has {perod}, which nothing fills (it may use {value}, {period}, {unit})",
        ),
        (
            GOOD.format(name="period-default", aliases='"d"', sql=FIGURES_SQL)
            + '[params.year]\ntype = "fiscal_year"\nrequired = true\n',
            "unknown key(s) of parameter `year`: ['required']",
        ),
    ],
)
def test_a_bad_file_is_reported_with_file_line_reason_and_skipped(tmp_path, text, reason):
    write(tmp_path, "bad", text)
    write(tmp_path, "good", GOOD.format(name="good", aliases='"removals test"', sql=FIGURES_SQL))
    catalog = load_catalog(tmp_path)
    assert list(catalog.commands) == ["good"]
    assert len(catalog.problems) >= 1
    problem = catalog.problems[0]
    assert problem.file == "bad.toml" and problem.line >= 1 and reason in problem.reason


def test_problem_points_at_the_line_of_the_key(tmp_path):
    text = GOOD.format(name="bad-sql", aliases='"x"', sql=FIGURES_SQL + " and period = :year")
    write(tmp_path, "bad-sql", text)
    (problem,) = load_catalog(tmp_path).problems
    assert (
        problem.line
        == text.splitlines().index('sql = """' + FIGURES_SQL + ' and period = :year"""') + 1
    )


@pytest.mark.parametrize(
    ("first", "second", "said"),
    [
        ('"same words"', '"Same  words"', "alias 'Same  words'"),
        ('"asylum cases closed"', '"Asylum-cases, closed!"', "alias 'Asylum-cases, closed!'"),
        ('"encounters"', '"encounter"', "alias 'encounter'"),  # the engine reads them as one
        ('"aa"', '"other words", "A.A."', "alias 'A.A.'"),  # an alias another file's name answers
    ],
)
def test_words_another_file_answers_are_refused_naming_both_files(tmp_path, first, second, said):
    write(tmp_path, "a", GOOD.format(name="aa", aliases=first, sql=FIGURES_SQL))
    write(tmp_path, "b", GOOD.format(name="bb", aliases=second, sql=FIGURES_SQL))
    catalog = load_catalog(tmp_path)
    assert list(catalog.commands) == ["aa"]  # the second is not loaded: one command per phrase
    (problem,) = catalog.problems
    assert problem.file == "b.toml" and problem.line == 3
    assert problem.reason.startswith(f"{said} is already answered by a.toml (")


def test_a_name_taken_twice_is_refused(tmp_path):
    write(tmp_path, "a", GOOD.format(name="same-name", aliases='"one"', sql=FIGURES_SQL))
    write(tmp_path, "b", GOOD.format(name="same-name", aliases='"two"', sql=FIGURES_SQL))
    (problem,) = load_catalog(tmp_path).problems
    assert (problem.file, problem.line) == ("b.toml", 1)
    assert "name 'same-name' is already answered by a.toml (name 'same-name')" in problem.reason


def test_phrases_are_compared_as_the_engine_reads_them():
    assert phrase_key("U.S.-Mexico  Border!") == phrase_key("us mexico border")
    assert phrase_key("asylum-terminated") == phrase_key("Asylum terminated")
    assert phrase_key("encounter") == phrase_key("encounters")
    assert phrase_key("asylum grants") != phrase_key("asylum grant rate")


def test_retired_keys_are_reported_where_they_are_and_ignored(tmp_path, service):
    text = (
        GOOD.format(name="old-file", aliases='"old file words"', sql=FIGURES_SQL)
        + 'description = "Nothing shows this."\n'
        + '\n[params.year]\ntype = "fiscal_year"\ndefault = "latest"\n'
        + '\n[chart]\nkind = "line"\nx = "period"\ny = "value"\nhighlight = "year"\n'
    )
    write(tmp_path, "old-file", text)
    catalog = load_catalog(tmp_path)
    command = catalog.commands["old-file"]  # still answers: the keys only promised nothing
    assert command.retired == (
        "description",
        "chart.x",
        "chart.y",
        "chart.highlight",
        "params.year.default",
    )
    lines = text.splitlines()
    where = {p.reason.split("'")[1]: p.line for p in catalog.problems}
    assert where == {
        "description": lines.index('description = "Nothing shows this."') + 1,
        "chart.x": lines.index('x = "period"') + 1,
        "chart.y": lines.index('y = "value"') + 1,
        "chart.highlight": lines.index('highlight = "year"') + 1,
        "params.year.default": lines.index('default = "latest"') + 1,
    }
    assert all(p.file == "old-file.toml" for p in catalog.problems)
    assert "is no longer read (the chart always plots the period column)" in str(
        catalog.problems[1]
    )
    assert len(check_catalog(catalog, service.db)) == 5  # `immistats commands check` fails


def test_every_placeholder_the_schema_allows_is_filled_by_the_engine(service):
    """FILLED is the engine's list: a headline using all of them, and a choice parameter, comes
    back with no brace left."""
    command = service.catalog.commands["usbp-apprehensions"]
    allowed = [*FILLED, *(p.name for p in command.sql_params)]
    headline = " / ".join("{" + name + "}" for name in allowed)
    trial = dataclasses.replace(command, headline=headline)
    answer = service.engine.ask(
        "southern border apprehensions 2019", Catalog({trial.name: trial}, [])
    )
    assert answer.command == "usbp-apprehensions" and answer.understood
    assert "{" not in answer.headline and "}" not in answer.headline
    assert answer.headline.startswith(answer.value_text + " / FY2019")


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("delete from figures", "only SELECT"),
        ("select * from figures; drop table figures", "one statement"),
        ("select period, value from nowhere", "nowhere"),
        ("select load_extension('x') as period, 1 as value", "load_extension"),
        ("select 1 as period", "value"),
        ("select period, value from figures where metric = 'no-such-metric'", "no rows"),
    ],
)
def test_commands_check_runs_each_query_in_the_sandbox(tmp_path, service, sql, reason):
    write(tmp_path, "hostile", GOOD.format(name="hostile", aliases='"h"', sql=sql))
    catalog = load_catalog(tmp_path)
    problems = check_catalog(catalog, service.db)
    assert len(problems) == 1 and reason in problems[0].reason
    assert problems[0].file == "hostile.toml"


def test_a_copy_of_the_shipped_catalog_loads_identically(tmp_path):
    shutil.copytree(COMMANDS, tmp_path / "commands")
    assert set(load_catalog(tmp_path / "commands").commands) == set(load_catalog(COMMANDS).commands)


def test_the_readme_worked_example_is_a_shipped_file_byte_for_byte():
    readme = (COMMANDS / "README.md").read_bytes()
    section = readme.split(b"## A worked example", 1)[1]
    named = re.search(rb"`commands/([\w-]+\.toml)`", section)
    fence = re.search(rb"```toml\n(.*?)```\n", section, re.DOTALL)
    assert named and fence, "commands/README.md lost its worked example"
    shipped = {path.read_bytes(): path.name for path in COMMANDS.glob("*.toml")}
    assert shipped.get(fence.group(1)) == named.group(1).decode()


def test_a_stand_in_must_be_another_command_counting_the_same_unit():

    def command(name: str, unit: str, stand_ins: str = "") -> Command:
        text = (
            f'name = "{name}"\ntitle = "T"\naliases = ["{name} words"]\nunit = "{unit}"\n'
            f'headline = "{{value}}"\nsql = "select 1 as period, 1 as value"\nsources = ["s"]\n'
            + (f"stand_ins = [{stand_ins}]\n" if stand_ins else "")
        )
        return parse_command(text, Path(f"{name}.toml"))

    asking = command("asked", "removals", '"other", "missing", "asked", "people"')
    catalog = Catalog(
        {c.name: c for c in (asking, command("other", "removals"), command("people", "persons"))},
        [],
    )
    reasons = [p.reason for p in stand_in_problems(asking, catalog)]
    assert reasons == [
        "stand_ins names 'missing', which is not another command here",
        "stand_ins names 'asked', which is not another command here",
        "stand_ins names 'people', which counts persons, not removals",
    ]
