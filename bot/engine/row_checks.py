"""The rows a prepared query returns, checked as the engine will read them.

The engine turns each row into a period and a number and does arithmetic with them (a sum, a
change, a percentage), so a value that is text, a blob, infinite or beyond any real count, or a
period that is not one of the forms the engine reads (FY2023, FY2021-FY2024, CY2023, 2024-05), would
crash an answer or print nonsense. Such rows are refused before a command is stored or shipped.
"""

import math
from collections.abc import Sequence
from datetime import date

from bot.engine.periods import parse_period

MAX_VALUE = 1e15  # no statistic the bot serves comes near; a sum of 1,000 such stays exact
PERIOD_FORMS = "FY2023, FY2021-FY2024, CY2023 or 2024-05"
SHOWN = 3  # problems named per query: the moderator fixes the pattern, not each row
# Optional columns the engine reads, and the kind of value each must hold when not NULL.
TEXT_COLUMNS = ("source_id", "flags", "as_of")
PERIOD_COLUMNS = ("partial_through", "last_month")


def _said(value: object) -> str:
    if isinstance(value, bytes):
        return "a blob"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    return repr(value)


def _value_problem(value: object) -> str | None:
    if value is None:
        return None  # a row without a value is skipped by the engine, as a gap
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"`value` must be a number, not {_said(value)}"
    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        return f"`value` {value!r} is not a finite number within ±{MAX_VALUE:.0e}"
    return None


def _period_problem(period: object) -> str | None:
    if period is None:
        return None
    if not isinstance(period, str) or parse_period(period) is None:
        return f"`period` must be a period like {PERIOD_FORMS}, not {_said(period)}"
    year = parse_period(period)
    years = [y for y in (year.fiscal_year, year.calendar_year) if y is not None]
    if any(not 1800 <= y <= 2200 for y in years):
        return f"`period` {period!r} is outside the years 1800-2200"
    return None


def _reads_as_period(column: str, value: str) -> bool:
    """A partial period may end on a day ('2025-09-20'): a source counting to a date says so."""
    if column == "partial_through" and len(value) == 10:
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        value = value[:7]
    return parse_period(value) is not None


def _other_problems(data: dict[str, object], source_ids: set[str]) -> list[str]:
    found = []
    for column in TEXT_COLUMNS + PERIOD_COLUMNS:
        value = data.get(column)
        if value is not None and not isinstance(value, str):
            found.append(f"`{column}` must be a text, not {_said(value)}")
    for column in PERIOD_COLUMNS:
        value = data.get(column)
        if isinstance(value, str) and value and not _reads_as_period(column, value):
            found.append(f"`{column}` must be a period like {PERIOD_FORMS}, not {_said(value)}")
    source = data.get("source_id")
    if isinstance(source, str) and source and source not in source_ids:
        found.append(f"`source_id` '{source[:60]}' is not a known source id")
    months = data.get("months")
    if months is not None and (
        isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= 12
    ):
        found.append(f"`months` must be a whole number from 0 to 12, not {_said(months)}")
    return found


def answerable(columns: Sequence[str], rows: Sequence[tuple]) -> int:
    """How many rows the engine can read at all: a row without a period or a value is a gap."""
    at = {name: index for index, name in enumerate(columns)}
    return sum(1 for r in rows if r[at["period"]] is not None and r[at["value"]] is not None)


def row_problems(columns: Sequence[str], rows: Sequence[tuple], source_ids: set[str]) -> list[str]:
    """Why some rows cannot be answered from, at most SHOWN distinct reasons with their row."""
    found: list[str] = []
    for number, record in enumerate(rows, start=1):
        data = dict(zip(columns, record, strict=True))
        reasons = [_value_problem(data.get("value")), _period_problem(data.get("period"))]
        for reason in [r for r in reasons if r] + _other_problems(data, source_ids):
            if not any(seen.endswith(reason) for seen in found):
                found.append(f"row {number}: {reason}")
        if len(found) >= SHOWN:
            break
    return found
