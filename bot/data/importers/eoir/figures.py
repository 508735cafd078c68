"""The computed national series as figures the bot answers with: rows of data/figures.csv under
the metrics the published counts already use, with one research source of immistats' own.

The asylum commands then show the computed figure ("Computed by immistats from EOIR case data,
release YYYY-MM-DD") and TRAC's and the press figures for the same year under "sources differ",
through the build and engine as they are. The metrics name this source as preferred, so the
computed figure is the default where one exists; data/ ships the source row but no computed
figure until a maintainer imports a real release. An import replaces only this source's rows;
every other byte of figures.csv and sources.csv is kept.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.data.importers.eoir import rules
from bot.data.importers.eoir.kind import EOIR_CASE_DATA

COMPUTED_SOURCE = "immistats_eoir_case_data"
FIGURES_FILE, SOURCES_FILE = "figures.csv", "sources.csv"
CLOSED_WITHOUT_DECISION = (
    "terminated",
    "dismissed",
    "administratively closed",
    "other administrative completion",
)
Row = dict[str, str]


@dataclass(frozen=True)
class Series:
    """One computed national series: the metric it answers for, from which table, in words."""

    metric: str
    measure: str  # the aggregate table read (its by-custody breakdown: each case once)
    words: str
    keep: Callable[[Row], bool]


def closed_without_decision(row: Row) -> bool:
    return (
        row["asylum_decision"] == "no merits decision"
        and row["case_outcome"] in CLOSED_WITHOUT_DECISION
    )


def decided_on_the_merits(row: Row) -> bool:
    return row["outcome"] in rules.MERITS


def granted(row: Row) -> bool:
    return row["outcome"] == "granted"


def denied(row: Row) -> bool:
    return row["outcome"] == "denied"


ONE_PER_CASE = (
    "one asylum application per case, at the case's first completion, in removal, deportation, "
    "exclusion and asylum-only cases"
)
# The seed articles' measure, and the merits decisions TRAC counts. The commands that answer
# for these metrics name no source in their titles: the source line says whose figure it is.
SERIES = (
    Series(
        "trac_asylum_terminated_or_closed",
        "asylum_filers",
        "asylum filers whose first completion was a termination, dismissal, administrative "
        "closure or other administrative completion, with no asylum grant or denial",
        closed_without_decision,
    ),
    Series(
        "trac_asylum_merits_decisions",
        "asylum_decisions",
        f"asylum applications granted or denied by an immigration judge; {ONE_PER_CASE}",
        decided_on_the_merits,
    ),
    Series(
        "trac_asylum_merits_grants",
        "asylum_decisions",
        "asylum applications granted by an immigration judge (every kind of grant; GRANT WCAT, "
        "withholding under the Convention Against Torture, is not one, as in EOIR's own tables); "
        f"{ONE_PER_CASE}",
        granted,
    ),
    Series(
        "trac_asylum_merits_denials",
        "asylum_decisions",
        f"asylum applications denied by an immigration judge; {ONE_PER_CASE}",
        denied,
    ),
)


def yearly(rows: list[Row], keep: Callable[[Row], bool]) -> Counter:
    totals: Counter = Counter()
    for row in rows:
        if keep(row):
            totals[int(row["fiscal_year"])] += int(row["cases"])
    return totals


def _fiscal_year(day: date) -> int:
    return day.year + (1 if day.month >= 10 else 0)


def figure_rows(tables: dict[str, list[Row]], release: str) -> list[Row]:
    """National figures per fiscal year up to the release's own (partial: through the month
    before the release date's day); later years would be dating errors, so none is shown."""
    released = date.fromisoformat(release)
    last = _fiscal_year(released)
    through = (released - timedelta(days=1)).strftime("%Y-%m")
    rows = []
    for series in SERIES:
        totals = yearly(tables[series.measure], series.keep)
        for year in sorted(y for y in totals if y <= last):
            partial = year == last
            rows.append(
                {
                    "metric": series.metric,
                    "period": f"FY{year}",
                    "as_of": "",
                    "partial_through": through if partial else "",
                    "geography": "United States",
                    "value": str(totals[year]),
                    "source_id": COMPUTED_SOURCE,
                    "flags": "partial" if partial else "",
                    "notes": f"computed by immistats from EOIR case data, release {release}: "
                    f"{series.words}; rules version {rules.RULES_VERSION} (docs/eoir-case-data.md)",
                }
            )
    return rows


def source_row(release: str, release_name: str) -> Row:
    return {
        "id": COMPUTED_SOURCE,
        "publisher": "immistats (computed from EOIR case data)",
        "title": f"Computed by immistats from EOIR case data, release {release}",
        "url": EOIR_CASE_DATA.page,
        "date": release,
        "kind": "research",
        "notes": f"EOIR's case-level FOIA release ({release_name}), aggregated by "
        f"`immistats data import eoir-case-data`; counting rules version {rules.RULES_VERSION} "
        "in docs/eoir-case-data.md; one case counted at its first completion",
    }


def merged(old: bytes, replace: Callable[[Row], bool], new_rows: list[Row], after: str) -> bytes:
    """The CSV with the rows `replace` picks taken out and `new_rows` put in: each after the
    last row with the same value in column `after` (else at the end). Written as the repo's
    data files are (minimal quoting, \\n), so the other rows keep their bytes."""
    reader = csv.DictReader(io.StringIO(old.decode("utf-8"), newline=""))
    header = list(reader.fieldnames or [])
    kept = [row for row in reader if not replace(row)]
    for new in new_rows:
        places = [i for i, row in enumerate(kept) if row[after] == new[after]]
        kept.insert(places[-1] + 1 if places else len(kept), new)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    return buffer.getvalue().encode("utf-8")


def figures_csv(old: bytes, rows: list[Row]) -> bytes:
    return merged(old, lambda row: row["source_id"] == COMPUTED_SOURCE, rows, "metric")


def sources_csv(old: bytes, row: Row) -> bytes:
    """The source row replaced where it is (sources.csv is in id order)."""
    reader = csv.DictReader(io.StringIO(old.decode("utf-8"), newline=""))
    header = list(reader.fieldnames or [])
    rows = [row if existing["id"] == COMPUTED_SOURCE else existing for existing in reader]
    if not any(existing["id"] == COMPUTED_SOURCE for existing in rows):
        rows.append(row)
        rows.sort(key=lambda existing: existing["id"])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
