"""Questions and what can be asked: ask, check, commands check and list, coverage, reports."""

import argparse
import sys

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
