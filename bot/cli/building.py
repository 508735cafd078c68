"""Building the statistics database and importing official files into data/."""

import argparse
import sys
from typing import TYPE_CHECKING

from bot import paths

if TYPE_CHECKING:
    from bot.data.ingest import BuildReport


def ready_database() -> None:
    """Build immistats.db first when it is missing or older than data/, saying so on stderr, so
    that nothing after this (the Discord client included) ever builds; pandas loads only then."""
    from bot.engine.freshness import is_current

    if is_current(paths.data_dir(), paths.database_path()):
        return
    from bot.data.ingest import build

    report = build(paths.data_dir(), paths.database_path())
    print(f"immistats.db was missing or older than data/; {built_line(report)}", file=sys.stderr)


def built_line(report: "BuildReport") -> str:
    rows = sum(report.rows.values())
    return (
        f"built {report.path} (data version {report.data_version}): {rows:,} rows "
        f"in {len(report.rows)} tables, {report.seconds:.2f} s"
    )


def cmd_build(args: argparse.Namespace) -> int:
    from bot.data.ingest import build

    print(built_line(build(paths.data_dir(), paths.database_path())))
    return 0


def cmd_data_import(args: argparse.Namespace) -> int:
    if args.kind == "eoir-case-data":
        return cmd_eoir_import(args)
    from bot.data.imports import ImportFailed, run_import

    try:
        out = run_import(args.kind, args.sources, paths.data_dir(), report=print)
    except ImportFailed as exc:
        print(f"Import failed; nothing was written: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}; run `immistats build` to load it")
    return 0


def cmd_eoir_import(args: argparse.Namespace) -> int:
    """The EOIR release streams into several tables; progress on stderr, changes on stdout."""
    from bot.data.importers.eoir.importer import FAILURES, run_eoir_import

    if len(args.sources) > 1:
        print(
            "Import failed: eoir-case-data reads one release (a zip, folder or URL)",
            file=sys.stderr,
        )
        return 1
    try:
        run_eoir_import(args.sources[0] if args.sources else None, paths.data_dir(), report=print)
    except FAILURES as exc:
        print(f"Import failed; nothing was written: {exc}", file=sys.stderr)
        return 1
    print(
        "run `immistats build`, then `immistats data reconcile eoir` to compare with TRAC and EOIR"
    )
    return 0


def cmd_data_reconcile_eoir(args: argparse.Namespace) -> int:
    from bot.data.eoir_reconcile import NoComputedTables, reconcile_report

    try:
        print(reconcile_report(paths.data_dir()))
    except NoComputedTables as exc:
        print(f"immistats: {exc}", file=sys.stderr)
        return 1
    return 0
