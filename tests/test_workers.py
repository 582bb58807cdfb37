"""``run(app, workers=2)``: two processes serve one site, and pages join on either."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator

import pytest
from quart import Quart
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from conftest import ROOT, free_port, stop, wait_for_port
from livecomp import run
from livecomp.serving import loop_factory, run_on_loop

PID = re.compile(r"pid=(\d+) clicks=(\d+)")


@pytest.fixture
def server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The base URL of ``tests.workers_app`` on a free port, and its parent process."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    # No key configured: the parent makes one and hands it to both workers.
    env.pop("LIVECOMP_SECRET_KEY", None)
    process = subprocess.Popen([sys.executable, "-m", "tests.workers_app"], cwd=ROOT, env=env)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop(process)


def get_page(base: str) -> tuple[str, int]:
    """The token of a fresh page at ``/`` and the PID of the worker that rendered it."""
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        html = response.read().decode()
    token = re.search(r'live-token="([^"]+)"', html)
    pid = PID.search(html)
    assert token is not None and pid is not None
    # Each worker runs on uvloop, installed with livecomp: run()'s "auto".
    assert "loop=uvloop" in html, html
    return token.group(1), int(pid.group(1))


async def join_and_click(base: str, token: str) -> tuple[ClientConnection, int]:
    """Join a page, click its button; the socket and the PID of the worker serving it."""
    ws = await connect(base.replace("http://", "ws://") + "/live/ws", origin=Origin(base))
    await ws.send(json.dumps({"t": "join", "token": token}))
    rendered = json.loads(await asyncio.wait_for(ws.recv(), 10))
    rendered = rendered if isinstance(rendered, list) else [rendered]
    # Unchanged when the worker that rendered the page (its PID in it) joins it.
    assert rendered[0]["t"] in ("render", "unchanged"), rendered
    cid = rendered[0]["cid"]
    await ws.send(json.dumps({"t": "event", "ref": 1, "cid": cid, "event": "up", "value": {}}))
    reply = await asyncio.wait_for(ws.recv(), 10)
    assert '"ack"' in str(reply), reply
    found = PID.search(str(reply))
    assert found is not None and found.group(2) == "1", reply
    return ws, int(found.group(1))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_pages_join_on_both_workers_with_tokens_from_either(
    server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, process = server
    sockets: list[ClientConnection] = []
    served: set[int] = set()
    crossed = 0
    try:
        # The kernel picks the worker of each connection: open pages (and
        # keep them open) until both served sockets and a token crossed.
        for _ in range(60):
            token, get_pid = await asyncio.to_thread(get_page, base)
            ws, socket_pid = await join_and_click(base, token)
            sockets.append(ws)
            served.add(socket_pid)
            crossed += socket_pid != get_pid
            if len(served) == 2 and crossed and len(sockets) >= 6:
                break
        assert len(served) == 2, f"one worker served all {len(sockets)} sockets"
        assert crossed, "no page joined on another worker than the one that rendered it"
        assert process.pid not in served
    finally:
        for ws in sockets:
            await ws.close()
    # Stopping the parent by its PID stops its workers.
    await asyncio.to_thread(stop, process)
    assert process.returncode == 0
    leftovers = [pid for pid in served if alive(pid)]
    for pid in leftovers:
        os.kill(pid, signal.SIGKILL)
    assert not leftovers


def test_workers_need_an_import_string() -> None:
    with pytest.raises(TypeError, match=r'run\("myapp:create_app\(\)"'):
        run(Quart(__name__), workers=2)
    with pytest.raises(TypeError, match="reload=True"):
        run(Quart(__name__), reload=True)
    with pytest.raises(ValueError, match="at least 1"):
        run("tests.workers_app:create_app()", workers=0)


def test_the_event_loop_is_uvloop_unless_asked_otherwise() -> None:
    import uvloop

    assert loop_factory("auto") is uvloop.new_event_loop
    assert loop_factory("uvloop") is uvloop.new_event_loop
    assert loop_factory("asyncio") is None
    seen: list[str] = []

    async def which() -> None:
        seen.append(type(asyncio.get_running_loop()).__module__)

    run_on_loop(which())
    run_on_loop(which(), "asyncio")
    assert seen[0].startswith("uvloop") and seen[1].startswith("asyncio"), seen
    with pytest.raises(ValueError, match="loop must be one of"):
        run(Quart(__name__), loop="trio")  # type: ignore[arg-type]


def test_asking_for_uvloop_without_it_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # its import now fails
    assert loop_factory("auto") is None
    with pytest.raises(RuntimeError, match=r"pip install uvloop.*loop='asyncio'"):
        loop_factory("uvloop")
