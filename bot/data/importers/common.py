"""Pieces every importer shares: the error types, fiscal-month arithmetic and strict cell parsers.

Importers refuse rather than guess: each problem found in a published file is reported as one
line (file, row, reason) so that a maintainer can open the file at that row and see it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# Fiscal-year order: FY2023 runs from OCT 2022 to SEP 2023.
FISCAL_MONTHS = ("OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP")
MONTH_NAMES = (
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
)
MAX_PROBLEMS = 30

_COUNT = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")


class ImportFailed(Exception):
    """Any reason an import cannot go ahead; the message is meant for the person running it."""


class FetchError(ImportFailed):
    """A source could not be read (missing file, HTTP error, timeout)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in a published file."""

    file: str
    row: int | str | None
    reason: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.file}: {self.reason}"
        where = f"row {self.row}" if isinstance(self.row, int) else self.row
        return f"{self.file}: {where}: {self.reason}"


class FormatError(ImportFailed):
    """A file is not in the official format we know; one line per problem: file, row, reason."""

    def __init__(self, file: str, row: int | str | None, reason: str, *more: Problem) -> None:
        self.problems = [Problem(file, row, reason), *more]
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def from_problems(cls, problems: list[Problem], total: int | None = None) -> FormatError:
        first, *rest = problems
        hidden = (total or len(problems)) - len(problems)
        if hidden > 0:
            rest.append(Problem(first.file, None, f"... and {hidden} more problems"))
        return cls(first.file, first.row, first.reason, *rest)


class Problems:
    """Collects problems while a file is read, so one run reports them all (up to a cap)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []
        self.count = 0

    def add(self, row: int | str | None, reason: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.file, row, reason))

    def raise_if_any(self) -> None:
        if self.items:
            raise FormatError.from_problems(self.items, self.count)


def calendar_month(fiscal_year: int, fiscal_index: int) -> str:
    """'YYYY-MM' of the fiscal_index-th month (0 = October) of a fiscal year."""
    month = (fiscal_index + 9) % 12 + 1
    year = fiscal_year - 1 if month >= 10 else fiscal_year
    return f"{year:04d}-{month:02d}"


def parse_count(text: str) -> int:
    """A published count: digits, optionally with thousands separators; never negative."""
    value = text.strip()
    if value.startswith("-") and _COUNT.fullmatch(value[1:]):
        raise ValueError(f"negative count {value}")
    if not _COUNT.fullmatch(value):
        raise ValueError(f"count {text!r} is not a whole number")
    return int(value.replace(",", ""))


def parse_fiscal_year(text: str) -> int:
    """'2024', or '2025 (FYTD)' as CBP marks the year in progress."""
    match = re.fullmatch(r"(\d{4})(?: \(FYTD\))?", text.strip())
    if not match or not 1900 <= int(match.group(1)) <= 2100:
        raise ValueError(f"fiscal year {text!r} is not a year such as 2024")
    return int(match.group(1))


def decode(raw: bytes, file: str) -> str:
    """CBP's CSVs are UTF-8, sometimes with a byte-order mark."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(file, None, f"not UTF-8 text (byte {exc.start})") from None


def header_problem(got: Iterable[object], expected: tuple[str, ...]) -> str | None:
    """Why a header differs from the official one, or None when it is exactly that."""
    got = tuple("" if cell is None else str(cell) for cell in got)
    if got == expected:
        return None
    for i, (have, want) in enumerate(zip(got, expected, strict=False), start=1):
        if have != want:
            return f"header column {i} is {have!r}, expected {want!r} (official header: {expected})"
    return f"header has {len(got)} columns, expected {len(expected)}: {expected}"


def csv_rows(raw: bytes, file: str, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each data row, after checking the header is exactly `header`.

    Blank lines are skipped; a row with the wrong number of cells raises at once, because every
    later column would be misread.
    """
    text = decode(raw, file)
    if text.lstrip()[:1] == "<":
        raise FormatError(file, 1, "this is a web page (HTML), not the CSV file")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(reader, None)
        if first is None:
            raise FormatError(file, None, "file is empty")
        problem = header_problem(first, header)
        if problem:
            raise FormatError(file, 1, problem)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise FormatError(
                    file, reader.line_num, f"has {len(row)} cells, expected {len(header)}"
                )
            yield reader.line_num, row
    except csv.Error as exc:
        raise FormatError(file, reader.line_num, f"unreadable CSV: {exc}") from None


def check_unique(frame: pd.DataFrame, key: list[str], file: str) -> None:
    """Refuse a table where two rows share a key: a total would silently be counted twice."""
    dup = frame.duplicated(key, keep=False)
    if not dup.any():
        return
    problems = Problems(file)
    for _, group in frame[dup].groupby(key, sort=True):
        values = ", ".join(str(v) for v in group.iloc[0][key])
        problems.add(None, f"duplicate key ({values}) in {len(group)} rows")
    problems.raise_if_any()


def newest_wins(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Merge overlapping releases: each fiscal year comes from the newest file that covers it.

    "Newest" is the file reaching the latest fiscal year; on a tie, the one given later. CBP
    revises past months in later releases, so the later file is the better copy of a year.
    """
    order = sorted(
        range(len(frames)), key=lambda i: (int(frames[i]["fiscal_year"].max()), i), reverse=True
    )
    taken: set[int] = set()
    parts = []
    for i in order:
        frame = frames[i]
        years = set(frame["fiscal_year"].unique().tolist()) - taken
        parts.append(frame[frame["fiscal_year"].isin(years)])
        taken |= years
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class CbpCsvFormat:
    """One of CBP's encounter CSV layouts: its exact header and our name for each text column."""

    header: tuple[str, ...]
    text_columns: dict[str, str]  # CBP column -> our column, in output order

    @property
    def columns(self) -> list[str]:
        return ["fiscal_year", "month", *self.text_columns.values(), "encounters", "source_id"]

    @property
    def key(self) -> list[str]:
        return ["fiscal_year", "month", *self.text_columns.values()]


MONTH_GROUPINGS = {"FYTD", "Remaining"}


def read_cbp_csv(raw: bytes, file: str, source_id: str, fmt: CbpCsvFormat) -> pd.DataFrame:
    """Rows of a CBP encounters CSV as our table: one row per published cell, month as 'YYYY-MM'."""
    index = {name: i for i, name in enumerate(fmt.header)}
    problems = Problems(file)
    records = []
    for line, row in csv_rows(raw, file, fmt.header):
        try:
            record = _cbp_record(row, index, fmt)
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        records.append((line, record))
    problems.raise_if_any()
    if not records:
        raise FormatError(file, None, "no data rows after the header")
    frame = pd.DataFrame([r for _, r in records], columns=fmt.columns[:-1])
    _check_unique_rows(frame, [line for line, _ in records], fmt.key, file)
    frame["source_id"] = source_id
    return frame


def _cbp_record(row: list[str], index: dict[str, int], fmt: CbpCsvFormat) -> tuple:
    """Parse one CSV row; ValueError says what is wrong with it."""
    fiscal_year = parse_fiscal_year(row[index["Fiscal Year"]])
    grouping = row[index["Month Grouping"]].strip()
    if grouping not in MONTH_GROUPINGS:
        raise ValueError(f"Month Grouping {grouping!r} is not one of {sorted(MONTH_GROUPINGS)}")
    abbv = row[index["Month (abbv)"]].strip().upper()
    if abbv not in FISCAL_MONTHS:
        raise ValueError(f"month {row[index['Month (abbv)']]!r} is not a month abbreviation")
    texts = []
    for cbp_name in fmt.text_columns:
        value = row[index[cbp_name]].strip()
        if not value:
            raise ValueError(f"{cbp_name} is empty")
        texts.append(value)
    count = parse_count(row[index["Encounter Count"]])
    return (fiscal_year, calendar_month(fiscal_year, FISCAL_MONTHS.index(abbv)), *texts, count)


def _check_unique_rows(frame: pd.DataFrame, lines: list[int], key: list[str], file: str) -> None:
    """Duplicate keys inside one file, reported at the file's own line numbers."""
    dup = frame.duplicated(key, keep="first")
    if not dup.any():
        return
    keys = list(frame[key].itertuples(index=False, name=None))
    first_line: dict[tuple, int] = {}
    for line, values in zip(lines, keys, strict=True):
        first_line.setdefault(values, line)
    problems = Problems(file)
    for pos in dup[dup].index:
        shown = ", ".join(str(v) for v in keys[pos])
        problems.add(
            lines[pos], f"duplicate key ({shown}), first seen at row {first_line[keys[pos]]}"
        )
    problems.raise_if_any()


def raw_bytes(raw: bytes | Path, name: str | None) -> tuple[bytes, str]:
    """Accept a path or bytes already fetched; the name is what error messages call the file."""
    if isinstance(raw, Path):
        try:
            return raw.read_bytes(), name or raw.name
        except OSError as exc:
            raise FetchError(f"{raw}: cannot read: {exc.strerror or exc}") from None
    return raw, name or "<bytes>"


def last_month(frame: pd.DataFrame) -> tuple[int, str, int]:
    """(fiscal year, 'YYYY-MM', months present in that year) of the newest data in a table."""
    fiscal_year = int(frame["fiscal_year"].max())
    months = frame.loc[frame["fiscal_year"] == fiscal_year, "month"]
    return fiscal_year, str(months.max()), int(months.nunique())
