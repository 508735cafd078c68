"""Load run: many `/ask` interactions at once through the real discord.py client and the local
Discord stand-in (tests/standin/), which enforces Discord's 3-second acknowledgement deadline.
Not a test; asserts nothing. Prints, beside the machine's load average:

* latency from the interaction arriving to the final message the user sees: p50, p99, max;
* interactions lost (not acknowledged within the deadline) and not answered;
* event-loop lag (how late a 10 ms timer fires while the run goes on): p50, p99, max;
* CPU seconds each round: the bot's process, the stand-in's process and the chart workers, with
  the workers' milliseconds per chart drawn;
* memory: the bot's own process and its chart workers, idle and after the run.

    python bench/discord_load.py [--count 200] [--distinct] [--rounds 2] [--deadline 3]
    python bench/discord_load.py --servers 200 --commands 100
    python bench/discord_load.py --quick

The stand-in (Discord's side: parsing every upload, storing every message) runs in a process of
its own (tests/standin/process.py), as Discord's servers are not in the bot's process; each
payload reaches the bot as JSON text, decoded there as the gateway does. Figures before
2026-11-26 16:00 had the stand-in on a thread of the bot's process (its lock then counted in the
bot's loop lag), and before that on the bot's own loop.

--distinct asks `count` different questions (each a different chart), otherwise a few questions
are repeated. --rounds 2 sends the same batch again (charts then come from the cache). The chart
cache starts empty (a temporary folder) unless --cache names one. --servers N --commands M stores
M commands in each of N servers (checked when stored, as /commands add does) and sends one /ask
from each server at once: the first use of every server's catalog. --quick sends 10 interactions
so CI can check the script still works; its figures are too few to quote.
"""

import argparse
import asyncio
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.engine.service import Service, start  # noqa: E402
from tests.standin import slash_payload  # noqa: E402
from tests.standin.process import StandInProcess, gateway_delivery  # noqa: E402

QUESTIONS = [
    "terminations in 2023",
    "encounters from Venezuela 2023",
    "immigration court backlog",
    "gotaways 2022",
    "green cards 2019",
    "southwest border encounters 2019-2024",
    "monthly encounters 2023",
    "refugee arrivals 2020",
]
FIRST_GUILD = 900_000


def distinct_questions(service: Service, count: int) -> list[str]:
    """`count` questions that each draw a different chart: every command's aliases with one
    year after another, kept when the engine answers them with a series not seen before."""
    engine, found, seen = service.engine, [], set()
    for year in range(2024, 1990, -1):
        for command in service.catalog:
            question = f"{(command.aliases or [command.name])[0]} {year}"
            answer = engine.ask(question)
            key = (answer.command, answer.period, tuple(answer.series))
            if answer.understood and answer.series and key not in seen:
                seen.add(key)
                found.append(question)
                if len(found) == count:
                    return found
    raise SystemExit(f"only {len(found)} distinct charted questions found")


def server_command(server: int, index: int) -> str:
    """A small stored command, as a moderator would write it; each server's differ."""
    return f'''name = "server-query-{index}"
title = "Server {server}, query {index}"
aliases = ["server query number {index}"]
unit = "removals"
headline = "{{value}} removals in {{period}}"
sources = ["ice_fy2023_annual_report_release"]
sql = """select period, value, source_id from figures where metric = 'ice_removals'
and is_preferred = 1 order by fiscal_year"""
'''


def store_commands(bot, servers: int, commands: int) -> None:
    """Each server stores `commands` commands of its own, each checked when stored as /commands
    add does. To keep the setup short, one server's are run against the database; the others
    differ only in their titles, so they are parsed and kept as passed."""
    from bot.engine.catalog import load_text
    from bot.guilds.moderation import FILE, with_commands

    catalogs, store = bot.guild_catalogs, bot.state
    catalog = catalogs.base
    for index in range(commands):
        verdict = catalogs.validate(FIRST_GUILD, server_command(0, index), catalog)
        if not verdict.ok or verdict.command is None:
            raise SystemExit(f"the bench's command does not validate: {verdict.problems}")
        catalog = with_commands(catalog, [verdict.command])
    for server in range(servers):
        for index in range(commands):
            text = server_command(server, index)
            command, _ = load_text(text, FILE)
            assert command is not None
            store.add(FIRST_GUILD + server, command.name, text, user_id=7)
            catalogs.marks.record(FIRST_GUILD + server, command, text)


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def memory(bot) -> str:
    workers = [rss_mib(pid) for pid in bot.charts.workers.pids()]
    shown = " + ".join(f"{m:.0f}" for m in workers) or "none"
    return f"bot process {rss_mib(os.getpid()):.0f} MiB; chart workers {shown} MiB"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


class LagMeter:
    """How late a 10 ms timer fires: what every other interaction waits when the loop is busy."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.worst_at = 0.0  # seconds into the round when the longest lag ended
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        begun = time.perf_counter()
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            lag = max(0.0, time.perf_counter() - started - 0.01) * 1000
            if not self.lags or lag > max(self.lags):
                self.worst_at = time.perf_counter() - begun
            self.lags.append(lag)

    def __enter__(self) -> "LagMeter":
        self._task = asyncio.ensure_future(self._run())
        return self

    def __exit__(self, *_exc) -> None:
        if self._task is not None:
            self._task.cancel()


async def one_round(standin: StandInProcess, bot, payloads: list[dict], deadline: float) -> None:
    deliver = gateway_delivery(bot)
    texts = [json.dumps(payload) for payload in payloads]  # as the gateway receives them
    await standin.register(payloads)
    workers = bot.charts.workers.pids()
    drawn_before = bot.charts.drawn
    cpu_before = [time.process_time(), cpu_seconds(standin.pid), worker_cpu(workers)]
    with LagMeter() as lag:
        started = time.perf_counter()
        results = await asyncio.gather(*(timed(deliver, text) for text in texts))
        wall = time.perf_counter() - started
    cpu_after = [time.process_time(), cpu_seconds(standin.pid), worker_cpu(workers)]
    process, standin_cpu, charts = (b - a for a, b in zip(cpu_before, cpu_after, strict=True))
    outcomes = await standin.outcomes([payload["token"] for payload in payloads])
    drawn = bot.charts.drawn - drawn_before
    times = [(ended - begun) * 1000 for begun, ended in results]
    lost = sum(
        1
        for (begun, _), outcome in zip(results, outcomes, strict=True)
        if outcome.acknowledged_at is None or outcome.acknowledged_at - begun > deadline
    )
    answered = sum(outcome.answered for outcome in outcomes)
    print(f"  {len(payloads)} at once: last final message after {wall:.2f} s; {load()}")
    print(
        f"    latency p50 {statistics.median(times):.0f} ms, p99 {nearest_rank(times, 0.99):.0f} "
        f"ms, max {max(times):.0f} ms; answered {answered}/{len(payloads)}; "
        f"lost (not acknowledged within {deadline:g} s) {lost}"
    )
    if lag.lags:
        print(
            f"    event-loop lag p50 {statistics.median(lag.lags):.1f} ms, "
            f"p99 {nearest_rank(lag.lags, 0.99):.1f} ms, max {max(lag.lags):.1f} ms "
            f"(ending {lag.worst_at:.2f} s into the round)"
        )
    per_chart = f", {charts / drawn * 1000:.0f} ms per chart drawn" if drawn else ""
    print(
        f"    CPU: bot process {process:.1f} s; stand-in process {standin_cpu:.1f} s; "
        f"chart workers {charts:.1f} s for {drawn} charts{per_chart}"
    )


async def timed(deliver, text: str) -> tuple[float, float]:
    """When the interaction was handed over and when its handlers had finished."""
    begun = await deliver(text)
    return begun, time.monotonic()


def worker_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


async def main(args: argparse.Namespace) -> None:
    count = args.servers or args.count
    if args.distinct:
        # Chosen by another service, so the bot's engine has read none of them yet: its kept
        # readings and series would make the first round's answers second asks.
        chooser = start()
        questions = distinct_questions(chooser, count)
        chooser.close()
    else:
        questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(count)]
    from bot.app.client import create_bot

    service = start()

    async with StandInProcess(args.deadline) as standin:
        standin.patch_discord()
        bot = create_bot(service, state_path=Path(tempfile.mkdtemp()) / "state.db")
        await standin.login(bot)
        print(f"idle after start: {memory(bot)}")
        if args.servers:
            store_commands(bot, args.servers, args.commands)
            print(f"{args.servers} servers with {args.commands} stored commands each")
        for round_number in range(1, args.rounds + 1):
            payloads = [
                slash_payload(
                    "ask",
                    {"question": question},
                    user_id=10_000 + round_number * count + index,
                    guild_id=FIRST_GUILD + index if args.servers else 1,
                )
                for index, question in enumerate(questions)
            ]
            kind = "distinct" if args.distinct else "repeated"
            print(f"round {round_number}: {count} /ask, {kind} questions")
            await one_round(standin, bot, payloads, args.deadline)
        print(f"after the run: {memory(bot)}; {bot.charts.drawn} charts drawn")
        await bot.close()
    service.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--distinct", action="store_true", help="a different chart each")
    parser.add_argument("--rounds", type=int, default=1, help="send the same batch again")
    parser.add_argument("--deadline", type=float, default=3.0, help="seconds to acknowledge")
    parser.add_argument("--servers", type=int, default=0, help="one /ask from each of N servers")
    parser.add_argument("--commands", type=int, default=100, help="stored commands per server")
    parser.add_argument("--cache", type=Path, help="chart cache folder (default: a new, empty one)")
    parser.add_argument("--quick", action="store_true", help="10 interactions: does it still run?")
    args = parser.parse_args()
    if args.quick:
        args.count, args.servers, args.commands = 10, min(args.servers, 10), min(args.commands, 5)
    os.environ["IMMISTATS_CACHE"] = str(args.cache or tempfile.mkdtemp(prefix="immistats-cache-"))
    asyncio.run(main(args))
