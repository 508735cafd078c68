"""Periods as the data writes them (FY2023, FY2021-FY2024, CY2023, 2024-05) and as people read them.

U.S. federal fiscal years run October to September: FY2023 is Oct 2022 - Sep 2023.
"""

import re
from dataclasses import dataclass

MONTH_NAMES = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

_FY = re.compile(r"FY(\d{4})")
_FY_RANGE = re.compile(r"FY(\d{4})-FY(\d{4})")
_CY = re.compile(r"CY(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_AS_OF = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?|mid-(\d{4})")


@dataclass(frozen=True)
class Period:
    """A parsed period: its kind and the fiscal years it touches, for sorting and filtering."""

    text: str
    kind: str  # fiscal_year | fiscal_year_range | calendar_year | month
    fiscal_year: int | None  # the FY (or last FY of a range, or FY containing the month)
    start_fiscal_year: int | None
    calendar_year: int | None
    month: str | None  # YYYY-MM for monthly periods

    @property
    def year(self) -> int | None:
        """The year a person would type for it: the calendar year of a survey, else the FY."""
        return self.calendar_year if self.kind == "calendar_year" else self.fiscal_year


def fiscal_year_of_month(year: int, month: int) -> int:
    """October to December belong to the next fiscal year."""
    return year + 1 if month >= 10 else year


def fiscal_year_of(month: str) -> int:
    """'2023-10' -> 2024."""
    return fiscal_year_of_month(int(month[:4]), int(month[5:7]))


def add_months(month: str, count: int) -> str:
    """'2023-11' plus 2 -> '2024-01'; a negative count goes back."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_period(text: str) -> Period | None:
    """Parse a period as written in data/figures.csv; None when it is not one of our forms."""
    if m := _FY_RANGE.fullmatch(text):
        start, end = int(m.group(1)), int(m.group(2))
        if start > end:
            return None
        return Period(text, "fiscal_year_range", end, start, None, None)
    if m := _FY.fullmatch(text):
        year = int(m.group(1))
        return Period(text, "fiscal_year", year, year, None, None)
    if m := _CY.fullmatch(text):
        return Period(text, "calendar_year", None, None, int(m.group(1)), None)
    if m := _MONTH.fullmatch(text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            return None
        fy = fiscal_year_of_month(year, month)
        return Period(text, "month", fy, fy, year, text)
    return None


def valid_as_of(text: str) -> bool:
    """A point-in-time date: YYYY-MM, YYYY-MM-DD or mid-YYYY when the source says no more."""
    m = _AS_OF.fullmatch(text)
    return bool(m) and (m.group(2) is None or 1 <= int(m.group(2)) <= 12)


def month_label(month: str) -> str:
    """'2024-05' -> 'May 2024'."""
    year, mon = month.split("-")
    return f"{MONTH_NAMES[int(mon) - 1]} {year}"


def through_label(through: str) -> str:
    """Where a partial period ends: '2024-08' -> 'Aug 2024', '2025-09-20' -> '20 Sep 2025' (a
    source that counts to a day says so, and the reader must not take it for the whole month)."""
    if len(through) == 10:
        return f"{int(through[8:])} {month_label(through[:7])}"
    return month_label(through[:7])


def fiscal_year_span(fy: int) -> str:
    """FY2023 -> 'Oct 2022–Sep 2023'."""
    return f"Oct {fy - 1}–Sep {fy}"


def months_of_fiscal_year(fy: int) -> tuple[str, str]:
    """The first and last calendar month (YYYY-MM) of a fiscal year."""
    return f"{fy - 1}-10", f"{fy}-09"
