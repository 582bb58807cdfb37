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
app a ``LeanQueue``: asyncio's own ``Queue``, the same code, with those
containers as ``Waiters``, a list with the one deque method they call
(``popleft``), and a ``LeanEvent`` (asyncio's ``Event``, its waiters in
one) for ``join``. Both keep asyncio's classes wherever a container is not
the deque this was written against (another Python), so they are never
worse than them. Hypercorn's events (``EventWrapper``) are one small
object each, an ``Event``'s steps on two slots (``LeanEventWrapper``).
The task group also hands every app the same ``sync_spawn`` and
``call_soon``, made once per loop: Hypercorn makes a new pair for each.

The same goes for two deques past Hypercorn's own: each connection's
``StreamWriter`` keeps its drain waiters in one (asyncio's flow control,
``_drain_waiters``), and each websocket's wsproto ``Connection`` its parsed
events (``_events``). ``LeanTCPServer`` (the base of the hardened server
``harden_hypercorn`` installs) gives the first a ``Waiters``;
``lighten_hypercorn`` has Hypercorn's handshake make a ``LeanConnection``
for the second.

Past the containers, the coroutines an idle websocket keeps suspended,
~200 to 340 bytes each. ``LeanTCPServer`` serves its connection in one
(Hypercorn 0.18's ``run`` and ``_read_data`` folded, awaiting the stream
reader's future itself, a read timeout a timer on it), where there were
five: those two, the hardened server's ``run`` (now hooks called by this
one), and asyncio's ``StreamReader.read`` and ``_wait_for_data``. A
websocket's app queue is an
``AppQueue``, whose ``get`` is a future a message is handed to: no
``Queue.get`` coroutine waits around it, and the queue records when the
disconnect reaches the app, so the hardened app needs no coroutine to watch
its receive. The task group spawns that app's ``run_handled``, which does
what Hypercorn's ``_handle`` does around it, in place of ``_handle``.
And wsproto's frame parser, a generator each websocket keeps suspended,
is an iterator object doing the same steps (``ParseMore``).

Besides: the task group shares each websocket's request headers with the
sockets before it (``share_headers``: equal bytes and tuples kept once,
most of a handshake's ~1 KiB of headers), and its path and HTTP version
(``share_scope``); and once a websocket is accepted, the hardened server's
app lets go of what only its handshake needed (``release_handshake``: the
switched HTTP/1.1 connection, the parsed header lists).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib.metadata import version as _version
from typing import Any, TypeVar

from livecomp.failures import logger

T = TypeVar("T")

#: Hypercorn's read size (``hypercorn.asyncio.tcp_server.MAX_RECV``, 0.18).
MAX_RECV = 2**16


class Waiters(list[Any]):
    """A list with a deque's ``popleft``: what asyncio's ``Queue`` and
    ``Event`` call on their containers (``append``, ``popleft``, ``remove``,
    ``len``, iteration) at a fraction of an empty deque's size. ``popleft``
    moves the rest; these hold a handful of items at most."""

    __slots__ = ()

    def popleft(self) -> Any:
        return self.pop(0)


class TaskSet(list[Any]):
    """A list with the two set methods ``asyncio.TaskGroup`` (read in 3.11)
    calls on its tasks besides ``len``, truth and iteration: ``add`` (each
    task once, as it is made) and ``discard`` (as it is done)."""

    __slots__ = ()

    def add(self, task: Any) -> None:
        self.append(task)

    def discard(self, task: Any) -> None:
        if task in self:
            self.remove(task)


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


class _NoJoin:
    """Where a queue keeps its join event while no join waits: what
    asyncio's ``put_nowait`` and ``task_done`` do to it is moot."""

    __slots__ = ()

    def set(self) -> None:
        pass

    def clear(self) -> None:
        pass


_NO_JOIN = _NoJoin()


class AppQueue(LeanQueue[Any]):
    """A websocket app's queue, whose ``get`` returns a future, not a
    coroutine: an idle websocket's app waits on that future alone, where
    asyncio's ``Queue.get`` keeps a coroutine (224 bytes) suspended around
    it.

    A message put while a ``get`` waits is handed to that get's future at
    once (the oldest one not cancelled), the rest are queued, as asyncio's
    queue does (whose woken getter takes the message only when it runs).
    The queue also records when a ``websocket.disconnect`` leaves it
    (``disconnected``): handed to a waiting ``get`` or taken by one, the
    moment the app's receive has it. Nothing is put after the disconnect
    (Hypercorn puts it last), so from then on a receive would wait
    forever, and nothing queued can hold up Hypercorn's reader."""

    # asyncio's own, as 3.11 to 3.13 have them.
    _unfinished_tasks: int
    _get_loop: Callable[[], asyncio.AbstractEventLoop]

    #: Whether a websocket.disconnect has left the queue for the app.
    disconnected = False

    def __init__(self, maxsize: int = 0) -> None:
        super().__init__(maxsize)
        # The event join waits on, made only when a join waits: no one
        # joins an app's queue, and it would be kept, ~200 bytes.
        self._finished = _NO_JOIN  # type: ignore[assignment]

    async def join(self) -> None:
        if self._unfinished_tasks > 0:
            finished: object = self._finished
            if finished is _NO_JOIN:
                self._finished = LeanEvent()  # not set: tasks are unfinished
            await self._finished.wait()

    def get(self) -> asyncio.Future[Any]:  # type: ignore[override]
        future: asyncio.Future[Any] = self._get_loop().create_future()
        getters = self._getters
        if getters:
            # Receives given up on (cancelled, or a wait_for's timeout) are
            # only skipped by put: drop them here, so none piles up.
            getters[:] = [getter for getter in getters if not getter.done()]
        if self._queue:
            # No receive waits while messages do: the first one, now.
            future.set_result(self.get_nowait())
        else:
            getters.append(future)
        return future

    def put_nowait(self, item: Any) -> None:
        getters = self._getters
        while getters:
            getter = getters.popleft()
            if not getter.done():
                # asyncio's bookkeeping for join, as if queued and taken.
                self._unfinished_tasks += 1
                self._finished.clear()
                self._note(item)
                getter.set_result(item)
                return
        super().put_nowait(item)

    def _get(self) -> Any:
        item = self._queue.popleft()
        self._note(item)
        return item

    def _note(self, item: Any) -> None:
        if type(item) is dict and item.get("type") == "websocket.disconnect":
            self.disconnected = True


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
    queue and ``LeanEventWrapper``s as its events, process-wide; idempotent. Another
    Hypercorn, whose parts are not where this looks, is left as it is."""
    try:
        task_group_class, event_class, connection_class = _lean_classes()
        from hypercorn.asyncio import tcp_server, worker_context
        from hypercorn.protocol import ws_stream
    except (ImportError, AttributeError) as exc:  # pragma: no cover - another Hypercorn
        logger.warning("livecomp could not lighten this Hypercorn's connections (%s)", exc)
        return
    setattr(tcp_server, "TaskGroup", task_group_class)  # noqa: B010
    setattr(worker_context.WorkerContext, "event_class", event_class)  # noqa: B010
    # What the accepted handshake makes (Handshake.accept) for each websocket.
    setattr(ws_stream, "Connection", connection_class)  # noqa: B010


def lighten_streams(writer: asyncio.StreamWriter) -> None:
    """Give ``writer``'s flow control a ``Waiters`` for its drain waiters,
    while none waits. asyncio's ``FlowControlMixin`` (read in 3.11) appends a
    waiter, removes it once woken and iterates them to wake them: a list's
    own methods, in the same order."""
    protocol = getattr(writer, "_protocol", None)
    held = getattr(protocol, "_drain_waiters", None)
    if type(held) is deque and not held:
        setattr(protocol, "_drain_waiters", Waiters())  # noqa: B010 - asyncio's private attribute
    # Each writer also makes a future and completes it at once, which 3.11
    # never reads again (_complete_fut): one done future of the loop stands
    # for all of them, the same to anything that awaits or asks it.
    done = getattr(writer, "_complete_fut", None)
    if (
        type(done) is asyncio.Future
        and done.done()
        and not done.cancelled()
        and done.result() is None
        and not done._callbacks
    ):
        setattr(writer, "_complete_fut", _done_future(done.get_loop()))  # noqa: B010


_done: list[asyncio.Future[None]] = []


def _done_future(loop: asyncio.AbstractEventLoop) -> asyncio.Future[None]:
    """A done future (result None) of ``loop``; kept for one loop at a time."""
    if not _done or _done[0].get_loop() is not loop:
        future = loop.create_future()
        future.set_result(None)
        _done[:] = [future]
    return _done[0]


#: Request headers whose values are few across clients (the browser, the
#: site, the websocket protocol): each (name, value) pair is kept once for
#: every socket that sent it.
COMMON_HEADERS = frozenset(
    {
        b"accept",
        b"accept-encoding",
        b"accept-language",
        b"cache-control",
        b"connection",
        b"dnt",
        b"host",
        b"origin",
        b"pragma",
        b"sec-ch-ua",
        b"sec-ch-ua-mobile",
        b"sec-ch-ua-platform",
        b"sec-fetch-dest",
        b"sec-fetch-mode",
        b"sec-fetch-site",
        b"sec-websocket-extensions",
        b"sec-websocket-version",
        b"upgrade",
        b"user-agent",
    }
)
#: Pairs (and names) kept to share: past this many, the table starts over,
#: so no client can make it grow without bound.
SHARED_HEADERS_LIMIT = 512

_shared_pairs: dict[tuple[bytes, bytes], tuple[bytes, bytes]] = {}
_shared_names: dict[bytes, bytes] = {}


def share_headers(scope: Any) -> None:
    """Share the request headers of a websocket's ``scope`` with the sockets
    before it, in place: the same bytes and tuples, not equal copies.

    The scope keeps its handshake's headers for as long as the socket is
    open (the session reads them again when its page navigates), each
    header a tuple of a name h11 lowercased into new bytes and its value:
    ~1 KiB a socket, most of it the same for every socket of a site. A
    ``COMMON_HEADERS`` pair is swapped for the equal one kept; any other
    header keeps its value but takes the kept name. Equal bytes are
    indistinguishable but for ``is``; headers not a list of pairs of bytes
    are left alone."""
    headers = scope.get("headers")
    if type(headers) is not list:
        return
    pairs, names = _shared_pairs, _shared_names
    for i, header in enumerate(headers):
        if type(header) is not tuple or len(header) != 2:
            return
        name, value = header
        if type(name) is not bytes or type(value) is not bytes:
            return
        kept_name = _kept(names, name, name)
        if name in COMMON_HEADERS:
            kept = _kept(pairs, header, (kept_name, value))
        else:
            kept = header if kept_name is name else (kept_name, value)
        if kept is not header:
            headers[i] = kept


def _kept(table: dict[Any, Any], key: Any, value: Any) -> Any:
    """What ``table`` keeps for ``key``: ``value`` when it keeps none yet. A
    table of ``SHARED_HEADERS_LIMIT`` entries starts over, so none grows
    without bound."""
    kept = table.get(key)
    if kept is None:
        if len(table) >= SHARED_HEADERS_LIMIT:
            table.clear()
        kept = table[key] = value
    return kept


# Kept apart: a str and bytes of the same ASCII hash alike, and comparing
# them warns under python -b.
_shared_strs: dict[str, str] = {}
_shared_bytes: dict[bytes, bytes] = {}


def share_scope(scope: Any) -> None:
    """Share what a websocket's ``scope`` holds for as long as it is open
    with the sockets before it, in place: its headers (``share_headers``),
    and its path (str and bytes) and HTTP version, equal for every socket
    of a route, as the same objects; and for no subprotocols asked, an empty
    tuple (an iterable, as ASGI has it) rather than a new empty list. Only
    str and bytes values are kept, at most ``SHARED_HEADERS_LIMIT`` before
    the table starts over."""
    share_headers(scope)
    for key in ("path", "raw_path", "http_version"):
        value = scope.get(key)
        table: dict[Any, Any]
        if type(value) is str:
            table = _shared_strs
        elif type(value) is bytes:
            table = _shared_bytes
        else:
            continue
        kept = _kept(table, value, value)
        if kept is not value:
            scope[key] = kept
    subprotocols = scope.get("subprotocols")
    if type(subprotocols) is list and not subprotocols:
        scope["subprotocols"] = ()


def release_handshake(server: Any) -> None:
    """Let go of what only the handshake of ``server``'s HTTP/1.1 websocket
    needed, once its ``101`` is sent. Hypercorn (0.18) keeps it all as long
    as the socket is open, ~1 KiB of an idle page: the HTTP/1.1 connection
    it sent the ``101`` through (an ``h11.Connection``, its state machine,
    receive buffer and writer), which h11 has switched to the websocket and
    which refuses every event since; and the parsed handshake (the
    ``Connection``, ``Sec-WebSocket-Extensions`` and ``Sec-WebSocket-Protocol``
    lists, the key, the version), which only its checks and the accept read:
    since, the stream only asks it whether it was accepted. The first is
    swapped for a stand-in refusing every event as h11 does, the second for
    one accepted handshake all websockets share, whose lists are None, as
    for headers not sent. Anything not as read here is left alone."""
    parts = _handshake_parts()
    protocol: Any = getattr(getattr(server, "protocol", None), "protocol", None)
    if parts is None or type(protocol) is not parts.h11_protocol:
        return  # HTTP/2, or another Hypercorn
    connection = protocol.connection
    if (
        type(connection) is parts.ws_connection
        and type(connection.h11_connection) is parts.h11_connection
        and connection.h11_connection.our_state is parts.switched
    ):
        connection.h11_connection = _SWITCHED
    stream = protocol.stream
    if (
        type(stream) is parts.ws_stream
        and stream.state is parts.connected
        and type(stream.handshake) is parts.handshake
        and stream.handshake.accepted
    ):
        stream.handshake = _ACCEPTED


class _Switched:
    """An HTTP/1.1 connection switched to another protocol, as h11 leaves
    it after a ``101``: every event sent on it is refused."""

    __slots__ = ()

    def send(self, event: object) -> bytes:
        from h11 import LocalProtocolError

        raise LocalProtocolError(f"can't send {type(event).__name__}: switched to a websocket")


_SWITCHED = _Switched()


class _Accepted:
    """A websocket handshake Hypercorn accepted, as its stream reads it
    from then on (``accepted``); what it parsed from the request is gone."""

    __slots__ = ()

    accepted = True
    http_version = "1.1"
    connection_tokens = extensions = key = subprotocols = upgrade = version = None


_ACCEPTED = _Accepted()


@dataclass(frozen=True)
class _HandshakeParts:
    h11_protocol: type[Any]
    ws_connection: type[Any]
    h11_connection: type[Any]
    switched: Any
    ws_stream: type[Any]
    connected: Any
    handshake: type[Any]


@functools.cache
def _handshake_parts() -> _HandshakeParts | None:
    try:
        import h11
        from hypercorn.protocol.h11 import H11Protocol, H11WSConnection
        from hypercorn.protocol.ws_stream import ASGIWebsocketState, Handshake, WSStream

        return _HandshakeParts(
            H11Protocol,
            H11WSConnection,
            h11.Connection,
            h11.SWITCHED_PROTOCOL,
            WSStream,
            ASGIWebsocketState.CONNECTED,
            Handshake,
        )
    except (ImportError, AttributeError):  # pragma: no cover - another Hypercorn or h11
        return None


def _reads_directly(reader: object) -> bool:
    """Whether ``reader`` is asyncio's ``StreamReader`` as read in 3.11 to
    3.13: its data in a bytearray, its reads woken through ``_waiter``."""
    return (
        type(reader) is asyncio.StreamReader
        and type(getattr(reader, "_buffer", None)) is bytearray
        and all(
            hasattr(reader, name)
            for name in ("_waiter", "_eof", "_exception", "_paused", "_transport", "_loop")
        )
        and callable(getattr(reader, "_maybe_resume_transport", None))
    )


def _read_waiter(reader: Any) -> asyncio.Future[None] | None:
    """What asyncio's ``StreamReader.read`` (3.11) does before it waits,
    and the future its ``_wait_for_data`` would await, for the caller to
    await; None if there is data or EOF to read now."""
    if reader._exception is not None:
        raise reader._exception
    if reader._buffer or reader._eof:
        return None
    if reader._waiter is not None:
        raise RuntimeError("read() called while another coroutine is already waiting")
    # Waiting while paused would never end.
    if reader._paused:
        reader._paused = False
        reader._transport.resume_reading()
    waiter: asyncio.Future[None] = reader._loop.create_future()
    reader._waiter = waiter
    return waiter


def _read_now(reader: Any) -> bytes:
    """The rest of ``StreamReader.read(MAX_RECV)`` (3.11), once it waited:
    what is buffered, up to that many bytes (none at EOF)."""
    buffer = reader._buffer
    data = bytes(buffer[:MAX_RECV])
    del buffer[:MAX_RECV]
    reader._maybe_resume_transport()
    return data


def _read_timed_out(reader: Any, waiter: asyncio.Future[None]) -> None:
    # As wait_for(reader.read(), read_timeout) ends a read with no data in time.
    if not waiter.done():
        if reader._waiter is waiter:
            reader._waiter = None  # nothing is to wake it now
        waiter.set_exception(TimeoutError())


@functools.cache
def lean_server_class() -> type[Any]:
    """Hypercorn's ``TCPServer`` with lean streams, serving a connection in
    one coroutine that waits on the socket's read itself;
    ``harden_hypercorn``'s server is built on it."""
    from hypercorn.asyncio import tcp_server
    from hypercorn.asyncio.task_group import TaskGroup
    from hypercorn.asyncio.tcp_server import TCPServer
    from hypercorn.asyncio.worker_context import WorkerContext
    from hypercorn.config import Config
    from hypercorn.events import Closed, RawData
    from hypercorn.protocol import ProtocolWrapper
    from hypercorn.typing import AppWrapper, ConnectionState, LifespanState
    from hypercorn.utils import parse_socket_addr

    # What run folds together is Hypercorn's code as read in 0.18.
    folded = _version("hypercorn").startswith("0.18.") and tcp_server.MAX_RECV == MAX_RECV

    class LeanTCPServer(TCPServer):
        """Hypercorn's connection, its per-connection objects made smaller."""

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
            super().__init__(app, loop, config, context, state, reader, writer)
            lighten_streams(writer)

        async def run(self) -> None:
            # Hypercorn's TCPServer.run and _read_data (read in 0.18) in one
            # coroutine, which waits on the reader's future itself: an idle
            # connection keeps this frame, not five (run, _read_data,
            # StreamReader.read and _wait_for_data, and the subclass's run,
            # which the hooks stand for), ~1.2 KiB. What needs no await is
            # done in plain methods, so the frame stays small.
            self._started()
            try:
                try:
                    addresses = self._addresses()
                    task_group = self._new_task_group()
                    # The task group as `async with` runs it, which would keep
                    # its bound __aexit__ for as long as the connection is open.
                    await task_group.__aenter__()
                    try:
                        self._make_protocol(task_group, addresses)
                        del addresses
                        await self.protocol.initiate()
                        await self.idle_task.restart(task_group, self._idle_timeout)
                        # Hypercorn's _read_data.
                        reader: Any = self.reader
                        direct = _reads_directly(reader)
                        timeout = self.config.read_timeout
                        while not reader.at_eof():
                            try:
                                if not direct:
                                    data = await asyncio.wait_for(reader.read(MAX_RECV), timeout)
                                else:
                                    # StreamReader.read, its _wait_for_data
                                    # awaited here.
                                    waiter = _read_waiter(reader)
                                    if waiter is not None:
                                        timer = (
                                            None
                                            if timeout is None
                                            else self.loop.call_later(
                                                timeout, _read_timed_out, reader, waiter
                                            )
                                        )
                                        try:
                                            await waiter
                                        finally:
                                            reader._waiter = None
                                            if timer is not None:
                                                timer.cancel()
                                        del waiter, timer
                                    data = _read_now(reader)
                            except OSError:  # ConnectionError, TimeoutError, SSLError
                                break
                            await self.protocol.handle(RawData(data))
                            # Not kept while the next read waits: a whole chunk.
                            del data
                        await self.protocol.handle(Closed())
                    except BaseException as error:
                        # (Hypercorn annotates __aexit__ as never given None.)
                        await task_group.__aexit__(
                            type(error),
                            error,
                            error.__traceback__,  # type: ignore[arg-type]
                        )
                        raise
                    else:
                        await task_group.__aexit__(None, None, None)  # type: ignore[arg-type]
                except OSError:
                    pass
                finally:
                    await self._close()
            except asyncio.CancelledError:
                if not self._cancelled_quietly():
                    raise
            finally:
                self._ended()

        def _new_task_group(self) -> TaskGroup:
            # The module's, as lighten_hypercorn may have swapped it.
            task_group: TaskGroup = vars(tcp_server)["TaskGroup"](self.loop)
            return task_group

        def _addresses(self) -> tuple[Any, Any, bool, str | None]:
            # The start of Hypercorn's run: the peer's and our addresses, TLS
            # and the protocol it chose. Raises OSError if the peer is gone.
            socket = self.writer.get_extra_info("socket")
            client = parse_socket_addr(socket.family, socket.getpeername())
            server = parse_socket_addr(socket.family, socket.getsockname())
            ssl_object = self.writer.get_extra_info("ssl_object")
            if ssl_object is not None:
                return client, server, True, ssl_object.selected_alpn_protocol()
            return client, server, False, "http/1.1"

        def _make_protocol(
            self, task_group: TaskGroup, addresses: tuple[Any, Any, bool, str | None]
        ) -> None:
            client, server, ssl, alpn_protocol = addresses
            self._task_group = task_group
            self.protocol = ProtocolWrapper(
                self.app,
                self.config,
                self.context,
                task_group,
                ConnectionState(self.state),
                ssl,
                client,
                server,
                self.protocol_send,
                alpn_protocol,
            )

        def _started(self) -> None:
            """Called first thing in ``run``, in the connection's task."""

        def _cancelled_quietly(self) -> bool:
            """Whether ``run``, cancelled, ends without raising."""
            return False

        def _ended(self) -> None:
            """Called last thing in ``run``."""

    if not folded:  # pragma: no cover - another Hypercorn: its own run, with the hooks

        async def hypercorn_run(self: LeanTCPServer) -> None:
            self._started()
            try:
                await TCPServer.run(self)
            except asyncio.CancelledError:
                if not self._cancelled_quietly():
                    raise
            finally:
                self._ended()

        setattr(LeanTCPServer, "run", hypercorn_run)  # noqa: B010

    return LeanTCPServer


def _call_soon(loop: asyncio.AbstractEventLoop, func: Callable[..., Any], *args: Any) -> Any:
    # Hypercorn's call_soon: ``func(*args)`` run on ``loop`` from a worker
    # thread (a sync view calling back into async code), its result awaited.
    return asyncio.run_coroutine_threadsafe(func(*args), loop).result()


#: A close frame's opcode (wsproto's ``Opcode.CLOSE``, an ``IntEnum``).
CLOSE_OPCODE = 0x8


class ParseMore:
    """wsproto's ``FrameProtocol._parse_more_gen`` (read in 1.3) as an
    iterator object, each ``next`` the same steps as the generator's: the
    next frame parsed from the buffer (a message's frame through the message
    decoder, a close checked), None when more data is needed, the end once
    a close (or a parse failure) came. Each websocket keeps that generator
    suspended for as long as it is open, 216 bytes; this is ~50."""

    __slots__ = ("_closed", "_protocol", "_started")

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol
        self._started = self._closed = False

    def __iter__(self) -> ParseMore:
        return self

    def __next__(self) -> Any:
        if self._closed:
            raise StopIteration
        protocol = self._protocol
        try:
            if not self._started:
                # The generator's first step, once: extensions not agreed on
                # are dropped.
                self._started = True
                protocol.extensions = [ext for ext in protocol.extensions if ext.enabled()]
            frame = protocol._frame_decoder.process_buffer()
            if frame is not None:
                if not frame.opcode.iscontrol():
                    frame = protocol._message_decoder.process_frame(frame)
                elif frame.opcode == CLOSE_OPCODE:
                    frame = protocol._process_close(frame)
                    self._closed = True
        except BaseException:
            # A generator that raised is finished.
            self._closed = True
            raise
        return frame


@functools.cache
def _lean_classes() -> tuple[type[Any], type[Any], type[Any]]:
    # Built on first use: importing Hypercorn is only needed to serve.
    from hypercorn.asyncio import task_group as hypercorn_task_group
    from hypercorn.asyncio.task_group import TaskGroup
    from hypercorn.config import Config
    from hypercorn.typing import AppWrapper, ASGIReceiveEvent, ASGISendEvent
    from hypercorn.typing import Scope as HypercornScope
    from wsproto.connection import Connection, ConnectionType
    from wsproto.extensions import Extension
    from wsproto.frame_protocol import FrameProtocol

    # What Hypercorn's spawn_app (0.16 to 0.18) runs each app in.
    handle = getattr(hypercorn_task_group, "_handle", None)

    class LeanTaskGroup(TaskGroup):
        """Hypercorn's task group, giving each app a ``LeanQueue``, and the
        ``sync_spawn`` and ``call_soon`` of the loop: Hypercorn makes both
        (a partial, a closure: ~460 bytes) for every app it spawns, though
        they depend on the loop alone."""

        #: The loop the shared pair is for, and the pair.
        shared: tuple[asyncio.AbstractEventLoop, Callable[..., Any], Callable[..., Any]] | None
        shared = None

        def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
            super().__init__(loop)
            # The asyncio task group inside keeps its tasks (the app's, an
            # idle timer: a few at most) in a set, 216 bytes even empty.
            inner = getattr(self, "_task_group", None)
            tasks = getattr(inner, "_tasks", None)
            if type(inner) is asyncio.TaskGroup and type(tasks) is set and not tasks:
                setattr(inner, "_tasks", TaskSet())  # noqa: B010 - asyncio's private attribute

        async def spawn_app(
            self,
            app: AppWrapper,
            config: Config,
            scope: HypercornScope,
            send: Callable[[ASGISendEvent | None], Awaitable[None]],
        ) -> Callable[[ASGIReceiveEvent], Awaitable[None]]:
            if handle is None:  # pragma: no cover - another Hypercorn
                put = await super().spawn_app(app, config, scope, send)
                # The queue Hypercorn just made for the connection, its put bound.
                queue = getattr(put, "__self__", None)
                if isinstance(queue, asyncio.Queue):
                    lighten_queue(queue)
                return put
            app_queue: LeanQueue[Any]
            if scope["type"] == "websocket":
                # Kept as long as the socket is open: what is equal shared.
                share_scope(scope)
                # Its app waits on a receive for as long as the socket idles.
                app_queue = AppQueue(config.max_app_queue_size)
            else:
                app_queue = LeanQueue(config.max_app_queue_size)
            loop = self._loop
            shared = LeanTaskGroup.shared
            if shared is None or shared[0] is not loop:
                # Kept for one loop at a time: a process serves on one.
                shared = (
                    loop,
                    functools.partial(loop.run_in_executor, None),
                    functools.partial(_call_soon, loop),
                )
                LeanTaskGroup.shared = shared
            run_handled = getattr(app, "run_handled", None)
            if run_handled is not None:
                # The hardened server's app, which does what _handle does
                # itself: one coroutine less for as long as the app runs.
                self.spawn(run_handled, config, scope, app_queue.get, send, shared[1], shared[2])
            else:
                # Hypercorn's own spawn, with these.
                self.spawn(handle, app, config, scope, app_queue.get, send, shared[1], shared[2])
            return app_queue.put

    class LeanEventWrapper:
        """Hypercorn's event (its ``EventWrapper``, read in 0.18: async
        ``clear``, ``wait`` and ``set``, and ``is_set``) as one object with
        two slots, where Hypercorn's wraps an ``asyncio.Event``: three
        objects, ~230 bytes, an HTTP/1.1 connection keeps (its ``can_read``)
        for as long as it is open. Its waiters' list is made when one waits.
        The same steps as asyncio's ``Event``."""

        __slots__ = ("_flag", "_waiters")

        def __init__(self) -> None:
            self._flag = False
            self._waiters: Waiters | None = None

        async def clear(self) -> None:
            self._flag = False

        async def wait(self) -> None:
            if self._flag:
                return
            waiter = asyncio.get_running_loop().create_future()
            waiters = self._waiters
            if waiters is None:
                waiters = self._waiters = Waiters()
            waiters.append(waiter)
            try:
                await waiter
            finally:
                waiters.remove(waiter)

        async def set(self) -> None:
            if not self._flag:
                self._flag = True
                for waiter in self._waiters or ():
                    if not waiter.done():
                        waiter.set_result(True)

        def is_set(self) -> bool:
            return self._flag

    # What ParseMore does is wsproto's code as read in 1.3.
    parses_as_read = _version("wsproto").startswith("1.3.")

    class LeanConnection(Connection):
        """wsproto's websocket connection, its parsed events in a ``Waiters``
        (wsproto 1.3 appends them and pops them from the left), its frames
        parsed by a ``ParseMore``."""

        def __init__(
            self,
            connection_type: ConnectionType,
            extensions: list[Extension] | None = None,
            trailing_data: bytes = b"",
        ) -> None:
            super().__init__(connection_type, extensions, trailing_data)
            events = self._events
            if type(events) is deque:
                # Any events the trailing data made stay, in order.
                self._events = Waiters(events)  # type: ignore[assignment]
            proto = self._proto
            parse_more = getattr(proto, "_parse_more", None)
            if (
                parses_as_read
                and type(proto) is FrameProtocol
                and inspect.isgenerator(parse_more)
                and inspect.getgeneratorstate(parse_more) == inspect.GEN_CREATED
            ):
                proto._parse_more = ParseMore(proto)  # type: ignore[assignment]

    return LeanTaskGroup, LeanEventWrapper, LeanConnection
