"""Which rows of a series answer the asked time: picking periods and months, the chart window, gaps, the change against a comparable period, and notices about the rows."""

from dataclasses import dataclass

from bot.engine.answer import Change, SourceRef
from bot.engine.formatting import long_label, range_label, short_label
from bot.engine.periods import parse_period, through_label
from bot.engine.timewords import TimeAsk

MAX_BARS = 30  # a chart wider than this stops being readable at Discord's size


FLAG_NOTICES = {
    "rounded": "{period}: the source gives a rounded figure.",
    "approximate": "{period}: the source gives an approximate figure.",
    "lower_bound": "{period}: the source gives a lower bound (“over” / “at least”).",
    "superseded": "{period}: a later version of this series gives a different value.",
    "unverified": "{period}: this figure could not be found again in an independent re-check.",
    "inconsistent": "{period}: the source's own totals contradict this printed value.",
    "derived_sum": "{period}: an arithmetic sum of published figures.",
}


@dataclass(frozen=True)
class Row:
    """One period of a command's series, as the query returned it."""

    period: str
    value: float
    source_id: str | None
    flags: frozenset[str]
    partial_through: str | None
    as_of: str | None
    fiscal_year: int | None
    year: int | None  # the year a person would type for this period

    @property
    def partial(self) -> bool:
        return bool(self.partial_through) or "partial" in self.flags


def rows_of(columns: list[str], records: list[tuple], series: str) -> list[Row]:
    rows = []
    for record in records:
        data = dict(zip(columns, record, strict=True))
        if data.get("value") is None or data.get("period") is None:
            continue
        period = str(data["period"])
        parsed = parse_period(period)
        flags = frozenset(str(data.get("flags") or "").split())
        through = data.get("partial_through") or None
        months = data.get("months")
        if series == "fiscal_year" and months is not None and int(months) < 12:
            through = through or data.get("last_month")
            flags |= {"partial"}
        fiscal_year = parsed.fiscal_year if parsed else None
        year = parsed.year if parsed else None
        rows.append(
            Row(
                period=period,
                value=float(data["value"]),
                source_id=data.get("source_id"),
                flags=flags,
                partial_through=through,
                as_of=data.get("as_of") or None,
                fiscal_year=fiscal_year,
                year=year,
            )
        )
    return rows


def time_params(time: TimeAsk, selected: list[Row]) -> dict[str, object]:
    """The period as asked, for the JSON and the 'how this was computed' view."""
    if time.month:
        return {"month": time.month}
    if time.months:
        return {"months": list(time.months)}
    if time.first_month and selected and parse_period(selected[0].period).kind == "month":
        return {"start_month": selected[0].period, "end_month": selected[-1].period}
    if time.kind == "last" and selected:
        return {"start": selected[0].year, "end": selected[-1].year}
    if time.kind == "single":
        return {"year": time.years[0]}
    if time.kind == "range":
        return {"start": time.years[0], "end": time.years[-1]}
    if time.kind == "since":
        years = [r.year for r in selected if r.year is not None]
        return {"start": time.years[0], "end": max(years, default=time.years[0])}
    if time.kind == "compare":
        return {"years": list(time.years)}
    if time.kind == "latest" or selected:
        return {"year": selected[-1].year} if selected and selected[-1].year else {}
    return {}


def span_label(selected: list[Row]) -> str:
    """A run of periods as one label; whole fiscal years of months read as fiscal years."""
    first, last = selected[0], selected[-1]
    if parse_period(first.period).kind == "month":
        years = sorted({r.fiscal_year for r in selected if r.fiscal_year is not None})
        whole = years and len(selected) == 12 * len(years) and first.period.endswith("-10")
        if not whole:
            return f"{short_label(first.period)}–{short_label(last.period)}"
        first_fy, last_fy = f"FY{years[0]}", f"FY{years[-1]}"
        return long_label(first_fy) if first_fy == last_fy else range_label(first_fy, last_fy)
    label = range_label(first.period, last.period)
    if last.partial_through and label.endswith(")"):  # the months a partial last year covers
        label = label[: label.rindex("–") + 1] + through_label(last.partial_through) + ")"
    return label


def latest_complete(rows: list[Row]) -> Row | None:
    complete = [r for r in rows if not r.partial]
    return (complete or rows or [None])[-1]


def select_periods(rows: list[Row], time: TimeAsk) -> tuple[list[Row], list[Row]]:
    """The asked rows of an annual series, and the window of rows to chart around them."""
    singles = [r for r in rows if parse_period(r.period).kind != "fiscal_year_range"]
    if time.kind == "range" and (exact := range_row(rows, time.years[0], time.years[-1])):
        return [exact], rows  # a multi-year total the source published for exactly this range
    if time.kind in ("none", "latest"):
        latest = latest_complete(singles or rows)
        selected = [latest] if latest else []
    elif time.kind == "last":
        complete = [r for r in singles if not r.partial]
        selected = complete[-(time.count or 1) :]
    elif time.kind == "since":
        selected = [r for r in singles if r.year is not None and r.year >= time.years[0]]
    else:
        wanted = set(time.years)
        selected = [r for r in singles if r.year in wanted]
    chart = singles or rows
    if len(chart) > MAX_BARS and selected:
        end = min(len(chart), chart.index(selected[-1]) + 4)
        start = max(0, min(chart.index(selected[0]), end - MAX_BARS))
        chart = chart[start:end]
    return selected, chart


def range_row(rows: list[Row], start: int, end: int) -> Row | None:
    for row in rows:
        parsed = parse_period(row.period)
        if parsed.kind == "fiscal_year_range" and (
            parsed.start_fiscal_year,
            parsed.fiscal_year,
        ) == (
            start,
            end,
        ):
            return row
    return None


def select_months(rows: list[Row], time: TimeAsk) -> tuple[list[Row], list[Row]]:
    """Monthly series: the asked fiscal years' months (or one month), charted with context."""
    if time.month:
        selected = [r for r in rows if r.period == time.month]
    elif time.months:  # months compared: both, or none (a comparison with one side is none)
        selected = [r for r in rows if r.period in time.months]
        selected = selected if len(selected) == len(time.months) else []
    elif time.first_month:
        last = time.last_month or "9999-12"
        selected = [r for r in rows if time.first_month <= r.period <= last]
    elif time.kind == "last":
        full = sorted(fy for fy in {r.fiscal_year for r in rows} if months_in(rows, fy) >= 12)
        wanted = set(full[-(time.count or 1) :])
        selected = [r for r in rows if r.fiscal_year in wanted]
    elif time.kind in ("none", "latest"):
        full = [fy for fy in {r.fiscal_year for r in rows} if months_in(rows, fy) >= 12]
        latest = max(full or [r.fiscal_year for r in rows] or [0])
        selected = [r for r in rows if r.fiscal_year == latest]
    elif time.kind == "since":
        selected = [r for r in rows if r.fiscal_year and r.fiscal_year >= time.years[0]]
    else:
        selected = [r for r in rows if r.fiscal_year in set(time.years)]
    if not selected:
        return [], rows[-24:]
    first = rows.index(selected[0])
    last = rows.index(selected[-1])
    return selected, rows[max(0, first - 12) : last + 1][-72:]


def months_in(rows: list[Row], fiscal_year: int | None) -> int:
    return sum(1 for r in rows if r.fiscal_year == fiscal_year)


def missing_years(rows: list[Row], time: TimeAsk, series: str) -> list[int]:
    have = {r.year for r in rows} if series != "month" else {r.fiscal_year for r in rows}
    if (time.first_month or time.months) and series == "month":
        return []
    if time.kind in ("single", "compare", "range"):
        return [y for y in time.years if y not in have]
    return []


MAX_SPANS = 6  # runs of years named before a series' list is cut to its ends


def missing_notice(missing: list[int], rows: list[Row], series: str) -> str:
    prefix = "CY" if series == "calendar_year" else "FY"
    asked = ", ".join(_spans(prefix, sorted(missing)))
    years = sorted({r.year if series != "month" else r.fiscal_year for r in rows} - {None})
    if not years:
        return f"No figures for {asked}."
    spans = _spans(prefix, years)
    if len(spans) > MAX_SPANS:  # name the ends and say there are gaps
        spans = [spans[0], "…", spans[-1]]
    return f"No figure for {asked} in this series; it has {', '.join(spans)}."


def _spans(prefix: str, years: list[int]) -> list[str]:
    return [
        f"{prefix}{first}" if first == last else f"{prefix}{first}–{prefix}{last}"
        for first, last in _runs(years)
    ]


def _runs(years: list[int]) -> list[tuple[int, int]]:
    """Sorted years as runs of consecutive years: a gap in the middle is said, never hidden in
    "FY1960–FY2025"."""
    runs: list[tuple[int, int]] = []
    for year in years:
        if runs and year == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs


def change_against(
    selected: list[Row],
    rows: list[Row],
    time: TimeAsk,
    aggregate: str,
    sources: dict[str, SourceRef],
) -> Change | None:
    """Against the previous period in the series, or first vs last for a comparison; None when
    the two are not alike (see `unlike`)."""
    if time.kind == "compare" or (len(selected) > 1 and aggregate == "none"):
        if len(selected) < 2:
            return None
        before, after = selected[0], selected[-1]
    elif len(selected) == 1:
        at = rows.index(selected[0])
        earlier = [
            r
            for r in rows[:at]
            if parse_period(r.period).kind == parse_period(selected[0].period).kind
        ]
        if not earlier:
            return None
        before, after = earlier[-1], selected[0]
    else:
        return None
    if unlike(before, after, sources):
        return None
    absolute = after.value - before.value
    percent = absolute / before.value * 100 if before.value else None
    return Change(short_label(before.period), before.value, absolute, percent)


def unlike(before: Row, after: Row, sources: dict[str, SourceRef]) -> str | None:
    """Why two figures make no change line: a partial period against a whole one, a dated claim,
    or one research group's estimate against another's."""
    if before.partial or after.partial:
        return "a partial period is not compared with another period"
    if "claim" in before.flags | after.flags:
        return "dated statements are not compared as a change"
    kinds = {sources[r.source_id].kind for r in (before, after) if r.source_id in sources}
    if before.source_id != after.source_id and kinds == {"research"}:
        return "estimates of different research groups are not compared as a change"
    return None


def row_notices(selected: list[Row], sources: dict[str, SourceRef]) -> list[str]:
    notices = []
    for row in selected:
        label = short_label(row.period)
        if row.partial:
            through = row.partial_through
            span = f" (through {through_label(through)})" if through else ""
            notices.append(f"{label} is a partial period{span}, not a full year.")
        source = sources.get(row.source_id or "")
        if "secondary" in row.flags or (source and source.kind == "secondary"):
            who = source.publisher if source else "a secondary source"
            notices.append(
                f"{label}: read in a secondary copy ({who}), not in the original publication."
            )
        notices += [
            FLAG_NOTICES[f].format(period=label) for f in sorted(row.flags) if f in FLAG_NOTICES
        ]
    return list(dict.fromkeys(notices))
