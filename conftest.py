"""Shared fixtures: real servers on free loopback ports, and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop one server process by its PID, politely first."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def run_example() -> Iterator[Callable[[str], str]]:
    """Start ``python -m examples.<name>`` on a free port; return its base URL."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> str:
        port = free_port()
        env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            [sys.executable, "-m", f"examples.{name}"], cwd=ROOT, env=env
        )
        started.append(process)
        wait_for_port(port, process)
        return f"http://127.0.0.1:{port}"

    yield start
    for process in started:
        stop(process)


@pytest.fixture
def playwright() -> Iterator[Playwright]:
    # Function scope: Playwright's sync API keeps an event loop running while
    # it is started, which would stop pytest-asyncio from running async tests.
    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium package")
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()
