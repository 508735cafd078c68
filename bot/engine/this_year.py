"""'This year' by the calendar, not by the data.

A question asked in November 2026 about "this year" means FY2027 (or 2026 for a calendar-year
series), whatever the newest figure is. When the series has figures for that year, they answer
(a partial year names its months); when it has none yet, the headline says so first and how far
the data runs, then gives the latest complete period — never an older year passed off as this one.
"""

from dataclasses import replace
from datetime import date

from bot.engine.formatting import short_label
from bot.engine.periods import fiscal_year_of_month, parse_period, through_label
from bot.engine.selection import Row
from bot.engine.timewords import TimeAsk


def current_year(today: date, series: str) -> int:
    """The fiscal year of `today` (the calendar year for calendar-year series)."""
    if series == "calendar_year":
        return today.year
    return fiscal_year_of_month(today.year, today.month)


def data_end(row: Row) -> str:
    """The last month (or day) a row's figure covers: 'Nov 2025', '20 Sep 2025', '2024'."""
    if row.partial_through:
        return through_label(row.partial_through)
    parsed = parse_period(row.period)
    if parsed and parsed.kind in ("fiscal_year", "fiscal_year_range"):
        return f"Sep {parsed.fiscal_year}"
    return short_label(row.period)  # a month, or a calendar year's survey: '2024'


def this_year(time: TimeAsk, rows: list[Row], series: str, today: date) -> tuple[TimeAsk, str]:
    """The time to answer "this year" with, and what the headline must say first."""
    year = current_year(today, series)
    have = {r.fiscal_year if series == "month" else r.year for r in rows}
    if year in have:
        return replace(time, kind="single", years=(year,), current=False), ""
    name = f"{year}" if series == "calendar_year" else f"FY{year}"
    if not rows:
        return replace(time, current=False), f"No figures yet for this year ({name}). "
    return (
        replace(time, current=False),
        f"No figures yet for this year ({name}); the data runs only through "
        f"{data_end(rows[-1])}. Latest complete period: ",
    )
