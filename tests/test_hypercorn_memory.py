"""LeanQueue and LeanEvent: asyncio's queue and event, smaller, behaving the same;
and a connection served by the lightened, hardened Hypercorn, whose streams,
wsproto connection and read loop are the lean ones and still work."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from conftest import free_port
from livecomp import hypercorn_memory
from livecomp.hypercorn_memory import (
    AppQueue,
    LeanEvent,
    LeanQueue,
    TaskSet,
    Waiters,
    lighten_hypercorn,
)
from tests.rawws import TEXT, RawSocket, frame


def test_the_containers_are_lists() -> None:
    queue: LeanQueue[int] = LeanQueue(3)
    assert type(queue._queue) is Waiters
    assert type(queue._getters) is Waiters and type(queue._putters) is Waiters
    assert type(queue._finished) is LeanEvent and queue._finished.is_set()
    waiters: object = LeanEvent()._waiters
    assert type(waiters) is Waiters


def test_they_are_much_smaller() -> None:
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        plain = [asyncio.Queue[int](10) for _ in range(100)]
        middle = tracemalloc.get_traced_memory()[0]
        lean = [LeanQueue[int](10) for _ in range(100)]
        end = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(plain) == len(lean)
    plain_size, lean_size = (middle - start) / 100, (end - middle) / 100
    assert plain_size - lean_size > 2_000, (plain_size, lean_size)


async def test_items_come_out_in_order_and_a_full_queue_waits() -> None:
    queue: LeanQueue[int] = LeanQueue(2)
    await queue.put(1)
    await queue.put(2)
    assert queue.full() and queue.qsize() == 2
    blocked = asyncio.create_task(queue.put(3))
    await asyncio.sleep(0)
    assert not blocked.done()
    assert await queue.get() == 1
    await asyncio.wait_for(blocked, 1)
    assert [await queue.get(), await queue.get()] == [2, 3]
    assert queue.empty()
    assert not queue._putters and not queue._getters


async def test_getters_wait_in_turn_and_a_cancelled_one_is_dropped() -> None:
    queue: LeanQueue[str] = LeanQueue()
    first = asyncio.create_task(queue.get())
    cancelled = asyncio.create_task(queue.get())
    last = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    assert len(queue._getters) == 3
    cancelled.cancel()
    await asyncio.sleep(0)
    assert len(queue._getters) == 2
    queue.put_nowait("a")
    queue.put_nowait("b")
    assert await asyncio.wait_for(first, 1) == "a"
    assert await asyncio.wait_for(last, 1) == "b"
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    with pytest.raises(asyncio.QueueEmpty):
        queue.get_nowait()


async def test_join_waits_for_every_task_done() -> None:
    queue: LeanQueue[int] = LeanQueue()
    queue.put_nowait(1)
    joined = asyncio.create_task(queue.join())
    await asyncio.sleep(0)
    assert not joined.done()
    queue.get_nowait()
    queue.task_done()
    await asyncio.wait_for(joined, 1)
    with pytest.raises(ValueError):
        queue.task_done()


async def test_the_event_wakes_every_waiter() -> None:
    event = LeanEvent()
    waiters = [asyncio.create_task(event.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    assert len(event._waiters) == 3
    event.set()
    assert await asyncio.wait_for(asyncio.gather(*waiters), 1) == [True, True, True]
    assert not event._waiters
    event.clear()
    assert not event.is_set()


def test_lightening_swaps_hypercorns_task_group_and_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hypercorn.asyncio import tcp_server, worker_context

    # Undone after the test: lighten_hypercorn patches process-wide.
    monkeypatch.setattr(tcp_server, "TaskGroup", vars(tcp_server)["TaskGroup"])
    monkeypatch.setattr(worker_context.WorkerContext, "event_class", worker_context.EventWrapper)
    lighten_hypercorn()
    lighten_hypercorn()  # idempotent
    task_group_class, event_class, _ = hypercorn_memory._lean_classes()
    assert vars(tcp_server)["TaskGroup"] is task_group_class
    context = worker_context.WorkerContext(None)
    assert isinstance(context.terminate, event_class)


async def test_a_lean_task_group_runs_an_app_with_a_lean_queue() -> None:
    from hypercorn.config import Config

    task_group_class, _, _ = hypercorn_memory._lean_classes()
    received: list[object] = []
    sent: list[object] = []

    async def app(scope: object, receive: object, send: object, *_: object) -> None:
        assert callable(receive) and callable(send)
        received.append(await receive())
        await send({"type": "done"})

    async def send(message: object) -> None:
        sent.append(message)

    async with task_group_class(asyncio.get_running_loop()) as group:
        put = await group.spawn_app(app, Config(), {"type": "http"}, send)
        queue = put.__self__
        assert type(queue._queue) is Waiters and type(queue._getters) is Waiters
        await put({"type": "hello"})
    assert received == [{"type": "hello"}]
    # Hypercorn's _handle sends None once the app returned.
    assert sent == [{"type": "done"}, None]


async def test_the_task_group_keeps_its_tasks_in_a_list_and_still_cancels_them() -> None:
    task_group_class, _, _ = hypercorn_memory._lean_classes()
    group = task_group_class(asyncio.get_running_loop())
    tasks = group._task_group._tasks
    assert type(tasks) is TaskSet
    started = asyncio.Event()
    cancelled: list[bool] = []

    async def quick() -> None:
        await asyncio.sleep(0)

    async def forever() -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def fail() -> None:
        await started.wait()
        raise RuntimeError("failed")

    with pytest.raises(ExceptionGroup) as raised:
        async with group:
            group.spawn(quick)
            group.spawn(forever)
            assert len(tasks) == 2
            await asyncio.sleep(0.01)
            assert len(tasks) == 1  # quick is done and discarded
            group.spawn(fail)
    assert [type(error) for error in raised.value.exceptions] == [RuntimeError]
    assert cancelled == [True] and not tasks


async def test_apps_on_one_loop_share_their_sync_spawn_and_call_soon() -> None:
    from hypercorn.config import Config

    task_group_class, _, _ = hypercorn_memory._lean_classes()
    helpers: list[tuple[Any, Any]] = []
    results: list[object] = []

    async def double(value: int) -> int:
        return 2 * value

    def in_a_thread(call_soon: Any) -> object:
        # What a sync view does: call back into the loop, wait for the result.
        return call_soon(double, 21)

    async def app(
        scope: object, receive: Any, send: object, sync_spawn: Any, call_soon: Any
    ) -> None:
        helpers.append((sync_spawn, call_soon))
        await receive()
        results.append(await sync_spawn(in_a_thread, call_soon))

    async def send(message: object) -> None:
        pass

    async with task_group_class(asyncio.get_running_loop()) as group:
        puts = [await group.spawn_app(app, Config(), {"type": "http"}, send) for _ in range(2)]
        assert all(type(put.__self__) is LeanQueue for put in puts)
        for put in puts:
            await put({"type": "go"})
    assert results == [42, 42]
    assert helpers[0][0] is helpers[1][0] and helpers[0][1] is helpers[1][1]


# --- a real served connection --------------------------------------------------

AsgiApp = Callable[[Any, Any, Any], Awaitable[None]]


@contextlib.asynccontextmanager
async def serving(
    monkeypatch: pytest.MonkeyPatch,
    app: AsgiApp,
    read_timeout: int | None = None,
    *,
    whole: Any = None,
    **settings: Any,
) -> AsyncIterator[int]:
    """Serve the websocket ``app`` (or the ``whole`` app, lifespan and all)
    as ``livecomp.serve`` does (Hypercorn hardened and lightened), with
    these ``settings`` of Hypercorn's config; the port."""
    from hypercorn.asyncio import run as hypercorn_run
    from hypercorn.asyncio import serve, tcp_server, worker_context
    from hypercorn.config import Config
    from hypercorn.protocol import ws_stream

    from livecomp import hypercorn_hardening

    # Both patch process-wide: undone after the test.
    monkeypatch.setattr(hypercorn_run, "TCPServer", vars(hypercorn_run)["TCPServer"])
    monkeypatch.setattr(ws_stream, "WebsocketBuffer", ws_stream.WebsocketBuffer)
    monkeypatch.setattr(ws_stream, "Connection", vars(ws_stream)["Connection"])
    monkeypatch.setattr(tcp_server, "TaskGroup", vars(tcp_server)["TaskGroup"])
    monkeypatch.setattr(worker_context.WorkerContext, "event_class", worker_context.EventWrapper)
    hypercorn_hardening.harden_hypercorn()
    lighten_hypercorn()

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        await app(scope, receive, send)

    port = free_port()
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    config.read_timeout = read_timeout
    for name, value in settings.items():
        setattr(config, name, value)
    shutdown = asyncio.Event()
    served = asgi if whole is None else whole
    task = asyncio.create_task(serve(served, config, shutdown_trigger=shutdown.wait))
    try:
        yield port
    finally:
        shutdown.set()
        await asyncio.wait_for(task, 10)


async def connect(port: int, rcvbuf: int | None = None) -> RawSocket:
    for _ in range(200):
        with contextlib.suppress(ConnectionRefusedError):
            return await asyncio.to_thread(RawSocket, port, "/", rcvbuf=rcvbuf)
        await asyncio.sleep(0.05)
    pytest.fail("the server did not start")


async def echo(scope: Any, receive: Any, send: Any) -> None:
    """Each text frame back; ``flood N`` answers with N frames of 64 KiB,
    ``close`` with a close frame."""
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message["text"]
        if text == "close":
            await send({"type": "websocket.close", "code": 4000})
            return
        if text.startswith("flood "):
            for i in range(int(text.split()[1])):
                await send({"type": "websocket.send", "text": f"{i:06}" + "x" * 65_530})
        else:
            await send({"type": "websocket.send", "text": text})


def the_server() -> Any:
    """The one connection the lightened, hardened Hypercorn serves now."""
    from livecomp.hypercorn_hardening import _hardened_classes

    server_class = _hardened_classes()[0]
    gc.collect()
    servers = [o for o in gc.get_objects() if isinstance(o, server_class)]
    assert len(servers) == 1
    return servers[0]


def suspended(name: str) -> list[Any]:
    """Every suspended coroutine whose function's qualified name ends with ``name``."""
    return [
        o
        for o in gc.get_objects()
        if inspect.iscoroutine(o) and o.cr_code.co_qualname.endswith(name) and o.cr_suspended
    ]


def for_websocket(coroutines: list[Any]) -> list[Any]:
    """Those of ``coroutines`` called with a websocket's scope."""
    return [c for c in coroutines if c.cr_frame.f_locals["scope"]["type"] == "websocket"]


async def round_trip(ws: RawSocket, text: str) -> None:
    await asyncio.to_thread(ws.send, frame(TEXT, text.encode()))
    assert await asyncio.to_thread(ws.receive) == (TEXT, text.encode())


async def test_a_served_connection_keeps_its_waiters_and_events_in_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hypercorn.protocol.ws_stream import WSStream

    async with serving(monkeypatch, echo) as port:
        ws = await connect(port)
        try:
            await round_trip(ws, "hello")
            server = the_server()
            assert type(server.writer._protocol._drain_waiters) is Waiters
            # The loop's one done future, for every writer.
            complete = server.writer._complete_fut
            assert complete is hypercorn_memory._done_future(asyncio.get_running_loop())
            assert complete.done() and complete.result() is None
            stream = server.protocol.protocol.stream
            assert isinstance(stream, WSStream)
            events: object = stream.connection._events
            assert type(events) is Waiters
            put: Any = stream.app_put
            assert type(put.__self__) is AppQueue
            await round_trip(ws, "and again")
        finally:
            ws.close()


async def test_the_hardening_watches_a_websocket_with_bound_methods(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        given.extend((receive, send))
        await echo(scope, receive, send)

    async with serving(monkeypatch, app) as port:
        ws = await connect(port)
        try:
            await round_trip(ws, "hello")
        finally:
            ws.close()
    # No closures over cells: the connection's ClosingApp keeps what it
    # learns, and its queue whether the disconnect reached the app.
    receive, send = given
    assert type(send.__self__).__name__ == "ClosingApp"
    assert send.__self__._accepted
    assert type(receive.__self__) is AppQueue and receive == receive.__self__.get
    assert receive.__self__.disconnected


async def test_a_quart_app_s_websocket_is_awaited_past_its_wrappers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from quart import Quart

    # As livecomp serves its socket: plain ASGI in front of Quart.
    quart = Quart(__name__)
    behind = quart.asgi_app

    async def front(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            await echo(scope, receive, send)
        else:
            await behind(scope, receive, send)

    quart.asgi_app = front  # type: ignore[method-assign]
    async with serving(monkeypatch, echo, whole=quart) as port:
        ws = await connect(port)
        try:
            await round_trip(ws, "hello")
            # The lifespan still goes through both; the websocket through neither.
            assert len(for_websocket(suspended("front"))) == 1
            assert for_websocket(suspended("ASGIWrapper.__call__")) == []
            assert for_websocket(suspended("Quart.__call__")) == []
            await round_trip(ws, "still served")
        finally:
            ws.close()


async def test_an_idle_connection_waits_on_its_read_with_no_wait_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with serving(monkeypatch, echo) as port:
        ws = await connect(port)
        try:
            await round_trip(ws, "hello")
            reading = suspended("LeanTCPServer.run")
            assert len(reading) == 1
            # The reader's own future, awaited by the one coroutine.
            assert not inspect.iscoroutine(reading[0].cr_await)
            assert the_server().reader._waiter is not None
            for name in ("wait_for", "StreamReader.read", "_wait_for_data", "_read_data"):
                assert suspended(name) == [], name
            await round_trip(ws, "still served")
        finally:
            ws.close()


async def test_a_read_timeout_still_ends_a_silent_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with serving(monkeypatch, echo, read_timeout=1) as port:
        ws = await connect(port)
        try:
            await round_trip(ws, "hello")
            # The timeout is a timer on the read, not a wait_for around it.
            assert len(suspended("LeanTCPServer.run")) == 1
            assert suspended("wait_for") == []
            # Silent past the timeout: the read loop ends it.
            with pytest.raises(ConnectionError):
                await asyncio.to_thread(ws.receive)
        finally:
            ws.close()


async def test_drain_waits_for_a_slow_reader_and_every_frame_arrives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    count = 160  # 10 MiB: far past both sockets' buffers and the write limit
    async with serving(monkeypatch, echo) as port:
        ws = await connect(port, rcvbuf=4096)
        try:
            await round_trip(ws, "hello")
            protocol = the_server().writer._protocol
            await asyncio.to_thread(ws.send, frame(TEXT, f"flood {count}".encode()))
            # The client reads nothing yet: the app's send waits in drain.
            for _ in range(200):
                if protocol._drain_waiters:
                    break
                await asyncio.sleep(0.02)
            assert type(protocol._drain_waiters) is Waiters
            assert len(protocol._drain_waiters) == 1
            for i in range(count):
                opcode, payload = await asyncio.to_thread(ws.receive)
                assert opcode == TEXT and payload[:6] == f"{i:06}".encode()
                assert len(payload) == 65_536
            assert not protocol._drain_waiters
            await round_trip(ws, "after the flood")
        finally:
            ws.close()


async def test_an_accepted_websocket_lets_go_of_its_handshake_and_still_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import h11

    async with serving(monkeypatch, echo) as port:
        ws = await connect(port)
        try:
            await round_trip(ws, "hello")
            protocol = the_server().protocol.protocol
            # The HTTP/1.1 connection the 101 went through, and the parsed lists.
            assert protocol.connection.h11_connection is hypercorn_memory._SWITCHED
            # The handshake: one accepted stand-in for every socket.
            handshake = protocol.stream.handshake
            assert handshake is hypercorn_memory._ACCEPTED and handshake.accepted
            assert handshake.connection_tokens is handshake.extensions is None
            with pytest.raises(h11.LocalProtocolError):
                protocol.connection.send(h11.Response(status_code=200, headers=[]))
            # A ping is answered, frames still echo, the server's close goes out.
            await asyncio.to_thread(ws.send, frame(0x9, b"are you there"))
            assert await asyncio.to_thread(ws.receive) == (0xA, b"are you there")
            await round_trip(ws, "still served")
            await asyncio.to_thread(ws.send, frame(TEXT, b"close"))
            opcode, payload = await asyncio.to_thread(ws.receive)
            assert (opcode, payload[:2]) == (0x8, (4000).to_bytes(2, "big"))
        finally:
            ws.close()


def test_h11_refuses_every_event_once_switched_as_the_stand_in_does() -> None:
    import h11

    # What the stand-in replaces: a server connection after its 101.
    connection = h11.Connection(h11.SERVER)
    connection.receive_data(
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
    )
    assert isinstance(connection.next_event(), h11.Request)
    connection.send(
        h11.InformationalResponse(status_code=101, headers=[(b"upgrade", b"websocket")])
    )
    assert connection.our_state is h11.SWITCHED_PROTOCOL
    for event in (
        h11.Response(status_code=200, headers=[]),
        h11.Data(data=b"x"),
        h11.EndOfMessage(),
    ):
        with pytest.raises(h11.LocalProtocolError):
            connection.send(event)
        with pytest.raises(h11.LocalProtocolError):
            hypercorn_memory._SWITCHED.send(event)


async def test_a_websocket_refused_before_its_accept_still_gets_its_403(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def refuse(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.close", "code": 1008})

    async with serving(monkeypatch, refuse) as port:
        with pytest.raises(AssertionError, match="403"):
            await connect(port)


def fresh(data: bytes) -> bytes:
    """Equal bytes, a new object: as h11 makes them for each request."""
    return bytes(bytearray(data))


def handshake_headers(key: bytes, agent: bytes = b"agent/1.0") -> list[tuple[bytes, bytes]]:
    return [
        (fresh(b"host"), fresh(b"example.org")),
        (fresh(b"upgrade"), fresh(b"websocket")),
        (fresh(b"user-agent"), fresh(agent)),
        (fresh(b"sec-websocket-key"), fresh(key)),
        (fresh(b"cookie"), b"session=" + key),
    ]


def test_equal_headers_of_two_sockets_are_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hypercorn_memory, "_shared_pairs", {})
    monkeypatch.setattr(hypercorn_memory, "_shared_names", {})
    first = {"type": "websocket", "headers": handshake_headers(b"one")}
    second = {"type": "websocket", "headers": handshake_headers(b"two")}
    second_list = second["headers"]
    hypercorn_memory.share_headers(first)
    hypercorn_memory.share_headers(second)
    assert second["headers"] is second_list  # swapped in place
    assert first["headers"] == handshake_headers(b"one")
    assert second["headers"] == handshake_headers(b"two")
    one, two = first["headers"], second["headers"]
    # Host, Upgrade, User-Agent: the same tuples.
    assert all(one[i] is two[i] for i in range(3))
    # The key and the cookie: their own values under the same names.
    assert all(one[i][0] is two[i][0] and one[i][1] != two[i][1] for i in (3, 4))


def test_the_shared_headers_never_outgrow_their_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hypercorn_memory, "_shared_pairs", {})
    monkeypatch.setattr(hypercorn_memory, "_shared_names", {})
    limit = hypercorn_memory.SHARED_HEADERS_LIMIT
    for i in range(3 * limit):
        scope = {"headers": handshake_headers(str(i).encode(), agent=f"agent/{i}".encode())}
        hypercorn_memory.share_headers(scope)
        assert scope["headers"] == handshake_headers(str(i).encode(), agent=f"agent/{i}".encode())
        assert len(hypercorn_memory._shared_pairs) <= limit
        assert len(hypercorn_memory._shared_names) <= limit


def test_headers_not_as_expected_are_left_alone() -> None:
    odd: list[Any] = [(b"host", "a str"), (b"upgrade", b"websocket")]
    for headers in (odd, tuple(handshake_headers(b"k")), [[b"host", b"x"]]):
        scope = {"headers": headers}
        hypercorn_memory.share_headers(scope)
        assert scope["headers"] is headers
    assert odd[1] == (b"upgrade", b"websocket")


async def two_served_scopes(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The scopes of two websockets served one after the other, each answered once."""
    scopes: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        scopes.append(scope)
        await echo(scope, receive, send)

    async with serving(monkeypatch, app) as port:
        sockets = [await connect(port), await connect(port)]
        try:
            for ws in sockets:
                await round_trip(ws, "hello")
        finally:
            for ws in sockets:
                ws.close()
    return scopes


async def test_served_websockets_share_their_common_headers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scopes = await two_served_scopes(monkeypatch)
    first, second = (
        {name: pair for pair in scope["headers"] for name in [pair[0]]} for scope in scopes
    )
    assert first[b"upgrade"] is second[b"upgrade"] and first[b"origin"] is second[b"origin"]
    key = b"sec-websocket-key"
    assert first[key][0] is second[key][0] and first[key][1] != second[key][1]


def test_equal_paths_and_versions_of_two_sockets_are_shared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hypercorn_memory, "_shared_strs", {})
    monkeypatch.setattr(hypercorn_memory, "_shared_bytes", {})

    def scope(subprotocols: list[str]) -> dict[str, Any]:
        return {
            "type": "websocket",
            "headers": handshake_headers(b"k"),
            "path": "".join(["/live", "/socket"]),
            "raw_path": fresh(b"/live/socket"),
            "http_version": "".join(["1", ".1"]),
            "subprotocols": subprotocols,
        }

    first, second = scope([]), scope(["chat"])
    asked = second["subprotocols"]
    hypercorn_memory.share_scope(first)
    hypercorn_memory.share_scope(second)
    for key in ("path", "raw_path", "http_version"):
        assert first[key] == second[key] and first[key] is second[key]
    assert first["raw_path"] == b"/live/socket" and first["path"] == "/live/socket"
    # None asked: an empty tuple, shared; asked for: the list as it was.
    assert first["subprotocols"] == ()
    assert second["subprotocols"] is asked and asked == ["chat"]


async def test_served_websockets_share_their_path_and_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scopes = await two_served_scopes(monkeypatch)
    first, second = scopes
    for key in ("path", "raw_path", "http_version", "subprotocols"):
        assert first[key] is second[key], key


async def test_hypercorn_s_event_as_one_object_behaves_as_its_own() -> None:
    from hypercorn.asyncio.worker_context import EventWrapper

    _, event_class, _ = hypercorn_memory._lean_classes()
    for event in (EventWrapper(), event_class()):
        assert not event.is_set()
        waiters = [asyncio.ensure_future(event.wait()) for _ in range(3)]
        given_up = asyncio.ensure_future(event.wait())
        await asyncio.sleep(0)
        assert not any(waiter.done() for waiter in waiters)
        given_up.cancel()
        await asyncio.sleep(0)
        await event.set()
        assert event.is_set()
        await asyncio.wait_for(asyncio.gather(*waiters), 1)
        assert given_up.cancelled()
        await asyncio.wait_for(event.wait(), 1)  # set: at once
        await event.clear()
        assert not event.is_set()
        late = asyncio.ensure_future(event.wait())
        await asyncio.sleep(0)
        assert not late.done()
        await event.set()
        await asyncio.wait_for(late, 1)
    lean = event_class()
    # No list of waiters until one waits, and none kept once they are gone.
    assert lean._waiters is None and not hasattr(lean, "__dict__")
    waiting = asyncio.ensure_future(lean.wait())
    await asyncio.sleep(0)
    made: object = lean._waiters
    assert type(made) is Waiters and len(made) == 1
    await lean.set()
    await waiting
    assert not lean._waiters
