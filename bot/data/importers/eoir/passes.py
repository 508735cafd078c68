"""The one pass over each core table: DuckDB parses it and reduces it in the same query, so no
copy of the table's rows is ever kept.

Proceedings become one row per case, its first completion (arg_min of one BIGINT order, days
since 1900 times ORDER_FACTOR plus the proceeding id, so no sort or window is needed); asylum
applications one row per proceeding and case, with their best decision. Every other row is
counted under a negative key saying why it does not count (its shape, an unreadable id or date,
out of scope). Per-row work is kept to what the counting rules need, and each code is normalised
(NUL bytes, stray spaces, case: `normal_sql`) only when it is not already plain: the CASE branches
below run on the rows that reach them, so the string functions run on the few odd values only.
"""

from __future__ import annotations

import duckdb

from bot.data.importers.eoir import decode, rules
from bot.data.importers.eoir.decode import normal_sql
from bot.data.importers.eoir.lookups import Lookups
from bot.data.importers.eoir.reading import joined, quoted, shape
from bot.data.importers.eoir.release import SourceTable

ORDER_FACTOR = 10**10  # ids below it are counted; days times it plus an id fit a BIGINT
# Rows that do not count, grouped under negative keys by why (a case or proceeding id is >= 0;
# -1 to -3 are the shapes of reading.CATEGORY); MOVES: a completion that moves the case to
# another court (rule 3), so it ends no case.
BAD_DATE, BAD_ID, NOT_COUNTED, MOVES = -4, -5, -6, -7
# The codes of a case's counted completion, kept as two texts (outcome_codes, place) of
# values joined by tabs: arg_min over a text is several times faster than over a struct or over
# one value each, and a tab cannot be inside a field of the release.
OUTCOME_CODES = ("case_type", "dec_code", "other_comp")
PLACE = ("nat", "court", "custody")


def _listed(values: list[str] | set[str]) -> str:
    return ", ".join(quoted(v) for v in sorted(values)) or "NULL"


def _plain(code: str) -> bool:
    """Whether `normal_sql` leaves a lookup code as it is (printable ASCII, already upper case and
    trimmed by lookups.py), so a value equal to it needs no normalising."""
    return code.isascii() and code.isprintable() and code == code.strip().upper()


def _moves(lookups: Lookups) -> str:
    """SQL: whether a counted completion moves the case elsewhere: no DEC_CODE (once normalised)
    and an OTHER_COMP the release's lookup calls a change of venue or transfer for its case
    type. A DEC_CODE beginning with a printable character other than a space (the usual) cannot
    normalise to empty; plain OTHER_COMP codes are told apart without normalising."""
    venue = decode.venue_codes(lookups)
    pairs = _listed({f"{t} {c}" for t, c in venue})
    venue_codes = {c for _, c in venue if _plain(c)}
    other_codes = {c for _, kind, c in lookups.court_decisions if kind == "O" and _plain(c)}
    settled = (other_codes - {c for _, c in venue}) | {""}
    return f"""CASE WHEN dec_code >= '0' AND dec_code < chr(127) THEN false
        WHEN dec_code <> '' AND {normal_sql("dec_code")} <> '' THEN false
        WHEN other_comp IN ({_listed(settled)}) THEN false
        WHEN other_comp IN ({_listed(venue_codes)}) THEN case_type || ' ' || other_comp IN ({pairs})
        ELSE case_type || ' ' || {normal_sql("other_comp")} IN ({pairs}) END"""


def read_proceedings(
    con: duckdb.DuckDBPyConnection, table: SourceTable, source: str, lookups: Lookups
) -> None:
    """Table `proceedings`: per case (key >= 0) the order of its first completion counted
    (first_order: its date and proceeding id) and that completion's codes (outcome_codes, place:
    as written, but the case type normalised); per reason a row does not count (key < 0) how
    many rows and one example."""
    scope = _listed(set(rules.CASE_TYPES))
    date = (
        "coalesce(TRY_CAST(left(comp, 10) AS DATE), TRY_CAST(left(trim(comp), 10) AS DATE), "
        "TRY_STRPTIME(split_part(trim(comp), ' ', 1), '%m/%d/%Y')::DATE)"
    )
    order = f"(comp_date - DATE '1900-01-01') * {ORDER_FACTOR} + idp"
    first = f"CASE WHEN key >= 0 THEN {order} END"
    con.execute(
        f"""CREATE OR REPLACE TABLE proceedings AS
        WITH p AS (
            SELECT {shape(table)} AS shape, "IDNPROCEEDING" AS written_proceeding,
                "IDNCASE" AS written_case, "CASE_TYPE" AS written_type, "DEC_CODE" AS dec_code,
                "OTHER_COMP" AS other_comp, "NAT" AS nat, "BASE_CITY_CODE" AS court,
                "CUSTODY" AS custody, "COMP_DATE" AS comp, "{table.columns[0]}" AS first_field
            FROM {source}
        ), s AS (
            -- the case type of a row of the right width with a completion date, if in scope
            SELECT *, CASE WHEN shape IS NOT NULL OR comp = '' THEN NULL
                WHEN written_type IN ({scope}) THEN written_type
                WHEN {normal_sql("written_type")} IN ({scope}) THEN {normal_sql("written_type")}
            END AS case_type FROM p
        ), d AS (
            -- dates and ids are read for those rows only
            SELECT *, CASE WHEN case_type IS NOT NULL THEN {date} END AS comp_date,
                CASE WHEN case_type IS NOT NULL THEN TRY_CAST(written_proceeding AS BIGINT)
                    END AS idp,
                CASE WHEN case_type IS NOT NULL THEN TRY_CAST(written_case AS BIGINT) END AS idc
            FROM s
        ), k AS (
            SELECT *, CASE WHEN shape IS NOT NULL THEN shape
                WHEN case_type IS NULL THEN {NOT_COUNTED}
                WHEN comp_date IS NULL AND trim(comp) = '' THEN {NOT_COUNTED}
                WHEN idp IS NULL OR idc IS NULL OR idp < 0 OR idc < 0 THEN {BAD_ID}
                WHEN comp_date IS NULL THEN {BAD_DATE}
                WHEN idp >= {ORDER_FACTOR} THEN {NOT_COUNTED}
                WHEN {_moves(lookups)} THEN {MOVES}
                ELSE idc END AS key
            FROM d
        )
        SELECT key, count(*) AS rows,
            min(CASE WHEN shape IS NOT NULL THEN first_field END) AS example,
            min({first}) AS first_order,
            arg_min({joined(OUTCOME_CODES)}, {first}) AS outcome_codes,
            arg_min({joined(PLACE)}, {first}) AS place
        FROM k GROUP BY key"""
    )


def read_applications(
    con: duckdb.DuckDBPyConnection, table: SourceTable, source: str, lookups: Lookups
) -> None:
    """Table `applications`: asylum applications grouped by their proceeding id (key) and case
    id, with their best decision (the lowest rank: its group's place in decode.PRIORITY times
    ORDER_FACTOR plus the application id) and its code; other rows by why they do not count."""
    asylum = rules.ASYLUM_APPLICATION
    priorities = decode.application_priorities(lookups)
    ranks = " ".join(f"WHEN '{code}' THEN {rank}" for code, rank in priorities.items())
    plain = " ".join(
        f"WHEN '{code}' THEN {rank}" for code, rank in priorities.items() if _plain(code)
    )
    undecoded = decode.PRIORITY[rules.UNDECODED]
    con.execute(
        f"""CREATE OR REPLACE TABLE applications AS
        WITH a AS (
            SELECT {shape(table)} AS shape, "APPL_CODE" AS appl_code, "APPL_DEC" AS decision,
                "IDNPROCEEDINGAPPLN" AS written_application,
                "IDNPROCEEDING" AS written_proceeding, "IDNCASE" AS written_case,
                "{table.columns[0]}" AS first_field
            FROM {source}
        ), s AS (
            -- a code shorter than {len(asylum)} bytes cannot normalise to '{asylum}'
            SELECT *, shape IS NULL AND CASE WHEN appl_code = '{asylum}' THEN true
                    WHEN strlen(appl_code) < {len(asylum)} THEN false
                    ELSE {normal_sql("appl_code")} = '{asylum}' END AS asylum
            FROM a
        ), i AS (
            -- ids are read for asylum applications only
            SELECT *, CASE WHEN asylum THEN TRY_CAST(written_application AS BIGINT) END AS ida,
                CASE WHEN asylum THEN TRY_CAST(written_proceeding AS BIGINT) END AS idp
            FROM s
        ), k AS (
            SELECT *, CASE WHEN shape IS NOT NULL THEN shape WHEN NOT asylum THEN {NOT_COUNTED}
                WHEN idp IS NULL OR idp < 0 OR ida IS NULL OR ida < 0
                    OR ida >= {ORDER_FACTOR} THEN {NOT_COUNTED}
                ELSE idp END AS key
            FROM i
        ), r AS (
            SELECT *, CASE WHEN key >= 0 THEN CASE decision {plain} END END AS plain_rank FROM k
        ), c AS (
            SELECT key, shape, first_field,
                CASE WHEN key >= 0 THEN TRY_CAST(written_case AS BIGINT) END AS idncase,
                CASE WHEN key < 0 THEN NULL WHEN plain_rank IS NOT NULL THEN decision
                    ELSE {normal_sql("decision")} END AS code,
                CASE WHEN key >= 0 THEN coalesce(plain_rank,
                    CASE {normal_sql("decision")} {ranks} ELSE {undecoded} END) * {ORDER_FACTOR} + ida
                END AS rank
            FROM r
        )
        SELECT key, idncase, count(*) AS rows,
            min(CASE WHEN shape IS NOT NULL THEN first_field END) AS example,
            min(rank) AS rank, arg_min(code, rank) AS code
        FROM c GROUP BY key, idncase"""
    )
