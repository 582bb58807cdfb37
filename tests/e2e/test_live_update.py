"""``live-update`` in Chromium, against a real server.

The page below holds an ``ignore`` container that a small inline script (no
hook, no livecomp: a stand-in for a map or chart library) fills and keeps
changing, and an ``append`` and a ``prepend`` list of lines of which the
server keeps only the newest two. The tests click around and above those
containers (text before and after them, their own attributes), make the
diff fall back to a ``replace`` of the root (the containers move to another
parent), and force a ``render`` (a resync), and check that the script's
nodes, the very same ones, and every line stay where they were.

Run as ``python -m tests.e2e.test_live_update`` with ``$PORT`` set to serve
the page by itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, WebSocket, expect
from pydantic import BaseModel
from quart import Quart

from conftest import ROOT, free_port, stop, wait_for_port
from livecomp import Component, LiveApp, on, run

KEEP = 2

#: The third party: fills #map once the document is parsed, and ticks in it.
SCRIPT = """<script>
document.addEventListener("DOMContentLoaded", () => {
  const map = document.getElementById("map");
  const drawn = document.createElement("b");
  drawn.className = "third";
  drawn.textContent = "0";
  map.replaceChildren(drawn, document.createElement("canvas"));
  window.third = drawn;
  window.ticks = 0;
  setInterval(() => { drawn.textContent = String(++window.ticks); }, 20);
});
</script>"""


class State(BaseModel):
    title: str = "one"
    count: int = 0
    lines: list[int] = []
    moved: bool = False


class Board(Component[State]):
    template = """<main>
  <h1>{{ state.title }}</h1>
  <p class="before">{{ state.count }}</p>
  <{{ "aside" if state.moved else "section" }} class="box">
    <div id="map" live-update="ignore" class="map {{ state.title }}"><p>loading</p></div>
    <ol id="log" live-update="append">
      {%- for n in state.lines %}<li id="a{{ n }}">line {{ n }}</li>{% endfor -%}
    </ol>
    <ul id="news" live-update="prepend">
      {%- for n in state.lines %}<li live-id="{{ n }}">news {{ n }}</li>{% endfor -%}
    </ul>
  </{{ "aside" if state.moved else "section" }}>
  <p class="after">{{ state.count }}</p>
  <button live-click="add">Add</button>
  <button live-click="retitle">Retitle</button>
  <button live-click="move">Move</button>
</main>"""

    @on("add")
    async def add(self) -> None:
        self.state.count += 1
        self.state.lines = [*self.state.lines, self.state.count][-KEEP:]

    @on("retitle")
    async def retitle(self) -> None:
        self.state.title = "two" if self.state.title == "one" else "one"

    @on("move")
    async def move(self) -> None:
        self.state.moved = not self.state.moved


def create_app() -> Quart:
    app = Quart(__name__)
    LiveApp(app).page("/", Board, title="live-update", head=SCRIPT)
    return app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.test_live_update"], cwd=ROOT, env=env
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def open_board(page: Page, base_url: str) -> list[str]:
    """Open the page; return the list the frames the server sends are put in."""
    frames: list[str] = []

    def watch(ws: WebSocket) -> None:
        ws.on("framereceived", lambda payload: frames.append(str(payload)))

    page.on("websocket", watch)
    page.goto(base_url)
    expect(page.locator("body")).to_have_class("live-connected")
    page.wait_for_function("window.ticks > 2")
    return frames


def assert_script_nodes_kept(page: Page) -> None:
    """The script's nodes are still in #map, the very same ones, still ticking."""
    assert page.evaluate(
        "() => { const map = document.getElementById('map');"
        " return map.contains(window.third) && map.children.length === 2"
        " && map.lastElementChild.localName === 'canvas'; }"
    )
    ticks = page.evaluate("window.ticks")
    page.wait_for_function(
        f"window.ticks > {ticks} && window.third.textContent === String(window.ticks)"
    )
    expect(page.locator("#map p")).to_have_count(0)


def test_a_script_s_nodes_in_an_ignore_container_survive_every_patch_and_render(
    page: Page, base_url: str
) -> None:
    frames = open_board(page, base_url)
    assert_script_nodes_kept(page)

    # Patches above, around and after the container, and to its own attributes.
    page.get_by_role("button", name="Add").click()
    expect(page.locator("p.after")).to_have_text("1")
    page.get_by_role("button", name="Retitle").click()
    expect(page.locator("h1")).to_have_text("two")
    expect(page.locator("#map")).to_have_class("map two")
    assert_script_nodes_kept(page)

    # The containers move to another parent: one replace of the root, morphed.
    page.get_by_role("button", name="Move").click()
    expect(page.locator("aside.box #map")).to_have_count(1)
    assert any('["replace",[],"main"' in frame for frame in frames), frames
    assert_script_nodes_kept(page)

    # A render of the whole component (the answer to a resync) keeps them too.
    page.evaluate("document.querySelector('p.after').firstChild.remove()")
    page.get_by_role("button", name="Add").click()
    expect(page.locator("p.after")).to_have_text("2")
    assert page.evaluate("window.livecomp.resyncs") == 1
    assert any('"t":"render"' in frame for frame in frames[1:]), frames
    assert_script_nodes_kept(page)
    expect(page.locator("#map")).to_have_class("map two")


def test_appended_and_prepended_lines_outlive_the_server_s_state(page: Page, base_url: str) -> None:
    frames = open_board(page, base_url)
    add = page.get_by_role("button", name="Add")
    for n in range(1, 6):
        add.click()
        expect(page.locator("p.before")).to_have_text(str(n))
    log, news = page.locator("#log li"), page.locator("#news li")
    expect(log).to_have_text([f"line {n}" for n in range(1, 6)])
    expect(news).to_have_text([f"news {n}" for n in range(5, 0, -1)])
    # Each add sent its one new line, never a removal.
    upserts = [frame for frame in frames if '"upsert"' in frame]
    assert upserts and all('"remove"' not in frame for frame in upserts)
    assert '<li id=\\"a5\\">line 5</li>"' in upserts[-1]
    assert "line 4" not in upserts[-1]

    # Mark the lines' nodes; a root replace (the lists move) and a render keep them.
    page.evaluate("document.querySelectorAll('#log li, #news li').forEach(li => li.mark = true)")
    page.get_by_role("button", name="Move").click()
    expect(page.locator("aside.box #log li")).to_have_count(5)
    page.evaluate("document.querySelector('p.before').firstChild.remove()")
    add.click()
    expect(page.locator("p.after")).to_have_text("6")
    assert page.evaluate("window.livecomp.resyncs") == 1
    expect(log).to_have_text([f"line {n}" for n in range(1, 7)])
    expect(news).to_have_text([f"news {n}" for n in range(6, 0, -1)])
    assert page.evaluate(
        "() => [...document.querySelectorAll('#log li, #news li')]"
        ".filter(li => !li.mark).map(li => li.textContent)"
    ) == ["line 6", "news 6"]


if __name__ == "__main__":
    run(create_app())
