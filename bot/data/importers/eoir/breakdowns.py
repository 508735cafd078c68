"""The nine breakdown tables and the list of undecoded codes, from the table aggregate.py built
(`counted`: one row per case, with outcome_map). DuckDB counts cases per group and writes each
table as CSV; the groups' names and the breakdown codes' normal form come from Python, once per
distinct value, handed to DuckDB as small tables.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from bot.data.importers.eoir import decode, rules, tables
from bot.data.importers.eoir.lookups import Lookups
from bot.data.importers.eoir.reading import quoted

DIMENSIONS = {"nationality": "nat", "court": "court", "custody": "custody"}
MEASURES = {
    # measure: (which cases, the columns they are counted by, the names of those groups)
    "asylum_decisions": (
        "priority IS NOT NULL",
        "priority, code",
        "r.name AS g1, g.code AS g2, NULL AS g3 FROM g JOIN ranks r ON r.rank = g.priority",
    ),
    "completions": (
        "true",
        "oid",
        "m.outcome AS g1, m.field AS g2, m.code AS g3 FROM g JOIN outcome_map m USING (oid)",
    ),
    "asylum_filers": (
        "merits IS NOT NULL",
        "merits, oid",
        "r.name AS g1, m.outcome AS g2, NULL AS g3 FROM g JOIN ranks r ON r.rank = g.merits "
        "JOIN outcome_map m USING (oid)",
    ),
}
NO_MERITS = "no merits decision"


def _names(con: duckdb.DuckDBPyConnection, lookups: Lookups) -> None:
    """names_<column>: each breakdown code's number (places) -> its normal form and its name;
    ranks: each decision rank (and -1, no merits decision) -> its group's name."""
    for dimension, column in DIMENSIONS.items():
        written = con.execute(f"SELECT DISTINCT {column}, {column}_code FROM places").fetchall()
        known = tables.names(lookups, dimension)
        con.execute(f"CREATE TABLE names_{column} (id INTEGER, code TEXT, name TEXT)")
        con.executemany(
            f"INSERT INTO names_{column} VALUES (?, ?, ?)",
            [
                (number, decode.normal(code), tables.name_of(decode.normal(code), known))
                for number, code in written
            ],
        )
    con.execute("CREATE TABLE ranks (rank BIGINT, name TEXT)")
    con.executemany(
        "INSERT INTO ranks VALUES (?, ?)",
        [(-1, NO_MERITS)] + [(rank, group) for group, rank in decode.PRIORITY.items()],
    )


def _copy(
    con: duckdb.DuckDBPyConnection, measure: str, dimension: str, release: str, target: Path
) -> int:
    """One table written as CSV to `target`, rows in the order of (year, code, groups); empty
    text is written as an empty field (DuckDB would quote it), as Python's csv module writes it."""
    column = DIMENSIONS[dimension]
    which, counted_as, named = MEASURES[measure]
    labels = tables.GROUPS[measure]
    groups = [f"nullif(t.g{n}, '') AS {label}" for n, label in enumerate(labels, start=1)]
    (written,) = con.execute(
        f"""COPY (
            WITH g AS (
                SELECT fiscal_year, {column} AS number, {counted_as}, count(*) AS cases
                FROM counted WHERE {which} GROUP BY ALL
            ), named AS (
                SELECT g.fiscal_year AS fy, n.code AS c, n.name, g.cases, {named}
                    JOIN names_{column} n ON n.id = g.number
            ), t AS (
                SELECT fy, c, any_value(name) AS name, g1, g2, g3, sum(cases) AS cases
                FROM named GROUP BY fy, c, g1, g2, g3
            )
            SELECT {quoted(release)} AS release, fy AS fiscal_year,
                nullif(c, '') AS {dimension}_code, name AS {dimension}, {", ".join(groups)},
                cases
            FROM t ORDER BY fy, c, g1, g2, g3
        ) TO {quoted(str(target))} (HEADER, DELIMITER ',')"""
    ).fetchone()
    return written


def tables_as_csv(
    con: duckdb.DuckDBPyConnection, lookups: Lookups, release: str, workdir: Path
) -> dict[str, tuple[bytes, int]]:
    """Every breakdown table as CSV text (header included) and its number of rows."""
    _names(con, lookups)
    results = {}
    for measure in MEASURES:
        for dimension in DIMENSIONS:
            target = workdir / f"{measure}_by_{dimension}.csv"
            rows = _copy(con, measure, dimension, release, target)
            results[f"{measure}_by_{dimension}"] = (target.read_bytes(), rows)
    return results


def undecoded(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Codes the release's own lookups do not know among the cases counted, for the report."""
    rows = con.execute(
        f"""SELECT 'DEC_CODE/OTHER_COMP ' || m.case_type || ' ' || m.code, count(*)
            FROM counted e JOIN outcome_map m USING (oid)
            WHERE m.outcome = '{rules.UNDECODED}' GROUP BY ALL
            UNION ALL SELECT 'APPL_DEC ' || code, count(*) FROM counted
            WHERE priority = {decode.PRIORITY[rules.UNDECODED]} GROUP BY ALL
            ORDER BY 2 DESC, 1"""
    ).fetchall()
    return [f"{what}: {n:,} cases" for what, n in rows]
