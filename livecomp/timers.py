"""Timers a page's components start: one-shot and repeating.

They only schedule callbacks on the event loop (no task per timer), and a
repeating timer re-arms from its own schedule rather than from when its
callback ran, so it does not drift.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

# Aligned timers fire this long after the boundary, so the wall clock has
# certainly passed it when the handler reads the time.
ALIGN_SLACK = 0.003


class Once:
    """A one-shot timer; it leaves its owner set once fired or cancelled."""

    __slots__ = ("_handle", "_owner")

    def __init__(self, owner: set[Any], delay: float, fire: Callable[[], None]) -> None:
        self._owner = owner

        def run() -> None:
            owner.discard(self)
            fire()

        self._handle = asyncio.get_running_loop().call_later(max(delay, 0.0), run)
        owner.add(self)

    def cancel(self) -> None:
        """Do not fire; safe to call twice."""
        self._handle.cancel()
        self._owner.discard(self)


class Interval:
    """A repeating timer.

    ``pending`` is set when it fires and cleared by whoever handles the
    delivery; while it is set the timer does not fire its callback again, so
    a page that falls behind skips ticks instead of queueing them.
    """

    __slots__ = ("_fire", "_handle", "_next", "_owner", "interval", "pending")

    def __init__(
        self,
        owner: set[Any],
        interval: float,
        align: bool,
        fire: Callable[[Interval], None],
    ) -> None:
        self._owner = owner
        self._fire = fire
        self.interval = interval
        self.pending = False
        loop = asyncio.get_running_loop()
        if align:
            wall = time.time()
            self._next = loop.time() + (interval - wall % interval) + ALIGN_SLACK
        else:
            self._next = loop.time() + interval
        self._handle = loop.call_at(self._next, self._tick)
        owner.add(self)

    @property
    def due(self) -> float:
        """When the next delivery falls due, in the event loop's clock."""
        return self._next

    def _tick(self) -> None:
        if not self.pending:
            self.pending = True
            self._fire(self)
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._next += self.interval
        if self._next <= now:
            # Missed whole intervals (a stalled loop): skip to the next future one.
            self._next += ((now - self._next) // self.interval + 1) * self.interval
        self._handle = loop.call_at(self._next, self._tick)

    def cancel(self) -> None:
        """Stop firing; safe to call twice."""
        self._handle.cancel()
        self._owner.discard(self)
