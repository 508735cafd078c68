"""A part of a series and its whole: a share, the total without the part, or two parts side by
side, each computed from figures published for one breakdown of one series.

Only figures of the same series and period are combined (the part is the whole with one filter
added), the result says it is derived by immistats, and the arithmetic is shown with its inputs.
Anything else (a share of a rate, a part without a whole, two series) is refused with the reason.
"""

import re
from dataclasses import replace

from bot.engine.answer import Answer, Point
from bot.engine.figure import plain_title
from bot.engine.formatting import PERCENT_UNITS, format_value

SHARE_UNIT = "percent"


def _why_not_combined(part: Answer, whole: Answer, what: str) -> str | None:
    if part.unit in PERCENT_UNITS:
        return f"“{part.title}” is a rate, so {what} of it has no meaning here."
    if part.value is None or whole.value is None:
        return f"No figures for both the part and the whole of “{part.title}” for this period."
    if part.period != whole.period:
        return f"The part and the whole of “{part.title}” cover different periods."
    return None


def _per_period(part: Answer, whole: Answer, combine) -> list[Point]:
    """The derived figure for every period the chart shows and both series have."""
    wholes = {p.period: p.value for p in whole.series}
    return [
        replace(p, value=combine(p.value, wholes[p.period]))
        for p in part.series
        if p.period in wholes and combine(p.value, wholes[p.period]) is not None
    ]


def _derived(answer: Answer, whole: Answer, how: str) -> Answer:
    answer.change = None  # a change line would compare counts, not this derived figure
    answer.sources_differ = []
    answer.sources = list(dict.fromkeys([*answer.sources, *whole.sources]))
    notices = [_without_count(n) for n in (how, *answer.notices, *whole.notices)]
    answer.notices = list(dict.fromkeys(notices))
    return answer


def _without_count(notice: str) -> str:
    """'The figures for FY2026 run only through Nov 2025: 60,926; …' keeps how far a newer
    period runs but not its count, which is neither the part's nor the derived figure."""
    return re.sub(r"^(The figures for .+?): [\d,.%]+;", r"\1;", notice)


def share_of_whole(part: Answer, whole: Answer, named: str, of: str = "") -> Answer | str:
    """'What percent of encounters were Mexican': part ÷ whole × 100, for the asked period. `of`
    names the whole's own filters ('demographic: single adults'), said in the headline."""
    if reason := _why_not_combined(part, whole, "a share"):
        return reason
    assert part.value is not None and whole.value is not None
    if whole.value <= 0:
        return f"“{whole.title}” is zero for this period, so it has no shares."
    percent = part.value / whole.value * 100
    counts = f"{part.value_text} of {whole.value_text} {whole.unit}"
    answer = replace(part, value=round(percent, 1), unit=SHARE_UNIT)
    answer.value_text = format_value(answer.value, SHARE_UNIT)
    whole_named = f" ({of})" if of else ""
    answer.headline = (
        f"{answer.value_text} of {plain_title(whole.title)}{whole_named} in {whole.period} were {named} "
        f"({counts}; a share computed by immistats)"
    )
    answer.interpretation += " · share of the whole, derived"
    answer.chart_title = f"Share of {plain_title(whole.title)} — {named} (%)"
    answer.series = _per_period(part, whole, lambda p, w: round(p / w * 100, 1) if w else None)
    how = (
        f"Derived by immistats: {part.value_text} ({named}) ÷ {whole.value_text} "
        f"({of or 'all'}) × 100 "
        f"= {answer.value_text}; both published in the same series for {whole.period}."
    )
    return _derived(answer, whole, how)


def whole_without_part(part: Answer, whole: Answer, named: str) -> Answer | str:
    """'Encounters excluding Mexico': whole − part, for the asked period."""
    if reason := _why_not_combined(part, whole, "a total without a part"):
        return reason
    assert part.value is not None and whole.value is not None
    rest = whole.value - part.value
    answer = replace(whole, value=rest)
    answer.value_text = format_value(rest, whole.unit)
    answer.headline = (
        f"{answer.value_text} {whole.unit} in {whole.period}: {plain_title(whole.title)} without {named} "
        f"({whole.value_text} − {part.value_text}; computed by immistats)"
    )
    answer.interpretation += f" · without {named}, derived"
    answer.chart_title = f"{plain_title(whole.title)} without {named}"
    answer.series = _per_period(whole, part, lambda w, p: w - p)
    how = (
        f"Derived by immistats: {whole.value_text} (all) − {part.value_text} ({named}) "
        f"= {answer.value_text}; both published in the same series for {whole.period}."
    )
    return _derived(answer, part, how)


def side_by_side(parts: list[tuple[str, Answer]]) -> Answer | str:
    """'Did Venezuelans top Mexicans': each named part's published figure for the same period,
    the larger first; the figure answered is the largest, the others are in the headline."""
    missing = [named for named, part in parts if part.value is None]
    if missing:
        return f"No figure for {', '.join(missing)} in this series for the period asked."
    if len({part.period for _, part in parts}) > 1:
        return f"The figures named in “{parts[0][1].title}” cover different periods."
    ordered = sorted(parts, key=lambda item: -(item[1].value or 0))
    listed = "; ".join(f"{named}: {part.value_text}" for named, part in ordered)
    answer = ordered[0][1]
    answer.headline = f"{answer.title}, {answer.period}: {listed}"
    answer.interpretation += " · " + " vs ".join(named for named, _ in parts)
    answer.change = None
    answer.sources_differ = []
    period = next((p.period for p in answer.series if p.highlight), "")
    answer.series = [  # one bar per named part, the largest first and marked
        Point(period, named.split(": ", 1)[-1], part.value or 0, False, i == 0)
        for i, (named, part) in enumerate(ordered)
    ]
    answer.chart_kind = "bar"
    answer.chart_title = f"{plain_title(answer.title)}, {answer.period}"
    for _, part in ordered[1:]:
        answer.sources = list(dict.fromkeys([*answer.sources, *part.sources]))
        answer.notices = list(dict.fromkeys([*answer.notices, *part.notices]))
    return answer
