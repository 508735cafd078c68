"""Outcome groups for the codes a release actually holds, worked out once per distinct value.

DuckDB keeps codes as the release wrote them; the few hundred distinct combinations of (case
type, DEC_CODE, OTHER_COMP) and the distinct APPL_DEC values are decoded here in Python with the
release's own lookups and the rules, and joined back as small tables. Normalising (spaces, case)
a handful of distinct values instead of every one of 30 million rows keeps the scan fast.
"""

from __future__ import annotations

import duckdb

from bot.data.importers.eoir import rules
from bot.data.importers.eoir.lookups import Lookups

PRIORITY = {group: rank for rank, group in enumerate(rules.APPLICATION_PRIORITY)}


def normal(value: str) -> str:
    return value.strip().upper()


def completion(case_type: str, dec_code: str, other_comp: str, lookups: Lookups) -> tuple:
    """(case type, field, code, outcome) of one raw combination, all normalised."""
    case_type, dec_code, other_comp = normal(case_type), normal(dec_code), normal(other_comp)
    if dec_code:
        field, code, kind = "DEC_CODE", dec_code, "C"
    elif other_comp:
        field, code, kind = "OTHER_COMP", other_comp, "O"
    else:
        return case_type, "", "", rules.NO_OUTCOME
    text = lookups.court_decisions.get((case_type, kind, code))
    outcome = rules.UNDECODED if text is None else rules.completion_outcome(kind, text)
    return case_type, field, code, outcome


def application(appl_dec: str, lookups: Lookups) -> tuple[str, int]:
    """(code, priority) of one raw APPL_DEC; the priority names the outcome group."""
    code = normal(appl_dec)
    if not code:
        return code, PRIORITY[rules.NO_DECISION]
    text = lookups.application_decisions.get(code)
    group = rules.UNDECODED if text is None else rules.application_outcome(text)
    return code, PRIORITY[group]


def create_maps(con: duckdb.DuckDBPyConnection, lookups: Lookups) -> None:
    """outcome_map (raw proceeding codes -> group), app_map (raw APPL_DEC -> code, priority)
    and app_group (priority -> group), from the values the tables hold."""
    combos = con.execute("SELECT DISTINCT case_type, dec_code, other_comp FROM proc").fetchall()
    con.execute(
        "CREATE TABLE outcome_map (raw_type TEXT, raw_dec TEXT, raw_other TEXT, "
        "case_type TEXT, field TEXT, code TEXT, outcome TEXT)"
    )
    con.executemany(
        "INSERT INTO outcome_map VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(*combo, *completion(*combo, lookups)) for combo in combos],
    )
    decisions = con.execute("SELECT DISTINCT appl_dec FROM appl").fetchall()
    con.execute("CREATE TABLE app_map (raw TEXT, code TEXT, priority BIGINT)")
    con.executemany(
        "INSERT INTO app_map VALUES (?, ?, ?)",
        [(raw, *application(raw, lookups)) for (raw,) in decisions],
    )
    con.execute("CREATE TABLE app_group (priority BIGINT, outcome TEXT)")
    con.executemany("INSERT INTO app_group VALUES (?, ?)", [(n, g) for g, n in PRIORITY.items()])
