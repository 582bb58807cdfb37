"""The Quart integration, over real HTTP and websockets against Hypercorn."""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import urllib.request
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel
from quart import Quart
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from conftest import serving
from livecomp import CloseCode, Component, LiveApp, on


class Temp(BaseModel):
    celsius: float = 19.5


class Thermo(Component[Temp]):
    template = '<div><p>{{ state.celsius }}</p><button live-click="up">+</button></div>'
    mounted = 0
    unmounted = 0

    async def mount(self) -> None:
        type(self).mounted += 1

    async def unmount(self) -> None:
        type(self).unmounted += 1

    @on("up")
    async def up(self) -> None:
        self.state.celsius += 1


@dataclass
class Server:
    base: str
    live: LiveApp

    @property
    def ws(self) -> str:
        return self.base.replace("http://", "ws://") + "/live/ws"

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, _lower(response.headers.items()), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, _lower(exc.headers.items()), ""

    async def token(self) -> str:
        _, _, html = await asyncio.to_thread(self.get, "/")
        found = re.search(r'live-token="([^"]+)"', html)
        assert found is not None
        return found.group(1)


def _lower(items: Any) -> dict[str, str]:
    return {str(key).lower(): str(value) for key, value in items}


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    app = Quart(__name__)
    live = LiveApp(app, max_frame_bytes=4096)
    live.page("/", Thermo, title="Thermo <test>")
    async with serving(app) as base:
        yield Server(base, live)


async def joined(server: Server, origin: str | None = None) -> ClientConnection:
    ws = await connect(server.ws, origin=Origin(origin or server.base))
    await ws.send(json.dumps({"t": "join", "token": await server.token()}))
    return ws


async def close_code(ws: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 5)
    return ws.close_code


def messages(frame: str | bytes) -> list[dict[str, Any]]:
    data = json.loads(frame)
    return data if isinstance(data, list) else [data]


async def test_get_renders_the_whole_page_with_token_and_script(server: Server) -> None:
    status, headers, html = await asyncio.to_thread(server.get, "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "<title>Thermo &lt;test&gt;</title>" in html
    assert re.search(r'<script defer src="/live.js\?v=[0-9a-f]{16}"></script>', html)
    assert '<div live-cid="c0"><p>19.5</p>' in html
    assert "live-token=" in html


async def test_the_script_is_served_with_an_etag(server: Server) -> None:
    status, headers, body = await asyncio.to_thread(server.get, "/live.js")
    assert status == 200 and "applyPatches" in body
    etag = headers["etag"]
    status, _, _ = await asyncio.to_thread(server.get, "/live.js", {"If-None-Match": etag})
    assert status == 304


async def test_join_is_unchanged_then_an_event_gets_patches_before_its_ack(server: Server) -> None:
    async with await joined(server) as ws:
        # The page mounted to what the GET rendered: the join says so and no more.
        [joined_as] = messages(await ws.recv())
        assert joined_as == {"t": "unchanged", "cid": "c0"}
        await ws.send(json.dumps({"t": "event", "ref": 1, "cid": "c0", "event": "up", "value": {}}))
        replies = messages(await ws.recv())
        assert [m["t"] for m in replies] == ["patch", "ack"]
        assert replies[0]["ops"] == [["text", [0, 0], "#text", "20.5"]]
        assert replies[1] == {"t": "ack", "ref": 1}


async def test_a_foreign_origin_is_closed_with_origin_forbidden(server: Server) -> None:
    ws = await connect(server.ws, origin=Origin("http://evil.example"))
    assert await close_code(ws) == CloseCode.ORIGIN_FORBIDDEN


async def test_a_socket_without_origin_is_closed_with_origin_forbidden(server: Server) -> None:
    ws = await connect(server.ws)
    assert await close_code(ws) == CloseCode.ORIGIN_FORBIDDEN


async def test_a_forged_token_is_closed_with_token_invalid(server: Server) -> None:
    ws = await connect(server.ws, origin=Origin(server.base))
    token = await server.token()
    await ws.send(json.dumps({"t": "join", "token": token[:-4] + "AAAA"}))
    assert await close_code(ws) == CloseCode.TOKEN_INVALID


async def test_an_oversized_frame_gets_an_error_and_the_socket_stays(server: Server) -> None:
    async with await joined(server) as ws:
        await ws.recv()
        await ws.send(json.dumps({"t": "event", "pad": "x" * 10_000}))
        [err] = messages(await ws.recv())
        assert err["t"] == "err" and err["code"] == "too_large"
        await ws.send(json.dumps({"t": "event", "ref": 2, "cid": "c0", "event": "up", "value": {}}))
        assert [m["t"] for m in messages(await ws.recv())] == ["patch", "ack"]


async def test_closing_the_socket_unmounts_the_page(server: Server) -> None:
    Thermo.mounted = Thermo.unmounted = 0
    async with await joined(server) as ws:
        await ws.recv()
    for _ in range(100):
        if not server.live.sessions:
            break
        await asyncio.sleep(0.02)
    assert server.live.sessions == set()
    assert Thermo.mounted == Thermo.unmounted == 2  # HTTP render + socket page


async def test_the_served_app_declines_websocket_compression_by_default(
    run_example: Callable[[str], str],
) -> None:
    base = run_example("thermostat")
    ws = await connect(base.replace("http://", "ws://") + "/live/ws", origin=Origin(base))
    async with ws:
        assert ws.response is not None
        assert "sec-websocket-extensions" not in ws.response.headers


def waiting_in(task: asyncio.Task[Any]) -> list[str]:
    """The qualified names of the coroutines ``task`` waits in, outermost first."""
    names: list[str] = []
    coroutine: Any = task.get_coro()
    while inspect.iscoroutine(coroutine):
        names.append(coroutine.cr_code.co_qualname)
        coroutine = coroutine.cr_await
    return names


async def test_an_idle_page_waits_in_three_coroutines_of_ours(server: Server) -> None:
    async with await joined(server) as ws:
        await ws.recv()
        await ws.send(json.dumps({"t": "event", "ref": 1, "cid": "c0", "event": "up", "value": {}}))
        await ws.recv()
        [chain] = [
            names[names.index("LiveApp._asgi_app") :]
            for task in asyncio.all_tasks()
            if "LiveSession.run" in (names := waiting_in(task))
        ]
        # Each coroutine an idle page keeps waiting costs it ~250 bytes: the
        # socket's route, the session, its read loop, then the server's own
        # receive (no AsgiTransport.receive, no _serve between them).
        ours = [name for name in chain if name.startswith(("LiveApp.", "LiveSession.", "Asgi"))]
        assert ours == ["LiveApp._asgi_app", "LiveSession.run", "LiveSession._read_loop"]
        assert chain[: len(ours)] == ours
