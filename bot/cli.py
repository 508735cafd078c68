"""The `immistats` command: ask questions, build the database, import official files, run the bot."""

import argparse
import sys
from collections.abc import Sequence

from bot import paths
from bot.validate import DataError


def cmd_build(args: argparse.Namespace) -> int:
    from bot.ingest import build

    report = build(paths.data_dir(), paths.database_path())
    rows = sum(report.rows.values())
    print(
        f"built {report.path} (data version {report.data_version}): {rows:,} rows "
        f"in {len(report.rows)} tables, {report.seconds:.2f} s"
    )
    return 0


def cmd_data_import(args: argparse.Namespace) -> int:
    from bot.data_import import run_import

    out = run_import(args.kind, args.sources, paths.data_dir())
    print(f"wrote {out}; run `immistats build` to load it")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="immistats",
        description="U.S. immigration statistics with their sources and definitions.",
    )
    sub = top.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="check data/ and (re)build immistats.db")
    build.set_defaults(func=cmd_build)

    data = sub.add_parser("data", help="maintain the shipped data files")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    imp = data_sub.add_parser(
        "import", help="read an official file (path or URL) into a data/ table"
    )
    imp.add_argument("kind", help="which official format, e.g. cbp-nationwide")
    imp.add_argument("sources", nargs="*", help="paths or URLs; default: the official URLs")
    imp.set_defaults(func=cmd_data_import)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except DataError as exc:
        print("The data files have problems; nothing was built:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
