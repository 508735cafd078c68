"""CBP's PDF "U.S. Border Patrol Monthly Encounters (FY 2000 - FY 2020)": one page per fiscal year.

Each page is a table of sectors by month with a yearly total column; we keep the three border
regions (Coastal, Northern, Southwest) and use the "Monthly Total" row only to check them.
The text comes out of the PDF in two layouts:
- FY2000-FY2019: all number lines first, labels after. The last four lines of 13 numbers are
  Coastal, Northern, Southwest and Monthly Total, in that order.
- FY2020: each line starts with its label ("Coastal Border 293 298 ...").
FY2020 counts include Title 42 expulsions from March 2020 (the page says so); rows say it in notes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bot.data.importers.common import FormatError, Problems, calendar_month, parse_count, raw_bytes

COLUMNS = ["fiscal_year", "month", "region", "apprehensions", "source_id", "notes"]
KEY = ["fiscal_year", "month", "region"]
# PDF label -> our region name (CBP's and OHSS's names for the same areas).
REGIONS = {
    "Coastal Border": "Coastal Border",
    "Northern Border": "Northern Land Border",
    "Southwest Border": "Southwest Land Border",
}
TOTAL = "Monthly Total"
LABELS = (*REGIONS, TOTAL)
TITLE42_NOTE = (
    "USBP encounters: Title 8 apprehensions plus Title 42 expulsions (Title 42 began March 2020)"
)
TITLE42_FROM = "2020-03"

_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+"
_NUMBERS_LINE = re.compile(rf"(?:(?:{_NUMBER})\s+)*(?:{_NUMBER})")
# The page title, e.g. "Total Illegal Alien Apprehensions By Month - FY 2000"; a footnote on
# some pages ("Livermore Sector was closed after FY 2004") also names a year, so match the title.
_FISCAL_YEAR = re.compile(r"by month\s*-\s*FY\s*(\d{4})\b", re.IGNORECASE)


@dataclass(frozen=True)
class PageTable:
    """The four rows we read from one page: label -> 12 monthly values + the yearly total."""

    fiscal_year: int
    rows: dict[str, list[int]]
    title42: bool


def parse_page(text: str, file: str, page: int) -> PageTable:
    """Read one page's text in either layout; FormatError (file, page, reason) when it can't."""
    where = f"page {page}"
    year = _FISCAL_YEAR.search(text)
    if not year:
        raise FormatError(file, where, "no title 'By Month - FY YYYY' on the page")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    if any(line.startswith(f"{LABELS[0]} ") for line in lines):
        rows = _labelled_rows(lines, file, where)
    else:
        rows = _unlabelled_rows(lines, file, where)
    return PageTable(int(year[1]), rows, "Title 42" in text)


def _values(numbers: str, file: str, where: str, label: str) -> list[int]:
    values = [parse_count(n) for n in numbers.split()]
    if len(values) != 13:
        raise FormatError(
            file, where, f"{label} has {len(values)} numbers, expected 12 months + total"
        )
    return values


def _labelled_rows(lines: list[str], file: str, where: str) -> dict[str, list[int]]:
    """FY2020 layout: 'Coastal Border 293 298 ... 2,230'."""
    rows = {}
    for label in LABELS:
        found = [line[len(label) :] for line in lines if line.startswith(f"{label} ")]
        if len(found) != 1:
            raise FormatError(file, where, f"expected one '{label}' line, found {len(found)}")
        rows[label] = _values(found[0], file, where, label)
    return rows


def _unlabelled_rows(lines: list[str], file: str, where: str) -> dict[str, list[int]]:
    """FY2000-FY2019 layout: number lines first; the labels, printed later, must all be there."""
    missing = [label for label in LABELS if label not in lines]
    if missing:
        raise FormatError(file, where, f"labels not found: {', '.join(missing)}")
    number_lines = [line for line in lines if _NUMBERS_LINE.fullmatch(line)]
    full = [line for line in number_lines if len(line.split()) == 13]
    if len(full) < 4:
        raise FormatError(file, where, f"only {len(full)} lines of 13 numbers, expected at least 4")
    return {
        label: _values(numbers, file, where, label)
        for label, numbers in zip(LABELS, full[-4:], strict=True)
    }


def check_page(table: PageTable, problems: Problems, where: str) -> None:
    """Each row's months must add to its yearly total; the regions must add to the total row."""
    for label, values in table.rows.items():
        if sum(values[:12]) != values[12]:
            problems.add(
                where,
                f"FY{table.fiscal_year} {label}: months sum to {sum(values[:12]):,}, "
                f"yearly total printed {values[12]:,}",
            )
    for i in range(13):
        regions = sum(table.rows[label][i] for label in REGIONS)
        if regions != table.rows[TOTAL][i]:
            column = "yearly total" if i == 12 else f"month {i + 1} of FY{table.fiscal_year}"
            problems.add(
                where,
                f"{column}: regions sum to {regions:,}, Monthly Total printed "
                f"{table.rows[TOTAL][i]:,}",
            )


def table_rows(table: PageTable, source_id: str) -> list[tuple]:
    """Our rows (COLUMNS) for one page's three regions."""
    out = []
    for label, region in REGIONS.items():
        for i, value in enumerate(table.rows[label][:12]):
            month = calendar_month(table.fiscal_year, i)
            note = TITLE42_NOTE if table.title42 and month >= TITLE42_FROM else ""
            out.append((table.fiscal_year, month, region, value, source_id, note))
    return out


def page_texts(data: bytes, file: str) -> list[str]:
    """Text of each page, via pypdf."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
    except (PdfReadError, ValueError, OSError) as exc:
        raise FormatError(file, None, f"not a readable PDF: {exc}") from None


def read_texts(texts: list[str], source_id: str, file: str) -> pd.DataFrame:
    """All pages' tables, checked; FormatError lists every page that does not add up."""
    problems = Problems(file)
    rows: list[tuple] = []
    seen: dict[int, int] = {}
    for page, text in enumerate(texts, start=1):
        where = f"page {page}"
        try:
            table = parse_page(text, file, page)
        except FormatError as exc:
            for p in exc.problems:
                problems.add(p.row, p.reason)
            continue
        if table.fiscal_year in seen:
            problems.add(where, f"FY{table.fiscal_year} already on page {seen[table.fiscal_year]}")
            continue
        seen[table.fiscal_year] = page
        check_page(table, problems, where)
        rows.extend(table_rows(table, source_id))
    problems.raise_if_any()
    if not rows:
        raise FormatError(file, None, "no pages")
    return pd.DataFrame(rows, columns=COLUMNS)


def read(raw: bytes | Path, source_id: str, name: str | None = None) -> pd.DataFrame:
    """Monthly apprehensions by border region from the PDF (COLUMNS)."""
    data, file = raw_bytes(raw, name)
    return read_texts(page_texts(data, file), source_id, file)
