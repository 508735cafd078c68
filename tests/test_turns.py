"""A crowd of steps is spread over turns of the event loop, in order, within the budget."""

from __future__ import annotations

import asyncio

from bot.app.turns import Turns

STEP = 1.0  # what one step costs on the test's clock
BUDGET = 4.0


class Clock:
    """A clock the steps advance themselves, so the budget is met exactly, at any machine load."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def crowd(turns: Turns, clock: Clock, count: int) -> list[tuple[int, int]]:
    """`count` steps ready at once; returns (step, loop turn it ran in) in the order they ran."""
    loop = asyncio.get_running_loop()
    turn, ran, done = [0], [], asyncio.Event()

    def count_turns() -> None:
        turn[0] += 1
        if not done.is_set():
            loop.call_soon(count_turns)

    async def step(number: int) -> None:
        await turns.take()
        ran.append((number, turn[0]))
        clock.now += STEP

    loop.call_soon(count_turns)
    await asyncio.gather(*(step(n) for n in range(count)))
    done.set()
    return ran


async def test_a_crowd_runs_in_order_a_budget_per_turn():
    clock = Clock()
    turns = Turns(asyncio.get_running_loop(), budget=BUDGET, clock=clock)
    ran = await crowd(turns, clock, 30)
    assert [number for number, _ in ran] == list(range(30))  # first come, first served
    per_turn: dict[int, int] = {}
    for _, turn in ran:
        per_turn[turn] = per_turn.get(turn, 0) + 1
    assert max(per_turn.values()) == BUDGET / STEP  # the measured cost sets the share
    assert len(per_turn) >= 30 / (BUDGET / STEP)


async def test_steps_alone_never_wait():
    clock = Clock()
    turns = Turns(asyncio.get_running_loop(), budget=BUDGET, clock=clock)
    for _ in range(10):
        task = asyncio.ensure_future(turns.take())
        await asyncio.sleep(0)  # one turn: a step alone goes on in the turn it asks
        assert task.done()
        clock.now += STEP
        await asyncio.sleep(0)


async def test_a_waiter_cancelled_does_not_hold_up_the_others():
    clock = Clock()
    turns = Turns(asyncio.get_running_loop(), budget=BUDGET, clock=clock)

    async def costly() -> None:  # spends a whole turn's budget
        await turns.take()
        clock.now += BUDGET

    first, second, third = (asyncio.ensure_future(costly()) for _ in range(3))
    await asyncio.sleep(0)  # the turn they start in: only the first goes on
    assert first.done() and not second.done() and not third.done()
    second.cancel()
    await asyncio.wait_for(third, timeout=5)
    assert second.cancelled()
