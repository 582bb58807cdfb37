"""What a component may ask of the page it runs in: messages, timers, topics.

``Runtime`` is that interface, by component id. A connected page's runtime
is its ``livecomp.actor.PageActor``, which runs every message, tick and
broadcast as a turn of the page and ends a component's timers and
subscriptions with it. The first HTTP render has a ``StaticRuntime``: there
is no socket to update, so timers and subscriptions are not started and
events pushed to the client are dropped (publishing still works).
"""

from __future__ import annotations

from typing import Any, Protocol

from livecomp.protocol import Push
from livecomp.pubsub import Broker, LocalBroker


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

    def push(self, cid: str, push: Push) -> None:
        """Send ``push`` to the page's client hooks, after the patches of this turn."""
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

    def push(self, cid: str, push: Push) -> None:
        pass
