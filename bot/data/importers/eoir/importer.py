"""`immistats data import eoir-case-data [PATH_OR_URL]`: a release in, aggregate tables out.

The release is read from the zip as downloaded, its unpacked folder, or a URL (default: EOIR's
official one, downloaded to a temporary work folder; set TMPDIR to put it on a larger disk). The
two core tables are read as streams and reduced as they are read (aggregate.py); the files in
data/ are replaced only when everything was read; the report says what changed.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import duckdb

from bot.data.importers.common import ImportFailed
from bot.data.importers.eoir import aggregate, figures, lookups, rules, tables
from bot.data.importers.eoir.kind import EOIR_CASE_DATA
from bot.data.importers.eoir.reading import BLANK, LONG, SHORT, Shapes
from bot.data.importers.eoir.release import Release, copy_lookup, open_release, source_table

Report = Callable[[str], None]
CORE_TABLES = (aggregate.PROCEEDINGS, aggregate.APPLICATIONS)
# What a run can fail with that the person running it can act on (a bad file, a full disk):
# the CLI prints each as one line; nothing in data/ has been replaced by then.
FAILURES = (ImportFailed, duckdb.Error, OSError, zipfile.BadZipFile, zlib.error)


def run_eoir_import(source: str | None, data_dir: Path, report: Report) -> list[str]:
    """Import one release into data/; returns (and reports) what changed, file by file."""
    source = source or EOIR_CASE_DATA.urls[0]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="immistats-eoir-") as folder:
        workdir = Path(folder)
        report(f"reading {source}")
        with open_release(source, workdir, report) as release:
            core = [source_table(release, t) for t in CORE_TABLES]
            decoders = lookups.read_lookups(
                {t: copy_lookup(release, t, workdir / f"{t}.tsv") for t in lookups.ALL}
            )
            released, rule = release.release_date(list(CORE_TABLES))
            report("reading the tables and computing the aggregates")
            results, counts = aggregate.compute(
                workdir, *core, decoders, released.isoformat(), report
            )
    record = _record(source, release, released.isoformat(), rule, counts)
    files = tables.outputs(results, decoders, released.isoformat(), record)
    files += _figures(Path(data_dir), files, released.isoformat(), release.label, report)
    changed = tables.changes(files, Path(data_dir))
    tables.write_all(files, Path(data_dir))
    rows = sum(shapes.total + shapes.refused.rows for shapes in counts.shapes.values())
    seconds = time.perf_counter() - started
    report(f"release of {released.isoformat()} ({rule}); {rows:,} rows read in {seconds:,.0f} s")
    for line in _problems(counts, decoders):
        report(line)
    for line in changed:
        report(f"  {line}")
    return changed


def _figures(
    data_dir: Path, files: list[tables.Output], released: str, name: str, report: Report
) -> list[tables.Merged]:
    """figures.csv and sources.csv with this import's national figures and its source row."""
    paths = [data_dir / figures.FIGURES_FILE, data_dir / figures.SOURCES_FILE]
    if not all(path.exists() for path in paths):
        report(
            f"no {figures.FIGURES_FILE} and {figures.SOURCES_FILE} in {data_dir}: the "
            "computed national figures are written to the aggregate tables only"
        )
        return []
    rows = figures.figure_rows(tables.by_measure(files), released)
    summary = f"{len(rows):,} figures computed from the release of {released}"
    return [
        tables.Merged(
            figures.FIGURES_FILE, figures.figures_csv(paths[0].read_bytes(), rows), summary
        ),
        tables.Merged(
            figures.SOURCES_FILE,
            figures.sources_csv(paths[1].read_bytes(), figures.source_row(released, name)),
            f"source {figures.COMPUTED_SOURCE} dated {released}",
        ),
    ]


def _record(
    source: str,
    release: Release,
    released: str,
    rule: str,
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
    for name, shapes in counts.shapes.items():
        items += [
            (f"{name}.rows_read", str(shapes.kept)),
            (f"{name}.rows_rejected", str(shapes.set_aside)),
            (f"{name}.blank_lines", str(shapes.by_kind.get(BLANK, 0))),
            (f"{name}.nul_bytes_ignored", str(shapes.nul_bytes)),
        ]
    items += [
        (f"{aggregate.PROCEEDINGS}.unreadable_completion_dates", str(counts.unreadable_dates)),
        (f"{aggregate.PROCEEDINGS}.unreadable_ids", str(counts.unreadable_ids)),
        ("undecoded_codes", "; ".join(counts.undecoded)),
    ]
    return items


def _shape_lines(name: str, shapes: Shapes) -> list[str]:
    """A table's rows of the wrong width: how many of each kind, an example, refused lines."""
    lines = []
    if shapes.set_aside:
        lines.append(f"{name}: {shapes.set_aside:,} rows with the wrong number of fields set aside")
    for kind, words in ((LONG, "one field more"), (SHORT, "fewer fields")):
        if found := shapes.by_kind.get(kind, 0):
            example = shapes.examples.get(kind, "")
            lines.append(
                f"  {found:,} with {words} than the header's {shapes.columns} "
                f"(e.g. the row beginning {example!r})"
            )
    if shapes.refused.rows:
        lines.append(f"  {shapes.refused.rows:,} with more still, refused by the reader:")
        lines += [f"    {line}" for line in shapes.refused.lines]
    if blank := shapes.by_kind.get(BLANK, 0):
        lines.append(f"{name}: {blank:,} blank lines skipped")
    return lines


def _problems(counts: aggregate.Counts, decoders: lookups.Lookups) -> list[str]:
    """Everything set aside or not understood, said once each, never dropped silently."""
    lines = []
    for name, shapes in counts.shapes.items():
        lines += _shape_lines(name, shapes)
    if counts.unreadable_dates:
        lines.append(f"{counts.unreadable_dates:,} completion dates could not be read")
    if counts.unreadable_ids:
        lines.append(f"{counts.unreadable_ids:,} completed proceedings without a readable id")
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
