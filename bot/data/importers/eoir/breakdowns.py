"""The nine breakdown tables and the list of undecoded codes, from the cases aggregate.py
counted (`Cases`: per case, its year and codes as numbers). counting.py counts the cases per
group; DuckDB names the groups from small tables Python made (an outcome, a breakdown code and its
name, a decision code), merges groups whose names are the same and writes each table as CSV.
"""

from __future__ import annotations

import functools
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bot.data.importers.eoir import cases, decode, rules, tables
from bot.data.importers.eoir.counting import column_ranges, count_by

DIMENSIONS = {"nationality": "nat", "court": "court", "custody": "custody"}
MEASURES = {
    # measure: (the cases it skips: a column and its value, the columns they are counted by,
    # the names of those groups)
    "asylum_decisions": (
        (cases.PRIORITY, -1),
        ("priority", "code"),
        "r.name AS g1, k.code AS g2, NULL AS g3 FROM g JOIN ranks r ON r.rank = g.priority "
        "JOIN decision_codes k ON k.id = g.code",
    ),
    "completions": (
        (-1, 0),
        ("oid",),
        "m.outcome AS g1, m.field AS g2, m.code AS g3 FROM g JOIN outcome_map m USING (oid)",
    ),
    "asylum_filers": (
        (cases.MERITS, cases.NOT_FILED),
        ("merits", "oid"),
        "r.name AS g1, m.outcome AS g2, NULL AS g3 FROM g JOIN ranks r ON r.rank = g.merits "
        "JOIN outcome_map m USING (oid)",
    ),
}
NO_MERITS = "no merits decision"


def quoted(text: str) -> str:
    """A SQL string literal (a work folder's name could hold a quote)."""
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Cases:
    """The counted cases: one row per case in `table` (cases.CASE_COLUMNS: fiscal year, the
    numbers of its nationality, court and custody codes (`names`), of its outcome (outcome_map)
    and asylum decision code (decision_codes), its decision's priority, its merits), and the
    small tables naming those numbers."""

    table: np.ndarray
    outcome_map: list[tuple]  # (oid, case type, field, code, outcome)
    names: dict[str, list[tuple]]  # column -> (number, code, name)
    decision_codes: list[str]

    def column(self, name: str) -> np.ndarray:
        return self.table[:, cases.CASE_COLUMNS.index(name)]

    @functools.cached_property
    def ranges(self) -> tuple[np.ndarray, np.ndarray]:
        """Each column's lowest and highest value (0, 0 with no cases)."""
        return column_ranges(self.table)


def load(con: duckdb.DuckDBPyConnection, counted: Cases) -> None:
    """The small tables naming the cases' numbers: outcome_map, names_<column> per breakdown,
    decision_codes, ranks (each decision rank, and -1: no merits decision)."""
    small = {
        "outcome_map": (("oid", "case_type", "field", "code", "outcome"), counted.outcome_map),
        **{
            f"names_{column}": (("id", "code", "name"), names)
            for column, names in counted.names.items()
        },
        "decision_codes": (("id", "code"), list(enumerate(counted.decision_codes))),
        "ranks": (
            ("rank", "name"),
            [(-1, NO_MERITS)] + [(rank, group) for group, rank in decode.PRIORITY.items()],
        ),
    }
    for name, (columns, rows) in small.items():
        frame = pd.DataFrame.from_records(rows, columns=columns)
        con.register("small", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM small")
        con.unregister("small")


def _groups(counted: Cases, measure: str) -> dict[str, pd.DataFrame]:
    """The cases a measure counts, per year, breakdown number and groups, for each breakdown
    column: g in _copy's SQL."""
    skip, counted_as, _ = MEASURES[measure]
    combinations = [
        [cases.CASE_COLUMNS.index(name) for name in ("fiscal_year", column, *counted_as)]
        for column in DIMENSIONS.values()
    ]
    frames = {}
    for column, (values, counts) in zip(
        DIMENSIONS.values(),
        count_by(counted.table, combinations, *counted.ranges, skip),
        strict=True,
    ):
        names = ("fiscal_year", "number", *counted_as)
        frames[column] = pd.DataFrame(dict(zip(names, values, strict=True)))
        frames[column]["cases"] = counts
    return frames


def _copy(
    con: duckdb.DuckDBPyConnection,
    groups: pd.DataFrame,
    measure: str,
    dimension: str,
    release: str,
    target: Path,
) -> int:
    """One table written as CSV to `target`, rows in the order of (year, code, groups); empty
    text is written as an empty field (DuckDB would quote it), as Python's csv module writes it."""
    column = DIMENSIONS[dimension]
    named = MEASURES[measure][2]
    labels = tables.GROUPS[measure]
    con.register(f"g_{measure}_{column}", groups)
    labelled = [f"nullif(t.g{n}, '') AS {label}" for n, label in enumerate(labels, start=1)]
    (written,) = con.execute(
        f"""COPY (
            WITH g AS (SELECT * FROM g_{measure}_{column}), named AS (
                SELECT g.fiscal_year AS fy, n.code AS c, n.name, g.cases, {named}
                    JOIN names_{column} n ON n.id = g.number
            ), t AS (
                SELECT fy, c, any_value(name) AS name, g1, g2, g3, sum(cases) AS cases
                FROM named GROUP BY fy, c, g1, g2, g3
            )
            SELECT {quoted(release)} AS release, fy AS fiscal_year,
                nullif(c, '') AS {dimension}_code, name AS {dimension}, {", ".join(labelled)},
                cases
            FROM t ORDER BY fy, c, g1, g2, g3
        ) TO {quoted(str(target))} (HEADER, DELIMITER ',')"""
    ).fetchone()
    con.unregister(f"g_{measure}_{column}")
    return written


def tables_as_csv(
    con: duckdb.DuckDBPyConnection, counted: Cases, release: str, workdir: Path
) -> list[tables.Output]:
    """Every breakdown table as a file for data/; the three measures at once, each table on a
    cursor of its own (DuckDB runs a small query on one core; counting and compressing free
    the GIL too)."""

    def one(measure: str) -> list[tables.Output]:
        written = []
        for dimension, groups in zip(DIMENSIONS, _groups(counted, measure).values(), strict=True):
            name = f"{measure}_by_{dimension}"
            rows = _copy(con.cursor(), groups, measure, dimension, release, workdir / f"{name}.csv")
            written.append(
                tables.breakdown_output(name, (workdir / f"{name}.csv").read_bytes(), rows)
            )
        return written

    with ThreadPoolExecutor(max_workers=len(MEASURES)) as pool:
        return [output for written in pool.map(one, MEASURES) for output in written]


def undecoded(counted: Cases) -> list[str]:
    """Codes the release's own lookups do not know among the cases counted, for the report."""
    found: Counter = Counter()
    per_oid = np.bincount(counted.column("oid"), minlength=len(counted.outcome_map))
    for oid, case_type, _, code, outcome in counted.outcome_map:
        if outcome == rules.UNDECODED:
            found[f"DEC_CODE/OTHER_COMP {case_type} {code}"] += int(per_oid[oid])
    unknown = counted.column("priority") == decode.PRIORITY[rules.UNDECODED]
    per_code = np.bincount(counted.column("code")[unknown], minlength=len(counted.decision_codes))
    for code, number in zip(counted.decision_codes, per_code, strict=True):
        found[f"APPL_DEC {code}"] += int(number)
    listed = sorted((what, n) for what, n in found.items() if n)
    return [f"{what}: {n:,} cases" for what, n in sorted(listed, key=lambda item: -item[1])]
