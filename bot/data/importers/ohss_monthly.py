"""DHS OHSS "Immigration Enforcement and Legal Processes Monthly Tables": repatriations by month.

We read the sheet "DHS Repats by Type": for each fiscal year a "Total" row, then one row per month
(removals, expedited removals, reinstatements, enforcement and administrative returns, Title 42
expulsions). OHSS rounds every cell to the nearest 10, so the months add up to the year's Total only
within that rounding; the reader checks they do, and keeps each cell as published. The last year of
an edition is partial ("2024 YTD" in the August 2024 edition): only its published months are kept.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from bot.data.importers.common import (
    MONTH_NAMES,
    FormatError,
    Problems,
    calendar_month,
    check_unique,
    header_problem,
    raw_bytes,
)

SHEET = "DHS Repats by Type"
HEADER_ROW = 4  # rows 1-3 are a note, the title and the column groups
HEADER = (
    "Fiscal Year",
    "Month",
    "Total Repatriations3",
    "Total Title 8 Repatriations4",
    "Title 8 Enforcement Repatriations5",
    "Title 42 Expulsions6",
    "Total Removals",
    "Expedited Removals",
    "Reinstatements of Removal Orders",
    "Other Removals",
    "Total Enforcement Returns",
    "Withdrawals7",
    "Voluntary Returns",
    "Voluntary Departures",
    "Other Enforcement Returns8",
    "Total Administrative Returns",
    "Withdrawals9",
    "Crew Members Detained",
)
# Our name for each count column, in the header's order from its third column.
MEASURES = (
    "total_repatriations",
    "title8_repatriations",
    "title8_enforcement_repatriations",
    "title42_expulsions",
    "removals",
    "expedited_removals",
    "reinstatements_of_removal",
    "other_removals",
    "enforcement_returns",
    "withdrawals",
    "voluntary_returns",
    "voluntary_departures",
    "other_enforcement_returns",
    "administrative_returns",
    "administrative_withdrawals",
    "crew_members_detained",
)
COLUMNS = ["fiscal_year", "month", "measure", "value", "source_id"]
KEY = ["month", "measure"]
NOT_APPLICABLE = "X"
_YEAR = re.compile(r"(\d{4})(?: YTD)?")
_EDITION = re.compile(r".*tables-([a-z]+)-(\d{4})\.xlsx")


def source_id_for(file_name: str) -> str | None:
    """OHSS names each edition by its last month: ...-tables-august-2024.xlsx -> ..._2024_08."""
    match = _EDITION.fullmatch(file_name.lower())
    if not match or match[1].capitalize() not in MONTH_NAMES:
        return None
    month = (MONTH_NAMES.index(match[1].capitalize()) + 9) % 12 + 1
    return f"ohss_monthly_tables_{match[2]}_{month:02d}"


def read(raw: bytes | Path, source_id: str, name: str | None = None) -> pd.DataFrame:
    """Monthly DHS repatriations by measure (COLUMNS); FormatError names each bad sheet row."""
    data, file = raw_bytes(raw, name)
    where = f"{file} [{SHEET}]"
    problems = Problems(where)
    records: list[tuple] = []
    totals: dict[tuple[int, str], tuple[int, int]] = {}  # (year, measure) -> (total, sheet row)
    year = None
    for line, row in _rows(data, file):
        label, month = row[0], row[1]
        try:
            if label is not None:
                year = _fiscal_year(label)
            if year is None:
                raise ValueError("a month row before any fiscal year")
            cells = _counts(row[2:])
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        if str(month).strip() == "Total":
            totals.update({(year, m): (v, line) for m, v in cells.items()})
        else:
            index = _fiscal_month(month, line, problems)
            if index is not None:
                month_text = calendar_month(year, index)
                records += [(year, month_text, m, v) for m, v in cells.items()]
    problems.raise_if_any()
    if not records:
        raise FormatError(where, None, "no monthly rows after the header")
    frame = pd.DataFrame(records, columns=COLUMNS[:-1])
    check_unique(frame, KEY, where)
    _check_totals(frame, totals, where)
    frame["source_id"] = source_id
    return frame


def _rows(data: bytes, file: str) -> Iterator[tuple[int, tuple]]:
    """(sheet row, cells) of the data rows: from the header to the first footnote."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FormatError(file, None, f"not an .xlsx workbook: {exc}") from None
    try:
        if SHEET not in book.sheetnames:
            raise FormatError(file, None, f"no sheet {SHEET!r} (sheets: {book.sheetnames})")
        for number, row in enumerate(book[SHEET].iter_rows(values_only=True), start=1):
            cells = tuple(row[: len(HEADER)]) + (None,) * (len(HEADER) - len(row))
            if number < HEADER_ROW:
                continue
            if number == HEADER_ROW:
                header = tuple(" ".join(str(c).split()) if c is not None else "" for c in cells)
                if problem := header_problem(header, HEADER):
                    raise FormatError(f"{file} [{SHEET}]", number, problem)
                continue
            if cells[1] is None:  # the footnotes below the table
                break
            yield number, cells
    finally:
        book.close()


def _fiscal_year(value: object) -> int:
    match = _YEAR.fullmatch(str(value).strip())
    if not match:
        raise ValueError(f"Fiscal Year {value!r} is not like 2023 or '2024 YTD'")
    return int(match[1])


def _counts(cells: tuple) -> dict[str, int]:
    """Each measure's count; 'X' (not applicable, e.g. Title 42 before March 2020) has no row."""
    counts = {}
    for measure, cell in zip(MEASURES, cells, strict=True):
        if isinstance(cell, str) and cell.strip() == NOT_APPLICABLE:
            continue
        if isinstance(cell, bool) or not isinstance(cell, int | float) or cell != int(cell):
            raise ValueError(f"{measure} {cell!r} is not a whole number or 'X'")
        if cell < 0:
            raise ValueError(f"negative {measure} {cell}")
        counts[measure] = int(cell)
    return counts


def _fiscal_month(value: object, line: int, problems: Problems) -> int | None:
    name = str(value).strip().capitalize() if value is not None else ""
    if name not in MONTH_NAMES:
        problems.add(line, f"month {value!r} is not a month name")
        return None
    return MONTH_NAMES.index(name)


def _check_totals(
    frame: pd.DataFrame, totals: dict[tuple[int, str], tuple[int, int]], where: str
) -> None:
    """The months of each year must add up to its Total row within OHSS's rounding (each cell is
    off by at most 5)."""
    problems = Problems(where)
    sums = frame.groupby(["fiscal_year", "measure"])
    for (year, measure), group in sums:
        if (year, measure) not in totals:
            problems.add(None, f"FY{year} {measure}: no Total row")
            continue
        total, line = totals[(year, measure)]
        allowed = 5 * (len(group) + 1)
        if abs(int(group["value"].sum()) - total) > allowed:
            problems.add(
                line,
                f"FY{year} {measure}: the months add up to {int(group['value'].sum()):,}, the "
                f"Total row says {total:,} (more than OHSS's rounding allows)",
            )
    problems.raise_if_any()
