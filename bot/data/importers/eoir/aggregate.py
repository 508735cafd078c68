"""Per-year aggregates of an EOIR release, computed by DuckDB straight from the release's files.

Each core table is parsed once, by DuckDB's parallel CSV reader, and reduced in the same pass:
the proceedings to one row per case (its first completion, found by arg_min over one BIGINT
order), the asylum applications to one row per proceeding and case (its best decision). Rows of
the wrong width are counted in that pass, never dropped silently (reading.py says how); a row the
fast read cannot take (wider still, or not in the encoding) makes it read the table again with a
reader that refuses and records such rows. Every later step joins and groups the reduced tables
only. A memory limit makes DuckDB spill to the work folder rather than grow, so memory stays
bounded whatever the release's size (rules: rules.py; prose: docs/eoir-case-data.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from bot.data.importers.eoir import breakdowns, decode, rules
from bot.data.importers.eoir.lookups import Lookups
from bot.data.importers.eoir.passes import (
    BAD_DATE,
    BAD_ID,
    ORDER_FACTOR,
    PLACE,
    read_applications,
    read_proceedings,
)
from bot.data.importers.eoir.reading import (
    CATEGORY,
    Refused,
    Shapes,
    part,
    quoted,
    read_rejects,
    reader,
)
from bot.data.importers.eoir.release import SourceTable

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
MEMORY_LIMIT = "750MB"  # peak RSS of the benchmark ~830 MB, under its 1 GiB target


@dataclass
class Counts:
    """What the import saw, for its report and for the record written beside the tables."""

    shapes: dict[str, Shapes] = field(default_factory=dict)
    unreadable_dates: int = 0
    unreadable_ids: int = 0
    undecoded: list[str] = field(default_factory=list)


def connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = {quoted(str(workdir / 'spill'))}")
    con.execute("SET preserve_insertion_order = false")
    return con


def _shapes(con: duckdb.DuckDBPyConnection, table: SourceTable, rows: str) -> Shapes:
    """Rows read per kind (negative keys), with one example each."""
    kinds = {
        key: (number, example)
        for key, number, example in con.execute(
            f"SELECT least(key, 0), sum(rows)::BIGINT, min(example) FROM {rows} GROUP BY ALL"
        ).fetchall()
    }
    found = Shapes(
        total=sum(n for n, _ in kinds.values()) if kinds else 0, columns=len(table.columns)
    )
    for name, number in CATEGORY.items():
        found.by_kind[name] = kinds.get(number, (0, None))[0]
        if (example := kinds.get(number, (0, None))[1]) is not None:
            found.examples[name] = example
    return found


def read_table(
    con: duckdb.DuckDBPyConnection, table: SourceTable, rows: str, lookups: Lookups
) -> Shapes:
    """One table in one pass: the fast parallel read in UTF-8, unless it meets a row it cannot
    take; then the recording read, in UTF-8 and, if a value in a column read is not UTF-8, in
    Latin-1 (the release's own encoding), which refuses and lists rows of any width."""
    read = read_proceedings if rows == "proceedings" else read_applications
    needed = PROCEEDING_COLUMNS if rows == "proceedings" else APPLICATION_COLUMNS
    try:
        read(con, table, reader(table, needed, "utf-8", recording=False), lookups)
        found = _shapes(con, table, rows)
        found.refused = Refused()
        return found
    except duckdb.InvalidInputException:
        pass  # a row wider still, or a value that is not UTF-8: read again, recording them
    for encoding in ("utf-8", "latin-1"):
        read(con, table, reader(table, needed, encoding, recording=True), lookups)
        found = _shapes(con, table, rows)
        found.refused = read_rejects(con, table)
        if not found.refused.encoding:
            break
    return found


def read_proceedings_table(
    con: duckdb.DuckDBPyConnection, table: SourceTable, lookups: Lookups, counts: Counts
) -> None:
    counts.shapes[table.name] = read_table(con, table, "proceedings", lookups)
    bad = dict(
        con.execute(
            f"SELECT key, rows FROM proceedings WHERE key IN ({BAD_DATE}, {BAD_ID})"
        ).fetchall()
    )
    counts.unreadable_dates, counts.unreadable_ids = bad.get(BAD_DATE, 0), bad.get(BAD_ID, 0)


def places(con: duckdb.DuckDBPyConnection) -> None:
    """places: each combination of breakdown codes, as written (place), among the cases counted
    -> a small number per code of each breakdown (its value as written is kept beside it)."""
    columns = ", ".join(f"{part('place', n)} AS {name}" for n, name in enumerate(PLACE, start=1))
    numbers = ", ".join(
        f"{name} AS {name}_code, dense_rank() OVER (ORDER BY {name})::INTEGER AS {name}"
        for name in PLACE
    )
    con.execute(
        f"""CREATE TABLE places AS SELECT place, {numbers}
        FROM (SELECT place, {columns}
              FROM (SELECT DISTINCT place FROM proceedings WHERE key >= 0))"""
    )


def endings(con: duckdb.DuckDBPyConnection, lookups: Lookups) -> None:
    """Each case's counted completion (its first, by completion date then proceeding id, that
    does not move the case elsewhere): its proceeding, fiscal year, the number of its decoded
    outcome (outcome_map) and of each of its breakdown codes (places)."""
    decode.create_outcome_map(con, lookups)
    places(con)
    breakdown = ", ".join(f"b.{name}" for name in PLACE)
    con.execute(
        f"""CREATE TABLE ending AS
        WITH c AS (
            SELECT key AS idncase, first_order % {ORDER_FACTOR} AS idnproceeding,
                DATE '1900-01-01' + (first_order // {ORDER_FACTOR})::INTEGER AS comp_date,
                outcome_codes, place
            FROM proceedings WHERE key >= 0
        )
        SELECT c.idncase, c.idnproceeding, m.oid, {breakdown},
            year(c.comp_date) + CASE WHEN month(c.comp_date) >= 10 THEN 1 ELSE 0 END
                AS fiscal_year
        FROM c JOIN outcome_map m USING (outcome_codes) JOIN places b USING (place)"""
    )
    con.execute("DROP TABLE proceedings")  # its texts, no longer needed, would hold memory


def asylum(con: duckdb.DuckDBPyConnection) -> None:
    """One row per counted case: its breakdowns, its outcome, its asylum decision on the counted
    completion (the best-ranked application there; NULL if none) and, for an asylum filer (an
    asylum application on that proceeding or an earlier one of the case), whether it got a
    merits decision there (MERIT ranks, else -1; NULL: not a filer)."""
    merits = ", ".join(str(decode.PRIORITY[m]) for m in rules.MERITS)
    # One statement each, so that DuckDB holds one join's or one group-by's table at a time.
    con.execute(
        """CREATE TABLE decision AS
        SELECT e.idncase, arg_min(a.code, a.rank) AS code, min(a.rank) AS rank
        FROM applications a JOIN ending e ON a.key = e.idnproceeding
        GROUP BY e.idncase"""
    )
    con.execute(
        """CREATE TABLE filed AS SELECT idncase, min(key) AS first_filed FROM applications
        WHERE key >= 0 AND idncase IS NOT NULL GROUP BY idncase"""
    )
    con.execute("DROP TABLE applications")
    con.execute(
        f"""CREATE TABLE counted AS
        SELECT e.fiscal_year, e.nat, e.court, e.custody, e.oid, d.code,
            d.rank // {ORDER_FACTOR} AS priority,
            CASE WHEN f.first_filed <= e.idnproceeding THEN
                CASE WHEN d.rank // {ORDER_FACTOR} IN ({merits})
                    THEN d.rank // {ORDER_FACTOR} ELSE -1 END
            END AS merits
        FROM ending e LEFT JOIN decision d ON d.idncase = e.idncase
            LEFT JOIN filed f ON f.idncase = e.idncase"""
    )
    con.execute("DROP TABLE decision; DROP TABLE filed; DROP TABLE ending")


def compute(
    workdir: Path,
    proceedings: SourceTable,
    applications: SourceTable,
    lookups: Lookups,
    release: str,
) -> tuple[dict[str, tuple[bytes, int]], Counts]:
    """The nine breakdown tables as CSV text (with their row counts) and what the import saw."""
    counts = Counts()
    con = connect(workdir)
    try:
        read_proceedings_table(con, proceedings, lookups, counts)
        endings(con, lookups)
        counts.shapes[applications.name] = read_table(con, applications, "applications", lookups)
        asylum(con)
        counts.undecoded = breakdowns.undecoded(con)
        return breakdowns.tables_as_csv(con, lookups, release, workdir), counts
    finally:
        con.close()
