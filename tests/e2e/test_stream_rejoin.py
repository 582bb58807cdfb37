"""A join's render is the whole truth of a stream: after a reconnect the
list is what the page mounted to, not what the browser kept (Phoenix
LiveView resets a stream on rejoin too). Other client-owned containers
keep their children, as ever."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.e2e.harness import ORIGIN, deliver, join, live_page_html, serve_site

ROOT = (
    '<div live-cid="c0">'
    '<ul id="feed" live-update="stream"><li live-id="a">A</li><li live-id="b">B</li></ul>'
    '<ol id="log" live-update="append"><li id="l1">one</li></ol>'
    "</div>"
)
#: What the page mounts to after the reconnect: "a" was deleted meanwhile.
REJOINED = (
    '<div live-cid="c0">'
    '<ul id="feed" live-update="stream"><li live-id="b">B2</li><li live-id="c">C</li></ul>'
    '<ol id="log" live-update="append"><li id="l2">two</li></ol>'
    "</div>"
)


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context: BrowserContext = chromium.new_context()
    serve_site(context, {"/": live_page_html(ROOT)}.get)
    tab = context.new_page()
    tab.goto(f"{ORIGIN}/")
    yield tab
    context.close()


def items(page: Page, selector: str) -> list[str]:
    texts: list[str] = page.eval_on_selector_all(
        f"{selector} > li", "els => els.map(e => e.textContent)"
    )
    return texts


def test_a_rejoin_render_resets_the_stream_and_keeps_appended_lines(page: Page) -> None:
    join(page)
    assert items(page, "#feed") == ["A", "B"]
    page.evaluate("window.sockets.at(-1).shut(1011)")
    page.wait_for_function("window.sockets.length === 2", timeout=3000)
    page.evaluate("window.sockets.at(-1).open()")
    deliver(page, {"t": "render", "cid": "c0", "html": REJOINED})
    assert items(page, "#feed") == ["B2", "C"]
    # An append list is the client's: it keeps its line and gains the new one.
    assert items(page, "#log") == ["one", "two"]
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_a_resync_render_after_the_join_keeps_the_stream(page: Page) -> None:
    join(page)
    deliver(page, {"t": "render", "cid": "c0", "html": REJOINED})
    # Joined: a render (a resync's) upserts into the list the browser holds.
    assert items(page, "#feed") == ["A", "B2", "C"]
