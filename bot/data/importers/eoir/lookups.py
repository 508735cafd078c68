"""The release's own lookup tables, so that EOIR's decoders, not ours, say what a code means.

Lookup files are small (at most a few hundred rows) and read with the csv module. Where a key
appears twice (tblLookupCourtDecision has active and inactive rows for some codes), the active
row wins, then the row with the highest id.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from bot.data.importers.common import ImportFailed

COURT_DECISIONS = "tblLookupCourtDecision"
APPLICATION_DECISIONS = "tblLookupCourtAppDecisions"
NATIONALITIES = "tblLookupNationality"
COURTS = "tblLookupBaseCity"
CUSTODY = "tblLookupCustodyStatus"
ALL = (COURT_DECISIONS, APPLICATION_DECISIONS, NATIONALITIES, COURTS, CUSTODY)
TRUE_WORDS = {"1", "true", "t", "y", "yes", "-1"}


@dataclass(frozen=True)
class Lookups:
    """Decoders from the release: (case type, decision type, code) and plain code -> words."""

    court_decisions: dict[tuple[str, str, str], str]
    application_decisions: dict[str, str]
    nationalities: dict[str, str]
    courts: dict[str, str]
    custody: dict[str, str]


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a lookup file as dicts; tab-delimited like the rest of the release, else comma."""
    text = path.read_bytes().decode("latin-1")
    header = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in header else ","
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter, quoting=quoting)
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def _need(rows: list[dict[str, str]], table: str, columns: tuple[str, ...]) -> None:
    have = set(rows[0]) if rows else set()
    if missing := [c for c in columns if c not in have]:
        raise ImportFailed(f"Lookup/{table}.csv: no column {', '.join(missing)} (or no rows)")


def _rank(row: dict[str, str], id_column: str) -> tuple[bool, int]:
    number = row.get(id_column, "")
    return row.get("blnActive", "").lower() in TRUE_WORDS, int(number) if number.isdigit() else 0


def _decoder(
    rows: list[dict[str, str]], key: tuple[str, ...], value: str, id_column: str
) -> dict[tuple[str, ...], str]:
    """Key -> description, the active and then the newest row winning on a duplicate key."""
    best: dict[tuple[str, ...], tuple[tuple[bool, int], str]] = {}
    for row in rows:
        found = tuple(row[k].upper() for k in key)
        rank = _rank(row, id_column)
        if found not in best or rank > best[found][0]:
            best[found] = (rank, row[value])
    return {k: description for k, (_, description) in best.items()}


def _simple(rows: list[dict[str, str]], table: str, key: str, *value: str) -> dict[str, str]:
    _need(rows, table, (key, *value))
    decoded = _decoder(rows, (key,), value[0], "")
    if len(value) > 1:  # a court: "ATLANTA, GA" from BASE_CITY and BASE_STATE
        states = {r[key].upper(): r[value[1]] for r in rows}
        decoded = {k: f"{v}, {states[k[0]]}" if states[k[0]] else v for k, v in decoded.items()}
    return {k[0]: v for k, v in decoded.items()}


def read_lookups(paths: dict[str, Path]) -> Lookups:
    """The five decoders the aggregates need, from copies of the release's Lookup files."""
    decisions = read_rows(paths[COURT_DECISIONS])
    _need(
        decisions, COURT_DECISIONS, ("strCaseType", "strDecType", "strDecCode", "strDecDescription")
    )
    court_decisions = _decoder(
        decisions,
        ("strCaseType", "strDecType", "strDecCode"),
        "strDecDescription",
        "idnCourtDecision",
    )
    nationality_rows = read_rows(paths[NATIONALITIES])
    name_column = (
        "NAT_COUNTRY_NAME" if "NAT_COUNTRY_NAME" in (nationality_rows or [{}])[0] else "NAT_NAME"
    )
    return Lookups(
        court_decisions={(k[0], k[1], k[2]): v for k, v in court_decisions.items()},
        application_decisions=_simple(
            read_rows(paths[APPLICATION_DECISIONS]),
            APPLICATION_DECISIONS,
            "strCourtApplnDecCode",
            "strCourtApplnDecDesc",
        ),
        nationalities=_simple(nationality_rows, NATIONALITIES, "NAT_CODE", name_column),
        courts=_simple(
            read_rows(paths[COURTS]), COURTS, "BASE_CITY_CODE", "BASE_CITY", "BASE_STATE"
        ),
        custody=_simple(read_rows(paths[CUSTODY]), CUSTODY, "strCode", "strDescription"),
    )
