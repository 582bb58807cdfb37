"""Hypercorn, hardened: every websocket connection ends in bounded time.

The key idea: once the server has ended a live socket (a close sent, the
app returned, a frame over the limit), its TCP connection is gone within
``CLOSE_TIMEOUT`` seconds whatever the peer does, and no frame past the
limit is ever buffered. Hypercorn has no setting for either, so
``harden_hypercorn`` (which ``livecomp.serve`` calls) swaps two of its
classes, process-wide. Why each is needed:

Hypercorn (read in 0.18; asyncio worker) can keep a websocket's TCP
connection, its file descriptor and its buffers forever:

- Frames go to the app through a bounded queue (``max_app_queue_size``),
  and so does the ``websocket.disconnect`` that ends the stream. When the
  app returns while that queue is full (a client sent frames faster than
  the session read them, then the session closed it as slow), the app's
  own task blocks in ``WSStream.app_send(None)`` -> ``H11Protocol.
  _maybe_recycle`` -> ``WSStream.handle(StreamClosed)`` -> ``app_put``,
  and the connection's reader blocks in ``app_put`` too: nothing reads the
  queue again, and ``TCPServer._close`` is never reached.
- Even when it is, ``TCPServer._close`` awaits ``writer.wait_closed()``,
  and asyncio closes a socket only once its write buffer is flushed: a
  peer that never reads keeps it open. No timeout covers either wait
  (``read_timeout`` bounds reads; the keep-alive timer is stopped for an
  upgraded connection; ``websocket_ping_interval`` only sends pings).
- ``WebsocketBuffer.extend`` stores a chunk before checking the limit and
  keeps storing the rest of a message after it sent close 1009: a frame of
  any size is buffered whole in the end.

``harden_hypercorn`` swaps in a ``TCPServer`` that aborts an HTTP/1.1
websocket connection ``close_timeout`` seconds after the server ended it (a
close frame sent, the app returned, a frame over the limit) unless it is
gone by then, and reads on after the app's close until the peer's, so a
full queue cannot wedge the app's task; and a message buffer that refuses a
chunk before storing it, counting UTF-8 bytes as the session's limit does.
Plain HTTP connections are left as Hypercorn runs them.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from io import BytesIO, StringIO
from typing import TYPE_CHECKING, Any

from livecomp.failures import logger

#: Seconds a websocket connection has to finish closing once the server ended
#: it; then the TCP connection is aborted (a reset), its buffers dropped.
CLOSE_TIMEOUT = 5.0

_close_timeout = CLOSE_TIMEOUT


def harden_hypercorn(close_timeout: float = CLOSE_TIMEOUT) -> None:
    """Make Hypercorn's asyncio worker end every connection in bounded time.

    Installs, process-wide, a ``TCPServer`` whose HTTP/1.1 websocket
    connections are torn down at most ``close_timeout`` seconds after the
    server ends them (sends a close, returns, or refuses a frame as too big),
    whatever the peer does, and a websocket message buffer that never stores
    past ``websocket_max_message_size`` (counted in UTF-8 bytes).
    ``livecomp.serve`` calls it; it is idempotent.
    """
    global _close_timeout
    _close_timeout = close_timeout
    from hypercorn.asyncio import run as hypercorn_run
    from hypercorn.protocol import ws_stream

    try:
        server_class, buffer_class = _hardened_classes()
    except (ImportError, AttributeError) as exc:  # pragma: no cover - another Hypercorn
        logger.warning(
            "livecomp could not harden this Hypercorn (%s): a peer that never reads "
            "can keep its websocket connection open, and an oversized frame is buffered",
            exc,
        )
        return
    setattr(hypercorn_run, "TCPServer", server_class)  # noqa: B010
    setattr(ws_stream, "WebsocketBuffer", buffer_class)  # noqa: B010


async def _discard_queued(receive: Callable[[], Awaitable[Any]]) -> None:
    # What is queued now comes at once; the connection's reader is cancelled
    # too, so nothing new arrives and a short wait means the queue is empty.
    while True:
        try:
            message = await asyncio.wait_for(receive(), 0.05)
        except TimeoutError:
            return
        if message["type"] == "websocket.disconnect":
            return


@functools.cache
def _hardened_classes() -> tuple[type[Any], type[Any]]:
    # Built on first use: importing Hypercorn is only needed to serve.
    from hypercorn.app_wrappers import ASGIWrapper
    from hypercorn.asyncio.tcp_server import TCPServer
    from hypercorn.asyncio.worker_context import WorkerContext
    from hypercorn.config import Config
    from hypercorn.protocol.h11 import H11Protocol
    from hypercorn.protocol.ws_stream import FrameTooLargeError, WebsocketBuffer
    from hypercorn.typing import (
        AppWrapper,
        ASGIReceiveCallable,
        ASGIReceiveEvent,
        ASGISendCallable,
        ASGISendEvent,
        LifespanState,
    )
    from hypercorn.typing import Scope as HypercornScope
    from quart import Quart
    from wsproto.events import Message as WsMessage
    from wsproto.events import TextMessage

    from livecomp.hypercorn_memory import AppQueue, lean_server_class, release_handshake

    # Hypercorn's server, its per-connection objects made smaller (a class
    # made at run time: mypy checks against Hypercorn's).
    if TYPE_CHECKING:

        class LeanTCPServer(TCPServer): ...

    else:
        LeanTCPServer = lean_server_class()

    class ClosingApp:
        """The app, with the end of each HTTP/1.1 websocket reported to its server.

        One per connection, and an HTTP/1.1 connection carries one websocket
        at most (its upgrade is its last request): what the watch learns is
        kept here, and the app gets bound methods rather than closures over
        cells, which an idle page would keep. Given the lean task group's
        ``AppQueue``, the app receives from the queue itself, which records
        when the disconnect leaves it: no watching coroutine waits around an
        idle page's receive."""

        __slots__ = ("_accepted", "_app", "_closed", "_gone", "_receive", "_send", "_server")
        # The websocket's own receive and send, once the app is called for it.
        _receive: ASGIReceiveCallable
        _send: ASGISendCallable

        def __init__(self, app: AppWrapper, server: BoundedTCPServer) -> None:
            self._app = app
            self._server = server
            self._accepted = self._closed = self._gone = False

        async def __call__(
            self,
            scope: HypercornScope,
            receive: ASGIReceiveCallable,
            send: ASGISendCallable,
            sync_spawn: Callable[..., Any],
            call_soon: Callable[..., Any],
        ) -> None:
            # Without a config, send is never given None.
            sent: Any = send
            await self.run_handled(None, scope, receive, sent, sync_spawn, call_soon)

        async def run_handled(
            self,
            config: Config | None,
            scope: HypercornScope,
            receive: ASGIReceiveCallable,
            send: Callable[[ASGISendEvent | None], Awaitable[None]],
            sync_spawn: Callable[..., Any],
            call_soon: Callable[..., Any],
        ) -> None:
            """The app, watched; given a ``config``, also what Hypercorn's
            ``_handle`` (0.16 to 0.18) does around it, in this one coroutine
            (the lean task group spawns it so): an exception is logged, and
            ``send(None)`` tells the protocol the app is done."""
            try:
                if scope["type"] != "websocket" or scope["http_version"] != "1.1":
                    await self._app(scope, receive, send, sync_spawn, call_soon)
                    return
                queue = getattr(receive, "__self__", None)
                if type(queue) is not AppQueue or receive != queue.get:
                    queue = None
                    self._receive = receive
                    receive_watched: ASGIReceiveCallable = self._watched_receive
                else:
                    receive_watched = receive
                self._send = send
                self._server.watch_buffer()
                app = self._app
                try:
                    try:
                        if type(app) is ASGIWrapper and isinstance(app.app, Quart):
                            # Hypercorn's wrapper only awaits the ASGI app, and
                            # Quart's __call__ (if not overridden) only awaits
                            # its asgi_app: two coroutines an idle websocket
                            # keeps, ~500 bytes, that awaiting it here skips.
                            quart = app.app
                            inner = (
                                quart.asgi_app if type(quart).__call__ is Quart.__call__ else quart
                            )
                            await inner(scope, receive_watched, self._watched_send)
                        else:
                            await app(
                                scope,
                                receive_watched,
                                self._watched_send,
                                sync_spawn,
                                call_soon,
                            )
                    finally:
                        self._server.websocket_ended()
                    if (
                        self._accepted
                        and self._closed
                        and not (self._gone if queue is None else queue.disconnected)
                    ):
                        # Read on until the peer's close arrives (or the deadline
                        # aborts): Hypercorn puts the disconnect into the queue
                        # the frames fill, and would wait forever for room in it.
                        while (await receive())["type"] != "websocket.disconnect":
                            pass
                except asyncio.CancelledError:
                    # Torn down (the deadline, or shutdown) with frames maybe
                    # still queued: take them, for the same reason.
                    if not (self._gone if queue is None else queue.disconnected):
                        await _discard_queued(receive)
                    raise
            except asyncio.CancelledError:
                raise
            except Exception:
                if config is None:
                    raise
                await config.log.exception("Error in ASGI Framework")
            finally:
                if config is not None:
                    await send(None)

        async def _watched_receive(self) -> ASGIReceiveEvent:
            message = await self._receive()
            if message["type"] == "websocket.disconnect":
                self._gone = True
            return message

        async def _watched_send(self, message: ASGISendEvent) -> None:
            if message["type"] == "websocket.accept":
                self._accepted = True
                await self._send(message)
                # The 101 is sent: what only the handshake needed can go.
                release_handshake(self._server)
                return
            if message["type"] == "websocket.close":
                self._closed = True
                self._server.websocket_ended()
            await self._send(message)

    class BoundedTCPServer(LeanTCPServer):
        """Hypercorn's connection, aborted once closing it takes too long."""

        def __init__(
            self,
            app: AppWrapper,
            loop: asyncio.AbstractEventLoop,
            config: Config,
            context: WorkerContext,
            state: LifespanState,
            reader: asyncio.StreamReader,
            writer: asyncio.StreamWriter,
        ) -> None:
            super().__init__(ClosingApp(app, self), loop, config, context, state, reader, writer)
            self._task: asyncio.Task[Any] | None = None
            self._deadline: asyncio.TimerHandle | None = None
            self._aborted = False

        # The hooks of LeanTCPServer.run, which serves the connection.
        def _started(self) -> None:
            self._task = asyncio.current_task()

        def _cancelled_quietly(self) -> bool:
            # Our own abort is how a stuck connection ends: not an error
            # (asyncio would log a cancelled connection task as one).
            return self._aborted and self._task is not None and self._task.uncancel() == 0

        def _ended(self) -> None:
            transport = self.writer.transport
            if (
                self._deadline is not None
                and transport.is_closing()
                and not transport.get_write_buffer_size()
            ):
                # Closed with nothing left to flush: gone now, no abort needed.
                self._deadline.cancel()

        def websocket_ended(self) -> None:
            """The server ended this connection's websocket: bound what is left."""
            if isinstance(getattr(self.protocol, "protocol", None), H11Protocol):
                # HTTP/1.1: the websocket is the whole connection. (An HTTP/2
                # connection carries other streams; only its close is bounded.)
                self._close_within(_close_timeout)

        def watch_buffer(self) -> None:
            """Have this HTTP/1.1 connection's websocket message buffer report
            a message over the limit. Its app calls this first thing: frames
            come only once the app accepts the websocket. (Asking the buffer
            to find its server as it is made would take a context variable,
            a ~130-byte map each connection keeps.)"""
            stream = getattr(getattr(self.protocol, "protocol", None), "stream", None)
            buffer = getattr(stream, "buffer", None)
            if type(buffer) is BoundedBuffer:
                buffer._server = self

        def _close_within(self, seconds: float) -> None:
            if self._deadline is None and self._task is not None and not self._task.done():
                self._deadline = self.loop.call_later(seconds, self._abort)

        def _abort(self) -> None:
            task = self._task
            if task is None or task.done():
                # Ended, but maybe with bytes still unsent: drop them too.
                self.writer.transport.abort()
                return
            self._aborted = True
            # Drops the socket and its buffers now (a reset); then the task,
            # which may be waiting on a full queue, is cancelled.
            self.writer.transport.abort()
            task.cancel()

    class BoundedBuffer(WebsocketBuffer):
        """Hypercorn's message buffer, refusing a chunk before storing it."""

        #: The server whose websocket this buffers: told by its ClosingApp
        #: (an HTTP/1.1 websocket's), before any frame can come.
        _server: BoundedTCPServer | None = None

        def extend(self, event: WsMessage[Any]) -> None:
            data = event.data
            if isinstance(data, str):
                size = len(data) if data.isascii() else len(data.encode())
            else:
                size = len(data)
            if self.length + size > self.max_length:
                # Over the limit: drop what was stored, and stay over it, so
                # the rest of this message is refused too (Hypercorn has
                # sent close 1009 and only waits for the peer's close).
                self.value = None
                self.length = self.max_length + 1
                if self._server is not None:
                    self._server.websocket_ended()
                raise FrameTooLargeError()
            if self.value is None:
                self.value = StringIO() if isinstance(event, TextMessage) else BytesIO()
            self.value.write(data)
            self.length += size

    return BoundedTCPServer, BoundedBuffer
