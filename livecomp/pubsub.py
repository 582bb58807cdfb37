"""Broadcast between pages: components subscribe to topics, anyone publishes.

``Broker`` is the interface; ``LocalBroker`` (the default) reaches every
subscriber in this process. A broker that crosses processes (Redis) plugs in
behind the same interface, which is why message data should stay
JSON-serialisable even in one process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

#: Called with ``(message, data)`` for every message published on a topic.
Deliver = Callable[[str, Any], None]


class Subscription(Protocol):
    """One subscriber's interest in one topic."""

    async def cancel(self) -> None:
        """Stop delivering; safe to call twice."""
        ...


class Broker(Protocol):
    """Delivers each message published on a topic to the topic's subscribers."""

    async def subscribe(self, topic: str, deliver: Deliver) -> Subscription:
        """Call ``deliver(message, data)`` for each later publish on ``topic``."""
        ...

    async def publish(self, topic: str, message: str, data: Any = None) -> None:
        """Send ``message`` with ``data`` to every subscriber of ``topic``."""
        ...


class LocalBroker:
    """An in-process broker: a publish reaches every subscriber in this process."""

    def __init__(self) -> None:
        self._topics: dict[str, dict[int, Deliver]] = {}
        self._next = 0

    async def subscribe(self, topic: str, deliver: Deliver) -> Subscription:
        self._next += 1
        self._topics.setdefault(topic, {})[self._next] = deliver
        return _LocalSubscription(self, topic, self._next)

    async def publish(self, topic: str, message: str, data: Any = None) -> None:
        # Copy: a subscriber may unsubscribe while being delivered to.
        for deliver in list(self._topics.get(topic, {}).values()):
            deliver(message, data)

    def subscriber_count(self, topic: str | None = None) -> int:
        """Live subscriptions on ``topic`` (or on all topics)."""
        if topic is not None:
            return len(self._topics.get(topic, {}))
        return sum(len(subs) for subs in self._topics.values())

    def _remove(self, topic: str, number: int) -> None:
        subscribers = self._topics.get(topic)
        if subscribers is not None:
            subscribers.pop(number, None)
            if not subscribers:
                del self._topics[topic]


class _LocalSubscription:
    def __init__(self, broker: LocalBroker, topic: str, number: int) -> None:
        self._broker = broker
        self._topic = topic
        self._number = number

    async def cancel(self) -> None:
        self._broker._remove(self._topic, self._number)
