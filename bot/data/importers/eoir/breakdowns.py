"""The nine breakdown tables and the list of undecoded codes, from the tables aggregate.py built
(ending, decision, filer, outcome_map): DuckDB counts cases per group, Python names the groups."""

from __future__ import annotations

from collections import Counter

import duckdb

from bot.data.importers.eoir import decode, rules

DIMENSIONS = {"nationality": "nat", "court": "court", "custody": "custody"}


def _merged(rows: list[tuple]) -> list[tuple]:
    """Rows grouped on values as written, regrouped on the normalised breakdown code."""
    totals: Counter = Counter()
    for fiscal_year, code, *groups, cases in rows:
        totals[(fiscal_year, decode.normal(code), *groups)] += cases
    return [(*key, cases) for key, cases in sorted(totals.items())]


def tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every output table's rows: (fiscal_year, dimension code, groups..., cases). DuckDB
    groups on small numbers (an outcome's number, a decision's rank); names come after."""
    outcomes = {
        oid: (outcome, field, code)
        for oid, field, code, outcome in con.execute(
            "SELECT oid, field, code, outcome FROM outcome_map"
        ).fetchall()
    }
    groups = {rank: group for group, rank in decode.PRIORITY.items()}
    merits = {-1: "no merits decision"} | groups
    queries = {
        "asylum_decisions": ("priority, code FROM decision", lambda r: (groups[r[0]], r[1])),
        "completions": ("oid FROM ending", lambda r: outcomes[r[0]]),
        "asylum_filers": ("merits, oid FROM filer", lambda r: (merits[r[0]], outcomes[r[1]][0])),
    }
    results = {}
    for measure, (query, named) in queries.items():
        for name, column in DIMENSIONS.items():
            rows = con.execute(
                f"SELECT fiscal_year, {column}, {query.replace(' FROM', ', count(*) FROM')} "
                "GROUP BY ALL"
            ).fetchall()
            results[f"{measure}_by_{name}"] = _merged(
                [(fy, code, *named(rest[:-1]), rest[-1]) for fy, code, *rest in rows]
            )
    return results


def undecoded(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Codes the release's own lookups do not know among the cases counted, for the report."""
    rows = con.execute(
        f"""SELECT 'DEC_CODE/OTHER_COMP ' || m.case_type || ' ' || m.code, count(*)
            FROM ending e JOIN outcome_map m USING (oid)
            WHERE m.outcome = '{rules.UNDECODED}' GROUP BY ALL
            UNION ALL SELECT 'APPL_DEC ' || code, count(*) FROM decision
            WHERE priority = {decode.PRIORITY[rules.UNDECODED]} GROUP BY ALL
            ORDER BY 2 DESC, 1"""
    ).fetchall()
    return [f"{what}: {n:,} cases" for what, n in rows]
