"""Prepared queries: the shipped catalog is sound, and a bad file is reported and skipped."""

import shutil

import pytest

from bot.engine.catalog import load_catalog
from bot.engine.checks import check_catalog
from tests.conftest import COMMANDS

GOOD = """name = "{name}"
title = "Test"
description = "A test command."
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
        (GOOD.format(name="Bad Name", aliases='"x"', sql=FIGURES_SQL), "'name' may hold only"),
        (GOOD.format(name="no-aliases", aliases="", sql=FIGURES_SQL), "at least one alias"),
        (
            GOOD.format(name="undeclared", aliases='"u"', sql=FIGURES_SQL + " and period = :year"),
            "uses :year but no parameter 'year' is declared",
        ),
        (
            GOOD.format(name="positional", aliases='"p"', sql=FIGURES_SQL + " and period = ?"),
            "named parameters",
        ),
        (
            GOOD.replace("{{value}}", "").format(name="nv", aliases='"n"', sql=FIGURES_SQL),
            "{value}",
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


def test_alias_collisions_are_problems(tmp_path):
    write(tmp_path, "a", GOOD.format(name="aa", aliases='"same words"', sql=FIGURES_SQL))
    write(tmp_path, "b", GOOD.format(name="bb", aliases='"Same  words"', sql=FIGURES_SQL))
    problems = load_catalog(tmp_path).problems
    assert [p.file for p in problems] == ["b.toml"]
    assert "already used by command 'aa'" in problems[0].reason


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
