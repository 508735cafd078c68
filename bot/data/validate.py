"""Checks that data/ must pass before a database is built: one Problem per bad row, never a crash.

Rows are reported by their line in the file (the header is line 1), so a maintainer can go straight there.
"""

import re
from collections.abc import Iterable

import pandas as pd

from bot.data.files import FIGURES, METRICS, SOURCES, TableFile
from bot.data.problems import Problem
from bot.engine.periods import months_of_fiscal_year, parse_period, valid_as_of

SOURCE_KINDS = {"official", "research", "secondary"}
FLAGS = {
    "partial",  # the period is incomplete; partial_through says where it ends
    "rounded",  # the source printed a rounded value
    "approximate",  # the source said "about" / "approximately"
    "lower_bound",  # the source said "over" / "at least"
    "secondary",  # read in a report about the source, not in the source itself
    "superseded",  # a later version or edition of the same series gives another value
    "unverified",  # could not be found again in an independent re-check
    "derived_sum",  # an arithmetic sum of other published figures
    "inconsistent",  # the source's own arithmetic contradicts the printed value
    "claim",  # a dated statement quoted with its wording, not a statistic: never summed
}
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_THROUGH = re.compile(_MONTH.pattern + r"(-(0[1-9]|[12]\d|3[01]))?")
_INTEGER = re.compile(r"\d+")
_NUMBER = re.compile(r"\d+(\.\d+)?")


def _line(index: int) -> int:
    return index + 2


def check_columns(spec: TableFile, frame: pd.DataFrame) -> list[Problem]:
    missing = [c for c in spec.columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in spec.columns]
    problems = []
    if missing:
        problems.append(Problem(spec.file, 1, f"missing column(s): {', '.join(missing)}"))
    if extra:
        problems.append(Problem(spec.file, 1, f"unexpected column(s): {', '.join(extra)}"))
    return problems


def check_unique(spec: TableFile, frame: pd.DataFrame) -> list[Problem]:
    duplicated = frame.duplicated(subset=list(spec.key), keep="first")
    return [
        Problem(spec.file, _line(i), f"duplicate key {tuple(frame.loc[i, list(spec.key)])}")
        for i in frame.index[duplicated]
    ]


def check_required(spec: TableFile, frame: pd.DataFrame, columns: Iterable[str]) -> list[Problem]:
    return [
        Problem(spec.file, _line(i), f"empty {column}")
        for column in columns
        for i in frame.index[frame[column].str.strip() == ""]
    ]


def check_sources(sources: pd.DataFrame) -> list[Problem]:
    problems = check_required(SOURCES, sources, ("id", "publisher", "title", "url", "kind"))
    for i, row in sources.iterrows():
        if row["url"] and not row["url"].startswith(("http://", "https://")):
            problems.append(Problem(SOURCES.file, _line(i), f"url is not a link: {row['url']!r}"))
        if row["kind"] and row["kind"] not in SOURCE_KINDS:
            problems.append(
                Problem(
                    SOURCES.file, _line(i), f"kind {row['kind']!r} is not one of {SOURCE_KINDS}"
                )
            )
    return problems


def check_metrics(metrics: pd.DataFrame, source_ids: set[str]) -> list[Problem]:
    problems = check_required(METRICS, metrics, ("id", "label", "unit", "definition"))
    for i, row in metrics.iterrows():
        if row["preferred_source"] and row["preferred_source"] not in source_ids:
            problems.append(
                Problem(METRICS.file, _line(i), f"unknown source id {row['preferred_source']!r}")
            )
    return problems


def _check_figure(row: pd.Series, metric_ids: set[str], kinds: dict[str, str]) -> list[str]:
    """Reasons why one figure row is wrong (empty when it is fine)."""
    reasons = []
    if row["metric"] not in metric_ids:
        reasons.append(f"unknown metric {row['metric']!r} (add it to data/metrics.csv)")
    kind = kinds.get(row["source_id"])
    if kind is None:
        reasons.append(f"unknown source id {row['source_id']!r}")
    period = parse_period(row["period"])
    if period is None:
        reasons.append(f"period {row['period']!r} is not FY2023, FY2021-FY2024, CY2023 or 2024-05")
    if row["value"].startswith("-"):
        reasons.append(f"negative value {row['value']}")
    elif not _NUMBER.fullmatch(row["value"]):
        reasons.append(f"value {row['value']!r} is not a number")
    flags = set(row["flags"].split())
    if unknown := flags - FLAGS:
        reasons.append(f"unknown flag(s) {sorted(unknown)}")
    if kind == "secondary" and "secondary" not in flags:
        reasons.append("the source is secondary but the row lacks the 'secondary' flag")
    if "claim" in flags and not row["as_of"]:
        reasons.append("a claim needs the date it was made in as_of")
    if row["as_of"] and not valid_as_of(row["as_of"]):
        reasons.append(f"as_of {row['as_of']!r} is not YYYY-MM, YYYY-MM-DD or mid-YYYY")
    through = row["partial_through"]
    if ("partial" in flags) != bool(through):
        reasons.append("a partial period needs both the 'partial' flag and partial_through")
    elif through and not _THROUGH.fullmatch(through):
        reasons.append(f"partial_through {through!r} is not YYYY-MM or YYYY-MM-DD")
    elif through and period and period.fiscal_year:
        first, last = months_of_fiscal_year(period.fiscal_year)
        start = months_of_fiscal_year(period.start_fiscal_year or period.fiscal_year)[0]
        month = through[:7]
        if not start <= month <= last or (period.kind == "fiscal_year" and month < first):
            reasons.append(f"partial_through {through} lies outside {row['period']}")
    return reasons


def check_figures(figures: pd.DataFrame, metric_ids: set[str], kinds: dict[str, str]) -> list:
    problems = check_unique(FIGURES, figures)
    problems += check_required(FIGURES, figures, ("metric", "period", "value", "source_id"))
    for i, row in figures.iterrows():
        problems += [
            Problem(FIGURES.file, _line(i), r) for r in _check_figure(row, metric_ids, kinds)
        ]
    return problems


def _not_a_count(column: str, value: str) -> str:
    if value.startswith("-"):
        return f"negative {column} {value}"
    return f"{column} {value!r} is not a whole number"


def check_monthly(spec: TableFile, frame: pd.DataFrame, source_ids: set[str]) -> list[Problem]:
    """Monthly tables: unique keys, whole non-negative counts, months inside their fiscal year."""
    problems = check_unique(spec, frame)
    for column in spec.integer_columns:
        bad = ~frame[column].str.fullmatch(_INTEGER.pattern)
        problems += [
            Problem(spec.file, _line(i), _not_a_count(column, frame.loc[i, column]))
            for i in frame.index[bad]
        ]
    bad_month = ~frame["month"].str.fullmatch(_MONTH.pattern)
    problems += [
        Problem(spec.file, _line(i), f"month {frame.loc[i, 'month']!r} is not YYYY-MM")
        for i in frame.index[bad_month]
    ]
    good = frame[~bad_month & frame["fiscal_year"].str.fullmatch(_INTEGER.pattern)]
    years = good["month"].str[:4].astype(int)
    months = good["month"].str[5:7].astype(int)
    expected = years + (months >= 10).astype(int)
    wrong_year = good.index[expected != good["fiscal_year"].astype(int)]
    problems += [
        Problem(
            spec.file,
            _line(i),
            f"month {frame.loc[i, 'month']} is not in FY{frame.loc[i, 'fiscal_year']}",
        )
        for i in wrong_year
    ]
    unknown = ~frame["source_id"].isin(source_ids)
    problems += [
        Problem(spec.file, _line(i), f"unknown source id {frame.loc[i, 'source_id']!r}")
        for i in frame.index[unknown]
    ]
    return problems
