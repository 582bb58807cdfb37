"""The live socket against hostile peers, over a real ``livecomp.serve``.

Most tests start ``tests.hardening_app`` (the greeter page, ``send_timeout``
of 2 s) as a subprocess, talk to it with a hand-framed client
(``tests.rawws``) and watch it from outside with psutil: a slow client's TCP
connection must be torn down in bounded time whatever it does, and a frame
over the limit must be refused as it arrives, never buffered whole. Each
then checks the server still serves: a fresh GET of the page, and a fresh
join with one event. The last two check pieces in process: the session's
own frame limit, and a torn-down app that must not wedge its connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest

from conftest import ROOT, free_port, stop, wait_for_port
from livecomp import CloseCode, ErrorCode
from livecomp.protocol import Err
from livecomp.testing import LiveTestClient
from tests.hardening_app import create_app
from tests.rawws import TEXT, PageInfo, RawSocket, close_frame, frame, get_page, page_info

#: How long the server may take to drop a connection it ended: the 2 s send
#: timeout, the session's 2 s wait for its close frame, and the 5 s the
#: transport gets to finish closing, with a generous margin.
TEARDOWN_BOUND = 15.0

MAX_FRAME_BYTES = 64 * 1024
MIB = 1 << 20

needs_proc_net = pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="reads socket queues from /proc/net/tcp"
)


@dataclass
class Server:
    """One ``tests.hardening_app`` process."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ps(self) -> psutil.Process:
        return psutil.Process(self.process.pid)

    def connections_from(self, client_port: int) -> list[Any]:
        """The server's sockets (any state) whose peer is ``client_port``."""
        return [
            conn
            for conn in self.ps.net_connections(kind="tcp")
            if conn.raddr and conn.raddr.port == client_port
        ]

    def has_read_all(self, ws: RawSocket) -> Callable[[], bool]:
        """Whether the server has read everything ``ws`` sent (or dropped it)."""
        return lambda: not server_rx_queue(self.port, ws.local_port)

    def rss(self) -> int:
        rss: int = self.ps.memory_info().rss
        return rss

    def info(self) -> PageInfo:
        return page_info(self.base)

    def connect(self, *, rcvbuf: int | None = None) -> tuple[RawSocket, PageInfo]:
        """A fresh socket, joined to a fresh page."""
        info = self.info()
        ws = RawSocket(self.port, info.socket_path, rcvbuf=rcvbuf)
        render = ws.join(info.token)
        assert render["t"] in ("render", "unchanged")
        return ws, info


@pytest.fixture
def start_server() -> Iterator[Callable[[], Server]]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> Server:
        port = free_port()
        env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1", "SEND_TIMEOUT": "2"}
        process = subprocess.Popen([sys.executable, "-m", "tests.hardening_app"], cwd=ROOT, env=env)
        started.append(process)
        wait_for_port(port, process)
        return Server(process, port)

    yield start
    for process in started:
        stop(process)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``condition``; the seconds it took to hold. Fails after ``timeout``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            pytest.fail(f"{what}: not after {timeout} s")
        time.sleep(0.1)
    return time.monotonic() - start


def event(ref: int, cid: str, name: str) -> dict[str, Any]:
    return {"t": "event", "ref": ref, "cid": cid, "event": "greet", "value": {"name": name}}


def messages(payload: Any) -> list[dict[str, Any]]:
    return payload if isinstance(payload, list) else [payload]


def replies_until_ack(ws: RawSocket, ref: int) -> list[dict[str, Any]]:
    """Every message up to the ``ack`` of event ``ref``; fails on an ``err``."""
    seen: list[dict[str, Any]] = []
    while True:
        for message in messages(ws.receive_json()):
            seen.append(message)
            assert message["t"] != "err", message
            if message["t"] == "ack" and message["ref"] == ref:
                return seen


def assert_still_serving(server: Server) -> None:
    """A fresh GET of the page, and a fresh join with one event, both work."""
    status, html = get_page(server.base)
    assert status == 200 and "live-token=" in html
    ws, info = server.connect()
    try:
        ws.send_json(event(1, info.greeter_cids[0], "Alice"))
        replies = replies_until_ack(ws, 1)
        assert any(m["t"] == "patch" and "Alice" in json.dumps(m) for m in replies)
        ws.send(close_frame())
        assert ws.receive_close() == 1000
    finally:
        ws.close()


def drain_until_dropped(ws: RawSocket, timeout: float) -> None:
    """Read whatever the server sent until it drops the TCP connection."""
    ws.sock.settimeout(timeout)
    try:
        while ws.sock.recv(1 << 16):
            pass
    except ConnectionResetError:
        pass


def server_rx_queue(server_port: int, client_port: int) -> int | None:
    """Bytes the server has not read yet from ``client_port``; None once gone."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == (
            client_port
        ):
            return int(fields[4].split(":")[1], 16)
    return None


# --- a slow client leaves its socket open for good --------------------------


def flood(ws: RawSocket, cid: str, count: int = 125, name_bytes: int = 60_000) -> int:
    """Send ``count`` events with big names, then a close, without reading.

    The server's reads stall once its app queue is full, so this sends what
    it can within a few seconds and does not block. Returns the bytes sent.
    """
    data = b"".join(
        frame(TEXT, json.dumps(event(ref, cid, f"{ref}-" + "n" * name_bytes)).encode())
        for ref in range(1, count + 1)
    )
    data += close_frame()
    ws.sock.setblocking(False)
    sent = 0
    deadline = time.monotonic() + 5
    while sent < len(data) and time.monotonic() < deadline:
        try:
            sent += ws.sock.send(data[sent:])
        except BlockingIOError:
            time.sleep(0.05)
    ws.sock.setblocking(True)
    return sent


def test_a_slow_client_that_never_reads_is_dropped_in_bounded_time(
    start_server: Callable[[], Server],
) -> None:
    server = start_server()
    # A small receive window: the replies (each ~60 KB) back up on the server.
    ws, info = server.connect(rcvbuf=4096)
    try:
        assert flood(ws, info.greeter_cids[0]) > 20 * 60_000
        assert server.connections_from(ws.local_port)
        # The client keeps its socket open and never reads again; the server
        # must close it as slow (4008) and then drop the TCP connection.
        took = wait_until(
            lambda: not server.connections_from(ws.local_port),
            TEARDOWN_BOUND,
            "the server still holds the slow client's connection",
        )
        print(f"slow client's connection gone after {took:.1f} s")
        # From the client's side: the connection ended (reset), it did not hang.
        drain_until_dropped(ws, timeout=5)
    finally:
        ws.close()
    assert_still_serving(server)


def test_a_slow_client_that_reads_late_gets_slow_client_and_a_clean_close(
    start_server: Callable[[], Server],
) -> None:
    server = start_server()
    ws, info = server.connect(rcvbuf=4096)
    try:
        flood(ws, info.greeter_cids[0])
        # Past the 2 s send timeout (the server blocks within a second), and
        # well before the transport's deadline 5 s after the close.
        time.sleep(4)
        assert ws.receive_close() == CloseCode.SLOW_CLIENT
        took = wait_until(
            lambda: not server.connections_from(ws.local_port),
            TEARDOWN_BOUND,
            "the server still holds the slow client's connection",
        )
        print(f"slow client's connection gone {took:.1f} s after its close arrived")
    finally:
        ws.close()
    assert_still_serving(server)


# --- the frame limit comes too late -------------------------------------------


def test_a_frame_over_the_limit_is_refused_as_it_arrives(
    start_server: Callable[[], Server],
) -> None:
    server = start_server()
    ws, _ = server.connect()
    try:
        # Declare 1 MiB but send only 128 KiB of it: the refusal cannot wait
        # for the whole frame.
        ws.send(frame(TEXT, b'{"t":"event","pad":"' + b"x" * (128 * 1024), declared=MIB))
        assert ws.receive_close() == CloseCode.MESSAGE_TOO_BIG
        # The client never answers the close: the server drops it anyway.
        took = wait_until(
            lambda: not server.connections_from(ws.local_port),
            TEARDOWN_BOUND,
            "the server still holds the connection it refused a frame on",
        )
        print(f"connection with an oversized frame gone after {took:.1f} s")
    finally:
        ws.close()
    assert_still_serving(server)


@needs_proc_net
def test_frames_over_the_limit_are_not_buffered(start_server: Callable[[], Server]) -> None:
    server = start_server()
    # Warm up what one page and one big event allocate, then measure.
    warm, info = server.connect()
    warm.send_json(event(1, info.greeter_cids[0], "w" * 60_000))
    replies_until_ack(warm, 1)
    warm.close()
    time.sleep(0.5)
    before = server.rss()
    sockets = []
    try:
        for _ in range(5):
            ws, info = server.connect()
            sockets.append(ws)
            payload = json.dumps(event(1, info.greeter_cids[0], "y" * (8 * MIB))).encode()
            # (Dropped before the client finished sending: fine too.)
            with contextlib.suppress(OSError):
                ws.send(frame(TEXT, payload))
        for ws in sockets:
            wait_until(server.has_read_all(ws), 10, "the server did not read the big frame")
        time.sleep(0.3)
        grown = server.rss() - before
        print(f"RSS grew by {grown / MIB:.1f} MiB for 5 frames of 8 MiB")
        assert grown < 10 * MIB
        for ws in sockets:
            assert ws.receive_close() == CloseCode.MESSAGE_TOO_BIG
    finally:
        for ws in sockets:
            ws.close()
    assert_still_serving(server)


@needs_proc_net
def test_a_frame_declaring_a_huge_length_allocates_only_what_arrives(
    start_server: Callable[[], Server],
) -> None:
    server = start_server()
    sockets: list[tuple[RawSocket, bytes]] = []
    before = server.rss()
    try:
        for declared in (64 * MIB, 1 << 40):
            ws, _ = server.connect()
            payload = b'{"t":"event","pad":"' + b"z" * (MAX_FRAME_BYTES + 2048)
            whole = frame(TEXT, payload, declared=declared)
            start = len(whole) - len(payload) + 1024
            ws.send(whole[:start])
            sockets.append((ws, whole[start:]))
        for ws, _ in sockets:
            wait_until(server.has_read_all(ws), 10, "the server did not read the frame's start")
        time.sleep(0.3)
        grown = server.rss() - before
        print(f"RSS grew by {grown / MIB:.1f} MiB for frames declaring 64 MiB and 1 TiB")
        assert grown < 8 * MIB
        for ws, rest in sockets:
            # Still waiting for the rest; once more than the limit arrives: 1009.
            assert server.connections_from(ws.local_port)
            ws.send(rest)
            assert ws.receive_close() == CloseCode.MESSAGE_TOO_BIG
    finally:
        for ws, _ in sockets:
            ws.close()
    assert_still_serving(server)


def test_a_frame_at_the_limit_gets_the_normal_answer(start_server: Callable[[], Server]) -> None:
    server = start_server()
    ws, info = server.connect()
    cid = info.greeter_cids[0]
    try:
        # A ~60 KB event, as the probe sends: a patch and an ack, no err.
        ws.send_json(event(1, cid, "a" * 60_000))
        replies = replies_until_ack(ws, 1)
        assert any(m["t"] == "patch" for m in replies)
        # Exactly the limit, in UTF-8 bytes: still accepted.
        empty = len(json.dumps(event(2, cid, "")))
        at_limit = json.dumps(event(2, cid, "b" * (MAX_FRAME_BYTES - empty))).encode()
        assert len(at_limit) == MAX_FRAME_BYTES
        ws.send(frame(TEXT, at_limit))
        replies_until_ack(ws, 2)
        # One byte more: refused by the server as it arrives (no err frame).
        over = json.dumps(event(3, cid, "c" * (MAX_FRAME_BYTES - empty + 1))).encode()
        ws.send(frame(TEXT, over))
        assert ws.receive_close() == CloseCode.MESSAGE_TOO_BIG
    finally:
        ws.close()
    # Under the limit in characters but over it in bytes ("€" is 3): refused
    # too, as the session counts bytes.
    ws, info = server.connect()
    try:
        euros = json.dumps(event(1, info.greeter_cids[0], "€" * 22_000), ensure_ascii=False)
        assert len(euros) < MAX_FRAME_BYTES < len(euros.encode())
        ws.send(frame(TEXT, euros.encode()))
        assert ws.receive_close() == CloseCode.MESSAGE_TOO_BIG
    finally:
        ws.close()
    assert_still_serving(server)


async def test_the_session_still_refuses_a_frame_over_the_limit_in_process() -> None:
    # No Hypercorn in between: the session's own check answers too_large.
    async with LiveTestClient(create_app(), "/") as client:
        await client.send_raw(json.dumps({"t": "event", "pad": "x" * 70_000}))
        [err] = await client.receive()
        assert isinstance(err, Err) and err.code is ErrorCode.TOO_LARGE
        await client.send_raw(json.dumps(event(1, "c1", "y" * 60_000)))
        assert [type(m).__name__ for m in await client.receive()] == ["Patch", "Ack"]


# --- in process: the pieces behind those outcomes ------------------------------


async def test_an_app_torn_down_with_a_full_queue_does_not_wedge_its_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An app that closes the socket and then never returns (a slow unmount),
    # while the peer fills the frame queue and never answers the close: the
    # deadline aborts the connection, and nothing is left waiting for room
    # in the queue (Hypercorn's disconnect goes through it).
    from hypercorn.asyncio import run as hypercorn_run
    from hypercorn.asyncio import serve
    from hypercorn.config import Config
    from hypercorn.protocol import ws_stream

    from livecomp import hypercorn_hardening

    # harden_hypercorn patches process-wide: undo it after this test.
    monkeypatch.setattr(hypercorn_run, "TCPServer", vars(hypercorn_run)["TCPServer"])
    monkeypatch.setattr(ws_stream, "WebsocketBuffer", ws_stream.WebsocketBuffer)
    monkeypatch.setattr(hypercorn_hardening, "_close_timeout", hypercorn_hardening._close_timeout)
    hypercorn_hardening.harden_hypercorn(close_timeout=1.0)

    app_ended = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": CloseCode.SLOW_CLIENT})
        try:
            await asyncio.sleep(60)
        finally:
            app_ended.set()

    port = free_port()
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    shutdown = asyncio.Event()
    serving = asyncio.create_task(serve(app, config, shutdown_trigger=shutdown.wait))

    def connections() -> list[asyncio.Task[Any]]:
        return [
            task
            for task in asyncio.all_tasks()
            if task.get_coro().__qualname__.endswith("_server_callback")  # type: ignore[union-attr]
        ]

    try:
        for _ in range(200):
            with contextlib.suppress(ConnectionRefusedError):
                ws = await asyncio.to_thread(RawSocket, port, "/", rcvbuf=4096)
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the server did not start")
        try:
            # Far more frames than the app queue holds (10): the reader stalls.
            ws.send(b"".join(frame(TEXT, b'{"t":"ping"}') for _ in range(50)))
            await asyncio.wait_for(app_ended.wait(), 10)
            for _ in range(100):
                if not connections():
                    break
                await asyncio.sleep(0.05)
            assert connections() == []
        finally:
            ws.close()
    finally:
        shutdown.set()
        await asyncio.wait_for(serving, 10)
