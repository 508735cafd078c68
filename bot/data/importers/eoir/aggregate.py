"""Per-year aggregates of an EOIR release, computed by DuckDB from the cleaned table copies.

DuckDB reads the tab-delimited files in parallel streams, keeps its tables in a database file in
the work folder and spills to disk past its memory limit, so memory stays bounded whatever the
release's size. Rows with the wrong number of fields are rejected by its reader, counted and
reported with their line numbers (rules: rules.py; prose: docs/eoir-case-data.md).
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
SHOWN_REJECTS = 20


@dataclass
class Counts:
    """What the import saw, for its report and for the record written beside the tables."""

    rows: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    rejected_lines: list[str] = field(default_factory=list)
    blank: dict[str, int] = field(default_factory=dict)
    unaccounted: dict[str, int] = field(default_factory=dict)  # lines neither read nor rejected
    unreadable_dates: int = 0
    unreadable_ids: int = 0
    undecoded: list[str] = field(default_factory=list)


def connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(workdir / "eoir.duckdb"))
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
        f"encoding = 'latin-1', columns = {{{columns}}}, store_rejects = true, "
        f"rejects_table = 'rejects_{table.name.lower()}', rejects_scan = 'scan_{table.name.lower()}')"
    )


def _text(column: str) -> str:
    return f"coalesce(upper(trim({column})), '')"


def load(
    con: duckdb.DuckDBPyConnection, proceedings: CleanedTable, applications: CleanedTable
) -> None:
    """Two scans, one per table, keeping only the columns the aggregates use."""
    comp = "trim(COMP_DATE)"
    con.execute(
        f"""CREATE TABLE proc AS SELECT
            TRY_CAST(IDNPROCEEDING AS BIGINT) AS idnproceeding,
            TRY_CAST(IDNCASE AS BIGINT) AS idncase,
            {_text("CASE_TYPE")} AS case_type, {_text("DEC_CODE")} AS dec_code,
            {_text("OTHER_COMP")} AS other_comp, {_text("NAT")} AS nat,
            {_text("BASE_CITY_CODE")} AS court, {_text("CUSTODY")} AS custody,
            coalesce({comp}, '') AS comp_raw,
            coalesce(TRY_STRPTIME(left({comp}, 10), '%Y-%m-%d'),
                     TRY_STRPTIME(split_part({comp}, ' ', 1), '%m/%d/%Y'))::DATE AS comp_date
        FROM {_reader(proceedings, PROCEEDING_COLUMNS)}"""
    )
    con.execute(
        f"""CREATE TABLE appl_all AS SELECT
            TRY_CAST(IDNPROCEEDINGAPPLN AS BIGINT) AS idnappln,
            TRY_CAST(IDNPROCEEDING AS BIGINT) AS idnproceeding,
            TRY_CAST(IDNCASE AS BIGINT) AS idncase,
            {_text("APPL_CODE")} AS appl_code, {_text("APPL_DEC")} AS appl_dec
        FROM {_reader(applications, APPLICATION_COLUMNS)}"""
    )
    con.execute(f"CREATE VIEW appl AS FROM appl_all WHERE appl_code = '{rules.ASYLUM_APPLICATION}'")


def count(con: duckdb.DuckDBPyConnection, tables: list[CleanedTable], counts: Counts) -> None:
    """Rows read, rows rejected (with line numbers) and lines that are neither, per table."""
    read = {
        PROCEEDINGS: con.execute("SELECT count(*) FROM proc").fetchone()[0],
        APPLICATIONS: con.execute("SELECT count(*) FROM appl_all").fetchone()[0],
    }
    for table in tables:
        rejects = f"rejects_{table.name.lower()}"
        rejected = con.execute(f"SELECT count(DISTINCT line) FROM {rejects}").fetchone()[0]
        counts.rows[table.name] = read[table.name]
        counts.rejected[table.name] = table.rejected + rejected
        counts.blank[table.name] = table.blank
        counts.rejected_lines += table.rejected_lines
        lines = con.execute(
            f"SELECT DISTINCT line, error_type FROM {rejects} ORDER BY line LIMIT {SHOWN_REJECTS}"
        ).fetchall()
        counts.rejected_lines += [
            f"{table.name} line {n} of the cleaned copy: {kind.lower()}" for n, kind in lines
        ]
        if gap := table.lines - read[table.name] - rejected:
            counts.unaccounted[table.name] = gap
    counts.unreadable_dates = con.execute(
        "SELECT count(*) FROM proc WHERE comp_raw <> '' AND comp_date IS NULL"
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


def endings(con: duckdb.DuckDBPyConnection) -> None:
    """Each case's counted completion: its first completed proceeding (by completion date, then
    proceeding id) that is not a change of venue or transfer, in the case types in scope."""
    scope = ", ".join(f"'{t}'" for t in rules.CASE_TYPES)
    con.execute(
        f"""CREATE TABLE completed AS SELECT p.*,
            CASE WHEN dec_code <> '' THEN 'DEC_CODE' WHEN other_comp <> '' THEN 'OTHER_COMP'
                 ELSE '' END AS field,
            CASE WHEN dec_code <> '' THEN dec_code ELSE other_comp END AS code,
            year(comp_date) + CASE WHEN month(comp_date) >= 10 THEN 1 ELSE 0 END AS fiscal_year,
            CASE WHEN dec_code = '' AND other_comp = '' THEN '{rules.NO_OUTCOME}'
                 ELSE coalesce(m.outcome, '{rules.UNDECODED}') END AS outcome
        FROM proc p LEFT JOIN decision_map m ON m.case_type = p.case_type
            AND m.dec_type = CASE WHEN p.dec_code <> '' THEN 'C' ELSE 'O' END
            AND m.code = CASE WHEN p.dec_code <> '' THEN p.dec_code ELSE p.other_comp END
        WHERE p.comp_date IS NOT NULL AND p.case_type IN ({scope})
            AND p.idnproceeding IS NOT NULL AND p.idncase IS NOT NULL"""
    )
    con.execute(
        f"""CREATE TABLE ending AS SELECT c.* FROM completed c JOIN (
                SELECT idncase, arg_min(idnproceeding, (comp_date, idnproceeding)) AS first
                FROM completed WHERE outcome <> '{rules.CHANGE_OF_VENUE}' GROUP BY idncase
            ) f ON c.idnproceeding = f.first"""
    )


def asylum(con: duckdb.DuckDBPyConnection) -> None:
    """One asylum decision per case on its counted completion, and the case's asylum filing."""
    con.execute(
        f"""CREATE TABLE decision AS SELECT e.idncase, arg_min(
                struct_pack(outcome := d.outcome, code := d.code),
                (d.priority, d.code, d.idnappln)) AS chosen
            FROM ending e JOIN (
                SELECT a.*, a.appl_dec AS code,
                    CASE WHEN a.appl_dec = '' THEN '{rules.NO_DECISION}'
                         ELSE coalesce(m.outcome, '{rules.UNDECODED}') END AS outcome,
                    CASE WHEN a.appl_dec = '' THEN 99 ELSE coalesce(m.priority, 98) END AS priority
                FROM appl a LEFT JOIN app_map m ON m.code = a.appl_dec
            ) d ON d.idnproceeding = e.idnproceeding
            GROUP BY e.idncase"""
    )
    merits = ", ".join(f"'{m}'" for m in rules.MERITS)
    con.execute(
        f"""CREATE TABLE filer AS SELECT e.*,
                CASE WHEN d.chosen.outcome IN ({merits}) THEN d.chosen.outcome
                     ELSE 'no merits decision' END AS asylum_decision
            FROM ending e LEFT JOIN decision d USING (idncase)
            WHERE EXISTS (SELECT 1 FROM appl a WHERE a.idncase = e.idncase
                          AND a.idnproceeding <= e.idnproceeding)"""
    )


def breakdowns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every output table's rows: (fiscal_year, dimension code, groups..., cases)."""
    out: dict[str, list[tuple]] = {}
    for name, column in DIMENSIONS.items():
        out[f"asylum_decisions_by_{name}"] = con.execute(
            f"""SELECT e.fiscal_year, e.{column}, d.chosen.outcome, d.chosen.code, count(*)
                FROM decision d JOIN ending e USING (idncase) GROUP BY ALL ORDER BY ALL"""
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
        count(con, [proceedings, applications], counts)
        decoders(con, lookups)
        endings(con)
        asylum(con)
        counts.undecoded = undecoded(con)
        return breakdowns(con), counts
    finally:
        con.close()
