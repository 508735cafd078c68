"""DHS OHSS "KHSM Encounters (USBP)" workbook: Border Patrol encounters by month since FY2000.

We read two sheets: "Monthly Rgn and Citp" (region x citizenship) and "Monthly Rgn and Sector".
OHSS rounds every cell to the nearest 10, so cells do not add up exactly to OHSS's published
totals; we keep the cells as published. The last fiscal year in a release is usually partial.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
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

_MONTH = re.compile(r"(\d\d) ([A-Za-z]+)")


@dataclass(frozen=True)
class SheetFormat:
    """A monthly sheet: its name, header (whitespace collapsed) and our column for its breakdown."""

    sheet: str
    header: tuple[str, ...]
    breakdown: str

    @property
    def columns(self) -> list[str]:
        return ["fiscal_year", "month", "region", self.breakdown, "encounters", "source_id"]

    @property
    def key(self) -> list[str]:
        return ["fiscal_year", "month", "region", self.breakdown]


CITIZENSHIP = SheetFormat(
    "Monthly Rgn and Citp",
    ("Fiscal Year", "Month", "Region", "Citizenship", "Quantity"),
    "citizenship",
)
SECTOR = SheetFormat(
    "Monthly Rgn and Sector",
    ("Fiscal Year", "Month", "Region", "Sector", "Quantity"),
    "sector",
)


def read_citizenship(raw: bytes | Path, source_id: str, name: str | None = None) -> pd.DataFrame:
    """Monthly USBP encounters by region and citizenship (CITIZENSHIP.columns)."""
    return read_sheet(raw, source_id, CITIZENSHIP, name)


def read_sector(raw: bytes | Path, source_id: str, name: str | None = None) -> pd.DataFrame:
    """Monthly USBP encounters by region and sector (SECTOR.columns)."""
    return read_sheet(raw, source_id, SECTOR, name)


def read_sheet(
    raw: bytes | Path, source_id: str, fmt: SheetFormat, name: str | None = None
) -> pd.DataFrame:
    """One monthly sheet as our table; FormatError names the sheet row of each problem."""
    data, file = raw_bytes(raw, name)
    where = f"{file} [{fmt.sheet}]"
    problems = Problems(where)
    records = []
    for line, row in _sheet_rows(data, file, fmt):
        try:
            records.append(_record(row))
        except ValueError as exc:
            problems.add(line, str(exc))
    problems.raise_if_any()
    if not records:
        raise FormatError(where, None, "no data rows after the header")
    frame = pd.DataFrame(records, columns=fmt.columns[:-1])
    check_unique(frame, fmt.key, where)
    frame["source_id"] = source_id
    return frame


def _sheet_rows(data: bytes, file: str, fmt: SheetFormat) -> Iterator[tuple[int, tuple]]:
    """(sheet row number, cells) after the header; blank rows skipped. Header: one line per cell
    in the workbook ('Fiscal\\nYear'), so whitespace is collapsed before the exact comparison."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FormatError(file, None, f"not an .xlsx workbook: {exc}") from None
    try:
        if fmt.sheet not in book.sheetnames:
            raise FormatError(file, None, f"no sheet {fmt.sheet!r} (sheets: {book.sheetnames})")
        rows = book[fmt.sheet].iter_rows(values_only=True)
        header = next(rows, None) or ()
        header = tuple(" ".join(str(c).split()) if c is not None else "" for c in header)
        while header and header[-1] == "":
            header = header[:-1]
        problem = header_problem(header, fmt.header)
        if problem:
            raise FormatError(f"{file} [{fmt.sheet}]", 1, problem)
        for number, row in enumerate(rows, start=2):
            cells = tuple(row[: len(fmt.header)])
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            yield number, cells + (None,) * (len(fmt.header) - len(cells))
    finally:
        book.close()


def _record(row: tuple) -> tuple:
    """(fiscal_year, 'YYYY-MM', region, breakdown, quantity); ValueError says what is wrong."""
    year, month, region, breakdown, quantity = row
    fiscal_year = _whole_number(year, "Fiscal Year")
    if not 1900 <= fiscal_year <= 2100:
        raise ValueError(f"Fiscal Year {year!r} is not a year")
    index = _fiscal_month(month)
    texts = []
    for label, value in (("Region", region), ("breakdown", breakdown)):
        if value is None or not str(value).strip():
            raise ValueError(f"{label} is empty")
        texts.append(str(value).strip())
    count = _whole_number(quantity, "Quantity")
    if count < 0:
        raise ValueError(f"negative count {count}")
    return (fiscal_year, calendar_month(fiscal_year, index), *texts, count)


def _fiscal_month(value: object) -> int:
    """'01 October' -> 0 ... '12 September' -> 11; the number and the name must agree."""
    match = _MONTH.fullmatch(str(value).strip()) if value is not None else None
    if not match or match[2].capitalize() not in MONTH_NAMES:
        raise ValueError(f"month {value!r} is not like '01 October'")
    index = MONTH_NAMES.index(match[2].capitalize())
    if int(match[1]) != index + 1:
        raise ValueError(f"month {value!r}: {match[2]} is fiscal month {index + 1:02d}")
    return index


def _whole_number(value: object, label: str) -> int:
    """A cell holding a whole number (int, integral float, or digits)."""
    if isinstance(value, bool):
        raise ValueError(f"{label} {value!r} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value.strip())
    raise ValueError(f"{label} {value!r} is not a whole number")
