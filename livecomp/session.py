"""One connected page's socket: join, read frames, send replies, close.

The key idea: the session is the page's transport side only. It checks the
Origin and the join token, mounts the page, and then, for each client frame,
asks the page's ``PageActor`` for a turn and answers in it (patches, the
events pushed to the client's hooks, then the ack or the ``err``); the actor
runs every other turn (timers, messages, broadcasts) itself and hands each
turn's patches and pushes to the outbox. Client frames are handled by the task reading the
socket, without a queue hop. Replies go through a bounded outbox that the
task which ran the turn sends as one frame; a client that cannot keep up is
closed with ``SLOW_CLIENT`` instead of growing memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from livecomp.actor import PageActor
from livecomp.component import Component, PageContext
from livecomp.failures import failure_reason, logger, report_failure
from livecomp.forms import PayloadError
from livecomp.page import LivePage, UnknownComponent, UnknownEvent
from livecomp.protocol import (
    Ack,
    CloseCode,
    DecodeError,
    Err,
    ErrorCode,
    Event,
    Join,
    Ping,
    Pong,
    Render,
    Resync,
    ServerMessage,
    cap,
    decode_client,
    describe_validation_error,
    encode,
)
from livecomp.pubsub import Broker, LocalBroker
from livecomp.security import (
    DEFAULT_MAX_FRAME_BYTES,
    PageClaims,
    TokenError,
    TokenSigner,
    origin_allowed,
)
from livecomp.watches import idle_watch, send_watch


class Transport(Protocol):
    """The socket a session talks through (ASGI websocket, or in memory)."""

    async def receive(self) -> str | bytes:
        """The next inbound frame; raises ConnectionError once closed."""
        ...

    async def send(self, frame: str) -> None:
        """Send one text frame."""
        ...

    async def close(self, code: int, reason: str) -> None:
        """Close the socket with ``code``; a pending ``receive`` then raises."""
        ...


@dataclass(frozen=True)
class SessionConfig:
    """Limits and policies of connected pages."""

    max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES
    outbox_size: int = 512
    #: A send that has not completed after this many seconds marks a slow client.
    send_timeout: float = 10.0
    join_timeout: float = 15.0
    #: Seconds between the client's heartbeats (0: it sends none).
    heartbeat: float = 30.0
    #: A joined socket silent this long (no frame, no heartbeat) is closed; 0: never.
    idle_timeout: float = 60.0
    #: Events one socket may send at once, and then per second (0: no limit).
    event_burst: int = 3000
    events_per_second: float = 1000.0
    allowed_origins: frozenset[str] = frozenset()
    #: When set, the only origins (with ``allowed_origins``) the socket accepts.
    public_origins: frozenset[str] = frozenset()
    #: Send exception text to the browser with ``handler_error`` (never in production).
    debug: bool = False


RouteResolver = Callable[[PageClaims], "type[Component[Any]] | None"]

#: Resyncs a page may ask for at once, and then one per this many seconds.
RESYNC_BURST = 10
RESYNC_EVERY = 5.0


class Budget:
    """A token bucket: ``burst`` at once, then one more every ``every`` seconds."""

    __slots__ = ("_at", "_every", "_tokens", "burst")

    def __init__(self, burst: int, every: float) -> None:
        self.burst = burst
        self._every = every
        self._tokens = float(burst)
        self._at = time.monotonic()

    def take(self) -> bool:
        """Spend one token if there is one."""
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._at) / self._every)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


class LiveSession:
    """Joins one socket to a page and answers its frames."""

    def __init__(
        self,
        transport: Transport,
        *,
        signer: TokenSigner,
        resolve: RouteResolver,
        origin: str | None,
        host: str | None,
        config: SessionConfig,
        broker: Broker | None = None,
    ) -> None:
        self.transport = transport
        self.actor: PageActor | None = None
        #: Resyncs asked for, and how many of them were refused as too many.
        self.resyncs = 0
        self.resyncs_refused = 0
        self._resync_budget = Budget(RESYNC_BURST, RESYNC_EVERY)
        rate = config.events_per_second
        self._event_budget = Budget(config.event_burst, 1 / rate) if rate > 0 else None
        self._signer = signer
        self._resolve = resolve
        self._origin = origin
        self._host = host
        self._config = config
        self._broker = broker or LocalBroker()
        self._outbox: deque[ServerMessage] = deque()
        self._sending = False
        self._sent_waiters: list[asyncio.Future[None]] = []
        self._closing: tuple[int, str] | None = None
        self._reader: asyncio.Task[Any] | None = None
        self.last_seen = time.monotonic()

    @property
    def page_id(self) -> str:
        """The joined page's id (its session id, as log lines name it); '' before."""
        return self.actor.page_id if self.actor is not None else ""

    @property
    def page(self) -> LivePage | None:
        """The joined page, once mounted."""
        return self.actor.page if self.actor is not None else None

    async def run(self) -> None:
        """Serve the socket until it closes; always cleans up the page."""
        config = self._config
        if not origin_allowed(
            self._origin, self._host, config.allowed_origins, config.public_origins
        ):
            await self._close(CloseCode.ORIGIN_FORBIDDEN, f"origin {self._origin!r} is not allowed")
            return
        actor = await self._join()
        if actor is None:
            return
        page = actor.page
        assert page is not None
        self._reader = asyncio.current_task()
        watch = idle_watch()
        try:
            self._queue([Render(cid=page.root_cid, html=page.full_html(page.root_cid))])
            await self._send_pending()
            actor.start(page)
            self.last_seen = time.monotonic()
            watch.add(self)
            await self._read_loop(actor)
        except asyncio.CancelledError:
            # Only our own wake-up for a slow client is swallowed.
            task = asyncio.current_task()
            if self._closing is None or task is None or task.uncancel() > 0:
                raise
        finally:
            watch.discard(self)
            actor.stop()
            await self._drain()
            await actor.close()
            if self._closing is not None:
                await self._close(*self._closing)

    async def _join(self) -> PageActor | None:
        try:
            frame = await asyncio.wait_for(self.transport.receive(), self._config.join_timeout)
        except (TimeoutError, ConnectionError):
            await self._close(CloseCode.JOIN_EXPECTED, "no join message arrived")
            return None
        try:
            message = decode_client(frame, self._config.max_frame_bytes)
        except DecodeError as exc:
            await self._close(CloseCode.JOIN_EXPECTED, f"expected a join message: {exc.reason}")
            return None
        if not isinstance(message, Join):
            await self._close(
                CloseCode.JOIN_EXPECTED, f"expected a join message, got {message.t!r}"
            )
            return None
        try:
            claims = self._signer.verify(message.token)
        except TokenError as exc:
            await self._close(CloseCode.TOKEN_INVALID, str(exc))
            return None
        root_class = self._resolve(claims)
        if root_class is None:
            await self._close(
                CloseCode.TOKEN_INVALID, f"token names no live page at {claims.route!r}"
            )
            return None
        actor = PageActor(
            self._broker,
            page_id=claims.session_id,
            mailbox_limit=self._config.outbox_size,
            replies=self._queue,
            send=self._send_pending,
            overflow=self._slow_client,
        )
        self.actor = actor
        context = PageContext(
            connected=True,
            params=claims.params,
            session_id=claims.session_id,
            runtime=actor,
        )
        page = LivePage(root_class, context)
        try:
            await page.mount()
        except Exception as exc:
            report_failure(
                exc, f"mounting {root_class.__name__} failed", page=actor.page_id, cid=None
            )
            actor.page = page
            await actor.close()
            await self._close(CloseCode.SERVER_ERROR, "the page failed to mount")
            return None
        actor.page = page
        return actor

    async def _read_loop(self, actor: PageActor) -> None:
        receive = self.transport.receive
        while self._closing is None:
            try:
                frame = await receive()
            except ConnectionError:
                return
            self.last_seen = time.monotonic()

            async def handle(page: LivePage, frame: str | bytes = frame) -> None:
                await self._handle_frame(page, frame)

            if not await actor.turn(handle):
                return
            await self._send_pending()

    async def _handle_frame(self, page: LivePage, frame: str | bytes) -> None:
        try:
            message = decode_client(frame, self._config.max_frame_bytes)
        except DecodeError as exc:
            self._queue([Err(code=exc.code, reason=exc.reason)])
            return
        match message:
            case Event(ref=ref, cid=cid, event=event, value=value):
                budget = self._event_budget
                if budget is not None and not budget.take():
                    # A flood (a key held down with no throttle, a script):
                    # refused before any handler runs, so the page stays cheap.
                    reason = (
                        f"too many events: over {self._config.events_per_second:g} per second; "
                        "throttle the binding (live-throttle) or slow down"
                    )
                    self._queue(
                        [Err(ref=ref, code=ErrorCode.RATE_LIMITED, event=event, reason=reason)]
                    )
                    return
                await self._handle_event(page, ref, cid, event, value)
            case Resync(cid=cid, reason=reason):
                self._handle_resync(page, cid, reason)
            case Ping():
                self._queue([Pong()])
            case Join():
                self._queue([Err(code=ErrorCode.MALFORMED, reason="this socket already joined")])

    async def _handle_event(
        self, page: LivePage, ref: int, cid: str, event: str, value: dict[str, Any]
    ) -> None:
        def refuse(code: ErrorCode, reason: str) -> None:
            self._queue([Err(ref=ref, code=code, event=event, reason=reason)])

        actor = self.actor
        assert actor is not None
        try:
            await page.dispatch(cid, event, value)
        except UnknownComponent as exc:
            refuse(ErrorCode.UNKNOWN_COMPONENT, str(exc))
            return
        except UnknownEvent as exc:
            refuse(ErrorCode.UNKNOWN_EVENT, str(exc))
            return
        except ValidationError as exc:
            refuse(
                ErrorCode.INVALID_PAYLOAD,
                f"payload of event {event!r} is invalid: {describe_validation_error(exc)}",
            )
            return
        except PayloadError as exc:
            refuse(ErrorCode.INVALID_PAYLOAD, f"payload of event {event!r} is invalid: {exc}")
            return
        except Exception as exc:
            what = f"handler of event {event!r} failed"
            error_id = report_failure(exc, what, page=actor.page_id, cid=cid)
            refuse(
                ErrorCode.HANDLER_ERROR,
                failure_reason(what, error_id, exc, debug=self._config.debug),
            )
            # State may have changed before the exception: render what it is now.
            await actor.flush()
            return
        failure = await actor.flush()
        if failure is None:
            self._queue([Ack(ref=ref)])
        else:
            what = f"rendering after event {event!r} failed"
            reason = failure_reason(what, failure.error_id, failure.exc, debug=self._config.debug)
            refuse(ErrorCode.HANDLER_ERROR, reason)

    def _handle_resync(self, page: LivePage, cid: str, reason: str) -> None:
        try:
            page.component(cid)
        except UnknownComponent as exc:
            self._queue([Err(code=ErrorCode.UNKNOWN_COMPONENT, reason=str(exc))])
            return
        # A resync means a patch did not fit the client's DOM: a bug to count.
        self.resyncs += 1
        if not self._resync_budget.take():
            # A client asking again and again is broken or hostile: a render
            # costs far more than the request, so the excess is only counted.
            self.resyncs_refused += 1
            self._queue(
                [Err(code=ErrorCode.RATE_LIMITED, reason="too many resyncs; try again later")]
            )
            return
        # Client text in a log line: repr() keeps it on one line, cap() short.
        logger.warning(
            "client asked to resync component %r: %r [page %s]",
            cap(cid, 64),
            cap(reason, 200),
            self.page_id,
        )
        self._queue([Render(cid=cid, html=page.full_html(cid))])

    # --- asking the page, for apps and the test client ----------------------

    def post(self, cid: str, message: str, data: Any) -> None:
        """Deliver a server-side message to component ``cid`` (as a timer would)."""
        if self.actor is None:
            raise RuntimeError("the page has not joined yet")
        self.actor.post(cid, message, data)

    async def settled(self) -> None:
        """Return once everything queued on the page so far (server messages,
        timers that fell due) has been handled and its replies sent."""
        loop = asyncio.get_running_loop()
        while True:
            if self.actor is not None:
                await self.actor.quiet()
            if not (self._outbox or self._sending) or self._closing is not None:
                return
            waiter: asyncio.Future[None] = loop.create_future()
            self._sent_waiters.append(waiter)
            await waiter

    @property
    def inbox_size(self) -> int:
        """Server-side messages waiting to be handled."""
        return self.actor.waiting if self.actor is not None else 0

    @property
    def sending(self) -> bool:
        """True while replies wait in the outbox or are being sent."""
        return bool(self._outbox) or self._sending

    def active_timers(self) -> int:
        """Timers scheduled for this page right now."""
        return self.actor.active_timers() if self.actor is not None else 0

    # --- sending ------------------------------------------------------------

    def _queue(self, messages: Sequence[ServerMessage]) -> None:
        if self._closing is not None:
            return
        if len(self._outbox) + len(messages) > self._config.outbox_size:
            self._slow_client()
            return
        self._outbox.extend(messages)

    def _slow_client(self, reason: str = "") -> None:
        if self._closing is not None:
            return
        self._closing = (
            CloseCode.SLOW_CLIENT,
            reason or f"more than {self._config.outbox_size} messages waiting to be sent",
        )
        if self.actor is not None:
            self.actor.stop()
        # The reader may sit in receive() for a client that never sends, or in
        # a send that never completes: wake it so the session ends now.
        if self._reader is not None and self._reader is not asyncio.current_task():
            self._reader.cancel()

    async def _send_loop(self) -> None:
        outbox = self._outbox
        send = self.transport.send
        try:
            while outbox:
                batch = list(outbox)
                outbox.clear()
                await send(encode(batch))
        except ConnectionError:
            # The reader sees the disconnect and ends the session.
            outbox.clear()

    async def _send_pending(self) -> None:
        # Each turn sends its own replies before the task moves on: when many
        # pages' timers fall due at once, every page's frame leaves as soon
        # as its turn ends instead of after the whole burst is rendered. One
        # send at a time; whoever is sending also takes what others queued.
        if self._sending or not self._outbox or self._closing is not None:
            return
        self._sending = True
        watch = send_watch()
        watch.started(self)
        try:
            await self._send_loop()
        finally:
            watch.finished(self)
            self._sending = False
            if self._sent_waiters:
                waiters, self._sent_waiters = self._sent_waiters, []
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)

    @property
    def send_timeout(self) -> float:
        """Seconds a send may take before the client counts as slow."""
        return self._config.send_timeout

    @property
    def idle_timeout(self) -> float:
        """Seconds a joined socket may stay silent before it is closed."""
        return self._config.idle_timeout

    def went_silent(self) -> None:
        """Close the socket: nothing, not even a heartbeat, arrived in time."""
        if self._closing is None:
            self._closing = (
                CloseCode.IDLE_TIMEOUT,
                f"nothing arrived for {self._config.idle_timeout:g} s",
            )
            if self.actor is not None:
                self.actor.stop()
            if self._reader is not None:
                self._reader.cancel()

    def send_stuck(self) -> None:
        """Close the client as slow: a send has not completed in time."""
        if self._closing is None:
            self._slow_client(f"a send took more than {self._config.send_timeout} s")

    async def _drain(self) -> None:
        # Let queued replies go out unless the client is the problem.
        if self._closing is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._send_pending(), 1.0)

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.transport.close(code, reason[:120]), 2.0)
