"""`immistats commands check`: every prepared query, validated against the real database.

The catalog loader already checks each file's shape; this adds what needs the data: the SQL runs with
its default parameters inside the sandbox and returns the columns the engine needs, every source id
exists, and a query that returns nothing is reported rather than shipped.
"""

from bot.engine.catalog import Catalog, CatalogProblem, Command, line_of
from bot.engine.db import StatsDB
from bot.engine.sql_rules import StatsDBError

REQUIRED_COLUMNS = {"period", "value"}


def check_command(command: Command, db: StatsDB, source_ids: set[str]) -> list[CatalogProblem]:
    file = command.path.name if command.path else command.name
    text = command.text
    problems = []
    for source in command.sources:
        if source not in source_ids:
            problems.append(
                CatalogProblem(file, line_of(text, "sources"), f"unknown source id '{source}'")
            )
    bound = {p.name: p.default or "all" for p in command.sql_params}
    try:
        result = db.query(command.sql, bound)
    except StatsDBError as exc:
        return problems + [CatalogProblem(file, line_of(text, "sql"), f"the query fails: {exc}")]
    if missing := REQUIRED_COLUMNS - set(result.columns):
        problems.append(
            CatalogProblem(
                file, line_of(text, "sql"), f"the query must return column(s) {sorted(missing)}"
            )
        )
    elif not result.rows:
        problems.append(
            CatalogProblem(
                file, line_of(text, "sql"), "the query returns no rows with its defaults"
            )
        )
    return problems


def check_catalog(catalog: Catalog, db: StatsDB) -> list[CatalogProblem]:
    source_ids = {row[0] for row in db.query("select id from sources", {}).rows}
    metric_ids = {row[0] for row in db.query("select id from metrics", {}).rows}
    problems = list(catalog.problems)
    for command in catalog:
        problems += check_command(command, db, source_ids)
        for metric in (command.metric, *command.related_metrics):
            if metric and metric not in metric_ids:
                text = command.text
                problems.append(
                    CatalogProblem(
                        command.path.name if command.path else command.name,
                        line_of(text, "metric"),
                        f"unknown metric '{metric}'",
                    )
                )
    return problems
