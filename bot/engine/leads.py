"""What a headline says before the figure, or a note beside it, when the figure is not simply the
period asked: a substitution, an inexact sum, a newer partial period."""

from bot.engine.formatting import format_value, short_label
from bot.engine.periods import through_label
from bot.engine.selection import Row
from bot.engine.timewords import TimeAsk


def substitution(time: TimeAsk, missing: list[int], series: str, selected: list[Row]) -> str:
    """What the figure stands in for, said first in the headline: asked years the series lacks, a
    month asked of a series that only has whole years (the reader must not take it for the
    month), or a span of months the figures do not fully cover."""
    prefix = "CY" if series == "calendar_year" else "FY"
    if time.first_month and series == "month" and selected:
        first, last = selected[0].period, selected[-1].period
        asked_last = time.last_month
        gaps = []
        if first > time.first_month:
            gaps.append(f"the figures start in {short_label(first)}")
        if asked_last and last < asked_last:
            gaps.append(f"they run only to {short_label(last)}")
        if gaps:
            return f"Not the whole span asked: {' and '.join(gaps)}. "
        return ""
    if missing:
        return f"No figure for {', '.join(f'{prefix}{y}' for y in missing)} in this series. "
    if time.month and series != "month":
        return f"No monthly figure for {short_label(time.month)} in this series; whole year: "
    return ""


INEXACT = {"rounded": "about", "approximate": "about", "lower_bound": "at least"}


def sum_kind(selected: list[Row]) -> str:
    """A sum is only as exact as its least exact part: mixing a rounded, approximate or
    lower-bound figure with exact counts makes the total approximate, said first in the headline."""
    inexact = sorted({f for r in selected for f in r.flags if f in INEXACT})
    if not inexact:
        return ""
    words = {INEXACT[f] for f in inexact}
    lead = "At least" if words == {"at least"} else "About"
    which = ", ".join(f.replace("_", " ") for f in inexact)
    return f"{lead} (a total that includes {which} figures): "


def later_partial(time: TimeAsk, selected: list[Row], rows: list[Row], unit: str) -> str | None:
    """ "Latest" is the latest complete period; a part of a later one is said beside it, with how
    far it runs, so "this year" never hides the newest figures."""
    if time.kind not in ("none", "latest") or not selected or not rows:
        return None
    newest = rows[-1]
    if not newest.partial or newest in selected or newest.period <= selected[-1].period:
        return None
    through = (
        f" run only through {through_label(newest.partial_through)}"
        if newest.partial_through
        else " are partial"
    )
    value = format_value(newest.value, unit)
    return (
        f"The figures for {short_label(newest.period)}{through}: {value}; "
        "the latest complete period is the one answered."
    )
