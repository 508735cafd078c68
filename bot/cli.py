"""The `immistats` command: ask questions, build the database, import official files, run the bot."""

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot import paths
from bot.data.problems import DataError
from bot.settings import SettingsError

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


MAX_CLAIMS = 5  # sentences checked from one text


def cmd_ask(args: argparse.Namespace) -> int:
    import json

    from bot.engine.service import start
    from bot.render.text import answer_json, render_text

    service = start()
    answer = service.engine.ask(" ".join(args.question))
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False))
    else:
        print(render_text(answer))
    if args.chart and answer.series:
        from bot.render.chart import cached_chart

        with open(args.chart, "wb") as out:
            out.write(cached_chart(answer))
    service.close()
    return 0 if answer.value is not None else 2


def cmd_check(args: argparse.Namespace) -> int:
    """Each sentence with a claimed number, answered with the data's figure beside the claim."""
    import json

    from bot.engine.claims import sentences
    from bot.engine.service import start
    from bot.render.text import answer_json, render_text

    claimed = sentences(" ".join(args.text))[:MAX_CLAIMS]
    if not claimed:
        print("No number to check there: write the claim with its number.", file=sys.stderr)
        return 2
    service = start()
    answers = [service.engine.ask(sentence) for sentence in claimed]
    service.close()
    if args.json:
        print(json.dumps([answer_json(a) for a in answers], ensure_ascii=False))
    else:
        print("\n\n".join(render_text(a) for a in answers))
    return 0 if all(a.verdicts for a in answers) else 2


def cmd_commands_check(args: argparse.Namespace) -> int:
    from bot.engine.checks import check_catalog
    from bot.engine.service import start

    service = start()
    problems = check_catalog(service.catalog, service.db)
    for problem in problems:
        print(problem)
    count = len(service.catalog.commands)
    print(f"{count} commands loaded, {len(problems)} problem(s)")
    service.close()
    return 1 if problems else 0


def cmd_commands_list(args: argparse.Namespace) -> int:
    from bot.engine.service import start

    service = start()
    for command in sorted(service.catalog, key=lambda c: c.name):
        example = command.examples[0] if command.examples else command.aliases[0]
        print(f'{command.name:32} {command.title}\n{"":32} e.g. immistats ask "{example}"')
    service.close()
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    """Members' reports of answers that look wrong, newest first, from the state store."""
    from bot.guilds.report_text import report_json, report_lines
    from bot.guilds.state import StateStore
    from bot.settings import state_location

    store = StateStore(state_location())
    try:
        reports = store.reports(args.guild, args.limit)
        keep_days = store.keep_days
    finally:
        store.close()
    for report in reports:
        print(report_json(report) if args.json else "\n".join(report_lines(report)))
    if not reports and not args.json:
        print(f"No reports (they are kept {keep_days} days).")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    """Every metric with its first and last period, data date and source kinds."""
    from bot.engine.coverage import coverage
    from bot.engine.service import start
    from bot.render.coverage import coverage_csv, coverage_text

    service = start()
    try:
        rows = coverage(service.db, service.catalog, " ".join(args.topic))
    finally:
        service.close()
    if args.csv:
        sys.stdout.write(coverage_csv(rows))
    else:
        print("\n".join(coverage_text(rows)))
    return 0 if rows else 2


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


NO_TOKEN = (
    "DISCORD_TOKEN is not set: put the bot's token in the environment or in a .env file "
    "(DISCORD_TOKEN=...) in this folder; see README, section Discord."
)
BAD_TOKEN = (
    "Discord refused the token in DISCORD_TOKEN: copy it again from the Bot page of your "
    "application in the Discord developer portal."
)


def _discord_token() -> str | None:
    from bot.settings import setting

    token = setting("DISCORD_TOKEN")
    if not token:
        print(f"immistats: {NO_TOKEN}", file=sys.stderr)
    return token


def _talk_to_discord(run: Callable[[], object]) -> int:
    """Run the bot; the failures a person can fix are one line on stderr, not a traceback."""
    import logging

    import aiohttp
    import discord

    from bot.engine.freshness import StaleDatabase
    from bot.settings import SettingsError

    discord.utils.setup_logging(level=logging.INFO, root=True)  # stderr, with timestamps
    try:
        run()
    except (SettingsError, StaleDatabase) as exc:
        print(f"immistats: {exc}", file=sys.stderr)
    except discord.LoginFailure:
        print(f"immistats: {BAD_TOKEN}", file=sys.stderr)
    except (aiohttp.ClientConnectionError, discord.GatewayNotFound) as exc:
        print(f"immistats: cannot reach Discord ({exc}).", file=sys.stderr)
    else:
        return 0
    return 1


def cmd_serve(args: argparse.Namespace) -> int:
    if not (token := _discord_token()):
        return 1
    ready_database()
    from bot.app.client import create_bot

    def run() -> None:
        bot = create_bot()
        bot.warm_charts = args.warm
        bot.run(token, log_handler=None)

    return _talk_to_discord(run)


def cmd_sync(args: argparse.Namespace) -> int:
    if not (token := _discord_token()):
        return 1
    ready_database()
    import asyncio

    from bot.app.client import create_bot, sync_global

    def sync() -> None:
        count = asyncio.run(sync_global(create_bot(), token))
        print(f"synced {count} slash commands globally (every server the bot is in)")

    return _talk_to_discord(sync)


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


if __name__ == "__main__":
    sys.exit(main())
