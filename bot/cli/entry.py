"""The `immistats` command line: its subcommands and options, and how errors end a run."""

import argparse
import os
import sys
from collections.abc import Sequence

from bot.cli.asking import (
    cmd_ask,
    cmd_check,
    cmd_commands_check,
    cmd_commands_list,
    cmd_coverage,
    cmd_reports,
)
from bot.cli.building import (
    cmd_build,
    cmd_data_import,
    cmd_data_reconcile_eoir,
    ready_database,
)
from bot.cli.serving import cmd_serve, cmd_sync
from bot.data.problems import DataError
from bot.settings import SettingsError


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="immistats",
        description="U.S. immigration statistics with their sources and definitions.",
    )
    sub = top.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help='answer a question, e.g. immistats ask "terminations in 2023"')
    ask.add_argument("question", nargs="+", help="the question, in plain words")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--chart", metavar="FILE", help="write the chart as a PNG")
    ask.set_defaults(needs_database=True, func=cmd_ask)

    check_claims = sub.add_parser(
        "check", help='check claimed numbers, e.g. immistats check "2.4 million crossed in 2023"'
    )
    check_claims.add_argument("text", nargs="+", help="one or more sentences with numbers")
    check_claims.add_argument("--json", action="store_true", help="print a JSON list of answers")
    check_claims.set_defaults(needs_database=True, func=cmd_check)

    build = sub.add_parser("build", help="check data/ and (re)build immistats.db")
    build.set_defaults(func=cmd_build)

    commands = sub.add_parser("commands", help="the prepared queries in commands/")
    commands_sub = commands.add_subparsers(dest="commands_command", required=True)
    check = commands_sub.add_parser("check", help="validate every commands/*.toml on the database")
    check.set_defaults(needs_database=True, func=cmd_commands_check)
    listing = commands_sub.add_parser("list", help="every command with an example question")
    listing.set_defaults(needs_database=True, func=cmd_commands_list)

    reports = sub.add_parser("reports", help="members' reports of answers that look wrong")
    reports.add_argument("--guild", type=int, metavar="ID", help="only this server's reports")
    reports.add_argument("--limit", type=int, default=50, help="how many, newest first")
    reports.add_argument("--json", action="store_true", help="one JSON object per line")
    reports.set_defaults(func=cmd_reports)

    covered = sub.add_parser("coverage", help="what can be asked: every series and its periods")
    covered.add_argument("topic", nargs="*", help="only this topic or these words, e.g. removals")
    covered.add_argument("--csv", action="store_true", help="the full table as CSV")
    covered.set_defaults(needs_database=True, func=cmd_coverage)

    serve = sub.add_parser("serve", help="run the Discord bot (needs DISCORD_TOKEN)")
    serve.add_argument(
        "--warm", action="store_true", help="draw every command's default chart at start"
    )
    serve.set_defaults(func=cmd_serve)
    sync = sub.add_parser(
        "sync", help="register the slash commands with Discord for every server, once"
    )
    sync.set_defaults(func=cmd_sync)

    data = sub.add_parser("data", help="maintain the shipped data files")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    imp = data_sub.add_parser(
        "import", help="read an official file (path or URL) into a data/ table"
    )
    imp.add_argument(
        "kind",
        # Written out: importing the registry would load pandas on every command (tests/test_docs.py
        # checks that this list names every registered kind).
        help="cbp-nationwide, cbp-southwest, usbp-pdf, ohss-citizenship, ohss-sector, "
        "ohss-repatriations or eoir-case-data",
    )
    imp.add_argument("sources", nargs="*", help="paths or URLs; default: the official URLs")
    imp.set_defaults(func=cmd_data_import)
    reconcile = data_sub.add_parser(
        "reconcile", help="compare figures computed from case data with published ones"
    )
    reconcile_sub = reconcile.add_subparsers(dest="reconcile_source", required=True)
    eoir = reconcile_sub.add_parser(
        "eoir", help="EOIR case-data aggregates vs TRAC, EOIR and DHS figures, per fiscal year"
    )
    eoir.set_defaults(func=cmd_data_reconcile_eoir)
    return top


def _reader_gone() -> int:
    """Standard output was closed by its reader (`immistats ask … | head -c1`): nothing more can
    be said there, and Python's own flush at exit must not fail on it either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if getattr(args, "needs_database", False):
            ready_database()
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe fails here, inside the handlers below
        return code
    except BrokenPipeError:
        return _reader_gone()
    except OSError as exc:  # a file a person named: a missing folder, no permission, a full disk
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"immistats: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except DataError as exc:
        print("The data files have problems; nothing was built:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except SettingsError as exc:
        print(f"immistats: {exc}", file=sys.stderr)
        return 1
