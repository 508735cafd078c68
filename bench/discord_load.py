"""Load run: many `/ask` interactions at once through the real discord.py client and the local
Discord stand-in (tests/standin/). Prints how many were answered and p50/p99 latency from
the interaction arriving to the final message the user sees. Not a test; asserts nothing.

    python bench/discord_load.py [--count 200 | --quick]

--quick sends 10 interactions, so CI can check the script still works; its figures are too few
to quote.
"""

import argparse
import asyncio
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app.client import create_bot  # noqa: E402
from bot.engine.service import start  # noqa: E402
from tests.standin import StandIn, slash_payload  # noqa: E402

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


async def main(count: int) -> None:
    service = start()
    async with StandIn() as standin:
        standin.patch_discord()
        bot = create_bot(service, state_path=Path(tempfile.mkdtemp()) / "state.db")
        await standin.login(bot)

        async def one(index: int) -> tuple[float, bool]:
            payload = slash_payload(
                "ask", {"question": QUESTIONS[index % len(QUESTIONS)]}, user_id=10_000 + index
            )
            started = time.perf_counter()
            reply = await standin.send(bot, payload, wait="final", timeout=120)
            final = reply.final
            answered = bool(final and final.embed and not final.loading)
            return time.perf_counter() - started, answered

        started = time.perf_counter()
        results = await asyncio.gather(*(one(i) for i in range(count)))
        wall = time.perf_counter() - started
        await bot.close()
    service.close()
    times = sorted(t * 1000 for t, _ in results)
    answered = sum(ok for _, ok in results)
    p99 = times[math.ceil(len(times) * 0.99) - 1]  # nearest rank: right for a few too
    print(f"{count} /ask interactions at once: {answered} answered in {wall:.1f} s wall time")
    print(
        f"  latency to the final message: p50 {statistics.median(times):.0f} ms, p99 {p99:.0f} ms"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="10 interactions: does it still run?")
    args = parser.parse_args()
    asyncio.run(main(10 if args.quick else args.count))
