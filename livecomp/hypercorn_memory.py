"""Hypercorn's per-connection objects made smaller: waiters kept in lists, not deques.

The key idea: an empty ``collections.deque`` allocates a 64-slot block up
front, about 770 bytes, where an empty list takes 56. Hypercorn (read in
0.18; asyncio worker) keeps five such deques for each idle websocket
connection, each holding at most a message or a waiter or two: its app
queue, an ``asyncio.Queue`` (the queued messages, the waiting getters and
putters, and the ``Event`` its ``join`` waits on), and the ``Event`` of
each ``EventWrapper`` (the HTTP/1.1 protocol's ``can_read``). That is
about 3.3 KiB of an idle counter page's ~29 KiB (bench.memsplit).

``lighten_hypercorn`` (which ``livecomp.serve`` calls, with
``harden_hypercorn``) swaps in, process-wide, a task group that gives each
app queue Hypercorn makes lean containers (``lighten_queue``, right after
Hypercorn made it, before anything waits on it or is put in it) and an
event class wrapping a ``LeanEvent``: asyncio's own ``Queue`` and
``Event``, the same code, with those containers as ``Waiters``, a list
with the one deque method they call (``popleft``).
Both keep asyncio's classes wherever a container is not the deque this
was written against (another Python), so they are never worse than them.
"""

from __future__ import annotations

import asyncio
import functools
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from livecomp.failures import logger

T = TypeVar("T")


class Waiters(list[Any]):
    """A list with a deque's ``popleft``: what asyncio's ``Queue`` and
    ``Event`` call on their containers (``append``, ``popleft``, ``remove``,
    ``len``, iteration) at a fraction of an empty deque's size. ``popleft``
    moves the rest; these hold a handful of items at most."""

    __slots__ = ()

    def popleft(self) -> Any:
        return self.pop(0)


class LeanEvent(asyncio.Event):
    """``asyncio.Event`` with its waiters in a list."""

    def __init__(self) -> None:
        super().__init__()
        if type(self._waiters) is deque:
            self._waiters = Waiters()  # type: ignore[assignment]


class LeanQueue(asyncio.Queue[T]):
    """``asyncio.Queue`` with its items, getters and putters in lists and a
    ``LeanEvent`` for ``join``."""

    # asyncio's own attributes, as lighten_queue leaves them.
    _queue: Waiters
    _getters: Waiters
    _putters: Waiters
    _finished: LeanEvent

    def __init__(self, maxsize: int = 0) -> None:
        super().__init__(maxsize)
        lighten_queue(self)


def lighten_queue(queue: asyncio.Queue[Any]) -> None:
    """Give ``queue`` lean containers in place of asyncio's deques (3.11 to
    3.13 keep them in these attributes), each only while it is still empty:
    a waiter or an item already in one stays where it is."""
    for name in ("_queue", "_getters", "_putters"):
        held = getattr(queue, name, None)
        if type(held) is deque and not held:
            setattr(queue, name, Waiters())
    finished = getattr(queue, "_finished", None)
    if type(finished) is asyncio.Event and not finished._waiters:
        lean = LeanEvent()
        if finished.is_set():
            lean.set()
        setattr(queue, "_finished", lean)  # noqa: B010 - a private attribute of asyncio's


def lighten_hypercorn() -> None:
    """Give each of Hypercorn's asyncio connections a ``LeanQueue`` as its app
    queue and ``LeanEvent``s as its events, process-wide; idempotent. Another
    Hypercorn, whose parts are not where this looks, is left as it is."""
    try:
        task_group_class, event_class = _lean_classes()
        from hypercorn.asyncio import tcp_server, worker_context
    except (ImportError, AttributeError) as exc:  # pragma: no cover - another Hypercorn
        logger.warning("livecomp could not lighten this Hypercorn's connections (%s)", exc)
        return
    setattr(tcp_server, "TaskGroup", task_group_class)  # noqa: B010
    setattr(worker_context.WorkerContext, "event_class", event_class)  # noqa: B010


@functools.cache
def _lean_classes() -> tuple[type[Any], type[Any]]:
    # Built on first use: importing Hypercorn is only needed to serve.
    from hypercorn.asyncio.task_group import TaskGroup
    from hypercorn.asyncio.worker_context import EventWrapper
    from hypercorn.config import Config
    from hypercorn.typing import AppWrapper, ASGIReceiveEvent, ASGISendEvent
    from hypercorn.typing import Scope as HypercornScope

    class LeanTaskGroup(TaskGroup):
        """Hypercorn's task group, whose app queues are made lean."""

        async def spawn_app(
            self,
            app: AppWrapper,
            config: Config,
            scope: HypercornScope,
            send: Callable[[ASGISendEvent | None], Awaitable[None]],
        ) -> Callable[[ASGIReceiveEvent], Awaitable[None]]:
            put = await super().spawn_app(app, config, scope, send)
            # The queue Hypercorn just made for the connection, its put bound.
            queue = getattr(put, "__self__", None)
            if isinstance(queue, asyncio.Queue):
                lighten_queue(queue)
            return put

    class LeanEventWrapper(EventWrapper):
        """Hypercorn's event, a ``LeanEvent``."""

        def __init__(self) -> None:
            self._event = LeanEvent()

    return LeanTaskGroup, LeanEventWrapper
