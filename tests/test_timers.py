"""Timers: aligned to the wall clock, drift-free, cancellable."""

from __future__ import annotations

import asyncio
import time

from livecomp.timers import ALIGN_SLACK, Interval, Once


def wall_time_of(loop_time: float) -> float:
    loop = asyncio.get_running_loop()
    return time.time() + (loop_time - loop.time())


async def test_an_aligned_interval_falls_due_just_after_a_wall_clock_boundary() -> None:
    owner: set[object] = set()
    timer = Interval(owner, 1.0, True, lambda fired: None)
    try:
        due = wall_time_of(timer.due)
        assert abs(due % 1.0 - ALIGN_SLACK) < 0.002
        assert 0 < due - time.time() <= 1.0 + ALIGN_SLACK
    finally:
        timer.cancel()
    assert owner == set()


async def test_an_interval_re_arms_from_its_schedule_not_from_when_it_ran() -> None:
    fired: list[float] = []
    owner: set[object] = set()

    def fire(timer: Interval) -> None:
        fired.append(timer.due)
        timer.pending = False

    timer = Interval(owner, 0.1, False, fire)
    first = timer.due
    while len(fired) < 3:
        await asyncio.sleep(0.01)
    timer.cancel()
    # Each due time is exactly one interval after the previous one.
    assert [round(t - first, 6) for t in fired[:3]] == [0.0, 0.1, 0.2]


async def test_a_cancelled_one_shot_never_fires() -> None:
    owner: set[object] = set()
    fired: list[str] = []
    once = Once(owner, 0.01, lambda: fired.append("x"))
    once.cancel()
    await asyncio.sleep(0.03)
    assert fired == [] and owner == set()
