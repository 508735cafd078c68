"""Arithmetic asked of an answer: averages per day, month or year, and the record of a series.

Every derived number says it is derived and shows its inputs; anything the inputs cannot support
(an average of a stock, of a rate, or over a partial period) is refused with the reason, never
approximated.
"""

import calendar
from collections.abc import Callable

from bot.engine.answer import Answer, Point
from bot.engine.formatting import PERCENT_UNITS, format_value, short_label
from bot.engine.periods import parse_period
from bot.engine.timewords import TimeAsk

AVERAGES = {"per_day": "day", "per_month": "month", "average": "year"}
RECORDS = {"record": max, "record_low": min}


def average(answer: Answer, operation: str, aggregate: str) -> str | None:
    """Turn a summed answer into an average per day, month or year; the reason when it cannot."""
    per = AVERAGES[operation]
    if answer.value is None:
        return None
    if answer.unit in PERCENT_UNITS or aggregate != "sum":
        return f"An average per {per} of “{answer.title}” has no meaning: it is not a count that adds up over time."
    chosen = [p for p in answer.series if p.highlight]
    if any(p.partial for p in chosen):
        return f"An average per {per} over a partial period is not computed here."
    units = [_length(p, per) for p in chosen]
    if not chosen or None in units:
        return f"An average per {per} cannot be worked out for these periods."
    count = sum(u for u in units if u is not None)
    total_text = answer.value_text
    answer.value = round(answer.value / count, 1)
    answer.value_text = format_value(answer.value, answer.unit)
    plural = f"{count:,} {per}s" if count != 1 else f"1 {per}"
    answer.headline = (
        f"{answer.value_text} {answer.unit} per {per} on average in {answer.period} "
        f"({total_text} ÷ {plural})"
    )
    answer.notices.insert(
        0, f"Derived by immistats: {total_text} {answer.unit} ÷ {plural} = {answer.value_text}."
    )
    answer.interpretation += f" · average per {per}"
    answer.change = None  # a change line compares totals, not averages
    return None


def _length(point: Point, per: str) -> int | None:
    """Days, months or years in one period of the series."""
    parsed = parse_period(point.period)
    if parsed is None:
        return None
    if parsed.kind == "month":
        year, month = int(point.period[:4]), int(point.period[5:7])
        return {"day": calendar.monthrange(year, month)[1], "month": 1}.get(per)
    if parsed.kind == "fiscal_year":
        fy = parsed.fiscal_year
        days = 366 if calendar.isleap(fy) else 365  # Oct (fy-1) to Sep fy holds Feb of fy
        return {"day": days, "month": 12, "year": 1}[per]
    if parsed.kind == "calendar_year":
        year = parsed.calendar_year
        return {"day": 366 if calendar.isleap(year) else 365, "month": 12, "year": 1}[per]
    return None


def record(
    answer: Answer,
    operation: str,
    series: list[tuple[str, float, bool]],
    ask_for: Callable[[TimeAsk], Answer],
) -> Answer:
    """The highest (or lowest) complete period of the whole series: the period asked is compared
    with it, or, when none was asked, the record period is the answer. `series` is every
    (period, value, partial) of the command with the same filters."""
    complete = [(p, v) for p, v, partial in series if not partial and _single(p)]
    if not complete:
        return answer
    pick = RECORDS[operation]
    period, value = pick(complete, key=lambda item: item[1])
    word = "highest" if operation == "record" else "lowest"
    span = f"{short_label(complete[0][0])}–{short_label(complete[-1][0])}"
    if answer.time.kind in ("none", "latest"):
        answer = ask_for(_time_of(period))
        answer.headline = f"The {word} in this series ({span}): {answer.headline}"
    elif answer.value is not None:
        shown = format_value(value, answer.unit)
        if answer.value == value:
            answer.headline = f"The {word} in this series ({span}): {answer.headline}"
        else:
            answer.headline += (
                f" — not the {word} in this series ({span}): {short_label(period)} had {shown}"
            )
    answer.notices.insert(
        0, f"Compared by immistats with every complete period of this series, {span}."
    )
    return answer


def _single(period: str) -> bool:
    parsed = parse_period(period)
    return parsed is not None and parsed.kind in ("fiscal_year", "calendar_year", "month")


def _time_of(period: str) -> TimeAsk:
    parsed = parse_period(period)
    assert parsed is not None
    if parsed.kind == "month":
        return TimeAsk("single", (parsed.fiscal_year,), month=period)
    year = parsed.calendar_year if parsed.kind == "calendar_year" else parsed.fiscal_year
    return TimeAsk("single", (year,))
