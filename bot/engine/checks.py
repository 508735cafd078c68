"""`immistats commands check` and `/commands add` alike: a prepared query, validated against the
real database.

The schema (command_schema) already checks each file's shape; this adds what needs the data: every
source and metric id exists, and the SQL runs inside the sandbox with its defaults and with each of
its choices, returning the columns the engine needs and rows the engine can answer from
(row_checks). A query that returns nothing with its defaults is reported rather than shipped.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass

from bot.engine.catalog import Catalog, CatalogProblem, Command, line_of
from bot.engine.db import StatsDB
from bot.engine.row_checks import answerable, row_problems
from bot.engine.sql_rules import StatsDBError

REQUIRED_COLUMNS = {"period", "value"}
CHECK_SECONDS = 20.0  # every choice of one command, run once each; beyond this it is refused


@dataclass(frozen=True)
class Known:
    """The ids a command may name: sources and metrics of the database it runs on."""

    sources: frozenset[str]
    metrics: frozenset[str]

    @classmethod
    def of(cls, db: StatsDB) -> "Known":
        sources = db.query("select id from sources", {}).rows
        metrics = db.query("select id from metrics", {}).rows
        return cls(frozenset(r[0] for r in sources), frozenset(r[0] for r in metrics))


def _file(command: Command) -> str:
    return command.path.name if command.path else command.name


def _bindings(command: Command) -> Iterator[tuple[str, dict[str, str]]]:
    """The defaults, then each choice of each parameter with the others at their defaults: the
    bindings the engine may run, each with how a moderator would say it."""
    defaults = {p.name: p.default or "all" for p in command.sql_params}
    yield "", defaults
    for param in command.sql_params:
        for value in param.choices:
            if value != defaults[param.name]:
                yield f" (with {param.name} = '{value}')", defaults | {param.name: value}


def _id_problems(command: Command, known: Known) -> list[CatalogProblem]:
    file, text = _file(command), command.text
    problems = [
        CatalogProblem(file, line_of(text, "sources"), f"unknown source id '{source}'")
        for source in command.sources
        if source not in known.sources
    ]
    for key, metric in [("metric", command.metric)] + [
        ("related_metrics", m) for m in command.related_metrics
    ]:
        if metric and metric not in known.metrics:
            problems.append(CatalogProblem(file, line_of(text, key), f"unknown metric '{metric}'"))
    return problems


def check_command(command: Command, db: StatsDB, known: Known) -> list[CatalogProblem]:
    """Every reason the engine could not answer from this command, by file and line."""
    file, line = _file(command), line_of(command.text, "sql")
    problems = _id_problems(command, known)
    started = time.monotonic()
    for said, bound in _bindings(command):
        if time.monotonic() - started > CHECK_SECONDS:
            reason = f"checking every choice took over {CHECK_SECONDS:.0f} s: offer fewer choices"
            return problems + [CatalogProblem(file, line, reason)]
        try:
            result = db.query(command.sql, bound)
        except StatsDBError as exc:
            return problems + [CatalogProblem(file, line, f"the query fails{said}: {exc}")]
        if missing := REQUIRED_COLUMNS - set(result.columns):
            reason = f"the query must return column(s) {sorted(missing)}"
            return problems + [CatalogProblem(file, line, reason)]
        if not said and not result.rows:
            problems.append(
                CatalogProblem(file, line, "the query returns no rows with its defaults")
            )
        elif not said and not answerable(result.columns, result.rows):
            reason = "the query returns no row with both a period and a value with its defaults"
            problems.append(CatalogProblem(file, line, reason))
        if found := row_problems(result.columns, result.rows, set(known.sources)):
            return problems + [CatalogProblem(file, line, f"{p}{said}") for p in found]
    return problems


def stand_in_problems(command: Command, catalog: Catalog) -> list[CatalogProblem]:
    """A stand-in must be another command of the same catalog, counted in the same unit."""
    problems = []
    for name in command.stand_ins:
        other = catalog.get(name)
        if other is None or other.name == command.name:
            reason = f"stand_ins names '{name}', which is not another command here"
        elif other.unit != command.unit:
            reason = f"stand_ins names '{name}', which counts {other.unit}, not {command.unit}"
        else:
            continue
        problems.append(CatalogProblem(_file(command), line_of(command.text, "stand_ins"), reason))
    return problems


def check_catalog(catalog: Catalog, db: StatsDB) -> list[CatalogProblem]:
    known = Known.of(db)
    problems = list(catalog.problems)
    for command in catalog:
        problems += check_command(command, db, known) + stand_in_problems(command, catalog)
    return problems
