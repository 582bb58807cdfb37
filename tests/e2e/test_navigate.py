"""``navigate`` in Chromium against a real server: another live page swapped
in over the same socket, without a page load; back returns to the first."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import free_port, stop, wait_for_port

APP = """
from pydantic import BaseModel
from quart import Quart
from livecomp import Component, LiveApp, on, run

HOOKS = '''<script>
window.hookLog = [];
window.Hooks = {Mark: {
  mounted() { window.hookLog.push("mounted " + this.el.id); },
  destroyed() { window.hookLog.push("destroyed " + this.el.id); },
}};
</script>'''


class Count(BaseModel):
    n: int = 0


class Start(Component[Count]):
    template = '''<div><h1>Start</h1><span id="start-mark" live-hook="Mark"></span>
      <button live-click="go">Go</button></div>'''

    @on("go")
    async def go(self) -> None:
        self.navigate("/second/7")


class Second(Component[Count]):
    template = '''<div><h1>Second {{ state.n }}</h1><span id="second-mark" live-hook="Mark"></span>
      <button live-click="inc">+</button></div>'''

    @on("inc")
    async def inc(self) -> None:
        self.state.n += 1


def create_app() -> Quart:
    app = Quart(__name__)
    live = LiveApp(app)
    live.page("/", Start, title="Start", head=HOOKS)
    live.page("/second/<int:uid>", Second, title="Second", head=HOOKS)
    return app


if __name__ == "__main__":
    run(create_app())
"""


@pytest.fixture
def base(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "navapp.py").write_text(APP)
    port = free_port()
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "navapp.py"], cwd=tmp_path, env=env)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def test_navigate_swaps_in_another_live_page_without_a_load(base: str, page: Page) -> None:
    page.goto(base + "/")
    body = page.locator("body")
    expect(body).to_have_class("live-connected")
    expect(page.locator("h1")).to_have_text("Start")
    page.evaluate("window.sameDocument = true")
    assert page.evaluate("window.hookLog") == ["mounted start-mark"]

    page.get_by_role("button", name="Go").click()
    expect(page).to_have_url(base + "/second/7")
    expect(page.locator("h1")).to_have_text("Second 0")
    expect(page).to_have_title("Second")
    assert page.evaluate("window.hookLog") == [
        "mounted start-mark",
        "destroyed start-mark",
        "mounted second-mark",
    ]
    # The new page is live: its events reach it over the same socket.
    page.get_by_role("button", name="+").click()
    expect(page.locator("h1")).to_have_text("Second 1")
    assert page.evaluate("window.sameDocument") is True

    page.go_back()
    expect(page).to_have_url(base + "/")
    expect(page.locator("h1")).to_have_text("Start")
    expect(body).to_have_class("live-connected")
    page.go_forward()
    expect(page.locator("h1")).to_have_text("Second 0")  # mounted anew
    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_a_reload_after_navigate_opens_the_new_page(base: str, page: Page) -> None:
    page.goto(base + "/")
    expect(page.locator("body")).to_have_class("live-connected")
    page.get_by_role("button", name="Go").click()
    expect(page.locator("h1")).to_have_text("Second 0")
    page.reload()
    expect(page.locator("body")).to_have_class("live-connected")
    page.get_by_role("button", name="+").click()
    expect(page.locator("h1")).to_have_text("Second 1")
