"""Per-year aggregates of an EOIR release, computed by DuckDB from the cleaned table copies.

DuckDB reads the tab-delimited files in parallel streams, keeping only the rows and columns the
measures use, with a memory limit past which it spills to the work folder, so memory stays
bounded whatever the release's size. It reads strictly: the cleaner has already set aside every
row of the wrong width, and a line DuckDB still cannot read stops the import (ReadRefused) rather
than being skipped (rules: rules.py; prose: docs/eoir-case-data.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from bot.data.importers.common import ImportFailed
from bot.data.importers.eoir import decode, rules
from bot.data.importers.eoir.lookups import Lookups
from bot.data.importers.eoir.release import CleanedTable

PROCEEDINGS = "B_TblProceeding"
APPLICATIONS = "tbl_Court_Appln"
PROCEEDING_COLUMNS = (
    "IDNPROCEEDING",
    "IDNCASE",
    "CASE_TYPE",
    "DEC_CODE",
    "OTHER_COMP",
    "COMP_DATE",
    "NAT",
    "BASE_CITY_CODE",
    "CUSTODY",
)
APPLICATION_COLUMNS = ("IDNPROCEEDINGAPPLN", "IDNPROCEEDING", "IDNCASE", "APPL_CODE", "APPL_DEC")
DIMENSIONS = {"nationality": "nat", "court": "court", "custody": "custody"}
MEMORY_LIMIT = "600MB"


@dataclass
class Counts:
    """What the import saw, for its report and for the record written beside the tables."""

    rows: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    rejected_lines: list[str] = field(default_factory=list)
    blank: dict[str, int] = field(default_factory=dict)
    unreadable_dates: int = 0
    unreadable_ids: int = 0
    undecoded: list[str] = field(default_factory=list)


class ReadRefused(ImportFailed):
    """DuckDB met a line it cannot read in a cleaned copy (the cleaner's fast check missed it)."""


def _quoted(text: str) -> str:
    """A SQL string literal (a header or a folder name could hold a quote)."""
    return "'" + text.replace("'", "''") + "'"


def connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = {_quoted(str(workdir / 'spill'))}")
    con.execute("SET preserve_insertion_order = false")
    return con


def _reader(table: CleanedTable, needed: tuple[str, ...]) -> str:
    if missing := [c for c in needed if c not in table.columns]:
        raise ImportFailed(f"{table.name}: no column {', '.join(missing)} in its header")
    columns = ", ".join(f"{_quoted(c)}: 'VARCHAR'" for c in table.columns)
    return (
        f"read_csv({_quoted(str(table.path))}, delim = '\t', header = true, quote = '', escape = '', "
        f"comment = '', columns = {{{columns}}})"
    )


def load(
    con: duckdb.DuckDBPyConnection, proceedings: CleanedTable, applications: CleanedTable
) -> None:
    """Two scans, one per table: completed proceedings of the case types counted and asylum
    applications, few columns, values as written (decode.py normalises the distinct ones)."""
    scope = ", ".join(f"'{t}'" for t in rules.CASE_TYPES)
    asylum = f"'{rules.ASYLUM_APPLICATION}'"
    date = (
        "coalesce(TRY_CAST(left(COMP_DATE, 10) AS DATE), "
        "TRY_CAST(left(trim(COMP_DATE), 10) AS DATE), "
        "TRY_STRPTIME(split_part(trim(COMP_DATE), ' ', 1), '%m/%d/%Y')::DATE)"
    )
    try:
        con.execute(
            f"""CREATE TABLE proc AS SELECT
                TRY_CAST(IDNPROCEEDING AS BIGINT) AS idnproceeding,
                TRY_CAST(IDNCASE AS BIGINT) AS idncase,
                coalesce(CASE_TYPE, '') AS case_type, coalesce(DEC_CODE, '') AS dec_code,
                coalesce(OTHER_COMP, '') AS other_comp, coalesce(NAT, '') AS nat,
                coalesce(BASE_CITY_CODE, '') AS court, coalesce(CUSTODY, '') AS custody,
                {date} AS comp_date
            FROM {_reader(proceedings, PROCEEDING_COLUMNS)}
            WHERE trim(COMP_DATE) <> ''
                AND (CASE_TYPE IN ({scope}) OR upper(trim(CASE_TYPE)) IN ({scope}))"""
        )
        con.execute(
            f"""CREATE TABLE appl AS SELECT
                TRY_CAST(IDNPROCEEDINGAPPLN AS BIGINT) AS idnappln,
                TRY_CAST(IDNPROCEEDING AS BIGINT) AS idnproceeding,
                TRY_CAST(IDNCASE AS BIGINT) AS idncase,
                coalesce(APPL_DEC, '') AS appl_dec
            FROM {_reader(applications, APPLICATION_COLUMNS)}
            WHERE APPL_CODE = {asylum} OR upper(trim(APPL_CODE)) = {asylum}"""
        )
    except duckdb.InvalidInputException as exc:
        raise ReadRefused(str(exc).splitlines()[0]) from None


def count(tables: list[CleanedTable], counts: Counts, con: duckdb.DuckDBPyConnection) -> None:
    """Rows read (every kept line: DuckDB reads strictly), set aside, blank; unreadable values."""
    for table in tables:
        counts.rows[table.name] = table.lines
        counts.rejected[table.name] = table.rejected
        counts.blank[table.name] = table.blank
        counts.rejected_lines += table.rejected_lines
    counts.unreadable_dates = con.execute(
        "SELECT count(*) FROM proc WHERE comp_date IS NULL"
    ).fetchone()[0]
    counts.unreadable_ids = con.execute(
        "SELECT count(*) FROM proc WHERE idnproceeding IS NULL OR idncase IS NULL"
    ).fetchone()[0]


ORDER_FACTOR = 10**10  # a proceeding or application id is below this; days times it fit a BIGINT


def endings(con: duckdb.DuckDBPyConnection) -> None:
    """Each case's counted completion: its first completed proceeding (by completion date, then
    proceeding id) that is not a change of venue or transfer. The order is one BIGINT, days since
    1900 times ORDER_FACTOR plus the id, so the minimum per case names the proceeding itself."""
    con.execute(
        """CREATE TABLE completed AS SELECT p.idnproceeding, p.idncase, p.nat, p.court,
            p.custody, p.comp_date, m.case_type, m.field, m.code, m.outcome,
            year(comp_date) + CASE WHEN month(comp_date) >= 10 THEN 1 ELSE 0 END AS fiscal_year
        FROM proc p JOIN outcome_map m ON m.raw_type = p.case_type AND m.raw_dec = p.dec_code
            AND m.raw_other = p.other_comp
        WHERE p.comp_date IS NOT NULL AND p.idnproceeding IS NOT NULL AND p.idncase IS NOT NULL"""
    )
    if con.execute(f"SELECT max(idnproceeding) >= {ORDER_FACTOR} FROM completed").fetchone()[0]:
        raise ImportFailed(f"{PROCEEDINGS}: a proceeding id of {ORDER_FACTOR:,} or more")
    con.execute(
        f"""CREATE TABLE ending AS SELECT c.* FROM completed c SEMI JOIN (
                SELECT min(date_diff('day', DATE '1900-01-01', comp_date)::BIGINT * {ORDER_FACTOR}
                           + idnproceeding) % {ORDER_FACTOR} AS first
                FROM completed WHERE outcome <> '{rules.CHANGE_OF_VENUE}' GROUP BY idncase
            ) f ON c.idnproceeding = f.first"""
    )


def asylum(con: duckdb.DuckDBPyConnection) -> None:
    """One asylum decision per case on its counted completion (best group first, then the
    lowest application id), and whether the case is an asylum filer."""
    con.execute(
        f"""CREATE TABLE decision AS
            WITH best AS (
                SELECT e.idncase, arg_min(m.code, m.priority * {ORDER_FACTOR} + a.idnappln)
                    AS code, min(m.priority) AS priority
                FROM appl a JOIN ending e ON a.idnproceeding = e.idnproceeding
                JOIN app_map m ON m.raw = a.appl_dec
                WHERE a.idnappln < {ORDER_FACTOR}
                GROUP BY e.idncase
            )
            SELECT e.fiscal_year, e.nat, e.court, e.custody, g.outcome, best.code, best.idncase
            FROM best JOIN app_group g USING (priority) JOIN ending e USING (idncase)"""
    )
    merits = ", ".join(f"'{m}'" for m in rules.MERITS)
    con.execute(
        f"""CREATE TABLE filer AS SELECT e.fiscal_year, e.nat, e.court, e.custody, e.outcome,
                CASE WHEN d.outcome IN ({merits}) THEN d.outcome
                     ELSE 'no merits decision' END AS asylum_decision
            FROM ending e
            JOIN (SELECT idncase, min(idnproceeding) AS first_filed FROM appl GROUP BY idncase) f
                ON f.idncase = e.idncase AND f.first_filed <= e.idnproceeding
            LEFT JOIN decision d ON d.idncase = e.idncase"""
    )


def _merged(rows: list[tuple]) -> list[tuple]:
    """Rows grouped on values as written, regrouped on the normalised breakdown code."""
    totals: Counter = Counter()
    for fiscal_year, code, *groups, cases in rows:
        totals[(fiscal_year, decode.normal(code), *groups)] += cases
    return [(*key, cases) for key, cases in sorted(totals.items())]


def breakdowns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every output table's rows: (fiscal_year, dimension code, groups..., cases)."""
    queries = {
        "asylum_decisions": "outcome, code FROM decision",
        "completions": "outcome, field, code FROM ending",
        "asylum_filers": "asylum_decision, outcome FROM filer",
    }
    return {
        f"{measure}_by_{name}": _merged(
            con.execute(
                f"SELECT fiscal_year, {column}, {query.replace(' FROM', ', count(*) FROM')} "
                "GROUP BY ALL"
            ).fetchall()
        )
        for measure, query in queries.items()
        for name, column in DIMENSIONS.items()
    }


def undecoded(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Codes the release's own lookups do not know, for the import's report."""
    undecoded_rank = decode.PRIORITY[rules.UNDECODED]
    rows = con.execute(
        f"""SELECT 'DEC_CODE/OTHER_COMP ' || case_type || ' ' || code, count(*) FROM completed
            WHERE outcome = '{rules.UNDECODED}' GROUP BY ALL
            UNION ALL SELECT 'APPL_DEC ' || m.code, count(*) FROM appl a
            JOIN app_map m ON m.raw = a.appl_dec WHERE m.priority = {undecoded_rank} GROUP BY ALL
            ORDER BY 2 DESC, 1"""
    ).fetchall()
    return [f"{what}: {n:,} rows" for what, n in rows]


def compute(
    workdir: Path, proceedings: CleanedTable, applications: CleanedTable, lookups: Lookups
) -> tuple[dict[str, list[tuple]], Counts]:
    counts = Counts()
    con = connect(workdir)
    try:
        load(con, proceedings, applications)
        count([proceedings, applications], counts, con)
        decode.create_maps(con, lookups)
        endings(con)
        asylum(con)
        counts.undecoded = undecoded(con)
        return breakdowns(con), counts
    finally:
        con.close()
