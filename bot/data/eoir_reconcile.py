"""`immistats data reconcile eoir`: figures computed from EOIR case data beside the published ones.

After a maintainer imports a real release, this shows per fiscal year how far the computed
series are from what TRAC, EOIR and DHS printed (data/figures.csv, with their source ids and
flags) and why they may differ, so the counting rules can be checked against TRAC's before the
import's figures are committed and shown to users. It reads data/ only (leaving out the import's
own figures rows); it computes nothing it then publishes.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.data.importers.eoir import figures, tables

FISCAL_YEAR = re.compile(r"FY(\d{4})")


class NoComputedTables(Exception):
    """data/ has no EOIR aggregates: nothing has been imported from a real release yet."""


@dataclass(frozen=True)
class Comparison:
    """One computed series, the published metrics it is compared with, and why they may differ."""

    title: str
    computed: str  # the computed series in words
    metrics: tuple[str, ...]
    series: Callable[[Path], Counter]
    reasons: str


def _rows(path: Path) -> list[dict[str, str]]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


def _per_year(data_dir: Path, measure: str, keep: Callable[[dict[str, str]], bool]) -> Counter:
    """National totals per fiscal year from the by-custody breakdown (every case is in one row)."""
    totals: Counter = Counter()
    for row in _rows(data_dir / f"{tables.PREFIX}{measure}_by_custody.csv.gz"):
        if keep(row):
            totals[int(row["fiscal_year"])] += int(row["cases"])
    return totals


COMPARISONS = (
    Comparison(
        "Asylum decisions on the merits (grants + denials)",
        "cases whose first completion carried an asylum grant or denial",
        ("trac_asylum_merits_decisions",),
        lambda d: _per_year(d, "asylum_decisions", figures.decided_on_the_merits),
        "TRAC counts each grant or denial decision from the extract of its report's date; "
        "immistats counts one asylum decision per case, at the case's first completion only "
        "(decisions after a reopening are not counted), in RMV, DEP, EXC and AOC cases.",
    ),
    Comparison(
        "Asylum grants",
        "cases whose first completion carried an asylum grant (all grant kinds)",
        ("trac_asylum_merits_grants", "asylum_granted_defensive"),
        lambda d: _per_year(d, "asylum_decisions", figures.granted),
        "DHS counts individuals granted asylum defensively (principal applicants); TRAC counts "
        "grant decisions; immistats counts cases at their first completion. Grant kinds "
        "(full, conditional, stipulated) are all counted as grants here; GRANT WCAT is not.",
    ),
    Comparison(
        "Asylum denials",
        "cases whose first completion carried an asylum denial",
        ("trac_asylum_merits_denials",),
        lambda d: _per_year(d, "asylum_decisions", figures.denied),
        "TRAC's wording is sometimes 'denied asylum or other relief'; immistats counts the "
        "asylum application's DENY decision only.",
    ),
    Comparison(
        "Immigration court completions",
        "cases by their first completion that is not a change of venue or transfer",
        ("eoir_total_completions", "trac_court_completions"),
        lambda d: _per_year(d, "completions", lambda r: True),
        "EOIR's total counts initial and subsequent completions of all case types; TRAC counts "
        "all case types; immistats counts each RMV, DEP, EXC or AOC case once, at its first "
        "completion, so it is expected to be lower.",
    ),
    Comparison(
        "Asylum filers' cases ended without a merits decision (terminated, dismissed or closed)",
        "asylum filers whose first completion was a termination, dismissal, administrative "
        "closure or other administrative completion, with no asylum grant or denial",
        ("trac_asylum_terminated_or_closed",),
        lambda d: _per_year(d, "asylum_filers", figures.closed_without_decision),
        "The published values are press transcriptions of a TRAC chart (secondary) covering "
        "removal cases only; TRAC's own rules for this chart are not published in text.",
    ),
)


def published(data_dir: Path, metrics: tuple[str, ...]) -> list[dict[str, str]]:
    """The fiscal-year rows of these metrics in data/figures.csv, in file order (not the
    import's own computed rows)."""
    with open(data_dir / "figures.csv", newline="", encoding="utf-8") as handle:
        return [
            row
            for row in csv.DictReader(handle)
            if row["metric"] in metrics
            and FISCAL_YEAR.fullmatch(row["period"])
            and row["source_id"] != figures.COMPUTED_SOURCE
        ]


def release_record(data_dir: Path) -> dict[str, str]:
    path = data_dir / tables.RELEASE_FILE
    if not path.exists():
        raise NoComputedTables(
            "data/ has no figures computed from EOIR case data yet; a maintainer runs "
            "`immistats data import eoir-case-data [PATH_OR_URL]` on a real release first "
            "(docs/eoir-case-data.md)"
        )
    return {row["item"]: row["value"] for row in _rows(path)}


def _difference(computed: int | None, value: float, flags: str) -> str:
    if computed is None:
        return "no computed value"
    if "partial" in flags.split():  # the computed series has whole years only
        return "part year: not compared"
    gap = computed - value
    share = f" ({gap / value:+.1%})" if value else ""
    return f"{gap:+,.0f}{share}"


def reconcile_report(data_dir: Path) -> str:
    """The whole report as text: one block per comparison, one line per published figure."""
    data_dir = Path(data_dir)
    record = release_record(data_dir)
    release = record.get("release_date", "?")
    lines = [
        f"Computed by immistats from EOIR case data, release {release} "
        f"(rules version {record.get('rules_version', '?')}; docs/eoir-case-data.md)",
    ]
    for comparison in COMPARISONS:
        series = comparison.series(data_dir)
        lines += ["", comparison.title, f"  computed: {comparison.computed}"]
        lines.append(f"  {'year':7} {'computed':>10} {'published':>10} {'difference':>18}  source")
        rows = published(data_dir, comparison.metrics)
        for row in sorted(rows, key=lambda r: (r["period"], r["source_id"])):
            year = int(FISCAL_YEAR.fullmatch(row["period"]).group(1))
            value = float(row["value"])
            computed = series.get(year)
            shown = f"{computed:,}" if computed is not None else "-"
            flags = f" [{row['flags']}]" if row["flags"] else ""
            through = f" through {row['partial_through']}" if row["partial_through"] else ""
            lines.append(
                f"  {row['period']:7} {shown:>10} {value:>10,.0f} "
                f"{_difference(computed, value, row['flags']):>18}  {row['source_id']}{flags}{through}"
            )
        lines.append(f"  why they may differ: {comparison.reasons}")
    return "\n".join(lines)
