"""One connected page: an asyncio actor between a transport and a LivePage.

Everything that can change the page (client frames now; timers and
broadcasts later) goes through one inbox and is handled one item at a time,
in order, so user code never needs a lock. Replies go through a bounded
outbox drained by a sender task, which batches what is queued into one
frame; a client that cannot keep up is closed with ``SLOW_CLIENT`` instead
of growing memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from livecomp.component import Component, PageContext
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
    """The socket a session talks through (a Quart websocket, or in memory)."""

    async def receive(self) -> str | bytes:
        """The next inbound frame; raises ConnectionError once closed."""
        ...

    async def send(self, frame: str) -> None:
        """Send one text frame."""
        ...

    async def close(self, code: int, reason: str) -> None:
        """Close the socket with ``code``."""
        ...


@dataclass(frozen=True)
class SessionConfig:
    """Limits and policies of connected pages."""

    max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES
    outbox_size: int = 512
    join_timeout: float = 15.0
    allowed_origins: frozenset[str] = frozenset()
    #: The test client sets this so a handler's exception re-raises in the test.
    keep_handler_errors: bool = False


RouteResolver = Callable[[PageClaims], "type[Component[Any]] | None"]

_CLOSED = object()


class LiveSession:
    """Joins one socket to a page and runs the page's actor loop."""

    def __init__(
        self,
        transport: Transport,
        *,
        signer: TokenSigner,
        resolve: RouteResolver,
        origin: str | None,
        host: str | None,
        config: SessionConfig,
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
        self._inbox: asyncio.Queue[object] = asyncio.Queue()
        self._outbox: asyncio.Queue[ServerMessage] = asyncio.Queue(config.outbox_size)
        self._closing: tuple[int, str] | None = None

    async def run(self) -> None:
        """Serve the socket until it closes; always cleans up the page."""
        if not origin_allowed(self._origin, self._host, self._config.allowed_origins):
            await self._close(CloseCode.ORIGIN_FORBIDDEN, f"origin {self._origin!r} is not allowed")
            return
        page = await self._join()
        if page is None:
            return
        self.page = page
        sender = asyncio.create_task(self._send_loop())
        reader = asyncio.create_task(self._read_loop())
        try:
            self._queue([Render(cid=page.root_cid, html=page.full_html(page.root_cid))])
            await self._actor_loop(page)
        finally:
            reader.cancel()
            await self._drain(sender)
            await page.close()
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
        context = PageContext(connected=True, params=claims.params, session_id=claims.session_id)
        page = LivePage(root_class, context)
        try:
            await page.mount()
        except Exception:
            logger.exception("mounting %s failed", root_class.__name__)
            await page.close()
            await self._close(CloseCode.SERVER_ERROR, "the page failed to mount")
            return None
        return page

    async def _read_loop(self) -> None:
        try:
            while True:
                await self._inbox.put(await self.transport.receive())
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._inbox.put_nowait(_CLOSED)

    async def _actor_loop(self, page: LivePage) -> None:
        while True:
            item = await self._inbox.get()
            if item is _CLOSED or self._closing is not None:
                return
            if isinstance(item, str | bytes):
                await self._handle_frame(page, item)

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

    async def _flush(self, page: LivePage) -> bool:
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

    def _queue(self, messages: list[ServerMessage]) -> None:
        for message in messages:
            try:
                self._outbox.put_nowait(message)
            except asyncio.QueueFull:
                self._slow_client()
                return

    def _slow_client(self) -> None:
        if self._closing is None:
            self._closing = (
                CloseCode.SLOW_CLIENT,
                f"more than {self._config.outbox_size} messages waiting to be sent",
            )
            self._inbox.put_nowait(_CLOSED)

    async def _send_loop(self) -> None:
        outbox = self._outbox
        while True:
            batch = [await outbox.get()]
            while not outbox.empty():
                batch.append(outbox.get_nowait())
            await self.transport.send(encode(batch))

    async def _drain(self, sender: asyncio.Task[None]) -> None:
        # Let queued replies go out unless the client is the problem.
        if self._closing is None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    while not self._outbox.empty() and not sender.done():
                        await asyncio.sleep(0)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError, Exception):
            await sender

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.transport.close(code, reason[:120]), 2.0)
