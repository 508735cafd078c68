"""The nine breakdown tables and the list of undecoded codes, from the cases aggregate.py
counted (`Cases`: per case, its year and codes as numbers). counting.py counts the cases per
number; here each group's numbers become its names (an outcome, a decision, a code), groups with
the same names are merged and put in the order of their names, and DuckDB writes each table as
CSV from small tables naming the numbers.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bot.data.importers.eoir import decode, endings, rules, tables
from bot.data.importers.eoir.counting import column_ranges, count_by

DIMENSIONS = {"nationality": "nat", "court": "court", "custody": "custody"}
MEASURES = {
    # measure: (the cases it skips: a column and its value, the columns they are counted by,
    # where each of the table's group labels (tables.GROUPS) comes from: (column, name part))
    "asylum_decisions": ((endings.PRIORITY, -1), ("priority", "code"), ((0, 0), (1, 0))),
    "completions": ((-1, 0), ("oid",), ((0, 0), (0, 1), (0, 2))),
    "asylum_filers": ((endings.MERITS, endings.NOT_FILED), ("merits", "oid"), ((0, 0), (1, 0))),
}
NAME_PARTS = 3  # a group column's number names up to three things (outcome, field, code)
NO_MERITS = "no merits decision"


def quoted(text: str) -> str:
    """A SQL string literal (a work folder's name could hold a quote)."""
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Cases:
    """The counted cases: one row per case in `table` (endings.CASE_COLUMNS: fiscal year, the
    numbers of its nationality, court and custody codes (`names`), of its outcome (outcome_map)
    and asylum decision code (decision_codes), its decision's priority, its merits), and the
    small tables naming those numbers."""

    table: np.ndarray
    outcome_map: list[tuple]  # (oid, case type, field, code, outcome)
    names: dict[str, list[tuple]]  # column -> (number, code, name)
    decision_codes: list[str]

    def column(self, name: str) -> np.ndarray:
        return self.table[:, endings.CASE_COLUMNS.index(name)]

    @functools.cached_property
    def ranges(self) -> tuple[np.ndarray, np.ndarray]:
        """Each column's lowest and highest value (0, 0 with no cases)."""
        return column_ranges(self.table)


def load(con: duckdb.DuckDBPyConnection, counted: Cases) -> None:
    """names_<column> per breakdown: each breakdown code's number -> its code and name (the
    groups' names come with each table's counts, _copy)."""
    for column, names in counted.names.items():
        con.register("small", pd.DataFrame.from_records(names, columns=("id", "code", "name")))
        con.execute(f"CREATE TABLE names_{column} AS SELECT * FROM small")
        con.unregister("small")


def _names_of(counted: Cases, measure: str, column: str) -> Callable[[int], tuple]:
    """What a number of a group column names in a measure's tables."""
    ranks = {rank: group for group, rank in decode.PRIORITY.items()} | {-1: NO_MERITS}
    outcomes = {oid: (outcome, field, code) for oid, _, field, code, outcome in counted.outcome_map}
    if column in ("priority", "merits"):
        return lambda n: (ranks.get(n, ""),)
    if column == "code":
        return lambda n: (
            counted.decision_codes[n] if 0 <= n < len(counted.decision_codes) else "",
        )
    if measure == "completions":
        return lambda n: outcomes.get(n, ("", "", ""))
    return lambda n: outcomes.get(n, ("",))[:1]


def _canonical(counted: Cases, measure: str) -> list[tuple[int, np.ndarray, list[tuple]]]:
    """Per group column of a measure: its lowest number, each number's place among the column's
    distinct names in their order, and those names (padded to NAME_PARTS): numbers naming the
    same things (codes written differently, decoded alike) share a place."""
    lows, highs = counted.ranges
    found = []
    for name in MEASURES[measure][1]:
        index = endings.CASE_COLUMNS.index(name)
        low, high = int(lows[index]), int(highs[index])
        naming = _names_of(counted, measure, name)
        names = [naming(n) + ("",) * (NAME_PARTS - len(naming(n))) for n in range(low, high + 1)]
        distinct = sorted(set(names))
        place = {named: n for n, named in enumerate(distinct)}
        found.append((low, np.array([place[named] for named in names], dtype=np.int64), distinct))
    return found


def _groups(counted: Cases, measure: str) -> list[tuple[pd.DataFrame, list[list[tuple]]]]:
    """Per breakdown column, the cases a measure counts per year, breakdown number and group
    places (_canonical), merged where the places are the same and in the order the table is
    written (g in _copy's SQL: fiscal_year, number, g0 …, cases), and each group column's names
    by place."""
    skip, counted_as, _ = MEASURES[measure]
    combinations = [
        [endings.CASE_COLUMNS.index(name) for name in ("fiscal_year", column, *counted_as)]
        for column in DIMENSIONS.values()
    ]
    canonical = _canonical(counted, measure)
    found = []
    for values, counts in count_by(counted.table, combinations, *counted.ranges, skip):
        parts = values[:2] + [
            places[g - low] for (low, places, _), g in zip(canonical, values[2:], strict=True)
        ]
        sizes = [int(part.max(initial=0)) + 1 for part in parts]
        key = np.zeros(len(counts), dtype=np.int64)
        for part, size in zip(parts, sizes, strict=True):
            key = key * size + part
        merged, where = np.unique(key, return_inverse=True)
        frame = {
            "cases": np.bincount(where, weights=counts, minlength=len(merged)).astype(np.int64)
        }
        labels = ["fiscal_year", "number", *(f"g{n}" for n in range(len(canonical)))]
        for label, size in reversed(list(zip(labels, sizes, strict=True))):
            merged, frame[label] = np.divmod(merged, size)
        columns = [*labels, "cases"]
        found.append((pd.DataFrame({c: frame[c] for c in columns}), [d for _, _, d in canonical]))
    return found


def _copy(
    con: duckdb.DuckDBPyConnection,
    groups: pd.DataFrame,
    names: list[list[tuple]],
    measure: str,
    dimension: str,
    release: str,
    target: Path,
) -> int:
    """One table written as CSV to `target`, rows in the order of (year, code, groups' names: the
    order of their numbers); empty text is written as an empty field (DuckDB would quote it), as
    Python's csv module writes it."""
    column = DIMENSIONS[dimension]
    view = f"g_{measure}_{column}"
    con.register(view, groups)
    joins = []
    for n, distinct in enumerate(names):
        parts = [f"p{part}" for part in range(NAME_PARTS)]
        frame = pd.DataFrame.from_records(
            [(place, *named) for place, named in enumerate(distinct)], columns=("id", *parts)
        )
        con.register(f"{view}_{n}", frame)
        joins.append(f"JOIN {view}_{n} q{n} ON q{n}.id = g.g{n}")
    labelled = [
        f"nullif(q{n}.p{part}, '') AS {label}"
        for (n, part), label in zip(MEASURES[measure][2], tables.GROUPS[measure], strict=True)
    ]
    order = ", ".join(f"g.g{n}" for n in range(len(names)))
    (written,) = con.execute(
        f"""COPY (
            SELECT {quoted(release)} AS release, g.fiscal_year,
                nullif(n.code, '') AS {dimension}_code, n.name AS {dimension},
                {", ".join(labelled)}, g.cases
            FROM {view} g JOIN names_{column} n ON n.id = g.number {" ".join(joins)}
            ORDER BY g.fiscal_year, g.number, {order}
        ) TO {quoted(str(target))} (HEADER, DELIMITER ',')"""
    ).fetchone()
    for name in [view, *(f"{view}_{n}" for n in range(len(names)))]:
        con.unregister(name)
    return written


def tables_as_csv(
    con: duckdb.DuckDBPyConnection, counted: Cases, release: str, workdir: Path
) -> list[tables.Output]:
    """Every breakdown table as a file for data/; the three measures at once, each table on a
    cursor of its own (DuckDB runs a small query on one core; counting and compressing free
    the GIL too)."""

    def one(measure: str) -> list[tables.Output]:
        written = []
        for dimension, (groups, names) in zip(DIMENSIONS, _groups(counted, measure), strict=True):
            name = f"{measure}_by_{dimension}"
            target = workdir / f"{name}.csv"
            rows = _copy(con.cursor(), groups, names, measure, dimension, release, target)
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
