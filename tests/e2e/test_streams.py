"""Streams in Chromium, against a real server.

The page below holds a stream the server forgets after each render; its
buttons insert at the end and at the start, update an item in place, delete
one, delete and update keys the page lacks, reset the list and trim it with
a limit at both ends. Each test checks the list the browser shows, that the
items' nodes that stay are the very same ones, and that no resync happened.

Run as ``python -m tests.e2e.test_streams`` with ``$PORT`` set to serve the
page by itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from pydantic import BaseModel
from quart import Quart

from conftest import ROOT, free_port, stop, wait_for_port
from livecomp import Component, LiveApp, on, run


class State(BaseModel):
    next: int = 3
    title: str = "Feed"


def item(n: int, text: str = "") -> dict[str, str]:
    return {"id": str(n), "text": text or f"item {n}"}


class Feed(Component[State]):
    template = """<main>
  <h1>{{ state.title }}</h1>
  <ul id="feed" live-update="stream">
    {%- for key, it in streams.feed %}<li live-id="{{ key }}">{{ it.text }}</li>{% endfor -%}
  </ul>
  <button live-click="append">Append</button>
  <button live-click="prepend">Prepend</button>
  <button live-click="update">Update</button>
  <button live-click="delete">Delete</button>
  <button live-click="missing">Missing</button>
  <button live-click="reset">Reset</button>
  <button live-click="last-two">Last two</button>
  <button live-click="first-two">First two</button>
  <button live-click="retitle">Retitle</button>
</main>"""

    async def mount(self) -> None:
        self.stream("feed", [item(n) for n in range(3)])

    def _next(self) -> int:
        self.state.next += 1
        return self.state.next - 1

    @on("append")
    async def append(self) -> None:
        self.stream_insert("feed", item(self._next()))

    @on("prepend")
    async def prepend(self) -> None:
        self.stream_insert("feed", item(self._next()), at=0)

    @on("update")
    async def update_one(self) -> None:
        self.stream_insert("feed", item(1, "item 1 (edited)"), at=0)

    @on("delete")
    async def delete(self) -> None:
        self.stream_delete("feed", "2")

    @on("missing")
    async def missing(self) -> None:
        self.stream_delete("feed", "404")
        self.stream_insert("feed", item(405), update_only=True)

    @on("reset")
    async def reset(self) -> None:
        self.stream("feed", [item(self._next()), item(self._next())], reset=True)

    @on("last-two")
    async def last_two(self) -> None:
        self.stream_insert("feed", item(self._next()), limit=-2)

    @on("first-two")
    async def first_two(self) -> None:
        self.stream_insert("feed", item(self._next()), at=0, limit=2)

    @on("retitle")
    async def retitle(self) -> None:
        self.state.title = "News"


def create_app() -> Quart:
    app = Quart(__name__)
    LiveApp(app).page("/", Feed, title="streams")
    return app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "tests.e2e.test_streams"], cwd=ROOT, env=env)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def open_feed(page: Page, base_url: str) -> None:
    page.goto(base_url)
    expect(page.locator("body")).to_have_class("live-connected")
    # Every item node on the page now is marked: one that stays keeps the mark.
    page.evaluate("document.querySelectorAll('#feed li').forEach(li => li.mark = true)")


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def unmarked(page: Page) -> list[str]:
    return list(
        page.evaluate(
            "() => [...document.querySelectorAll('#feed li')]"
            ".filter(li => !li.mark).map(li => li.textContent)"
        )
    )


def test_inserts_at_both_ends_updates_and_deletes(page: Page, base_url: str) -> None:
    open_feed(page, base_url)
    feed = page.locator("#feed li")
    expect(feed).to_have_text(["item 0", "item 1", "item 2"])
    click(page, "Append")
    expect(feed).to_have_text(["item 0", "item 1", "item 2", "item 3"])
    click(page, "Prepend")
    expect(feed).to_have_text(["item 4", "item 0", "item 1", "item 2", "item 3"])
    click(page, "Update")
    expect(feed).to_have_text(["item 4", "item 0", "item 1 (edited)", "item 2", "item 3"])
    click(page, "Delete")
    expect(feed).to_have_text(["item 4", "item 0", "item 1 (edited)", "item 3"])
    # The rest of the component is patched as ever; the list stays.
    click(page, "Retitle")
    expect(page.locator("h1")).to_have_text("News")
    expect(feed).to_have_count(4)
    assert unmarked(page) == ["item 4", "item 3"]
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_keys_the_page_lacks_are_skipped_and_counted_without_a_resync(
    page: Page, base_url: str
) -> None:
    open_feed(page, base_url)
    assert page.evaluate("window.livecomp.streamMisses") == 0
    click(page, "Missing")
    page.wait_for_function("window.livecomp.streamMisses === 2")
    expect(page.locator("#feed li")).to_have_text(["item 0", "item 1", "item 2"])
    assert unmarked(page) == []
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_reset_and_limits_at_both_ends(page: Page, base_url: str) -> None:
    open_feed(page, base_url)
    feed = page.locator("#feed li")
    click(page, "Last two")
    expect(feed).to_have_text(["item 2", "item 3"])
    click(page, "First two")
    expect(feed).to_have_text(["item 4", "item 2"])
    click(page, "Reset")
    expect(feed).to_have_text(["item 5", "item 6"])
    assert unmarked(page) == ["item 5", "item 6"]
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_a_resync_render_keeps_the_list(page: Page, base_url: str) -> None:
    open_feed(page, base_url)
    click(page, "Append")
    expect(page.locator("#feed li")).to_have_count(4)
    # A damaged title makes the next patch miss: the server answers with a render.
    page.evaluate("document.querySelector('h1').firstChild.remove()")
    click(page, "Retitle")
    expect(page.locator("h1")).to_have_text("News")
    assert page.evaluate("window.livecomp.resyncs") == 1
    expect(page.locator("#feed li")).to_have_text(["item 0", "item 1", "item 2", "item 3"])
    assert unmarked(page) == ["item 3"]


if __name__ == "__main__":
    run(create_app())
