"""Arithmetic asked of an answer: averages per day, month or year, and the record of a series.

Every derived number says it is derived and shows its inputs; anything the inputs cannot support
(an average of a stock, of a rate, or over a partial period) is refused with the reason, never
approximated.
"""

import calendar
import re
from collections.abc import Callable
from dataclasses import replace

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
    chosen = [p for p in answer.series if p.highlight]
    if len(chosen) == 1 and _length(chosen[0], per) == 1:  # "a year" of one year: it is that
        return None
    if answer.unit in PERCENT_UNITS or aggregate != "sum":
        return f"An average per {per} of “{answer.title}” has no meaning: it is not a count that adds up over time."
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
    answer.chosen.append(f"average per {per}")
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
        beyond = answer.value > value if operation == "record" else answer.value < value
        partial = any(p.partial for p in answer.series if p.highlight)
        if answer.value == value:
            answer.headline = f"The {word} in this series ({span}): {answer.headline}"
        elif beyond:  # a partial or later period already past every complete one
            past = "above" if operation == "record" else "below"
            answer.headline += (
                f" — {past} the {word} complete period of this series ({span}): "
                f"{short_label(period)} had {shown}"
            )
        elif partial:  # a part of a period may still grow: it is not judged
            answer.headline += (
                f" — part of a period, not compared with the {word} complete one "
                f"({span}: {short_label(period)} had {shown})"
            )
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
    return TimeAsk("single", (parsed.year,))


def compare_ranges(
    ranges: tuple[tuple[str, int, int], ...],
    aggregate: str,
    answer_for: Callable[[TimeAsk], Answer],
) -> Answer | str:
    """Two administrations side by side, each as its own range of the same series; sums of
    different lengths are also shown per year (derived). The reason instead, when one has no
    figure at all."""
    parts = [answer_for(TimeAsk("range", tuple(range(a, b + 1)), label)) for label, a, b in ranges]
    missing = [
        label for (label, _, _), part in zip(ranges, parts, strict=True) if part.value is None
    ]
    if missing:
        return f"No figures in this series for {' or '.join(missing)}."
    first, second = parts
    sides = [
        f"{label}, {part.period}: {part.value_text}"
        for (label, _, _), part in zip(ranges, parts, strict=True)
    ]
    answer = second
    gaps = [n for part in parts for n in part.notices if n.startswith("No figure")]
    answer.headline = " ".join(gaps + [f"{answer.title}: {'; '.join(sides)}"])
    if aggregate == "sum" and answer.unit not in PERCENT_UNITS:
        yearly = [
            (part.value or 0) / len([p for p in part.series if p.highlight] or [None])
            for part in parts
        ]
        shown = " vs ".join(f"{format_value(round(y, 1), answer.unit)} a year" for y in yearly)
        answer.headline += f" ({shown})"
        answer.notices.insert(
            0, "Derived by immistats: each administration's total ÷ its number of fiscal years."
        )
    answer.notices = list(dict.fromkeys([*first.notices, *answer.notices]))
    answer.caveats = list(dict.fromkeys([*first.caveats, *answer.caveats]))
    answer.params = {"ranges": [[label, a, b] for label, a, b in ranges]}
    asked = {p.period for part in parts for p in part.series if p.highlight}
    answer.series = [replace(p, highlight=p.period in asked) for p in answer.series]
    answer.change = None
    answer.interpretation = answer.interpretation.replace(
        answer.period, " vs ".join(p.period for p in parts)
    )
    return answer


RANK_WORDS = {
    "citizenship": ("countr", "nationalit", "citizenship"),
    "state": ("state",),
    "sector": ("sector",),
}
NOT_RANKED = {"all", "other", "unknown"}
TOP = 5  # values listed when the question names no count
MOST_LISTED = 10  # "top 10"; a larger count is not read (the reply would not fit)
_TOP_N = re.compile(r"\btop\s+(\d{1,2})\b")


def listable(count: int) -> bool:
    """Whether a ranking lists this many values (1 to MOST_LISTED)."""
    return 1 <= count <= MOST_LISTED


def top_count(question: str) -> int | None:
    """The count in "top 3 countries", when it is one a ranking lists."""
    match = _TOP_N.search(question.lower())
    return int(match.group(1)) if match and listable(int(match.group(1))) else None


def rank_breakdown(question: str) -> str | None:
    """Which breakdown a "which … the most" question ranks (citizenship, state, sector); None
    when it names none ("what year had the most …" asks for the record, not a ranking)."""
    text = question.lower()
    named = [p for p, stems in RANK_WORDS.items() if any(s in text for s in stems)]
    return named[0] if named else None


def rank(
    parameter: str, values: list[str], answer_for: Callable[[str], Answer], count: int = TOP
) -> Answer | str:
    """The top `count` values of one breakdown for the asked period, each a published figure;
    the answer is the first of them, with the ranking in the headline."""
    ranked = []
    for value in values:
        if value.lower() in NOT_RANKED:
            continue
        part = answer_for(value)
        if part.value is not None:
            ranked.append((part.value, value, part))
    if not ranked:
        return f"No figures by {parameter} for this period."
    ranked.sort(key=lambda item: -item[0])
    top = ranked[0][2]
    listed = "; ".join(
        f"{i}. {value.title() if value.isupper() else value} {format_value(v, top.unit)}"
        for i, (v, value, _) in enumerate(ranked[:count], start=1)
    )
    top.headline = (
        f"Top {min(count, len(ranked))} by {parameter}, {top.title}, {top.period}: {listed}"
    )
    top.notices.insert(
        0,
        f"Ranked by immistats from the published breakdown by {parameter} ({len(ranked)} values; "
        "'Other' and unknown left out).",
    )
    top.change = None
    return top
