"""Shared fixtures: real servers on free loopback ports.

Nothing here imports Playwright, so the unit tests run where it is missing;
the browser fixtures live with the browser tests (``tests/e2e/browser.py``).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from hypercorn.asyncio import serve
from hypercorn.config import Config
from quart import Quart

ROOT = Path(__file__).resolve().parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """Block until something accepts connections on ``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on port {port} after {timeout} s")


@asynccontextmanager
async def serving(app: Quart) -> AsyncIterator[str]:
    """Serve ``app`` with Hypercorn in this event loop on a free loopback port,
    for the length of an ``async with``; give its base URL once it listens."""
    port = free_port()
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    stopping = asyncio.Event()
    task = asyncio.create_task(serve(app, config, shutdown_trigger=stopping.wait))
    try:
        for _ in range(200):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        stopping.set()
        await task


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop one server process by its PID, politely first."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class ExampleServers:
    """Starts ``python -m examples.<name>`` on free ports, keeping each one's
    output (its log lines, tracebacks) in a file a test can read."""

    def __init__(self, logs: Path) -> None:
        self._logs = logs
        self._started: list[subprocess.Popen[bytes]] = []
        self._outputs: dict[str, Path] = {}

    def __call__(self, name: str) -> str:
        """Start example ``name``; return its base URL."""
        port = free_port()
        env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
        output = self._logs / f"{name}-{port}.log"
        with output.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", f"examples.{name}"],
                cwd=ROOT,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        self._started.append(process)
        self._outputs[name] = output
        wait_for_port(port, process)
        return f"http://127.0.0.1:{port}"

    def output(self, name: str) -> str:
        """What example ``name`` (the last one started) printed so far."""
        return self._outputs[name].read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self._started:
            stop(process)


@pytest.fixture
def run_example(tmp_path: Path) -> Iterator[ExampleServers]:
    """Start ``python -m examples.<name>`` on a free port; return its base URL."""
    servers = ExampleServers(tmp_path)
    yield servers
    servers.stop_all()


@pytest.fixture(autouse=True)
def shared_empty_lists_stay_empty() -> Iterator[None]:
    """The empty lists idle pages share in place of their own (an outbox, a
    mailbox's waiters, a flush's stream ops) are never added to: a test that
    did would leak items into every other page."""
    from livecomp import actor, page, session

    yield
    shared = {
        "session._NONE": session._NONE,
        "page._NO_STREAMED": page._NO_STREAMED,
        "actor._NO_WAITERS": actor._NO_WAITERS,
        "actor._NO_MAIL": actor._NO_MAIL,
    }
    filled = [name for name, items in shared.items() if items]
    assert not filled, f"shared empty lists were added to: {filled}"
