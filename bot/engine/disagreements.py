"""Sources differ: other sources' and versions' values for the asked periods, and related measures
of the same thing in the same years, shown beside the answer's own figures, never hidden."""

from bot.engine.answer import Answer, Disagreement, SourceRef
from bot.engine.command import Command
from bot.engine.db import StatsDB
from bot.engine.formatting import format_value
from bot.engine.selection import Row

# Every row of the asked metrics in the asked years: a long range of a busy metric passes the
# door's default cap of 1,000 rows, which it refuses rather than cut.
MAX_ROWS = 50_000


def sources_differ(
    db: StatsDB,
    metrics: dict[str, dict],
    sources: dict[str, SourceRef],
    command: Command,
    selected: list[Row],
    years: list[int],
) -> list[Disagreement]:
    """Other sources' values for the same periods, and related measures of the same thing in
    the same years: shown beside ours, never hidden."""
    if not command.metric or not (years or selected):
        return []
    asked = [command.metric, *command.related_metrics]
    params: dict[str, object] = {f"m{i}": m for i, m in enumerate(asked)}
    wanted_years = set(years) | {r.year for r in selected if r.year is not None}
    params |= {"low": min(wanted_years, default=0), "high": max(wanted_years, default=0)}
    # A year span rather than IN lists: a long range would exceed SQLite's variable limit.
    sql = (
        "select metric, period, value, source_id, flags, as_of, "
        "coalesce(calendar_year, fiscal_year) as year from figures "
        f"where metric in ({', '.join(':m' + str(i) for i in range(len(asked)))}) "
        "and (fiscal_year between :low and :high or calendar_year between :low and :high) "
        "order by period, metric, as_of, source_id"
    )
    periods = {r.period for r in selected}
    shown = {(command.metric, r.period, r.source_id) for r in selected}
    ours = {r.period: r.value for r in selected}
    differ = []
    rows = db.query(sql, params, max_rows=MAX_ROWS).rows
    for metric, period, value, source_id, flags, as_of, year in rows:
        mine = metric == command.metric
        if (mine and period not in periods) or (not mine and year not in wanted_years):
            continue
        if (metric, period, source_id) in shown or value == ours.get(period):
            continue
        unflagged = sorted(set(flags.split()) - {"secondary"})
        note = "; ".join(
            part
            for part in (
                metrics[metric]["label"] if not mine else "",
                f"as of {as_of}" if as_of else "",
                ", ".join(f.replace("_", " ") for f in unflagged),
            )
            if part
        )
        value_text = format_value(value, metrics[metric]["unit"])
        differ.append(Disagreement(period, value, value_text, sources[source_id], note))
    return differ


def published_range(answer: Answer, row: Row) -> None:
    """A figure published only as "at least …" beside other published figures for the same period
    (press counts of deaths): the headline gives the range with each source, and the value is the
    lowest, flagged as a lower bound."""
    if "lower_bound" not in row.flags or not answer.sources:
        return
    figures = [(row.value, answer.value_text, answer.sources[0].publisher)]
    figures += [
        (d.value, d.value_text, d.source.publisher)
        for d in answer.sources_differ
        if d.period == row.period
    ]
    if len(figures) < 2:
        return
    low, high = min(figures), max(figures)
    answer.value, answer.value_text = low[0], low[1]
    answer.headline = (
        f"Published figures for {answer.period} range from {low[1]} ({low[2]}) to {high[1]} "
        f"({high[2]}): {answer.headline}"
    )
