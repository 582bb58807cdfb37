"""Watches over every session of one event loop: sends that hang, sockets
gone silent, pages gone idle.

The key idea: one periodic check per loop instead of a timer per send or
per socket. At thousands of sends per second, per-send timer handles pile
up in the loop's heap (cancelled ones stay there until they fall due), and
a timer per idle page would cost memory on every page.
"""

from __future__ import annotations

import asyncio
import time
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


class Listener(Protocol):
    """What the idle watch needs of a session."""

    @property
    def idle_timeout(self) -> float:
        """Seconds the socket may stay silent; 0 for no limit."""
        ...

    @property
    def last_seen(self) -> float:
        """``time.monotonic()`` when the socket last delivered a frame."""
        ...

    def went_silent(self) -> None:
        """Nothing arrived for longer than ``idle_timeout``."""
        ...

    def rest(self, now: float) -> None:
        """Let the page rest if it has been idle (``LivePage.rest``)."""
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


class IdleWatch:
    """Tells each joined session that has heard nothing for its ``idle_timeout``,
    and lets the others' pages rest once a second."""

    PERIOD = 1.0
    #: Seconds of resting pages done at once: packing a large state takes a
    #: few milliseconds, and a thousand pages may fall idle together. The
    #: rest is done in further slices, other work running in between.
    REST_SLICE = 0.01

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._sessions: set[Listener] = set()
        self._handle: asyncio.TimerHandle | None = None
        # The sessions whose pages may rest, not yet asked; and when they
        # were found so.
        self._to_rest: list[Listener] = []
        self._checked = 0.0
        # Whether a slice is due (one at a time, whoever asked for it).
        self._resting = False

    def add(self, session: Listener) -> None:
        """Watch ``session`` from now on."""
        self._sessions.add(session)
        if self._handle is None:
            self._handle = self._loop.call_later(self.PERIOD, self._check)

    def discard(self, session: Listener) -> None:
        """Stop watching ``session``."""
        self._sessions.discard(session)

    def _check(self) -> None:
        now = time.monotonic()
        to_rest = []
        for session in list(self._sessions):
            timeout = session.idle_timeout
            if timeout and now - session.last_seen > timeout:
                self._sessions.discard(session)
                session.went_silent()
            else:
                to_rest.append(session)
        self._to_rest, self._checked = to_rest, now
        if not self._resting:
            self._rest_some()
        self._handle = self._loop.call_later(self.PERIOD, self._check) if self._sessions else None

    def _rest_some(self) -> None:
        # At least one page a slice, however long it takes.
        self._resting = False
        deadline = time.perf_counter() + self.REST_SLICE
        to_rest = self._to_rest
        while to_rest:
            session = to_rest.pop()
            if session in self._sessions:
                session.rest(self._checked)
            if time.perf_counter() >= deadline:
                break
        if to_rest and not self._resting:
            self._resting = True
            self._loop.call_soon(self._rest_some)


_watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SendWatch] = (
    weakref.WeakKeyDictionary()
)
_idle_watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, IdleWatch] = (
    weakref.WeakKeyDictionary()
)


def idle_watch() -> IdleWatch:
    """The idle watch of the running event loop."""
    loop = asyncio.get_running_loop()
    watch = _idle_watches.get(loop)
    if watch is None:
        watch = _idle_watches[loop] = IdleWatch(loop)
    return watch


def send_watch() -> SendWatch:
    """The watch of the running event loop."""
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        watch = _watches[loop] = SendWatch(loop)
    return watch
