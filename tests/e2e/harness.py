"""What the client's browser tests share: the bundle, a scripted socket, a fake site.

The key idea: these tests run the real client bundle in Chromium with no
server. ``FAKE_SOCKET`` replaces ``WebSocket`` so a test can deliver any
frame and read everything the client sent; ``serve_site`` answers the
context's requests for ``ORIGIN`` (the bundle, then the pages a test
module serves); ``bundle_page`` is a blank page with the bundle loaded, for
driving ``window.livecomp.applyPatches`` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

BUNDLE = Path(__file__).resolve().parents[2] / "livecomp" / "js" / "dist" / "live.js"
ORIGIN = "http://livecomp.test"

# A WebSocket stand-in: records what the client sends; the test drives it.
FAKE_SOCKET = """
window.sockets = [];
class FakeSocket {
  constructor(url) {
    this.url = String(url);
    this.sent = [];
    this.readyState = 0;
    window.sockets.push(this);
  }
  send(data) { this.sent.push(JSON.parse(data)); }
  close() {}
  open() { this.readyState = 1; this.onopen && this.onopen(new Event("open")); }
  deliver(frame) {
    this.onmessage && this.onmessage(new MessageEvent("message", { data: JSON.stringify(frame) }));
  }
  shut(code) {
    this.readyState = 3;
    this.onclose && this.onclose(new CloseEvent("close", { code }));
  }
}
FakeSocket.CONNECTING = 0; FakeSocket.OPEN = 1; FakeSocket.CLOSING = 2; FakeSocket.CLOSED = 3;
window.WebSocket = FakeSocket;
window.loads = Number(sessionStorage.getItem("test:loads") || 0) + 1;
sessionStorage.setItem("test:loads", String(window.loads));
"""


def live_page_html(root: str, head: str = "") -> str:
    """A live page document holding ``root`` as its root component."""
    return (
        f"<!doctype html><html><head><script src='/live.js'></script>{head}</head><body>"
        "<div live-page live-token='TOKEN' live-socket='/live/ws'>"
        f"{root}</div></body></html>"
    )


def serve_site(
    context: BrowserContext,
    page_at: Callable[[str], str | None],
    other: Callable[[Route, str], bool] | None = None,
) -> None:
    """Make ``context`` a browser of a fake site at ``ORIGIN`` whose sockets are
    ``FAKE_SOCKET``: ``/live.js`` is the bundle, a path ``page_at`` answers is
    that HTML, ``other(route, path)`` may answer the rest, else 404."""
    context.add_init_script(FAKE_SOCKET)

    def serve(route: Route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path.split("?")[0] == "/live.js":
            route.fulfill(path=str(BUNDLE), content_type="text/javascript")
        elif (html := page_at(path)) is not None:
            route.fulfill(body=html, content_type="text/html; charset=utf-8")
        elif other is None or not other(route, path):
            route.fulfill(status=404, body="not found")

    context.route(f"{ORIGIN}/**", serve)


def bundle_page(browser: Browser) -> Page:
    """A blank page in a new context with the client bundle loaded (no
    ``[live-page]``, so the client stays idle); close its context after."""
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: run `npm run build` in livecomp/js")
    page = browser.new_context().new_page()
    page.set_content("<!doctype html><html><head></head><body></body></html>")
    page.add_script_tag(path=str(BUNDLE))
    page.wait_for_function("() => window.livecomp !== undefined")
    return page


def deliver(page: Page, frame: object) -> None:
    """The newest socket receives ``frame`` (a message, or a batch of them)."""
    page.evaluate("frame => window.sockets.at(-1).deliver(frame)", frame)


def sent(page: Page) -> list[dict[str, Any]]:
    """Every message the newest socket sent, decoded."""
    messages: list[dict[str, Any]] = page.evaluate("window.sockets.at(-1).sent")
    return messages


def join(page: Page, html: str | None = None) -> None:
    """Open the newest socket and answer its join with ``html`` (default: the
    page's own root, as a server that rendered nothing new would)."""
    page.wait_for_function("window.sockets.length > 0")
    page.evaluate("window.sockets.at(-1).open()")
    if html is None:
        html = page.evaluate("document.querySelector('[live-cid=c0]').outerHTML")
    deliver(page, {"t": "render", "cid": "c0", "html": html})
