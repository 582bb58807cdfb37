"""What a component may ask of the page it runs in: messages, timers, topics.

A connected page has a ``ConnectedRuntime``: every message, timer tick and
broadcast lands in its mailbox, which the page's session drains one item at
a time, in the same turns as client events, so a timer and a click are
never handled at once. It owns each component's timers and subscriptions,
by component id, so they end when the component does. The first HTTP render
has a ``StaticRuntime``: there is no socket to update, so timers and
subscriptions are not started (publishing still works).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from livecomp.pubsub import Broker, LocalBroker, Subscription
from livecomp.timers import Interval, Once


class Timer(Protocol):
    """A scheduled message that can be cancelled."""

    def cancel(self) -> None:
        """Do not deliver (any more); safe to call twice."""
        ...


class Runtime(Protocol):
    """The services a page offers its components, by component id."""

    def post(self, cid: str, message: str, data: Any) -> None:
        """Deliver ``message`` to component ``cid`` through the page's inbox."""
        ...

    def call_later(self, cid: str, delay: float, message: str, data: Any) -> Timer:
        """Deliver ``message`` to ``cid`` after ``delay`` seconds."""
        ...

    def every(self, cid: str, interval: float, message: str, data: Any, align: bool) -> Timer:
        """Deliver ``message`` to ``cid`` every ``interval`` seconds."""
        ...

    async def subscribe(self, cid: str, topic: str) -> None:
        """Deliver every message published on ``topic`` to ``cid``."""
        ...

    async def unsubscribe(self, cid: str, topic: str) -> None:
        """Stop delivering ``topic`` to ``cid``."""
        ...

    async def publish(self, topic: str, message: str, data: Any) -> None:
        """Publish ``message`` on ``topic`` through the app's broker."""
        ...

    async def forget(self, cid: str) -> None:
        """Cancel every timer and subscription of ``cid`` (it unmounted)."""
        ...


class _NoTimer:
    def cancel(self) -> None:
        pass


class StaticRuntime:
    """The runtime of a render with no socket: nothing is scheduled."""

    def __init__(self, broker: Broker | None = None) -> None:
        self._broker = broker or LocalBroker()

    def post(self, cid: str, message: str, data: Any) -> None:
        pass

    def call_later(self, cid: str, delay: float, message: str, data: Any) -> Timer:
        return _NoTimer()

    def every(self, cid: str, interval: float, message: str, data: Any, align: bool) -> Timer:
        return _NoTimer()

    async def subscribe(self, cid: str, topic: str) -> None:
        pass

    async def unsubscribe(self, cid: str, topic: str) -> None:
        pass

    async def publish(self, topic: str, message: str, data: Any) -> None:
        await self._broker.publish(topic, message, data)

    async def forget(self, cid: str) -> None:
        pass


class Delivery:
    """A server-side message for one component, waiting for its turn."""

    __slots__ = ("cid", "data", "message", "timer")

    def __init__(self, cid: str, message: str, data: Any, timer: Interval | None = None):
        self.cid, self.message, self.data, self.timer = cid, message, data, timer


class ConnectedRuntime:
    """The runtime of a connected page: a mailbox, timers and subscriptions."""

    def __init__(self, broker: Broker) -> None:
        self.mailbox: deque[Any] = deque()
        self.mail = asyncio.Event()
        #: True while the session runs a turn; posts then join that turn.
        self.handling = False
        self._immediate: deque[Delivery] | None = None
        #: Called on each enqueue, so the session can start draining lazily.
        self.on_mail: Callable[[], None] | None = None
        self._broker = broker
        self._timers: dict[str, set[Any]] = {}
        self._subscriptions: dict[str, dict[str, Subscription]] = {}

    def enqueue(self, item: Any) -> None:
        """Put ``item`` in the mailbox, behind everything already there."""
        self.mailbox.append(item)
        self.mail.set()
        if self.on_mail is not None:
            self.on_mail()

    def post(self, cid: str, message: str, data: Any) -> None:
        """Deliver ``message`` to component ``cid``.

        Posted from a handler, it is handled in the same turn, before the
        page re-renders; posted from outside (a timer, a broadcast), it waits
        behind everything already in the mailbox.
        """
        if self.handling:
            if self._immediate is None:
                self._immediate = deque()
            self._immediate.append(Delivery(cid, message, data))
        else:
            self.enqueue(Delivery(cid, message, data))

    def next_immediate(self) -> Delivery | None:
        """The next message posted during the current turn, if any."""
        return self._immediate.popleft() if self._immediate else None

    def end_turn(self) -> None:
        """Drop what the turn posted but did not handle."""
        self.handling = False
        if self._immediate:
            self._immediate.clear()

    def call_later(self, cid: str, delay: float, message: str, data: Any) -> Once:
        owner = self._timers.setdefault(cid, set())
        return Once(owner, delay, lambda: self.post(cid, message, data))

    def every(self, cid: str, interval: float, message: str, data: Any, align: bool) -> Interval:
        owner = self._timers.setdefault(cid, set())
        return Interval(
            owner, interval, align, lambda timer: self.enqueue(Delivery(cid, message, data, timer))
        )

    async def subscribe(self, cid: str, topic: str) -> None:
        topics = self._subscriptions.setdefault(cid, {})
        if topic not in topics:
            topics[topic] = await self._broker.subscribe(
                topic, lambda message, data: self.post(cid, message, data)
            )

    async def unsubscribe(self, cid: str, topic: str) -> None:
        subscription = self._subscriptions.get(cid, {}).pop(topic, None)
        if subscription is not None:
            await subscription.cancel()

    async def publish(self, topic: str, message: str, data: Any) -> None:
        await self._broker.publish(topic, message, data)

    async def forget(self, cid: str) -> None:
        for timer in list(self._timers.pop(cid, ())):
            timer.cancel()
        for subscription in self._subscriptions.pop(cid, {}).values():
            await subscription.cancel()

    async def forget_all(self) -> None:
        """Cancel every timer and subscription of the page (the socket closed)."""
        for cid in list(self._timers) + list(self._subscriptions):
            await self.forget(cid)

    def active_timers(self) -> int:
        """Timers scheduled right now."""
        return sum(len(timers) for timers in self._timers.values())
