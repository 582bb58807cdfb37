"""The lean connection: what an idle websocket keeps waiting on the Hypercorn side.

The connection's read loop is one coroutine awaiting the socket's future
(Hypercorn's ``TCPServer.run`` and ``_read_data`` folded into
``LeanTCPServer.run``), the app runs in one coroutine that also does what
Hypercorn's ``_handle`` does (``ClosingApp.run_handled``), and the app's
receive is an ``AppQueue``'s ``get``, a future. Each still behaves as
Hypercorn's own: read timeouts, errors, full queues, oversized messages,
HTTP/2 and TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import ssl
import struct
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from livecomp import hypercorn_hardening
from livecomp.hypercorn_memory import (
    AppQueue,
    _read_now,
    _read_timed_out,
    _read_waiter,
)
from tests.rawws import CLOSE, TEXT, frame
from tests.test_hypercorn_memory import connect, echo, round_trip, serving, the_server

# --- AppQueue -------------------------------------------------------------------


def message(text: str) -> dict[str, Any]:
    return {"type": "websocket.receive", "text": text}


DISCONNECT = {"type": "websocket.disconnect", "code": 1000}


async def test_a_get_is_a_future_handed_each_message_in_order() -> None:
    queue = AppQueue(10)
    first, second = queue.get(), queue.get()
    assert isinstance(first, asyncio.Future) and not inspect.iscoroutine(first)
    await queue.put(message("a"))
    await queue.put(message("b"))
    await queue.put(message("c"))
    # Handed at once to the waiting gets, oldest first; the rest queued.
    assert first.result() == message("a") and second.result() == message("b")
    assert queue.qsize() == 1 and not queue._getters
    third = queue.get()
    assert third.done() and third.result() == message("c")


async def test_a_cancelled_get_loses_nothing_and_none_piles_up() -> None:
    queue = AppQueue(10)
    for _ in range(50):
        # A receive given up on, as wait_for does on its timeout.
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(queue.get(), 0.001)
        assert len(queue._getters) <= 1
    waiting = queue.get()
    assert queue._getters == [waiting]
    await queue.put(message("kept"))
    assert await waiting == message("kept")
    # A cancelled get before a live one: the message skips it.
    gone, live = queue.get(), queue.get()
    gone.cancel()
    queue.put_nowait(message("next"))
    assert live.result() == message("next") and gone.cancelled()


async def test_a_full_queue_makes_put_wait_until_a_get_takes_one() -> None:
    queue = AppQueue(2)
    await queue.put(message("1"))
    await queue.put(message("2"))
    blocked = asyncio.ensure_future(queue.put(message("3")))
    await asyncio.sleep(0)
    assert not blocked.done()
    assert (await queue.get()) == message("1")
    await asyncio.wait_for(blocked, 1)
    assert [await queue.get(), await queue.get()] == [message("2"), message("3")]
    assert queue.empty() and not queue._putters


async def test_the_disconnect_is_recorded_as_it_reaches_the_app_and_only_then() -> None:
    # Put while a get waits: the get has it, the queue knows at that moment.
    queue = AppQueue(10)
    waiting = queue.get()
    await queue.put(message("a"))
    assert not queue.disconnected
    waiting = queue.get()
    await queue.put(DISCONNECT)
    assert queue.disconnected and waiting.result() == DISCONNECT
    # Put while none waits: queued, not yet the app's.
    queue = AppQueue(10)
    await queue.put(message("a"))
    await queue.put(DISCONNECT)
    assert not queue.disconnected
    assert (await queue.get()) == message("a")
    assert not queue.disconnected
    assert (await queue.get()) == DISCONNECT
    assert queue.disconnected
    # get_nowait too.
    queue = AppQueue(10)
    queue.put_nowait(DISCONNECT)
    assert not queue.disconnected
    assert queue.get_nowait() == DISCONNECT and queue.disconnected


async def test_join_still_counts_messages_handed_over() -> None:
    queue = AppQueue(10)
    # No event for join kept until a join waits.
    assert not isinstance(queue._finished, asyncio.Event)
    await queue.join()  # nothing unfinished: at once
    waiting = queue.get()
    await queue.put(message("a"))
    assert waiting.done()
    joined = asyncio.ensure_future(queue.join())
    await asyncio.sleep(0)
    assert not joined.done()
    queue.task_done()
    await asyncio.wait_for(joined, 1)
    with pytest.raises(ValueError):
        queue.task_done()
    # Once made, the event follows puts and task_done as asyncio's does.
    queue.put_nowait(message("b"))
    joined = asyncio.ensure_future(queue.join())
    await asyncio.sleep(0)
    assert not joined.done()
    queue.get_nowait()
    queue.task_done()
    await asyncio.wait_for(joined, 1)


# --- reading the stream ------------------------------------------------------------


async def test_the_read_waits_only_when_there_is_nothing_to_read() -> None:
    reader = asyncio.StreamReader()
    reader.feed_data(b"ready")
    assert _read_waiter(reader) is None
    assert _read_now(reader) == b"ready"
    waiter = _read_waiter(reader)
    assert waiter is not None and reader._waiter is waiter  # type: ignore[attr-defined]
    reader.feed_data(b"more")
    assert waiter.done()
    assert _read_now(reader) == b"more"
    reader.feed_eof()
    assert _read_waiter(reader) is None and _read_now(reader) == b""
    failed = asyncio.StreamReader()
    failed.set_exception(ConnectionResetError())
    with pytest.raises(ConnectionResetError):
        _read_waiter(failed)


async def test_a_timed_out_read_is_detached_so_late_data_is_kept() -> None:
    reader = asyncio.StreamReader()
    waiter = _read_waiter(reader)
    assert waiter is not None
    _read_timed_out(reader, waiter)
    assert isinstance(waiter.exception(), TimeoutError)
    # Data arriving after the timeout wakes nothing (no error) and stays.
    reader.feed_data(b"late")
    assert _read_now(reader) == b"late"
    # A timer firing after the data came does nothing.
    waiter = _read_waiter(reader)
    assert waiter is not None
    reader.feed_data(b"in time")
    _read_timed_out(reader, waiter)
    assert waiter.result() is None


# --- a served connection -----------------------------------------------------------


def coroutine_chain(task: asyncio.Task[Any]) -> list[str]:
    """The qualified names of the coroutines ``task`` waits in, outermost first."""
    names: list[str] = []
    coroutine: Any = task.get_coro()
    while True:
        if type(coroutine).__name__ == "coroutine_wrapper":
            # What `await obj` runs when obj.__await__ returns a coroutine's.
            (coroutine,) = gc.get_referents(coroutine)
        if not inspect.iscoroutine(coroutine):
            return names
        names.append(coroutine.cr_code.co_qualname)
        coroutine = coroutine.cr_await


def websocket_tasks() -> tuple[list[str], list[str]]:
    """The coroutine chains of the one connection's task and its app's task."""
    server = the_server()
    assert server._task is not None
    apps = [
        task
        for task in asyncio.all_tasks()
        if coroutine_chain(task)[:1] == ["_hardened_classes.<locals>.ClosingApp.run_handled"]
    ]
    assert len(apps) == 1
    return coroutine_chain(server._task), coroutine_chain(apps[0])


async def test_an_idle_websocket_waits_in_one_coroutine_each_side_of_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with serving(monkeypatch, echo) as port:
        ws = await connect(port)
        try:
            await round_trip(ws, "hello")
            connection, app = websocket_tasks()
            # Hypercorn's callback, and the read loop awaiting the socket.
            assert connection == [
                "worker_serve.<locals>._server_callback",
                "lean_server_class.<locals>.LeanTCPServer.run",
            ]
            # The app (behind Hypercorn's wrapper and the test's lifespan
            # handler here), awaiting its queue's future: nothing after it.
            assert app == [
                "_hardened_classes.<locals>.ClosingApp.run_handled",
                "ASGIWrapper.__call__",
                "serving.<locals>.asgi",
                "echo",
            ]
            await round_trip(ws, "still served")
        finally:
            ws.close()


async def test_a_read_timeout_spares_a_connection_that_keeps_talking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with serving(monkeypatch, echo, read_timeout=1) as port:
        ws = await connect(port)
        try:
            # Each read gets the whole timeout: 2.4 s of talk every 0.4 s.
            for i in range(6):
                await round_trip(ws, f"talk {i}")
                await asyncio.sleep(0.4)
            assert len(websocket_tasks()[0]) == 2
        finally:
            ws.close()


async def test_the_app_sees_the_disconnect_once_and_its_queue_knows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[str, bool]] = []
    done = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        queue = receive.__self__
        try:
            while True:
                got = await receive()
                seen.append((got["type"], queue.disconnected))
                if got["type"] == "websocket.connect":
                    await send({"type": "websocket.accept"})
                elif got["type"] == "websocket.disconnect":
                    return
                else:
                    await send({"type": "websocket.send", "text": got["text"]})
        finally:
            done.set()

    async with serving(monkeypatch, app) as port:
        ws = await connect(port)
        try:
            await round_trip(ws, "hello")
            await asyncio.to_thread(ws.send, frame(CLOSE, struct.pack("!H", 1000)))
            await asyncio.wait_for(done.wait(), 5)
        finally:
            ws.close()
    assert seen == [
        ("websocket.connect", False),
        ("websocket.receive", False),
        ("websocket.disconnect", True),
    ]


async def test_an_app_that_fails_is_logged_and_its_socket_closed_1011(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await receive()
        raise RuntimeError("the app broke")

    async with serving(monkeypatch, app) as port:
        ws = await connect(port)
        try:
            await asyncio.to_thread(ws.send, frame(TEXT, b"break"))
            opcode, payload = await asyncio.to_thread(ws.receive)
            assert (opcode, payload[:2]) == (CLOSE, struct.pack("!H", 1011))
        finally:
            ws.close()
    assert "Error in ASGI Framework" in caplog.text and "the app broke" in caplog.text


async def test_a_torn_down_app_with_a_full_queue_does_not_wedge_its_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As tests.test_transport_hardening's, with the lean task group's queue:
    # the app closes, never returns, the peer floods and never answers.
    monkeypatch.setattr(hypercorn_hardening, "_close_timeout", 1.0)
    app_ended = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 4000})
        try:
            await asyncio.sleep(60)
        finally:
            app_ended.set()

    async with serving(monkeypatch, app) as port:
        # harden_hypercorn (in serving) set the timeout back: once more.
        monkeypatch.setattr(hypercorn_hardening, "_close_timeout", 1.0)
        ws = await connect(port, rcvbuf=4096)
        try:
            server = the_server()
            await asyncio.to_thread(ws.send, b"".join(frame(TEXT, b"flood") for _ in range(50)))
            await asyncio.wait_for(app_ended.wait(), 10)
            assert server._task is not None
            await asyncio.wait_for(asyncio.shield(server._task), 5)
        finally:
            ws.close()


async def test_a_message_over_the_limit_arms_the_close_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with serving(monkeypatch, echo, websocket_max_message_size=1000) as port:
        ws = await connect(port)
        try:
            await round_trip(ws, "hello")
            server = the_server()
            # Its app told the buffer whose it is, before any frame came.
            assert server.protocol.protocol.stream.buffer._server is server
            assert server._deadline is None
            await asyncio.to_thread(ws.send, frame(TEXT, b"x" * 2000))
            opcode, payload = await asyncio.to_thread(ws.receive)
            assert (opcode, payload[:2]) == (CLOSE, struct.pack("!H", 1009))
            assert server._deadline is not None
        finally:
            ws.close()


# --- plain HTTP, HTTP/2 and TLS through the same run -------------------------------


async def hello(scope: Any, receive: Any, send: Any) -> None:
    """Answers an HTTP request with its HTTP version; a websocket with ``echo``."""
    if scope["type"] == "websocket":
        await echo(scope, receive, send)
        return
    while (await receive()).get("more_body"):
        pass
    body = f"hello over {scope['http_version']}".encode()
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def http11_get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    return await reader.readexactly(length)


async def http2_get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    import h2.config
    import h2.connection
    import h2.events

    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    connection.initiate_connection()
    connection.send_headers(
        1,
        [(":method", "GET"), (":path", "/"), (":scheme", "http"), (":authority", "x")],
        end_stream=True,
    )
    writer.write(connection.data_to_send())
    body = b""
    while True:
        data = await asyncio.wait_for(reader.read(65536), 5)
        assert data, "the server closed the connection"
        for event in connection.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived):
                assert dict(event.headers)[b":status"] == b"200"
            elif isinstance(event, h2.events.DataReceived):
                body += event.data
                connection.acknowledge_received_data(event.flow_controlled_length, 1)
            elif isinstance(event, h2.events.StreamEnded):
                return body
        writer.write(connection.data_to_send())


@contextlib.asynccontextmanager
async def opened(port: int, context: ssl.SSLContext | None = None) -> AsyncIterator[Any]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context)
    try:
        yield reader, writer
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def test_http11_with_keep_alive_and_http2_are_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with serving(monkeypatch, echo, whole=lifespan_and(hello)) as port:
        (await connect(port)).close()  # once the server listens
        async with opened(port) as (reader, writer):
            assert await http11_get(reader, writer) == b"hello over 1.1"
            assert await http11_get(reader, writer) == b"hello over 1.1"
        # HTTP/2 with prior knowledge: the connection starts as HTTP/1.1
        # and Hypercorn's protocol switches on the preface.
        async with opened(port) as (reader, writer):
            assert await http2_get(reader, writer) == b"hello over 2"


def lifespan_and(app: Any) -> Any:
    async def whole(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                got = await receive()
                await send({"type": got["type"] + ".complete"})
                if got["type"] == "lifespan.shutdown":
                    return
        await app(scope, receive, send)

    return whole


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[str, str]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


def client_context(protocols: list[str]) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(protocols)
    return context


async def test_tls_serves_http11_and_http2_as_alpn_chose(
    monkeypatch: pytest.MonkeyPatch, certificate: tuple[str, str]
) -> None:
    cert, key = certificate
    async with serving(
        monkeypatch, echo, whole=lifespan_and(hello), certfile=cert, keyfile=key
    ) as port:
        for _ in range(200):
            with contextlib.suppress(ConnectionRefusedError):
                async with opened(port, client_context(["http/1.1"])) as (reader, writer):
                    assert await http11_get(reader, writer) == b"hello over 1.1"
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the server did not start")
        async with opened(port, client_context(["h2"])) as (reader, writer):
            assert writer.get_extra_info("ssl_object").selected_alpn_protocol() == "h2"
            assert await http2_get(reader, writer) == b"hello over 2"


async def test_another_hypercorn_is_served_by_its_own_run_with_the_hooks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from livecomp import hypercorn_memory

    # The folded run is Hypercorn 0.18's code: any other version keeps its own.
    monkeypatch.setattr(hypercorn_memory, "_version", lambda name: "0.19.0")
    hypercorn_memory.lean_server_class.cache_clear()
    hypercorn_hardening._hardened_classes.cache_clear()
    try:
        async with serving(monkeypatch, echo) as port:
            ws = await connect(port)
            try:
                await round_trip(ws, "hello")
                server = the_server()
                assert server._task is not None
                chain = coroutine_chain(server._task)
                assert chain[1:3] == ["lean_server_class.<locals>.hypercorn_run", "TCPServer.run"]
                await round_trip(ws, "still served")
            finally:
                ws.close()
    finally:
        hypercorn_memory.lean_server_class.cache_clear()
        hypercorn_hardening._hardened_classes.cache_clear()


# --- wsproto's frame parsing without its generator --------------------------------


def deflate_pair() -> tuple[Any, Any]:
    """A client's and a server's permessage-deflate, agreed on."""
    from wsproto.extensions import PerMessageDeflate

    client, server = PerMessageDeflate(), PerMessageDeflate()
    offer = client.offer()
    assert isinstance(offer, str)
    answer = server.accept(offer)
    assert isinstance(answer, str)
    client.finalize(answer)
    return client, server


def client_stream(deflate: Any) -> list[bytes]:
    """What a client sends, chunk by chunk (deflated if ``deflate``): messages
    whole and in fragments, a ping, a close, then bytes past the close."""
    from wsproto.connection import Connection, ConnectionType
    from wsproto.events import BytesMessage, CloseConnection, Ping, TextMessage

    client = Connection(ConnectionType.CLIENT, [deflate] if deflate is not None else [])
    chunks = [
        client.send(TextMessage(data="hello")),
        client.send(TextMessage(data="long " * 2000, message_finished=False))
        + client.send(TextMessage(data="and the end")),
        client.send(Ping(payload=b"there?")),
        client.send(BytesMessage(data=bytes(range(256)) * 8)),
    ]
    whole = client.send(TextMessage(data="split across reads"))
    chunks += [whole[:3], whole[3:7], whole[7:]]
    chunks.append(client.send(CloseConnection(code=1000, reason="bye")))
    chunks.append(b"\x81\x85garbage past the close")
    return chunks


def events_of(connection_class: Any, chunks: list[bytes], deflate: Any) -> list[list[str]]:
    from wsproto.connection import ConnectionType

    connection = connection_class(ConnectionType.SERVER, [deflate] if deflate is not None else [])
    seen = []
    for chunk in chunks:
        connection.receive_data(chunk)
        seen.append([repr(event) for event in connection.events()])
    return seen


@pytest.mark.parametrize("deflated", [False, True], ids=["plain", "permessage-deflate"])
def test_frames_parse_as_wsproto_s_own_generator_parses_them(deflated: bool) -> None:
    from wsproto.connection import Connection, ConnectionType
    from wsproto.frame_protocol import Opcode

    from livecomp import hypercorn_memory

    assert Opcode.CLOSE == hypercorn_memory.CLOSE_OPCODE
    lean_class = hypercorn_memory._lean_classes()[2]
    client, server = deflate_pair() if deflated else (None, None)
    chunks = client_stream(client)
    lean = events_of(lean_class, chunks, server)
    assert lean == events_of(Connection, chunks, deflate_pair()[1] if deflated else None)
    assert "hello" in lean[0][0] and "CloseConnection" in lean[-2][0] and lean[-1] == []
    parse_more = lean_class(ConnectionType.SERVER)._proto._parse_more
    assert type(parse_more) is hypercorn_memory.ParseMore


@pytest.mark.parametrize(
    "bad",
    [
        b"\x83\x80abcd",  # a reserved opcode
        b"\x89\xfe\x00\x7eabcd" + b"x" * 126,  # a control frame over 125 bytes
        b"\x88\x81abcdx",  # a close with a one-byte payload
    ],
)
def test_a_frame_that_fails_to_parse_ends_parsing_as_the_generator_did(bad: bytes) -> None:
    from wsproto.connection import Connection

    from livecomp import hypercorn_memory

    lean_class = hypercorn_memory._lean_classes()[2]
    after = [b"\x81\x82abcd\x09\x0b", b"\x89\x80abcd"]
    chunks = [bad, *after]
    lean = events_of(lean_class, chunks, None)
    assert lean == events_of(Connection, chunks, None)
    assert "CloseConnection" in lean[0][0]


async def test_a_deflating_client_is_served(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from wsproto import WSConnection
    from wsproto.connection import ConnectionType
    from wsproto.events import AcceptConnection, Request, TextMessage
    from wsproto.extensions import PerMessageDeflate

    async with serving(monkeypatch, echo) as port:
        (await connect(port)).close()  # once the server listens

        def talk() -> list[str]:
            client = WSConnection(ConnectionType.CLIENT)
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(
                    client.send(Request(host="x", target="/", extensions=[PerMessageDeflate()]))
                )
                got: list[str] = []
                accepted = None
                while len(got) < 2:
                    client.receive_data(sock.recv(65536))
                    for event in client.events():
                        if isinstance(event, AcceptConnection):
                            accepted = event
                            for text in ("squeeze " * 500, "me"):
                                sock.sendall(client.send(TextMessage(data=text)))
                        elif isinstance(event, TextMessage):
                            got.append(event.data)
                assert accepted is not None
                assert [type(ext).__name__ for ext in accepted.extensions] == ["PerMessageDeflate"]
                return got

        assert await asyncio.to_thread(talk) == ["squeeze " * 500, "me"]
