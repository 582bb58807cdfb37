"""A minimal live-page client over real HTTP and websockets, for load tests.

It does what the browser client does, minus the DOM: GET the page, take the
signed ``live-token`` from it, open the websocket with the page's own
``Origin``, join, wait for the root ``render``, then send events and read
frames until the event's ``ack``. Every network wait has a timeout, so a
stuck server fails the benchmark instead of hanging it.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from bench.scenarios import child_cids

_TOKEN = re.compile(rb'live-token="([^"]+)"')
#: Seconds any single network step may take before the client gives up.
STEP_TIMEOUT = 30.0
SOCKET_PATH = "/live/ws"


class ClientError(Exception):
    """The server did not behave like a live page server should."""


class EventRefused(ClientError):
    """The server answered an event with ``err`` instead of ``ack``."""


async def http_get(base: str, path: str) -> bytes:
    """GET ``base + path`` and return the body; raise ClientError unless 200 OK.

    A hand-written HTTP/1.1 GET: the venv has no async HTTP client, and one
    request per page needs nothing more than this.
    """
    parts = urlsplit(base)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or 80
    async with asyncio.timeout(STEP_TIMEOUT):
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            response = await reader.read()  # Connection: close ends the body
        finally:
            writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0]
    if b" 200 " not in status:
        raise ClientError(f"GET {path} answered {status.decode(errors='replace')!r}")
    if b"transfer-encoding: chunked" in head.lower():
        body = _unchunk(body)
    return body


def _unchunk(body: bytes) -> bytes:
    out = bytearray()
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";", 1)[0], 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return bytes(out)


async def fetch_token(base: str, path: str) -> str:
    """GET the page at ``base + path`` and return its ``live-token``."""
    return (await fetch_page(base, path))[0]


async def fetch_page(base: str, path: str) -> tuple[str, str]:
    """GET the page at ``base + path``: its ``live-token`` and its document."""
    body = await http_get(base, path)
    found = _TOKEN.search(body)
    if found is None:
        raise ClientError(f"GET {path} returned a page without a live-token")
    return found.group(1).decode(), body.decode()


def messages(frame: str | bytes) -> list[dict[str, Any]]:
    """The messages of one server frame: one object or a batch (a JSON array)."""
    data = json.loads(frame)
    return data if isinstance(data, list) else [data]


@dataclass
class LiveClient:
    """One joined page: its socket, its root component id, the last event ref.

    ``targets`` holds the component ids found in the joined render for the
    tag the page was opened with (``open_page(target_tag=...)``), in page
    order, as a browser would find them in its DOM.
    """

    ws: ClientConnection
    cid: str
    extensions: str | None
    ref: int = 0
    targets: list[str] = field(default_factory=list)

    async def event(self, event: str, value: dict[str, Any], cid: str | None = None) -> None:
        """Send one event to ``cid`` (the root by default) and wait for its ack;
        patches before it are read and dropped.

        Raises EventRefused if the server answered with ``err``.
        """
        self.ref += 1
        ref = self.ref
        frame = {"t": "event", "ref": ref, "cid": cid or self.cid, "event": event, "value": value}
        async with asyncio.timeout(STEP_TIMEOUT):
            await self.ws.send(json.dumps(frame))
            while True:
                for message in messages(await self.ws.recv()):
                    kind = message.get("t")
                    if kind == "ack" and message.get("ref") == ref:
                        return
                    if kind == "err":
                        raise EventRefused(f"{message.get('code')}: {message.get('reason')}")

    async def close(self) -> None:
        async with asyncio.timeout(STEP_TIMEOUT):
            await self.ws.close()


async def open_page(
    base: str, path: str, *, compression: str | None = None, target_tag: str | None = None
) -> LiveClient:
    """GET the page at ``path``, open its socket and join; return once rendered.

    ``compression=None`` offers no extension; ``"deflate"`` offers
    permessage-deflate as websockets (and browsers) do by default. With
    ``target_tag``, the ids of the components whose root is such an element
    are read from the joined render into ``targets``; finding none is an error.
    """
    token, document = await fetch_page(base, path)
    url = base.replace("http://", "ws://", 1) + SOCKET_PATH
    ws = await connect(
        url,
        origin=Origin(base),
        compression=compression,
        # Idle pages must stay idle: no keepalive pings from the client.
        ping_interval=None,
        open_timeout=STEP_TIMEOUT,
        close_timeout=5,
        max_size=4 * 1024 * 1024,
    )
    try:
        async with asyncio.timeout(STEP_TIMEOUT):
            await ws.send(json.dumps({"t": "join", "token": token}))
            first = messages(await ws.recv())
    except BaseException:
        await ws.close()
        raise
    # The root's render, or "unchanged": the page is the document's, as served.
    render = next((m for m in first if m.get("t") in ("render", "unchanged")), None)
    if render is None:
        raise ClientError(f"expected a render after join, got {first!r:.200}")
    extensions = ws.response.headers.get("Sec-WebSocket-Extensions") if ws.response else None
    client = LiveClient(ws=ws, cid=str(render["cid"]), extensions=extensions)
    if target_tag is not None:
        html = str(render["html"]) if render["t"] == "render" else document
        client.targets = child_cids(html, target_tag)
        if not client.targets:
            await ws.close()
            raise ClientError(f"the render of {path} has no <{target_tag} live-cid=...>")
    return client


async def open_pages(
    base: str,
    path: str,
    count: int,
    *,
    compression: str | None = None,
    concurrency: int = 32,
    target_tag: str | None = None,
) -> list[LiveClient]:
    """Open ``count`` joined pages, at most ``concurrency`` handshakes at a time.

    Bounded so the server's listen backlog never overflows. If any page
    fails, the ones already open are closed and the error propagates.
    """
    gate = asyncio.Semaphore(concurrency)

    async def one() -> LiveClient:
        async with gate:
            return await open_page(base, path, compression=compression, target_tag=target_tag)

    results = await asyncio.gather(*(one() for _ in range(count)), return_exceptions=True)
    clients = [r for r in results if isinstance(r, LiveClient)]
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        await close_all(clients)
        raise ClientError(f"{len(failures)} of {count} pages failed to open") from failures[0]
    return clients


async def close_all(clients: list[LiveClient], concurrency: int = 64) -> None:
    """Close every client's socket, a bounded number at a time, ignoring errors."""
    gate = asyncio.Semaphore(concurrency)

    async def one(client: LiveClient) -> None:
        async with gate:
            await client.close()

    await asyncio.gather(*(one(c) for c in clients), return_exceptions=True)
