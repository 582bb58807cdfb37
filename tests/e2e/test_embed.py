"""``live_embed`` in Chromium against a real server: a live counter inside a
page the app renders itself, live while the host content and URL stay."""

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
from quart import Quart, render_template_string
from livecomp import Component, LiveApp, on, run

HOST = '''<!doctype html><html><head><title>Shop</title>{{ live_script() }}</head>
<body><h1 id="host">Welcome to the shop</h1>
{{ live_embed("/widgets/counter?step=2") }}
<a id="plain" live-patch href="?x=1">not a live link here</a>
<footer id="footer">static footer</footer></body></html>'''


class Count(BaseModel):
    n: int = 0
    step: int = 1


class Counter(Component[Count]):
    template = '''<div><p id="count">count {{ state.n }}</p>
      <button live-click="inc">+</button><button live-click="ten">step 10</button></div>'''

    async def mount(self) -> None:
        self.state.step = int(self.request.query.get("step", "1"))

    @on("inc")
    async def inc(self) -> None:
        self.state.n += self.state.step

    @on("ten")
    async def ten(self) -> None:
        await self.patch_url("?step=10")
        self.state.step = 10


def create_app() -> Quart:
    app = Quart(__name__)
    live = LiveApp(app)
    live.page("/widgets/counter", Counter)

    @app.get("/shop")
    async def shop() -> str:
        return await render_template_string(HOST)

    return app


if __name__ == "__main__":
    run(create_app())
"""


@pytest.fixture
def base(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "embedapp.py").write_text(APP)
    port = free_port()
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "embedapp.py"], cwd=tmp_path, env=env)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def test_an_embedded_counter_is_live_while_the_host_page_stays(base: str, page: Page) -> None:
    page.goto(base + "/shop")
    expect(page.locator("body")).to_have_class("live-connected")
    page.evaluate("window.sameDocument = true")
    count = page.locator("#count")
    expect(count).to_have_text("count 0")

    page.get_by_role("button", name="+").click()
    expect(count).to_have_text("count 2")
    page.get_by_role("button", name="+").click()
    expect(count).to_have_text("count 4")

    # patch_url inside the embedded page leaves the address bar alone.
    page.get_by_role("button", name="step 10").click()
    page.get_by_role("button", name="+").click()
    expect(count).to_have_text("count 14")

    expect(page).to_have_url(base + "/shop")
    expect(page).to_have_title("Shop")
    expect(page.locator("#host")).to_have_text("Welcome to the shop")
    expect(page.locator("#footer")).to_have_text("static footer")
    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate("window.livecomp.resyncs") == 0
