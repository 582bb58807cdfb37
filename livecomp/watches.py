"""Finding sends that hang, for every session of one event loop.

The key idea: one periodic check per loop instead of a timer per send. At
thousands of sends per second, per-send timer handles pile up in the loop's
heap (cancelled ones stay there until they fall due).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Protocol


class Sender(Protocol):
    """What the watch needs of a session: its limit, and a way to close it."""

    @property
    def send_timeout(self) -> float:
        """Seconds a send may take."""
        ...

    def send_stuck(self) -> None:
        """A send has taken longer than ``send_timeout``."""
        ...


class SendWatch:
    """Tells each session whose send has been running past its ``send_timeout``."""

    PERIOD = 0.1

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._since: dict[Sender, float] = {}
        self._handle: asyncio.TimerHandle | None = None

    def started(self, session: Sender) -> None:
        """``session`` began a send."""
        self._since[session] = self._loop.time()
        if self._handle is None:
            self._handle = self._loop.call_later(self.PERIOD, self._check)

    def finished(self, session: Sender) -> None:
        """``session``'s send completed (or failed)."""
        self._since.pop(session, None)

    def _check(self) -> None:
        now = self._loop.time()
        for session, since in list(self._since.items()):
            if now - since > session.send_timeout:
                del self._since[session]
                session.send_stuck()
        self._handle = self._loop.call_later(self.PERIOD, self._check) if self._since else None


_watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SendWatch] = (
    weakref.WeakKeyDictionary()
)


def send_watch() -> SendWatch:
    """The watch of the running event loop."""
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        watch = _watches[loop] = SendWatch(loop)
    return watch
