"""Per-year aggregates of an EOIR release, computed by DuckDB straight from the release's files.

Each core table is read once by DuckDB's parallel CSV reader and reduced in the same pass: the
proceedings to one row per case (its first completion), the asylum applications to one row per
proceeding (its best decision). Rows of the wrong width are counted in that pass, never dropped
silently: the reader is given one column more than the header and pads short rows with NULL, so
a row with one field too many fills the extra column and a short row leaves the last one NULL
(empty fields read as '' because NULL is spelled NO_VALUE); rows wider still are refused by the
reader, which records their line numbers. A memory limit makes DuckDB spill to the work folder
rather than grow, so memory stays bounded whatever the release's size (rules: rules.py; prose:
docs/eoir-case-data.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from bot.data.importers.eoir import breakdowns, decode, rules
from bot.data.importers.eoir.lookups import Lookups
from bot.data.importers.eoir.reading import (
    BLANK,
    LONG,
    SHORT,
    Shapes,
    quoted,
    read_rejects,
    reader,
    shape,
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
MEMORY_LIMIT = "600MB"
ORDER_FACTOR = 10**10  # ids below it are counted; days times it plus an id fit a BIGINT
# Rows that do not count, grouped under negative keys by why (a case or proceeding id is >= 0).
BAD_DATE, BAD_ID, NOT_COUNTED = -4, -5, -6
CATEGORY = {LONG: -1, SHORT: -2, BLANK: -3}


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


def _normal(column: str, usual: str = "") -> str:
    """A code as the lookups write it: no NUL bytes, no stray spaces, upper case. Values already
    so (empty, one capital letter, or one of `usual`) skip the string functions: DuckDB's CASE
    runs the ELSE branch only on the rows that need it."""
    value = f'"{column}"'
    plain = f"strlen({value}) = 0 OR (strlen({value}) = 1 AND {value} BETWEEN 'A' AND 'Z')"
    if usual:
        plain = f"{value} IN ({usual}) OR {plain}"
    return f"CASE WHEN {plain} THEN {value} ELSE upper(trim(replace({value}, chr(0), ''))) END"


def _key(usable: str, id_column: str, problems: list[tuple[str, int]]) -> str:
    """The group of a row: its id when it counts, else the negative number of why not."""
    cases = " ".join(f"WHEN {test} THEN {number}" for test, number in problems)
    return f"CASE {cases} WHEN {usable} THEN {id_column} ELSE {NOT_COUNTED} END"


def _shape_cases(alias: str = "shape") -> list[tuple[str, int]]:
    return [(f"{alias} = '{name}'", number) for name, number in CATEGORY.items()]


def read_proceedings(
    con: duckdb.DuckDBPyConnection, table: SourceTable, encoding: str, lookups: Lookups
) -> None:
    """One pass over the proceedings into table `proceedings`: every row keyed by its case id
    when it is a completion counted, else by the negative number of why not (codes normalised;
    a change of venue or transfer flagged, as it moves a case rather than ends it)."""
    scope = ", ".join(f"'{t}'" for t in rules.CASE_TYPES)
    venue = ", ".join(quoted(f"{t} {c}") for t, c in decode.venue_codes(lookups)) or "''"
    date = (
        'coalesce(TRY_CAST(left("COMP_DATE", 10) AS DATE), '
        'TRY_CAST(left(trim("COMP_DATE"), 10) AS DATE), '
        "TRY_STRPTIME(split_part(trim(\"COMP_DATE\"), ' ', 1), '%m/%d/%Y')::DATE)"
    )
    key = _key(
        f"dated AND idp < {ORDER_FACTOR}",
        "idc",
        _shape_cases()
        + [
            ("dated AND (idp IS NULL OR idc IS NULL OR idp < 0 OR idc < 0)", BAD_ID),
            ("dated AND comp_date IS NULL", BAD_DATE),
        ],
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE proceedings AS
        WITH p AS (
            SELECT {shape(table)} AS shape,
                TRY_CAST("IDNPROCEEDING" AS BIGINT) AS idp, TRY_CAST("IDNCASE" AS BIGINT) AS idc,
                {_normal("CASE_TYPE", scope)} AS case_type, {_normal("DEC_CODE")} AS dec_code,
                {_normal("OTHER_COMP")} AS other_comp, "NAT" AS nat,
                "BASE_CITY_CODE" AS court, "CUSTODY" AS custody,
                trim("COMP_DATE") <> '' AS has_date, {date} AS comp_date,
                "{table.columns[0]}" AS first_field
            FROM {reader(table, PROCEEDING_COLUMNS, encoding)}
        ), d AS (
            -- a completion in scope, of the right width: counted unless its id or date is bad
            SELECT *, shape IS NULL AND has_date AND case_type IN ({scope}) AS dated FROM p
        )
        SELECT {key} AS key, idp AS idnproceeding, case_type, dec_code, other_comp, nat, court,
            custody, comp_date, CASE WHEN shape IS NOT NULL THEN first_field END AS first_field,
            dec_code = '' AND other_comp <> '' AND case_type || ' ' || other_comp IN ({venue})
                AS moves
        FROM d"""
    )


def read_applications(
    con: duckdb.DuckDBPyConnection, table: SourceTable, encoding: str, lookups: Lookups
) -> None:
    """One pass over the applications into table `applications`: asylum applications keyed by
    their proceeding id, with the rank of their decision (best group first, then the lowest
    application id); other applications under NOT_COUNTED, uncounted rows by why."""
    asylum = f"'{rules.ASYLUM_APPLICATION}'"
    priorities = decode.application_priorities(lookups)
    ranks = " ".join(f"WHEN '{code}' THEN {rank}" for code, rank in priorities.items())
    usable = (
        "shape IS NULL AND asylum AND idp IS NOT NULL AND idp >= 0 "
        f"AND ida IS NOT NULL AND ida >= 0 AND ida < {ORDER_FACTOR}"
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE applications AS
        WITH a AS (
            SELECT {shape(table)} AS shape,
                TRY_CAST("IDNPROCEEDINGAPPLN" AS BIGINT) AS ida,
                TRY_CAST("IDNPROCEEDING" AS BIGINT) AS idp, TRY_CAST("IDNCASE" AS BIGINT) AS idc,
                {_normal("APPL_CODE", asylum)} = {asylum} AS asylum,
                {_normal("APPL_DEC")} AS code, "{table.columns[0]}" AS first_field
            FROM {reader(table, APPLICATION_COLUMNS, encoding)}
        )
        SELECT {_key(usable, "idp", _shape_cases())} AS key, idc AS idncase, code,
            CASE WHEN shape IS NOT NULL THEN first_field END AS first_field,
            CASE code {ranks} ELSE {decode.PRIORITY[rules.UNDECODED]} END * {ORDER_FACTOR}
                + ida AS rank
        FROM a"""
    )


def _shapes(con: duckdb.DuckDBPyConnection, table: SourceTable, rows: str) -> Shapes:
    """Rows read per kind (negative keys), one example each, and the reader's refusals."""
    kinds = {
        key: (number, example)
        for key, number, example in con.execute(
            f"SELECT least(key, 0), count(*), min(first_field) FILTER (WHERE key < 0) "
            f"FROM {rows} GROUP BY ALL"
        ).fetchall()
    }
    found = Shapes(
        total=sum(n for n, _ in kinds.values()) if kinds else 0, columns=len(table.columns)
    )
    for name, number in CATEGORY.items():
        found.by_kind[name] = kinds.get(number, (0, None))[0]
        if (example := kinds.get(number, (0, None))[1]) is not None:
            found.examples[name] = example
    found.refused = read_rejects(con, table)
    return found


def read_tables(
    con: duckdb.DuckDBPyConnection,
    proceedings: SourceTable,
    applications: SourceTable,
    lookups: Lookups,
    counts: Counts,
) -> None:
    """Both passes, in UTF-8 (fastest); a table with a byte sequence that is not UTF-8 in a
    column read is read again as Latin-1, the release's own encoding."""
    for table, read, rows in (
        (proceedings, read_proceedings, "proceedings"),
        (applications, read_applications, "applications"),
    ):
        for encoding in ("utf-8", "latin-1"):
            read(con, table, encoding, lookups)
            found = _shapes(con, table, rows)
            if not found.refused.encoding:
                break
        counts.shapes[table.name] = found
    bad = dict(
        con.execute(
            f"SELECT key, count(*) FROM proceedings WHERE key IN ({BAD_DATE}, {BAD_ID}) "
            "GROUP BY key"
        ).fetchall()
    )
    counts.unreadable_dates, counts.unreadable_ids = bad.get(BAD_DATE, 0), bad.get(BAD_ID, 0)


def endings(con: duckdb.DuckDBPyConnection, lookups: Lookups) -> None:
    """Each case's counted completion: its first completed proceeding (by completion date, then
    proceeding id) that does not move the case elsewhere, with the number of its decoded outcome
    (outcome_map). The order is one BIGINT, days since 1900 times ORDER_FACTOR plus the id, so
    the minimum per case names the proceeding itself."""
    con.execute(
        f"""CREATE TABLE first AS SELECT min(date_diff('day', DATE '1900-01-01', comp_date)
                ::BIGINT * {ORDER_FACTOR} + idnproceeding) % {ORDER_FACTOR} AS idnproceeding
            FROM proceedings WHERE key >= 0 AND NOT moves GROUP BY key"""
    )
    decode.create_outcome_map(con, lookups)
    con.execute(
        """CREATE TABLE ending AS SELECT p.idnproceeding, p.key AS idncase, p.nat, p.court,
            p.custody, m.oid,
            year(p.comp_date) + CASE WHEN month(p.comp_date) >= 10 THEN 1 ELSE 0 END
                AS fiscal_year
        FROM proceedings p SEMI JOIN first f ON p.idnproceeding = f.idnproceeding
        JOIN outcome_map m ON m.case_type = p.case_type AND m.dec_code = p.dec_code
            AND m.other_comp = p.other_comp
        WHERE p.key >= 0"""
    )


def asylum(con: duckdb.DuckDBPyConnection) -> None:
    """One asylum decision per case on its counted completion (its group's rank in
    decode.PRIORITY), and whether the case is an asylum filer (an asylum application on that
    proceeding or an earlier one) and got a merits decision (MERIT_RANKS) at that completion."""
    con.execute(
        f"""CREATE TABLE decision AS
            SELECT e.idncase, any_value(e.fiscal_year) AS fiscal_year, any_value(e.nat) AS nat,
                any_value(e.court) AS court, any_value(e.custody) AS custody,
                arg_min(a.code, a.rank) AS code, min(a.rank) // {ORDER_FACTOR} AS priority
            FROM applications a JOIN ending e ON a.key = e.idnproceeding
            WHERE a.key >= 0
            GROUP BY e.idncase"""
    )
    merits = ", ".join(str(decode.PRIORITY[m]) for m in rules.MERITS)
    con.execute(
        f"""CREATE TABLE filer AS SELECT e.fiscal_year, e.nat, e.court, e.custody, e.oid,
                CASE WHEN d.priority IN ({merits}) THEN d.priority ELSE -1 END AS merits
            FROM ending e
            JOIN (SELECT idncase, min(key) AS first_filed FROM applications
                  WHERE key >= 0 AND idncase IS NOT NULL GROUP BY idncase) f
                ON f.idncase = e.idncase AND f.first_filed <= e.idnproceeding
            LEFT JOIN decision d ON d.idncase = e.idncase"""
    )


def compute(
    workdir: Path, proceedings: SourceTable, applications: SourceTable, lookups: Lookups
) -> tuple[dict[str, list[tuple]], Counts]:
    counts = Counts()
    con = connect(workdir)
    try:
        read_tables(con, proceedings, applications, lookups, counts)
        endings(con, lookups)
        asylum(con)
        counts.undecoded = breakdowns.undecoded(con)
        return breakdowns.tables(con), counts
    finally:
        con.close()
