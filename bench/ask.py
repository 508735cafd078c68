"""Benchmark: reading a question, question -> Answer (also one padded with 100,000 junk characters), chart render
(in this process, its CPU time, and in a chart worker process, as the bot draws), cached chart, glossary autocomplete per keystroke, and a cold `immistats ask` process
(with its bytecode compiled, and as this environment runs it).

Prints figures (p50/p95 in ms); asserts nothing. The same prepared query run through raw sqlite3
is printed beside the engine so the overhead of reading, sandboxing and answering is visible.

    python bench/ask.py [--rounds 200 | --quick]

--quick runs every step a few times (10 rounds) so CI can check the script still works; its
figures are too few to quote.
"""

import argparse
import math
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

from bot import paths
from bot.engine.answering import Engine
from bot.engine.glossary import load_glossary
from bot.engine.question import read_question
from bot.engine.service import start
from bot.render.chart import cached_chart, render_chart
from bot.render.chart_pool import ChartWorkers

QUESTIONS = [
    "terminations in 2023",
    "encounters from Venezuela 2023",
    "southwest border encounters 2019-2024",
    "immigration court backlog",
    "monthly encounters 2023",
    "gotaways 2022",
    "terminatoins 2023",
    "green cards 2022 vs 2024",
    "foreign born population 2023",
    "how many pizzas were sold in 2023",
]


def timed(function, rounds: int, clock=time.perf_counter) -> list[float]:
    """Milliseconds per call: wall time, or with clock=time.thread_time the CPU this thread used
    (what a chart costs a worker, whatever else the machine is doing)."""
    times = []
    for _ in range(rounds):
        started = clock()
        function()
        times.append((clock() - started) * 1000)
    return times


def cold_cli(rounds: int, compiled: bool) -> tuple[list[float], list[float]]:
    """Wall time and CPU time (user + system, what the load does not add to) of a fresh
    `immistats ask` process. compiled: with its modules' bytecode already written (as pip leaves
    an install, or any second run), in a folder of its own; otherwise as this environment runs it
    (PYTHONDONTWRITEBYTECODE=1 here compiles every module each time)."""
    env = dict(os.environ)
    command = [sys.executable, "-m", "bot.cli", "ask", "terminations in 2023"]
    if compiled:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="immistats-pyc-")
        subprocess.run(command, capture_output=True, check=True, env=env)
    walls, cpus = [], []
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls += timed(lambda: subprocess.run(command, capture_output=True, check=True, env=env), 1)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        cpus.append(used * 1000)
    return walls, cpus


def report(label: str, times: list[float]) -> float:
    ordered = sorted(times)
    p50 = statistics.median(ordered)
    p95 = ordered[math.ceil(len(ordered) * 0.95) - 1]  # nearest rank: right for a few rounds too
    print(f"{label:44} p50 {p50:8.3f} ms   p95 {p95:8.3f} ms   (n={len(times)})")
    return p50


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="10 rounds: does it still run?")
    args = parser.parse_args()
    rounds = 10 if args.quick else args.rounds
    charts, cold_runs = max(2, rounds // 10), max(1, rounds // 40)
    service = start()
    engine = service.engine

    def first_asks(question: str, times: int) -> list[float]:
        """A question's first cost: each ask on an engine that has kept no reading and no series
        yet (made before the clock starts)."""
        engines = [Engine(service.db, service.catalog, engine.data_version) for _ in range(times)]
        for fresh in engines:  # one vocabulary, as in the bot: its words' tokens stay cached
            fresh.vocabulary = engine.vocabulary
        return timed(lambda: engines.pop().ask(question), times)

    reading = [
        t
        for q in QUESTIONS
        for t in timed(
            lambda q=q: read_question(q, engine.catalog, engine.vocabulary), rounds // 10
        )
    ]
    report("reading only (question -> Reading, no SQL)", reading)
    per_question = [t for q in QUESTIONS for t in timed(lambda q=q: engine.ask(q), rounds // 10)]
    ask_p50 = report("question -> Answer (10 questions, no chart), asked again", per_question)
    first_time = [t for q in QUESTIONS for t in first_asks(q, rounds // 10)]
    report("  the same, first time (nothing kept: read, queried)", first_time)

    command = service.catalog.commands["encounters"]
    bound = {p.name: p.default or "all" for p in command.sql_params}
    bound["citizenship"] = "VENEZUELA"
    raw = sqlite3.connect(f"file:{paths.database_path()}?mode=ro", uri=True)
    raw_p50 = report(
        "  raw sqlite3, same encounters query",
        timed(lambda: raw.execute(command.sql, bound).fetchall(), rounds),
    )
    engine_p50 = report(
        "  engine, 'encounters from Venezuela 2023', first time",
        first_asks("encounters from Venezuela 2023", rounds),
    )
    print(f"  overhead ratio engine / raw sqlite3: {engine_p50 / raw_p50:.1f}x")
    junk = "terminations in 2023 " + "x" * 100_000
    report("question with 100,000 junk characters", timed(lambda: engine.ask(junk), rounds // 10))

    answer = engine.ask("terminations in 2023")
    monthly = engine.ask("monthly encounters 2023")
    compared = engine.ask("deportations obama vs trump")
    render_chart(answer)  # the first chart loads matplotlib and opens the fonts
    report("chart render, 8 bars", timed(lambda: render_chart(answer), charts))
    report("chart render, 24-month line", timed(lambda: render_chart(monthly), charts))
    for label, drawn in (("8 bars", answer), ("24-month line", monthly), ("30 bars", compared)):
        cpu = timed(lambda drawn=drawn: render_chart(drawn), charts, clock=time.thread_time)
        report(f"  chart CPU, {label}", cpu)
    workers = ChartWorkers(1)
    workers.start()
    report("chart drawn in a worker process, 8 bars", timed(lambda: workers.draw(answer), charts))
    workers.stop()
    cached_chart(answer)
    report("cached chart", timed(lambda: cached_chart(answer), rounds))

    # Discord drops an autocomplete reply after 3 s; each keystroke asks for suggestions.
    glossary = load_glossary(paths.data_dir() / "glossary.csv")
    prefixes = ("a", "as", "asyl", "asylum gr", "tittle 42", "unacompanied", "zzz")
    keystrokes = [t for p in prefixes for t in timed(lambda p=p: glossary.suggest(p), rounds // 10)]
    report("glossary suggest, one keystroke (7 prefixes)", keystrokes)

    for compiled, how in ((True, "bytecode compiled"), (False, "as run here")):
        walls, cpus = cold_cli(cold_runs, compiled)
        report(f"cold `immistats ask`, {how}", walls)
        report("  its CPU time", cpus)
    service.close()
    print(f"(question -> Answer p50 {ask_p50:.2f} ms)")


if __name__ == "__main__":
    main()
