"""Per-year aggregates of an EOIR release, computed by DuckDB from the cleaned table copies.

DuckDB reads the tab-delimited files in parallel streams, keeping only the rows and columns the
measures use, with a memory limit past which it spills to the work folder, so memory stays
bounded whatever the release's size. It reads strictly: the cleaner has already set aside every
row of the wrong width, and a line DuckDB still cannot read stops the import (ReadRefused) rather
than being skipped (rules: rules.py; prose: docs/eoir-case-data.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from bot.data.importers.common import ImportFailed
from bot.data.importers.eoir import rules
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


def connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{workdir / 'spill'}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def _reader(table: CleanedTable, needed: tuple[str, ...]) -> str:
    if missing := [c for c in needed if c not in table.columns]:
        raise ImportFailed(f"{table.name}: no column {', '.join(missing)} in its header")
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in table.columns)
    return (
        f"read_csv('{table.path}', delim = '\t', header = true, quote = '', escape = '', "
        f"comment = '', encoding = 'latin-1', columns = {{{columns}}})"
    )


def _text(column: str) -> str:
    return f"coalesce(upper(trim({column})), '')"


def load(
    con: duckdb.DuckDBPyConnection, proceedings: CleanedTable, applications: CleanedTable
) -> None:
    """Two scans, one per table: completed proceedings and asylum applications, few columns."""
    comp = "trim(COMP_DATE)"
    scope = ", ".join(f"'{t}'" for t in rules.CASE_TYPES)
    slashed = f"TRY_STRPTIME(split_part({comp}, ' ', 1), '%m/%d/%Y')::DATE"
    try:
        con.execute(
            f"""CREATE TABLE proc AS SELECT
                TRY_CAST(IDNPROCEEDING AS BIGINT) AS idnproceeding,
                TRY_CAST(IDNCASE AS BIGINT) AS idncase,
                {_text("CASE_TYPE")} AS case_type, {_text("DEC_CODE")} AS dec_code,
                {_text("OTHER_COMP")} AS other_comp, {_text("NAT")} AS nat,
                {_text("BASE_CITY_CODE")} AS court, {_text("CUSTODY")} AS custody,
                CASE WHEN contains({comp}, '/') THEN {slashed}
                     ELSE TRY_CAST(left({comp}, 10) AS DATE) END AS comp_date
            FROM {_reader(proceedings, PROCEEDING_COLUMNS)}
            WHERE {comp} <> '' AND {_text("CASE_TYPE")} IN ({scope})"""
        )
        con.execute(
            f"""CREATE TABLE appl AS SELECT
                TRY_CAST(IDNPROCEEDINGAPPLN AS BIGINT) AS idnappln,
                TRY_CAST(IDNPROCEEDING AS BIGINT) AS idnproceeding,
                TRY_CAST(IDNCASE AS BIGINT) AS idncase,
                {_text("APPL_DEC")} AS appl_dec
            FROM {_reader(applications, APPLICATION_COLUMNS)}
            WHERE {_text("APPL_CODE")} = '{rules.ASYLUM_APPLICATION}'"""
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


def decoders(con: duckdb.DuckDBPyConnection, lookups: Lookups) -> None:
    """The release's decoders, each row with the outcome group the rules give it."""
    con.execute(
        "CREATE TABLE decision_map (case_type TEXT, dec_type TEXT, code TEXT, outcome TEXT)"
    )
    con.executemany(
        "INSERT INTO decision_map VALUES (?, ?, ?, ?)",
        [
            (case_type, dec_type, code, rules.completion_outcome(dec_type, text))
            for (case_type, dec_type, code), text in lookups.court_decisions.items()
        ],
    )
    con.execute("CREATE TABLE app_map (code TEXT, outcome TEXT, priority INTEGER)")
    order = {group: rank for rank, group in enumerate(rules.APPLICATION_PRIORITY)}
    con.executemany(
        "INSERT INTO app_map VALUES (?, ?, ?)",
        [
            (code, group := rules.application_outcome(text), order[group])
            for code, text in lookups.application_decisions.items()
        ],
    )


ORDER_FACTOR = 10**10  # a proceeding or application id is below this; days times it fit a BIGINT


def endings(con: duckdb.DuckDBPyConnection) -> None:
    """Each case's counted completion: its first completed proceeding (by completion date, then
    proceeding id) that is not a change of venue or transfer. The order is one BIGINT, days since
    1900 times ORDER_FACTOR plus the id, so the minimum per case names the proceeding itself."""
    con.execute(
        f"""CREATE TABLE completed AS SELECT p.idnproceeding, p.idncase, p.case_type, p.nat, p.court,
            p.custody, p.comp_date,
            CASE WHEN dec_code <> '' THEN 'DEC_CODE' WHEN other_comp <> '' THEN 'OTHER_COMP'
                 ELSE '' END AS field,
            CASE WHEN dec_code <> '' THEN dec_code ELSE other_comp END AS code,
            year(comp_date) + CASE WHEN month(comp_date) >= 10 THEN 1 ELSE 0 END AS fiscal_year,
            CASE WHEN dec_code = '' AND other_comp = '' THEN '{rules.NO_OUTCOME}'
                 ELSE coalesce(m.outcome, '{rules.UNDECODED}') END AS outcome
        FROM proc p LEFT JOIN decision_map m ON m.case_type = p.case_type
            AND m.dec_type = CASE WHEN p.dec_code <> '' THEN 'C' ELSE 'O' END
            AND m.code = CASE WHEN p.dec_code <> '' THEN p.dec_code ELSE p.other_comp END
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
    groups = ", ".join(
        f"({rank}, '{group}')" for rank, group in enumerate(rules.APPLICATION_PRIORITY)
    )
    rank = {group: n for n, group in enumerate(rules.APPLICATION_PRIORITY)}
    con.execute(
        f"CREATE TABLE app_group (priority BIGINT, outcome TEXT); INSERT INTO app_group VALUES {groups}"
    )
    con.execute(
        f"""CREATE TABLE decision AS
            WITH ranked AS (
                SELECT e.idncase, a.appl_dec AS code,
                    CASE WHEN a.appl_dec = '' THEN {rank[rules.NO_DECISION]}
                         ELSE coalesce(m.priority, {rank[rules.UNDECODED]}) END::BIGINT
                        * {ORDER_FACTOR} + a.idnappln AS sort_key
                FROM appl a JOIN ending e ON a.idnproceeding = e.idnproceeding
                LEFT JOIN app_map m ON m.code = a.appl_dec
                WHERE a.idnappln < {ORDER_FACTOR}
            ), best AS (
                SELECT idncase, arg_min(code, sort_key) AS code, min(sort_key) // {ORDER_FACTOR}
                    AS priority FROM ranked GROUP BY idncase
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


def breakdowns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every output table's rows: (fiscal_year, dimension code, groups..., cases)."""
    out: dict[str, list[tuple]] = {}
    for name, column in DIMENSIONS.items():
        out[f"asylum_decisions_by_{name}"] = con.execute(
            f"""SELECT fiscal_year, {column}, outcome, code, count(*)
                FROM decision GROUP BY ALL ORDER BY ALL"""
        ).fetchall()
        out[f"completions_by_{name}"] = con.execute(
            f"""SELECT fiscal_year, {column}, outcome, field, code, count(*)
                FROM ending GROUP BY ALL ORDER BY ALL"""
        ).fetchall()
        out[f"asylum_filers_by_{name}"] = con.execute(
            f"""SELECT fiscal_year, {column}, asylum_decision, outcome, count(*)
                FROM filer GROUP BY ALL ORDER BY ALL"""
        ).fetchall()
    return out


def undecoded(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Codes the release's own lookups do not know, for the import's report."""
    rows = con.execute(
        f"""SELECT 'DEC_CODE/OTHER_COMP ' || case_type || ' ' || code, count(*) FROM completed
            WHERE outcome = '{rules.UNDECODED}' GROUP BY ALL
            UNION ALL SELECT 'APPL_DEC ' || appl_dec, count(*) FROM appl
            WHERE appl_dec <> '' AND appl_dec NOT IN (SELECT code FROM app_map) GROUP BY ALL
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
        decoders(con, lookups)
        endings(con)
        asylum(con)
        counts.undecoded = undecoded(con)
        return breakdowns(con), counts
    finally:
        con.close()
