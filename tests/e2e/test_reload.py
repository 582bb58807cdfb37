"""``run(app, reload=True)``: edits show up in an open page, without reloading it."""

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

GREETING = "from python v1"


class Count(BaseModel):
    greeting: str = GREETING
    clicks: int = 0


class Greeter(Component[Count]):
    template_file = "greeter.html"

    @on("up")
    async def up(self) -> None:
        self.state.clicks += 1


def create_app() -> Quart:
    app = Quart(__name__)
    LiveApp(app).page("/", Greeter, title="Reload")
    return app


if __name__ == "__main__":
    run("reloadapp:create_app()", reload=True)
"""

TEMPLATE = """<div>
  <p class="message">{{ state.greeting }}, template v1</p>
  <p class="clicks">{{ state.clicks }}</p>
  <button live-click="up">+</button>
</div>
"""


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "reloadapp.py").write_text(APP)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "greeter.html").write_text(TEMPLATE)
    return tmp_path


@pytest.fixture
def base(app_dir: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    env.pop("LIVECOMP_SECRET_KEY", None)
    process = subprocess.Popen([sys.executable, "reloadapp.py"], cwd=app_dir, env=env)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def test_a_template_edit_rerenders_the_open_page(app_dir: Path, base: str, page: Page) -> None:
    page.goto(base)
    expect(page.locator("body")).to_have_class("live-connected")
    page.get_by_role("button", name="+").click()
    expect(page.locator(".clicks")).to_have_text("1")
    page.evaluate("window.__sameDocument = true")

    template = app_dir / "templates" / "greeter.html"
    template.write_text(TEMPLATE.replace("template v1", "template v2"))

    message = page.locator(".message")
    expect(message).to_have_text("from python v1, template v2", timeout=10_000)
    # Re-rendered in place: same document, same state, still live.
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator(".clicks")).to_have_text("1")
    page.get_by_role("button", name="+").click()
    expect(page.locator(".clicks")).to_have_text("2")
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_a_python_edit_restarts_the_server_and_the_page_rejoins(
    app_dir: Path, base: str, page: Page
) -> None:
    page.goto(base)
    body = page.locator("body")
    expect(body).to_have_class("live-connected")
    page.evaluate("window.__sameDocument = true")

    module = app_dir / "reloadapp.py"
    module.write_text(APP.replace("from python v1", "from python v2"))

    # The restarted worker checks the page's token with the same key: the
    # page rejoins (no reload) and mounts with the new code.
    expect(page.locator(".message")).to_have_text("from python v2, template v1", timeout=20_000)
    expect(body).to_have_class("live-connected")
    assert page.evaluate("window.__sameDocument") is True
    page.get_by_role("button", name="+").click()
    expect(page.locator(".clicks")).to_have_text("1")


def test_a_worker_broken_by_an_edit_starts_again_at_the_next_edit(
    app_dir: Path, base: str, page: Page
) -> None:
    page.goto(base)
    body = page.locator("body")
    expect(body).to_have_class("live-connected")
    page.evaluate("window.__sameDocument = true")

    module = app_dir / "reloadapp.py"
    module.write_text(APP + "\nthis is not python\n")
    expect(body).to_have_class("live-disconnected", timeout=10_000)
    module.write_text(APP.replace("from python v1", "from python v3"))

    expect(page.locator(".message")).to_have_text("from python v3, template v1", timeout=20_000)
    expect(body).to_have_class("live-connected")
    assert page.evaluate("window.__sameDocument") is True
