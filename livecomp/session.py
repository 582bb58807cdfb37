"""One connected page: an asyncio actor between a transport and a LivePage.

Everything that can change the page (client frames, timers, messages between
components, broadcasts) is handled one item at a time, in arrival order, so
user code never needs a lock. Client frames are handled by the task reading
the socket, without a queue hop; server-side messages wait in a small
mailbox for a second task. Both take the session's turn lock, which is what
makes them one actor.

The page's ``ConnectedRuntime`` (messages, timers, subscriptions) is drained
here, and ended when the socket closes. Replies go through a bounded outbox drained by
the task that ran the turn, which sends what is queued as one frame; a client that
cannot keep up is closed with ``SLOW_CLIENT`` instead of growing memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from livecomp.component import Component, PageContext
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
    Patch,
    Render,
    Resync,
    decode_client,
    describe_validation_error,
    encode,
)
from livecomp.pubsub import Broker, LocalBroker
from livecomp.runtime import ConnectedRuntime, Delivery
from livecomp.security import (
    DEFAULT_MAX_FRAME_BYTES,
    PageClaims,
    TokenError,
    TokenSigner,
    origin_allowed,
)

logger = logging.getLogger("livecomp")

ServerMessage = Render | Patch | Ack | Err


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
    allowed_origins: frozenset[str] = frozenset()
    #: The test client sets this so a handler's exception re-raises in the test.
    keep_handler_errors: bool = False


RouteResolver = Callable[[PageClaims], "type[Component[Any]] | None"]

# A handler chain posting more than this many messages in one turn is a loop.
_MAX_IMMEDIATE = 1000


class _Barrier:
    """Set once everything queued before it has been handled and sent."""

    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = asyncio.Event()


class _SendWatch:
    """Finds sends that hang, for every session of one event loop.

    One periodic check per loop instead of a timer per send: at thousands
    of sends per second, per-send timer handles pile up in the loop's heap
    (cancelled ones stay there until they fall due).
    """

    PERIOD = 0.1

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._since: dict[LiveSession, float] = {}
        self._handle: asyncio.TimerHandle | None = None

    def started(self, session: LiveSession) -> None:
        self._since[session] = self._loop.time()
        if self._handle is None:
            self._handle = self._loop.call_later(self.PERIOD, self._check)

    def finished(self, session: LiveSession) -> None:
        self._since.pop(session, None)

    def _check(self) -> None:
        now = self._loop.time()
        for session, since in list(self._since.items()):
            if now - since > session.send_timeout:
                del self._since[session]
                session.send_stuck()
        self._handle = self._loop.call_later(self.PERIOD, self._check) if self._since else None


_watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _SendWatch] = (
    weakref.WeakKeyDictionary()
)


def _send_watch() -> _SendWatch:
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        watch = _watches[loop] = _SendWatch(loop)
    return watch


class LiveSession:
    """Joins one socket to a page and runs the page's actor."""

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
        self.page: LivePage | None = None
        self.resyncs = 0
        self.handler_errors: list[BaseException] = []
        self._signer = signer
        self._resolve = resolve
        self._origin = origin
        self._host = host
        self._config = config
        self.runtime = ConnectedRuntime(broker or LocalBroker())
        self._turn = asyncio.Lock()
        self._outbox: deque[ServerMessage | _Barrier] = deque()
        self._sending = False
        self._mailman: asyncio.Task[None] | None = None
        self.runtime.on_mail = self._mail_arrived
        self._closing: tuple[int, str] | None = None
        self._reader: asyncio.Task[Any] | None = None

    async def run(self) -> None:
        """Serve the socket until it closes; always cleans up the page."""
        if not origin_allowed(self._origin, self._host, self._config.allowed_origins):
            await self._close(CloseCode.ORIGIN_FORBIDDEN, f"origin {self._origin!r} is not allowed")
            return
        page = await self._join()
        if page is None:
            return
        self.page = page
        self._reader = asyncio.current_task()
        if self.runtime.mailbox:
            self._mail_arrived()
        try:
            self._queue([Render(cid=page.root_cid, html=page.full_html(page.root_cid))])
            await self._send_pending()
            await self._read_loop(page)
        except asyncio.CancelledError:
            # Only our own wake-up for a slow client is swallowed.
            task = asyncio.current_task()
            if self._closing is None or task is None or task.uncancel() > 0:
                raise
        finally:
            if self._mailman is not None:
                self._mailman.cancel()
            await self._drain()
            try:
                await page.close()
            finally:
                await self.runtime.forget_all()
            if self._closing is not None:
                await self._close(*self._closing)

    async def _join(self) -> LivePage | None:
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
        context = PageContext(
            connected=True,
            params=claims.params,
            session_id=claims.session_id,
            runtime=self.runtime,
        )
        page = LivePage(root_class, context)
        try:
            await page.mount()
        except Exception:
            logger.exception("mounting %s failed", root_class.__name__)
            await page.close()
            await self.runtime.forget_all()
            await self._close(CloseCode.SERVER_ERROR, "the page failed to mount")
            return None
        return page

    async def _read_loop(self, page: LivePage) -> None:
        receive = self.transport.receive
        while self._closing is None:
            try:
                frame = await receive()
            except ConnectionError:
                return
            async with self._turn:
                if self._closing is not None:
                    return
                self.runtime.handling = True
                try:
                    await self._handle_frame(page, frame)
                finally:
                    self.runtime.end_turn()
            await self._send_pending()

    async def _mail_loop(self, page: LivePage) -> None:
        runtime = self.runtime
        mailbox = runtime.mailbox
        while True:
            await runtime.mail.wait()
            runtime.mail.clear()
            while mailbox:
                async with self._turn:
                    if self._closing is not None:
                        return
                    item = mailbox.popleft()
                    if isinstance(item, _Barrier):
                        self._queue([item])
                    else:
                        runtime.handling = True
                        try:
                            await self._handle_info(page, item)
                        finally:
                            runtime.end_turn()
            # Messages that fell due together (a page's clocks ticking on one
            # boundary) leave as one frame.
            await self._send_pending()

    async def _handle_info(self, page: LivePage, info: Delivery) -> None:
        if info.timer is not None:
            info.timer.pending = False
        try:
            delivered = await page.deliver(info.cid, info.message, info.data)
        except Exception as exc:
            self._handler_failed(exc, f"message handler for {info.message!r} failed")
            await self._flush(page)
            return
        if delivered:
            await self._flush(page)

    async def _handle_frame(self, page: LivePage, frame: str | bytes) -> None:
        try:
            message = decode_client(frame, self._config.max_frame_bytes)
        except DecodeError as exc:
            self._queue([Err(code=exc.code, reason=exc.reason)])
            return
        match message:
            case Event(ref=ref, cid=cid, event=event, value=value):
                await self._handle_event(page, ref, cid, event, value)
            case Resync(cid=cid, reason=reason):
                self._handle_resync(page, cid, reason)
            case Join():
                self._queue([Err(code=ErrorCode.MALFORMED, reason="this socket already joined")])

    async def _handle_event(
        self, page: LivePage, ref: int, cid: str, event: str, value: dict[str, Any]
    ) -> None:
        def refuse(code: ErrorCode, reason: str) -> None:
            self._queue([Err(ref=ref, code=code, event=event, reason=reason)])

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
            self._handler_failed(exc, f"handler of event {event!r} raised")
            refuse(ErrorCode.HANDLER_ERROR, f"handler of event {event!r} raised {exc!r}")
            # State may have changed before the exception: render what it is now.
            await self._flush(page)
            return
        if await self._flush(page):
            self._queue([Ack(ref=ref)])
        else:
            refuse(ErrorCode.HANDLER_ERROR, f"rendering after event {event!r} failed")

    async def _run_immediate(self, page: LivePage) -> None:
        # Messages posted by the handler that just ran (send_parent, send_self)
        # belong to the same turn: their patches go out before the event's ack.
        handled = 0
        while (info := self.runtime.next_immediate()) is not None:
            handled += 1
            if handled > _MAX_IMMEDIATE:
                self._handler_failed(
                    RuntimeError(f"more than {_MAX_IMMEDIATE} messages posted in one turn"),
                    "message loop",
                )
                self.runtime.end_turn()
                return
            try:
                await page.deliver(info.cid, info.message, info.data)
            except Exception as exc:
                self._handler_failed(exc, f"message handler for {info.message!r} failed")

    async def _flush(self, page: LivePage) -> bool:
        await self._run_immediate(page)
        try:
            patches = await page.flush()
        except Exception as exc:
            self._handler_failed(exc, "render failed")
            return False
        self._queue(list(patches))
        return True

    def _handle_resync(self, page: LivePage, cid: str, reason: str) -> None:
        try:
            page.component(cid)
        except UnknownComponent as exc:
            self._queue([Err(code=ErrorCode.UNKNOWN_COMPONENT, reason=str(exc))])
            return
        # A resync means a patch did not fit the client's DOM: a bug to count.
        self.resyncs += 1
        logger.warning("client asked to resync component %s: %s", cid, reason)
        self._queue([Render(cid=cid, html=page.full_html(cid))])

    def _handler_failed(self, exc: BaseException, what: str) -> None:
        if self._config.keep_handler_errors:
            self.handler_errors.append(exc)
        else:
            logger.exception("%s", what, exc_info=exc)

    # --- introspection, for tests and the test client -----------------------

    def post(self, cid: str, message: str, data: Any) -> None:
        """Deliver a server-side message to component ``cid`` (as a timer would)."""
        self.runtime.post(cid, message, data)

    @property
    def inbox_size(self) -> int:
        """Server-side messages waiting to be handled."""
        return len(self.runtime.mailbox)

    @property
    def sending(self) -> bool:
        """True while replies wait in the outbox or are being sent."""
        return bool(self._outbox) or self._sending

    def active_timers(self) -> int:
        """Timers scheduled for this page right now."""
        return self.runtime.active_timers()

    async def barrier(self) -> None:
        """Wait until everything queued so far has been handled and sent."""
        barrier = _Barrier()
        self.runtime.enqueue(barrier)
        await barrier.done.wait()

    # --- sending ------------------------------------------------------------

    def _queue(self, messages: Sequence[ServerMessage | _Barrier]) -> None:
        if self._closing is not None:
            return
        if len(self._outbox) + len(messages) > self._config.outbox_size:
            self._slow_client()
            return
        self._outbox.extend(messages)

    def _slow_client(self, reason: str = "") -> None:
        self._closing = (
            CloseCode.SLOW_CLIENT,
            reason or f"more than {self._config.outbox_size} messages waiting to be sent",
        )
        # The reader may sit in receive() for a client that never sends, or in
        # a send that never completes: wake it so the session ends now.
        if self._reader is not None and self._reader is not asyncio.current_task():
            self._reader.cancel()

    async def _send_loop(self) -> None:
        outbox = self._outbox
        send = self.transport.send
        try:
            while outbox:
                items = list(outbox)
                outbox.clear()
                batch: list[ServerMessage] = []
                for item in items:
                    if isinstance(item, _Barrier):
                        if batch:
                            await send(encode(batch))
                            batch = []
                        item.done.set()
                    else:
                        batch.append(item)
                if batch:
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
        watch = _send_watch()
        watch.started(self)
        try:
            await self._send_loop()
        finally:
            watch.finished(self)
            self._sending = False

    @property
    def send_timeout(self) -> float:
        """Seconds a send may take before the client counts as slow."""
        return self._config.send_timeout

    def send_stuck(self) -> None:
        """Close the client as slow: a send has not completed in time."""
        if self._closing is None:
            self._slow_client(f"a send took more than {self._config.send_timeout} s")

    def _mail_arrived(self) -> None:
        if len(self.runtime.mailbox) > self._config.outbox_size:
            # Broadcasts pile up while this client's socket does not drain.
            self._slow_client(f"more than {self._config.outbox_size} messages waiting")
        elif self._mailman is None and self.page is not None:
            self._mailman = asyncio.create_task(self._mail_loop(self.page))

    async def _drain(self) -> None:
        # Let queued replies go out unless the client is the problem.
        if self._closing is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._send_pending(), 1.0)

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.transport.close(code, reason[:120]), 2.0)
