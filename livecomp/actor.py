"""One connected page's turns, and the one object that owns them.

The key idea: everything that can change a connected page (a client frame, a
timer tick, a message between components, a broadcast) runs as one *turn* of
its ``PageActor``, one at a time and in arrival order, so user code needs no
lock and a timer never runs in the middle of a click. The actor owns all a
turn needs: the lock that makes turns exclusive, the mailbox where
server-side messages wait, the messages a turn posts to itself (handled in
the same turn, before it renders), the events it pushes to the client's
hooks (sent after the turn's patches), and each component's timers and
subscriptions. Components reach it as their ``Runtime``; the session (the
socket) asks it for turns and is handed each turn's replies.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from livecomp.failures import report_failure
from livecomp.page import LivePage
from livecomp.protocol import Patch, Push
from livecomp.pubsub import Broker, Subscription
from livecomp.telemetry import Telemetry
from livecomp.timers import Interval, Once

T = TypeVar("T")

# A handler chain posting more than this many messages in one turn is a loop.
MAX_MESSAGES_PER_TURN = 1000

# Shared stand-ins, never appended to, until a page needs its own: an idle
# page keeps no mailbox and no waiter list of its own.
_NO_MAIL: deque[Any] = deque(maxlen=0)
_NO_WAITERS: list[Any] = []


class Delivery:
    """A server-side message for one component, waiting for its turn."""

    __slots__ = ("cid", "data", "message", "push", "queued", "timer")

    #: When it entered the mailbox (``perf_counter``); set only with telemetry on.
    queued: float

    def __init__(
        self,
        cid: str,
        message: str,
        data: Any,
        timer: Interval | None = None,
        push: Push | None = None,
    ):
        self.cid, self.message, self.data, self.timer = cid, message, data, timer
        #: Set for an event pushed outside any turn: the turn only sends it.
        self.push = push


@dataclass(frozen=True)
class Failure:
    """User code that raised during a turn, as the log line recorded it."""

    error_id: str
    exc: BaseException


class Outbox(Protocol):
    """Where a page's actor hands what its turns make: the socket's session.
    One object, where three callbacks would be three bound methods kept on
    every page (64 bytes each)."""

    def take_replies(self, replies: Sequence[Patch | Push]) -> None:
        """Queue a turn's patches, then the events it pushed, in order."""

    async def send_replies(self) -> None:
        """Send what was queued; awaited after each mailbox burst."""

    def slow_client(self, reason: str) -> None:
        """The mailbox overflowed (``reason``): the client cannot keep up."""


class PageActor:
    """Runs one connected page's turns; the page's ``Runtime``.

    Args:
        broker: carries ``publish`` and ``subscribe``.
        page_id: the page's id in log lines (its session id).
        mailbox_limit: messages that may wait; past it the outbox is told
            (``slow_client``).
        outbox: takes each turn's patches, then the events it pushed, in
            order, and sends them (after each mailbox burst); told when the
            mailbox overflows.
        telemetry: told how long each message waited (None: telemetry is off).
    """

    __slots__ = (
        "_broker",
        "_bursting",
        "_in_turn",
        "_mail",
        "_mailbox",
        "_mailbox_limit",
        "_mailman",
        "_outbox",
        "_posted",
        "_pushes",
        "_quiet_waiters",
        "_stopped",
        "_subscriptions",
        "_telemetry",
        "_timers",
        "_turn_waiters",
        "_turning",
        "page",
        "page_id",
    )

    def __init__(
        self,
        broker: Broker,
        *,
        page_id: str,
        mailbox_limit: int,
        outbox: Outbox,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.page: LivePage | None = None
        self.page_id = page_id
        self._broker = broker
        self._mailbox_limit = mailbox_limit
        self._outbox = outbox
        self._telemetry = telemetry
        # One turn at a time, in the order they asked (as ``asyncio.Lock``
        # would give them): a flag and the waiting turns, where a Lock
        # object costs every idle page ~140 bytes.
        self._turning = False
        self._turn_waiters: list[asyncio.Future[None]] = _NO_WAITERS
        # Made by the first message from outside a turn: most idle pages get none.
        self._mailbox: deque[Delivery] = _NO_MAIL
        self._mail: asyncio.Event | None = None
        self._mailman: asyncio.Task[None] | None = None
        # While a turn runs, posts join it instead of the mailbox, and pushes
        # wait for its patches; both lists are made on the first use only:
        # most turns post and push nothing.
        self._in_turn = False
        self._posted: deque[Delivery] | None = None
        self._pushes: list[Push] | None = None
        self._bursting = False
        self._stopped = False
        self._quiet_waiters: list[asyncio.Future[None]] = _NO_WAITERS
        self._timers: dict[str, set[Once | Interval]] = {}
        self._subscriptions: dict[str, dict[str, Subscription]] = {}

    # --- turns --------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether a turn is running (or waiting for the one running)."""
        return self._turning

    def start(self, page: LivePage) -> None:
        """Take turns on ``page`` (mounted); messages that came meanwhile run now."""
        self.page = page
        if self._mailbox:
            self._wake_mailman()

    async def turn(self, work: Callable[[LivePage, T], Awaitable[None]], arg: T) -> bool:
        """Run ``work(page, arg)`` as one turn; False, running nothing, once stopped."""
        await self._begin_turn()
        try:
            page = self.page
            if self._stopped or page is None:
                return False
            self._in_turn = True
            page.lap = 0.0  # no phase of an earlier turn runs on into this one
            try:
                await work(page, arg)
            finally:
                # What the turn posted or pushed but did not flush dies with it.
                self._in_turn = False
                self._posted = None
                self._pushes = None
        finally:
            self._end_turn()
        if self._quiet_waiters and not self._bursting:
            self._wake_quiet()
        return True

    async def _begin_turn(self) -> None:
        """Wait until the running turn, and the turns that asked before, end."""
        if not self._turning:
            self._turning = True  # nothing waits while no turn runs
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._turn_waiters is _NO_WAITERS:
            self._turn_waiters = []
        self._turn_waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._end_turn()  # handed the turn as it was cancelled: pass it on
            elif waiter in self._turn_waiters:
                self._turn_waiters.remove(waiter)
            raise
        # ``_end_turn`` handed this one the turn: ``_turning`` stayed True.

    def _end_turn(self) -> None:
        """Hand the turn to the first turn still waiting, or end it."""
        waiters = self._turn_waiters
        while waiters:
            waiter = waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                return
        self._turn_waiters = _NO_WAITERS
        self._turning = False

    async def run(self, work: Callable[[LivePage, T], Awaitable[None]], arg: T) -> bool:
        """Run ``work(page, arg)`` as a turn from outside the socket's reader
        (the app's own code: a reload, an admin action), then send its
        replies. ``work`` calls ``flush()`` for what it changed to render."""
        if not await self.turn(work, arg):
            return False
        await self._outbox.send_replies()
        return True

    async def flush(self) -> Failure | None:
        """End the current turn's work: handle what it posted, render, hand
        the patches and then the pushed events to ``replies``. Returns the
        failure if rendering raised (the pushes are handed over all the same)."""
        page = self.page
        assert page is not None and self._in_turn, "flush() runs inside a turn"
        if self._posted:
            await self._run_posted(page, self._posted)
        failure = None
        patches: list[Patch] = []
        try:
            patches = await page.flush()
        except Exception as exc:
            failure = Failure(self._report(exc, "render failed", None), exc)
        pushes, self._pushes = self._pushes, None
        if pushes:
            self._outbox.take_replies([*patches, *pushes])
        elif patches:
            self._outbox.take_replies(patches)
        return failure

    def stop(self) -> None:
        """Take no more turns (the socket is closing)."""
        self._stopped = True
        if self._mailman is not None and self._mailman is not asyncio.current_task():
            self._mailman.cancel()

    async def close(self) -> None:
        """Stop, unmount every component, end every timer and subscription."""
        self.stop()
        if self._mailman is not None and self._mailman is not asyncio.current_task():
            await asyncio.gather(self._mailman, return_exceptions=True)
        try:
            if self.page is not None:
                await self._begin_turn()
                try:
                    await self.page.close()
                finally:
                    self._end_turn()
        finally:
            for cid in list(self._timers) + list(self._subscriptions):
                await self.forget(cid)
            self._wake_quiet()

    async def quiet(self) -> None:
        """Return once no turn runs and no message waits (nor is being sent)."""
        loop = asyncio.get_running_loop()
        while not self._stopped and (self._mailbox or self._turning or self._bursting):
            waiter: asyncio.Future[None] = loop.create_future()
            if self._quiet_waiters is _NO_WAITERS:
                self._quiet_waiters = []
            self._quiet_waiters.append(waiter)
            await waiter

    @property
    def waiting(self) -> int:
        """Messages waiting in the mailbox."""
        return len(self._mailbox)

    def active_timers(self) -> int:
        """Timers scheduled right now."""
        return sum(len(timers) for timers in self._timers.values())

    # --- the Runtime a component asks ---------------------------------------

    def post(self, cid: str, message: str, data: Any) -> None:
        """Deliver ``message`` to component ``cid``.

        Posted during a turn (a handler's ``send_parent``), it is handled in
        that turn, before the page re-renders; posted from outside (a timer,
        a broadcast), it waits behind everything already in the mailbox.
        """
        if not self._in_turn:
            self._enqueue(Delivery(cid, message, data))
        elif self._posted is None:
            self._posted = deque((Delivery(cid, message, data),))
        else:
            self._posted.append(Delivery(cid, message, data))

    def call_later(self, cid: str, delay: float, message: str, data: Any) -> Once:
        owner = self._timers.setdefault(cid, set())
        return Once(owner, delay, lambda: self.post(cid, message, data))

    def every(self, cid: str, interval: float, message: str, data: Any, align: bool) -> Interval:
        owner = self._timers.setdefault(cid, set())
        return Interval(
            owner, interval, align, lambda timer: self._enqueue(Delivery(cid, message, data, timer))
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

    def push(self, cid: str, push: Push) -> None:
        """Send ``push`` to the client's hooks.

        Pushed during a turn, it follows that turn's patches (and precedes
        an event's ack); pushed from outside (a task of the app's own), it
        becomes a turn of its own behind the mailbox.
        """
        if not self._in_turn:
            self._enqueue(Delivery(cid, push.event, None, push=push))
        elif self._pushes is None:
            self._pushes = [push]
        else:
            self._pushes.append(push)

    async def forget(self, cid: str) -> None:
        for timer in list(self._timers.pop(cid, ())):
            timer.cancel()
        for subscription in self._subscriptions.pop(cid, {}).values():
            await subscription.cancel()

    # --- internals ----------------------------------------------------------

    def _enqueue(self, delivery: Delivery) -> None:
        if self._stopped:
            return
        if self._mailbox is _NO_MAIL:
            self._mailbox = deque()
        if self._telemetry is not None:
            delivery.queued = time.perf_counter()
        self._mailbox.append(delivery)
        if len(self._mailbox) > self._mailbox_limit:
            # Broadcasts pile up while this client's socket does not drain.
            self._outbox.slow_client(f"more than {self._mailbox_limit} messages waiting")
        elif self.page is not None:
            self._wake_mailman()

    def _wake_mailman(self) -> None:
        if self._mail is None:
            self._mail = asyncio.Event()
        self._mail.set()
        if self._mailman is None and not self._stopped:
            self._mailman = asyncio.create_task(self._mail_loop())

    async def _mail_loop(self) -> None:
        # Woken by the first message: the mailbox and its event exist by now.
        mailbox, mail = self._mailbox, self._mail
        assert mail is not None
        while not self._stopped:
            await mail.wait()
            mail.clear()
            self._bursting = True
            try:
                while mailbox:
                    if not await self.turn(self._deliver, mailbox.popleft()):
                        return
                # Messages that fell due together (a page's clocks ticking on
                # one boundary) leave as one frame.
                await self._outbox.send_replies()
            finally:
                self._bursting = False
                self._wake_quiet()

    async def _deliver(self, page: LivePage, delivery: Delivery) -> None:
        if self._telemetry is not None:
            self._telemetry.mailbox_waited(time.perf_counter() - delivery.queued)
        if delivery.push is not None:
            self._pushes = [delivery.push]
            await self.flush()
            return
        if delivery.timer is not None:
            # Handled: the timer may fire again (it skips beats while pending).
            delivery.timer.pending = False
        try:
            delivered = await page.deliver(delivery.cid, delivery.message, delivery.data)
        except Exception as exc:
            self._report(exc, f"message handler for {delivery.message!r} failed", delivery.cid)
            delivered = True  # it may have changed state before raising
        if delivered:
            await self.flush()

    async def _run_posted(self, page: LivePage, posted: deque[Delivery]) -> None:
        # Messages posted by the handler that just ran (send_parent, send_self)
        # belong to the same turn: their patches go out before the event's ack.
        handled = 0
        while posted:
            delivery = posted.popleft()
            handled += 1
            if handled > MAX_MESSAGES_PER_TURN:
                loop = RuntimeError(
                    f"more than {MAX_MESSAGES_PER_TURN} messages posted in one turn"
                )
                self._report(loop, "message loop", delivery.cid)
                posted.clear()
                return
            try:
                await page.deliver(delivery.cid, delivery.message, delivery.data)
            except Exception as exc:
                self._report(exc, f"message handler for {delivery.message!r} failed", delivery.cid)

    def _report(self, exc: BaseException, what: str, cid: str | None) -> str:
        return report_failure(exc, what, page=self.page_id, cid=cid)

    def _wake_quiet(self) -> None:
        waiters = self._quiet_waiters
        if not waiters:
            return
        self._quiet_waiters = _NO_WAITERS
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
