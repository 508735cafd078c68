"""`immistats data import eoir-case-data [PATH_OR_URL]`: a release in, aggregate tables out.

The release is read from the zip as downloaded, its unpacked folder, or a URL (default: EOIR's
official one). Two core tables and five lookup tables are copied cleaned to a temporary work
folder (set TMPDIR to put it on a larger disk), DuckDB computes the aggregates there, and the
files in data/ are replaced only when everything was read; the report says what changed.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from bot.data.importers.common import ImportFailed
from bot.data.importers.eoir import aggregate, lookups, rules, tables
from bot.data.importers.eoir.kind import EOIR_CASE_DATA
from bot.data.importers.eoir.release import Release, clean_copy, copy_lookup, open_release

Report = Callable[[str], None]
CORE_TABLES = (aggregate.PROCEEDINGS, aggregate.APPLICATIONS)
# What a run can fail with that the person running it can act on (a bad file, a full disk):
# the CLI prints each as one line; nothing in data/ has been replaced by then.
FAILURES = (ImportFailed, duckdb.Error, OSError)


def run_eoir_import(source: str | None, data_dir: Path, report: Report) -> list[str]:
    """Import one release into data/; returns (and reports) what changed, file by file."""
    source = source or EOIR_CASE_DATA.urls[0]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="immistats-eoir-") as folder:
        workdir = Path(folder)
        report(f"reading {source}")
        with open_release(source, workdir, report) as release:
            cleaned = [clean_copy(release, t, workdir / f"{t}.tsv", report) for t in CORE_TABLES]
            decoders = lookups.read_lookups(
                {t: copy_lookup(release, t, workdir / f"{t}.tsv") for t in lookups.ALL}
            )
            released, rule = release.release_date(list(CORE_TABLES))
            report("computing the aggregates (DuckDB)")
            try:
                results, counts = aggregate.compute(workdir, *cleaned, decoders)
            except aggregate.ReadRefused as refused:
                report(f"{refused}; checking every line of both tables and computing again")
                cleaned = [
                    clean_copy(release, t, workdir / f"{t}.tsv", report, exact=True)
                    for t in CORE_TABLES
                ]
                results, counts = aggregate.compute(workdir, *cleaned, decoders)
    record = _record(source, release, released.isoformat(), rule, cleaned, counts)
    files = tables.outputs(results, decoders, released.isoformat(), record)
    changed = tables.changes(files, Path(data_dir))
    tables.write_all(files, Path(data_dir))
    rows = sum(counts.rows.values())
    seconds = time.perf_counter() - started
    report(f"release of {released.isoformat()} ({rule}); {rows:,} rows read in {seconds:,.0f} s")
    for line in _problems(counts, decoders):
        report(line)
    for line in changed:
        report(f"  {line}")
    return changed


def _record(
    source: str,
    release: Release,
    released: str,
    rule: str,
    cleaned: list,
    counts: aggregate.Counts,
) -> list[tuple[str, str]]:
    """The release file: where the figures come from and what the import set aside."""
    items = [
        ("release_date", released),
        ("release_date_rule", rule),
        ("release_name", release.label),
        ("source", source if "://" in source else Path(source).name),
        ("rules_version", rules.RULES_VERSION),
        ("case_types", " ".join(rules.CASE_TYPES)),
        ("definitions", "docs/eoir-case-data.md"),
    ]
    for table in cleaned:
        items += [
            (f"{table.name}.rows_read", str(counts.rows[table.name])),
            (f"{table.name}.rows_rejected", str(counts.rejected[table.name])),
            (f"{table.name}.blank_lines", str(counts.blank[table.name])),
            (f"{table.name}.nul_bytes_removed", str(table.nul_bytes)),
        ]
    items += [
        (f"{aggregate.PROCEEDINGS}.unreadable_completion_dates", str(counts.unreadable_dates)),
        (f"{aggregate.PROCEEDINGS}.unreadable_ids", str(counts.unreadable_ids)),
        ("undecoded_codes", "; ".join(counts.undecoded)),
    ]
    return items


def _problems(counts: aggregate.Counts, decoders: lookups.Lookups) -> list[str]:
    """Everything set aside or not understood, said once each, never dropped silently."""
    lines = []
    for table, rejected in counts.rejected.items():
        if rejected:
            lines.append(f"{table}: {rejected:,} rows with the wrong number of fields set aside")
    if counts.rejected_lines:
        lines.append(f"  the first {len(counts.rejected_lines)} (the header is line 1):")
    lines += [f"  {line}" for line in counts.rejected_lines]
    for table, blank in counts.blank.items():
        if blank:
            lines.append(f"{table}: {blank:,} blank lines skipped")
    if counts.unreadable_dates:
        lines.append(f"{counts.unreadable_dates:,} completion dates could not be read")
    if counts.unreadable_ids:
        lines.append(f"{counts.unreadable_ids:,} proceedings without a readable id")
    lines += [f"not in the release's lookups: {line}" for line in counts.undecoded]
    unmatched = sorted(
        {
            f"APPL_DEC {c} {t!r}"
            for c, t in decoders.application_decisions.items()
            if not rules.recognised(t, None)
        }
        | {
            f"{k[1]} {k[0]} {k[2]} {t!r}"
            for k, t in decoders.court_decisions.items()
            if k[0] in rules.CASE_TYPES and not rules.recognised(t, k[1])
        }
    )
    lines += [f"counted as 'other' (no rule matched): {line}" for line in unmatched]
    return lines
