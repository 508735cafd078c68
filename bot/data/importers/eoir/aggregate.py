"""Per-year aggregates of an EOIR release: each core table read once and reduced as it is read,
then the counted cases counted per group and written as the breakdown tables.

Proceedings become one entry per case, its first counted completion (cases.py); once they are
all read, the asylum applications fill in each case's best decision on that completion and its
first asylum filing (endings.py). Rows of the wrong width are counted as they are read, never dropped
silently (reading.py). Memory stays bounded: a few chunks of rows at a time, and arrays per case
(rules: rules.py and passes.py; prose: docs/eoir-case-data.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from bot.data.importers.common import ImportFailed
from bot.data.importers.eoir import breakdowns, cases, decode, endings, rules, tables
from bot.data.importers.eoir.cases import FirstCompletions
from bot.data.importers.eoir.codes import MOST_CODES, CodeColumn
from bot.data.importers.eoir.decode import ApplicationFacts, ProceedingFacts, TableCodes
from bot.data.importers.eoir.endings import Endings
from bot.data.importers.eoir.exact import LongCodes
from bot.data.importers.eoir.lookups import Lookups
from bot.data.importers.eoir.passes import (
    APPL_CODE,
    APPLICATION_FIELDS,
    BAD_DATE,
    BAD_ID,
    FIRST_CODE,
    PROCEEDING_FIELDS,
    REASONS,
    application_rows,
    proceeding_rows,
)
from bot.data.importers.eoir.reading import Rows, Shapes, read_table
from bot.data.importers.eoir.release import SourceTable

PROCEEDINGS = "B_TblProceeding"
APPLICATIONS = "tbl_Court_Appln"
MEMORY_LIMIT = "500MB"
PLACE = ("nat", "court", "custody")
Report = Callable[[str], None]


@dataclass
class Counts:
    """What the import saw, for its report and for the record written beside the tables."""

    shapes: dict[str, Shapes] = field(default_factory=dict)
    unreadable_dates: int = 0
    unreadable_ids: int = 0
    undecoded: list[str] = field(default_factory=list)


def _number_codes(rows: Rows, codes: TableCodes, first_slot: int, facts: decode.Facts) -> None:
    """The chunk's codes numbered; the facts refreshed if new codes appeared."""
    before = [column.count for column in codes.columns]
    for n, column in enumerate(codes.columns):
        column.number(rows.values, first_slot + n, len(rows.fields))
    if (counts := [column.count for column in codes.columns]) != before:
        if max(counts) > MOST_CODES:
            raise ImportFailed(
                f"more than {MOST_CODES:,} distinct codes in one column: not a release's codes"
            )
        facts.refresh(codes)


def read_proceedings(
    table: SourceTable, lookups: Lookups, report: Report, encoding: str = "utf-8"
) -> tuple[Endings, TableCodes, Shapes, np.ndarray]:
    """Each case's first counted completion; the codes met; the rows by shape and by reason."""
    long_codes = LongCodes()
    codes = TableCodes(len(PROCEEDING_FIELDS) - FIRST_CODE, long_codes.texts, encoding)
    facts = ProceedingFacts(lookups)
    facts.refresh(codes)
    first = FirstCompletions()
    tally = np.zeros(REASONS, dtype=np.int64)

    def consume(rows: Rows) -> None:
        _number_codes(rows, codes, FIRST_CODE, facts)
        size = len(rows.fields)
        case_ids, orders = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
        found = np.empty((size, len(codes.columns)), dtype=cases.CODE_TYPE)
        counted = proceeding_rows(
            rows.values,
            rows.fields,
            rows.width,
            facts.in_scope,
            facts.blank_decision,
            facts.venue,
            tally,
            case_ids,
            orders,
            found,
        )
        first.add(case_ids[:counted], orders[:counted], found[:counted])

    shapes = read_table(table, PROCEEDING_FIELDS, consume, report, long_codes)
    if codes.changed:
        return read_proceedings(table, lookups, report, "latin-1")
    return Endings(first), codes, shapes, tally


def read_applications(
    table: SourceTable, lookups: Lookups, endings: Endings, report: Report, encoding: str = "utf-8"
) -> tuple[ApplicationFacts, Shapes]:
    """Each counted case's best asylum decision and first asylum filing, from the applications;
    the facts about their codes (decision codes by number) and the rows by shape."""
    long_codes = LongCodes()
    codes = TableCodes(len(APPLICATION_FIELDS) - APPL_CODE, long_codes.texts, encoding)
    facts = ApplicationFacts(lookups)
    facts.refresh(codes)
    tally = np.zeros(REASONS, dtype=np.int64)

    def consume(rows: Rows) -> None:
        _number_codes(rows, codes, APPL_CODE, facts)
        size = len(rows.fields)
        proceeding_ids, case_ids = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
        ranks, found = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int32)
        counted = application_rows(
            rows.values,
            rows.fields,
            rows.width,
            facts.asylum,
            facts.priority,
            facts.decision,
            tally,
            proceeding_ids,
            case_ids,
            ranks,
            found,
        )
        endings.add_applications(
            proceeding_ids[:counted], case_ids[:counted], ranks[:counted], found[:counted]
        )

    shapes = read_table(table, APPLICATION_FIELDS, consume, report, long_codes)
    if codes.changed:
        endings.forget_applications()
        return read_applications(table, lookups, endings, report, "latin-1")
    return facts, shapes


def _outcomes(
    table: np.ndarray, outcomes: np.ndarray, codes: TableCodes, lookups: Lookups
) -> list[tuple]:
    """Each case's outcome numbered into table[:, OID]; the outcome_map rows: (oid, case type,
    field, code, outcome) for each combination of case type, DEC_CODE and OTHER_COMP."""
    decisions, others = codes.texts(1), codes.texts(2)
    numbering = CodeColumn(packed=False)
    as_column = outcomes.reshape(-1, 1)
    numbering.number(as_column, 0, len(outcomes))
    table[:, endings.OID] = as_column[:, 0]
    rows = []
    bits, part = endings.OUTCOME_BITS, (1 << endings.OUTCOME_BITS) - 1
    for oid, key in enumerate(numbering.keys_in_order().tolist()):
        case_type = rules.CASE_TYPES[key >> 2 * bits]
        normalised = (
            decode.normal(decisions[key >> bits & part]),
            decode.normal(others[key & part]),
        )
        rows.append((oid, case_type, *decode.completion(case_type, *normalised, lookups)))
    return rows


def _places(codes: TableCodes, lookups: Lookups) -> tuple[list[np.ndarray], dict]:
    """Per breakdown, each code's number as written -> the number of the code once normalised,
    and (number, code, name) for each of those."""
    maps, names = [], {}
    for n, (column, dimension) in enumerate(zip(PLACE, breakdowns.DIMENSIONS, strict=True)):
        written = [decode.normal(t) for t in codes.texts(3 + n)]
        normal_codes = sorted(set(written))
        maps.append(decode.numbered(written, normal_codes))
        known = tables.names(lookups, dimension)
        names[column] = [(i, c, tables.name_of(c, known)) for i, c in enumerate(normal_codes)]
    return maps, names


def counted_cases(
    endings: Endings, codes: TableCodes, facts: ApplicationFacts, lookups: Lookups
) -> breakdowns.Cases:
    """Per counted case, its year and codes as numbers, with the tables naming them."""
    merit_ranks = np.array([decode.PRIORITY[m] for m in rules.MERITS], dtype=np.int64)
    maps, names = _places(codes, lookups)
    table, outcomes = endings.columns(merit_ranks, maps)
    return breakdowns.Cases(
        table=table,
        outcome_map=_outcomes(table, outcomes, codes, lookups),
        names=names,
        decision_codes=facts.decisions,
    )


def connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = {breakdowns.quoted(str(workdir / 'spill'))}")
    con.execute("SET preserve_insertion_order = false")
    return con


def compute(
    workdir: Path,
    proceedings: SourceTable,
    applications: SourceTable,
    lookups: Lookups,
    release: str,
    report: Report,
) -> tuple[list[tables.Output], Counts]:
    """The nine breakdown tables as files for data/ and what the import saw."""
    counts = Counts()
    endings, codes, counts.shapes[PROCEEDINGS], tally = read_proceedings(
        proceedings, lookups, report
    )
    counts.unreadable_dates, counts.unreadable_ids = int(tally[BAD_DATE]), int(tally[BAD_ID])
    facts, counts.shapes[APPLICATIONS] = read_applications(applications, lookups, endings, report)
    counted = counted_cases(endings, codes, facts, lookups)
    del endings
    counts.undecoded = breakdowns.undecoded(counted)
    con = connect(workdir)
    try:
        breakdowns.load(con, counted)
        return breakdowns.tables_as_csv(con, counted, release, workdir), counts
    finally:
        con.close()
