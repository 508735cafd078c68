"""What can be asked: every metric with its first and last period, data date and source kinds.

Read from the statistics database through the read-only door, so the list is always the data the
answers come from. The monthly tables are listed too: their months are what the breakdowns
(region, state, citizenship, sector) can be asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.catalog import Catalog
from bot.engine.db import StatsDB
from bot.engine.periods import through_label

# The monthly tables and what they can be broken down by (their figures are summed by commands).
MONTHLY_TABLES = {
    "cbp_encounters_monthly": (
        "CBP encounters by month: region, state, demographic, citizenship, title",
        "encounters",
    ),
    "cbp_southwest_monthly": (
        "CBP Southwest border encounters by month: component, demographic, citizenship group",
        "encounters",
    ),
    "usbp_monthly_by_region": ("Border Patrol apprehensions by month and region", "encounters"),
    "usbp_ohss_monthly_citizenship": (
        "Border Patrol encounters by month, region and citizenship (OHSS)",
        "encounters",
    ),
    "usbp_ohss_monthly_sector": (
        "Border Patrol encounters by month, region and sector (OHSS)",
        "encounters",
    ),
    "ohss_dhs_repatriations_monthly": (
        "DHS removals, returns and Title 42 expulsions by month (OHSS)",
        "events",
    ),
}

_SPANS = """
with spans as (
  select metric, period_kind, min(period) as first, max(period) as last, count(*) as figures,
         group_concat(distinct s.kind) as kinds
  from figures f join sources s on s.id = f.source_id
  group by metric, period_kind
)
select sp.metric, m.topic, m.label, sp.period_kind, sp.first, sp.last, sp.figures, sp.kinds,
       p.partial_through, p.as_of, ps.date
from spans sp
join metrics m on m.id = sp.metric
left join figures p on p.metric = sp.metric and p.period = sp.last and p.is_preferred = 1
left join sources ps on ps.id = p.source_id
order by m.topic, sp.metric, sp.period_kind
"""

_MONTHS = "select min(month), max(month), count(distinct month), group_concat(distinct source_id) from {table}"


@dataclass(frozen=True)
class Coverage:
    """One metric (or monthly table) and the span of periods it has."""

    name: str  # metric id, or the monthly table's name
    topic: str
    label: str
    first: str  # as stored: FY1990, 2024-05, CY2010
    last: str
    last_through: str  # the last month of the last period when it is partial ("2025-11")
    as_of: str  # the date of the last period's figure when it is a point-in-time stock
    data_date: str  # the date of the publication the last period comes from
    kinds: tuple[str, ...]  # official, research, secondary
    figures: int
    commands: tuple[str, ...]  # the prepared commands that answer with it

    @property
    def span(self) -> str:
        """'FY2014–FY2024 (FY2024 through Aug 2024)' in the reader's words."""
        joiner = " to " if "-FY" in self.first + self.last else "–"  # multi-year totals
        text = self.first if self.first == self.last else f"{self.first}{joiner}{self.last}"
        if self.last_through:
            text += f" ({self.last} through {through_label(self.last_through)})"
        elif self.as_of:
            text += f" ({self.last} as of {self.as_of})"
        return text


def commands_by_metric(catalog: Catalog) -> dict[str, list[str]]:
    """The commands that answer with each metric: its main metric first, then related ones."""
    found: dict[str, list[str]] = {}
    for command in catalog:
        if command.metric:
            found.setdefault(command.metric, []).insert(0, command.name)
        for related in command.related_metrics:
            found.setdefault(related, []).append(command.name)
    return found


def coverage(db: StatsDB, catalog: Catalog, topic: str | None = None) -> list[Coverage]:
    """Every metric's span (and the monthly tables'), optionally only those matching `topic`:
    a topic name (border, courts, enforcement …), or words in a label, metric or command name."""
    served = commands_by_metric(catalog)
    rows = [
        Coverage(
            name=metric,
            topic=topic_name,
            label=label,
            first=first,
            last=last,
            last_through=through or "",
            as_of=as_of or "",
            data_date=data_date or "",
            kinds=tuple(sorted(set((kinds or "").split(",")) - {""}, key=_KIND_ORDER.index)),
            figures=figures,
            commands=tuple(dict.fromkeys(served.get(metric, []))),
        )
        for metric, topic_name, label, _kind, first, last, figures, kinds, through, as_of, data_date in (
            db.query(_SPANS, {}, max_rows=2000).rows
        )
    ]
    rows += [_monthly(db, table, label) for table, (label, _unit) in MONTHLY_TABLES.items()]
    if topic and topic.strip():
        rows = [row for row in rows if _matches(row, topic)]
    return rows


_KIND_ORDER = ["official", "research", "secondary"]


def _monthly(db: StatsDB, table: str, label: str) -> Coverage:
    first, last, _months, sources = db.query(_MONTHS.format(table=table), {}).rows[0]
    return Coverage(
        name=table,
        topic="monthly tables",
        label=label,
        first=first or "",
        last=last or "",
        last_through="",
        as_of="",
        data_date="",
        kinds=("official",),
        figures=0,
        commands=(),
    )


def _matches(row: Coverage, topic: str) -> bool:
    words = topic.lower().split()
    text = " ".join((row.topic, row.label, row.name, *row.commands)).lower().replace("_", " ")
    return row.topic.lower() == topic.strip().lower() or all(word in text for word in words)


def topics(rows: list[Coverage]) -> list[str]:
    """The topic names, in the order the list shows them."""
    return list(dict.fromkeys(row.topic for row in rows))
