"""data/ -> immistats.db: read the shipped files, refuse bad data, write the database in one piece.

The database is built into a temporary file and moved into place only when everything passed, so a
failed build leaves the previous database (or none) and never a partial one.
"""

import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlite_utils

from bot.data import metadata
from bot.data.files import (
    FIGURES,
    METRICS,
    MONTHLY_TABLES,
    SOURCES,
    VOCABULARY,
    TableFile,
)
from bot.data.problems import DataError, Problem
from bot.data.totals import check_totals
from bot.data.validate import (
    check_columns,
    check_figures,
    check_metrics,
    check_monthly,
    check_sources,
    check_unique,
)
from bot.data.views import INDEXES, SUMMARY_TABLES, VIEWS
from bot.data.vocabulary_checks import check_vocabulary
from bot.engine.freshness import SCHEMA_VERSION, data_version
from bot.engine.periods import parse_period

KIND_RANK = {"official": 0, "research": 1, "secondary": 2}
# Flags that make a figure a worse default than another row for the same metric and period.
FLAG_PENALTY = ("superseded", "unverified", "inconsistent", "lower_bound", "approximate", "rounded")


@dataclass(frozen=True)
class BuildReport:
    path: Path
    data_version: str
    seconds: float
    rows: dict[str, int]


def read_table(data_dir: Path, spec: TableFile) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Every column as text: validation decides what is a number, not pandas' guesses."""
    path = data_dir / spec.file
    if not path.exists():
        return None, [Problem(spec.file, None, "file is missing")]
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as exc:
        return None, [Problem(spec.file, None, f"cannot be read as CSV: {exc}")]
    problems = check_columns(spec, frame)
    return (None if problems else frame), problems


def load_and_check(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Read every data file and run every check; raise DataError listing all problems."""
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for spec in (SOURCES, METRICS, FIGURES, VOCABULARY, *MONTHLY_TABLES):
        frame, found = read_table(data_dir, spec)
        problems += found
        if frame is not None:
            frames[spec.table] = frame
    if problems:
        raise DataError(problems)

    sources, metrics, figures = frames["sources"], frames["metrics"], frames["figures"]
    problems += check_unique(SOURCES, sources) + check_sources(sources)
    source_ids = set(sources["id"])
    kinds = dict(zip(sources["id"], sources["kind"], strict=True))
    problems += check_unique(METRICS, metrics) + check_metrics(metrics, source_ids)
    problems += check_figures(figures, set(metrics["id"]), kinds)
    vocabulary = frames["vocabulary"]
    problems += check_unique(VOCABULARY, vocabulary) + check_vocabulary(vocabulary)
    for spec in MONTHLY_TABLES:
        problems += check_monthly(spec, frames[spec.table], source_ids)
    if not problems:
        problems += check_totals(figures, frames)
    if problems:
        raise DataError(problems)
    return frames


def _preference_rank(row: pd.Series, preferred_source: str, kind: str) -> tuple:
    flags = set(row["flags"].split())
    return (
        row["source_id"] != preferred_source,
        *(flag in flags for flag in FLAG_PENALTY),
        KIND_RANK[kind],
        "partial" in flags,
        row["as_of"] != "",  # an unlabelled stock is the source's end-of-period figure
        _reverse(row["as_of"]),
        row["source_id"],
    )


def _reverse(text: str) -> tuple[int, ...]:
    """Sort later dates first."""
    return tuple(-ord(ch) for ch in text)


def figures_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Figures with parsed period columns and is_preferred: the one row to show by default."""
    figures = frames["figures"].copy()
    preferred = dict(
        zip(frames["metrics"]["id"], frames["metrics"]["preferred_source"], strict=True)
    )
    kinds = dict(zip(frames["sources"]["id"], frames["sources"]["kind"], strict=True))
    periods = figures["period"].map(parse_period)
    figures["period_kind"] = periods.map(lambda p: p.kind)
    figures["fiscal_year"] = periods.map(lambda p: p.fiscal_year)
    figures["start_fiscal_year"] = periods.map(lambda p: p.start_fiscal_year)
    figures["calendar_year"] = periods.map(lambda p: p.calendar_year)
    figures["month"] = periods.map(lambda p: p.month)
    figures["value"] = figures["value"].astype(float)
    figures["rank"] = [
        _preference_rank(row, preferred[row["metric"]], kinds[row["source_id"]])
        for _, row in figures.iterrows()
    ]
    figures = figures.sort_values(["metric", "period", "rank"], kind="stable")
    figures["is_preferred"] = (~figures.duplicated(["metric", "period"])).astype(int)
    figures = figures.drop(columns="rank").sort_values(list(FIGURES.key), kind="stable")
    figures.insert(0, "id", range(1, len(figures) + 1))
    return figures


def _records(frame: pd.DataFrame, integer_columns: tuple[str, ...] = ()) -> list[dict]:
    frame = frame.copy()
    for column in integer_columns:
        frame[column] = frame[column].astype(int)
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


def write_database(frames: dict[str, pd.DataFrame], path: Path, version: str) -> dict[str, int]:
    db = sqlite_utils.Database(path)
    # A fresh temporary file, moved into place only when complete: no journal and no fsync per
    # batch are needed (on a busy disk they made the build several times slower).
    db.execute("pragma journal_mode = off")
    db.execute("pragma synchronous = off")
    db["sources"].insert_all(_records(frames["sources"]), pk="id")
    db["metrics"].insert_all(
        _records(frames["metrics"]), pk="id", foreign_keys=[("preferred_source", "sources", "id")]
    )
    figures = figures_table(frames)
    db["figures"].insert_all(
        _records(figures),
        pk="id",
        columns={
            "value": float,
            "fiscal_year": int,
            "start_fiscal_year": int,
            "calendar_year": int,
        },
        foreign_keys=[("metric", "metrics", "id"), ("source_id", "sources", "id")],
    )
    db["vocabulary"].insert_all(_records(frames["vocabulary"]), pk=("phrase", "kind"))
    for spec in MONTHLY_TABLES:
        frame = frames[spec.table].sort_values(list(spec.key), kind="stable")
        db[spec.table].insert_all(
            _records(frame, spec.integer_columns),
            batch_size=5000,
            foreign_keys=[("source_id", "sources", "id")],
        )
    for table, select in SUMMARY_TABLES.items():
        db.execute(f"create table {table} as {select}")
    for table, columns in INDEXES:
        db[table].create_index(columns)
    for name, sql in VIEWS.items():
        db.create_view(name, sql)
    db["meta"].insert_all(
        [
            {"key": "data_version", "value": version},
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "built_at", "value": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")},
        ],
        pk="key",
    )
    counts = {name: db[name].count for name in db.table_names()}
    db.close()
    return counts


def build(data_dir: Path, db_path: Path) -> BuildReport:
    """Check data/ and write the database and its Datasette metadata.json beside it."""
    started = time.perf_counter()
    frames = load_and_check(data_dir)
    version = data_version(data_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=".immistats-", suffix=".db", dir=db_path.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        counts = write_database(frames, tmp, version)
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
    metadata.write(frames, db_path.with_name("metadata.json"))
    return BuildReport(db_path, version, time.perf_counter() - started, counts)
