"""Benchmark: full database build from data/ (target under 10 s). Prints figures; asserts nothing.

python bench/build.py [--runs 5 | --quick]

--quick builds once, so CI can check the script still works.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot import paths
from bot.data.ingest import build


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one run: does it still work?")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            started = time.perf_counter()
            report = build(paths.data_dir(), Path(folder) / f"bench-{run}.db")
            seconds.append(time.perf_counter() - started)
    rows = sum(report.rows.values())
    print(f"build: {rows:,} rows in {len(report.rows)} tables, {runs} runs")
    print(
        f"  median {statistics.median(seconds):.2f} s, min {min(seconds):.2f} s, "
        f"max {max(seconds):.2f} s"
    )


if __name__ == "__main__":
    main()
