"""Outcome groups for the codes a release holds, decided in Python by the release's own lookups
and the rules, and handed to DuckDB as small tables or SQL lists.

Codes are normalised in SQL (NUL bytes, stray spaces, case); the few hundred distinct
combinations of (case type, DEC_CODE, OTHER_COMP) among the cases counted are normalised and
decoded once each, not once per row.
"""

from __future__ import annotations

import duckdb

from bot.data.importers.eoir import rules
from bot.data.importers.eoir.lookups import Lookups
from bot.data.importers.eoir.reading import part

PRIORITY = {group: rank for rank, group in enumerate(rules.APPLICATION_PRIORITY)}


def normal(value: str) -> str:
    """A breakdown code (nationality, court, custody) as the lookups write it."""
    return value.replace("\0", "").strip().upper()


def normal_sql(value: str) -> str:
    """SQL: a decision or case-type code as the lookups write it: no NUL bytes, no stray
    spaces, upper case (DuckDB's trim and upper: the rules' codes have always been read so)."""
    return f"upper(trim(replace({value}, chr(0), '')))"


def completion(case_type: str, dec_code: str, other_comp: str, lookups: Lookups) -> tuple:
    """(field, code, outcome) of one normalised combination."""
    if dec_code:
        field, code, kind = "DEC_CODE", dec_code, "C"
    elif other_comp:
        field, code, kind = "OTHER_COMP", other_comp, "O"
    else:
        return "", "", rules.NO_OUTCOME
    text = lookups.court_decisions.get((case_type, kind, code))
    outcome = rules.UNDECODED if text is None else rules.completion_outcome(kind, text)
    return field, code, outcome


def venue_codes(lookups: Lookups) -> list[tuple[str, str]]:
    """(case type, OTHER_COMP) pairs that move a case elsewhere rather than end it."""
    return sorted(
        (case_type, code)
        for (case_type, kind, code), text in lookups.court_decisions.items()
        if kind == "O" and rules.completion_outcome(kind, text) == rules.CHANGE_OF_VENUE
    )


def application_priorities(lookups: Lookups) -> dict[str, int]:
    """Each APPL_DEC code of the release's lookup -> the rank of its group ('' = no decision);
    a code the lookup lacks ranks as undecoded."""
    ranks = {"": PRIORITY[rules.NO_DECISION]}
    for code, text in lookups.application_decisions.items():
        ranks[code.replace("'", "")] = PRIORITY[rules.application_outcome(text)]
    return ranks


def create_outcome_map(con: duckdb.DuckDBPyConnection, lookups: Lookups) -> None:
    """outcome_map: each combination of codes, as written (outcome_codes), among the cases'
    counted completions -> its number (oid), case type, field, normalised code and group."""
    case_type, dec_code, other_comp = (part("outcome_codes", n) for n in (1, 2, 3))
    combos = con.execute(
        f"""SELECT outcome_codes, {case_type}, {normal_sql(dec_code)}, {normal_sql(other_comp)}
            FROM (SELECT DISTINCT outcome_codes FROM proceedings WHERE key >= 0)"""
    ).fetchall()
    con.execute(
        "CREATE TABLE outcome_map (oid INTEGER, outcome_codes TEXT, case_type TEXT, field TEXT, "
        "code TEXT, outcome TEXT)"
    )
    con.executemany(
        "INSERT INTO outcome_map VALUES (?, ?, ?, ?, ?, ?)",
        [
            (n, codes, case_type, *completion(case_type, *normalised, lookups))
            for n, (codes, case_type, *normalised) in enumerate(combos)
        ],
    )
