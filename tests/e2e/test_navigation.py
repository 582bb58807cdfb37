"""The page's URL in Chromium, over a scripted socket: the join's URL,
live-patch links, back and forward, the server's patch_url and redirect, and
the close codes that send the browser elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from livecomp.names import PATCH
from livecomp.protocol import CloseCode
from tests.e2e.harness import ORIGIN, deliver, join, live_page_html, sent, serve_site

ROOT = (
    '<div live-cid="c0"><p id="where">items</p>'
    f'<a id="next" {PATCH} href="?page=2">next</a>'
    f'<a id="third" {PATCH} href="/items?page=3">third</a>'
    f'<a id="away" {PATCH} href="https://other.example/">away</a>'
    '<a id="plain" href="/items?page=9">plain</a>'
    "</div>"
)


@pytest.fixture(scope="module")
def context(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context()

    def plain(route: Route, path: str) -> bool:
        route.fulfill(body=f"<p id=plain-page>{path}</p>", content_type="text/html")
        return True

    serve_site(
        context, lambda path: live_page_html(ROOT) if path.startswith("/items") else None, plain
    )
    context.route(
        "https://other.example/**",
        lambda route: route.fulfill(body="<p id=other>other</p>", content_type="text/html"),
    )
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    tab = context.new_page()
    tab.goto(f"{ORIGIN}/items?page=1")
    yield tab
    tab.close()


def where(page: Page) -> str:
    url: str = page.evaluate("location.pathname + location.search")
    return url


def history_length(page: Page) -> int:
    length: int = page.evaluate("history.length")
    return length


def test_the_join_names_the_url_the_browser_is_at(page: Page) -> None:
    join(page)
    assert sent(page) == [{"t": "join", "token": "TOKEN", "url": "/items?page=1"}]


def test_a_live_patch_link_pushes_its_url_and_sends_it_without_loading(page: Page) -> None:
    join(page)
    before = history_length(page)
    page.click("#next")
    assert where(page) == "/items?page=2"
    assert history_length(page) == before + 1
    assert sent(page)[-1] == {"t": "url", "ref": 1, "url": "/items?page=2"}
    page.click("#third")
    assert sent(page)[-1] == {"t": "url", "ref": 2, "url": "/items?page=3"}
    assert page.evaluate("window.loads") == 1  # the same document all along


def test_back_and_forward_send_the_url_they_land_on(page: Page) -> None:
    join(page)
    page.click("#next")
    page.click("#third")
    page.go_back()
    page.wait_for_function("window.sockets.at(-1).sent.length === 4")
    assert sent(page)[-1] == {"t": "url", "ref": 3, "url": "/items?page=2"}
    page.go_back()
    page.wait_for_function("window.sockets.at(-1).sent.length === 5")
    assert sent(page)[-1]["url"] == "/items?page=1"
    page.go_forward()
    page.wait_for_function("window.sockets.at(-1).sent.length === 6")
    assert sent(page)[-1]["url"] == "/items?page=2"
    assert page.evaluate("window.loads") == 1


def test_a_live_patch_link_to_another_origin_or_clicked_with_a_modifier_is_a_plain_link(
    page: Page,
) -> None:
    join(page)
    page.click("#next", modifiers=["Shift"])  # a new window: the page stays as it is
    assert where(page) == "/items?page=1"
    with page.expect_navigation():
        page.click("#away")
    assert page.url == "https://other.example/"
    assert page.locator("#other").count() == 1


def test_a_live_patch_link_before_the_join_loads_its_url(page: Page) -> None:
    with page.expect_navigation():
        page.click("#next")
    assert where(page) == "/items?page=2"
    assert page.evaluate("window.loads") == 2


def test_patch_url_pushes_or_replaces_an_entry_and_sends_nothing(page: Page) -> None:
    join(page)
    before = history_length(page)
    deliver(page, {"t": "patch_url", "url": "/items?page=7", "replace": False})
    assert (where(page), history_length(page)) == ("/items?page=7", before + 1)
    deliver(page, {"t": "patch_url", "url": "/items?page=8", "replace": True})
    assert (where(page), history_length(page)) == ("/items?page=8", before + 1)
    assert [m["t"] for m in sent(page)] == ["join"]
    page.go_back()
    page.wait_for_function("window.sockets.at(-1).sent.length === 2")
    assert sent(page)[-1] == {"t": "url", "ref": 1, "url": "/items?page=1"}


def test_a_patch_url_of_another_origin_is_not_followed(page: Page) -> None:
    join(page)
    deliver(page, {"t": "patch_url", "url": "https://other.example/x", "replace": False})
    assert where(page) == "/items?page=1"


def test_an_invalid_params_err_leaves_the_page_healthy(page: Page) -> None:
    join(page)
    page.click("#next")
    deliver(page, {"t": "err", "ref": 1, "code": "invalid_params", "event": None, "reason": "no"})
    assert "live-connected" in page.evaluate("document.body.className")


def test_a_redirect_before_the_close_loads_its_url(page: Page) -> None:
    join(page)
    redirect = {"t": "redirect", "url": "/login?next=%2Fitems%3Fpage%3D1"}
    with page.expect_navigation():
        # As the server sends them: the redirect, then the close, in one task.
        page.evaluate(
            "([frame, code]) => { const s = window.sockets.at(-1); s.deliver(frame); "
            "s.shut(code); }",
            [redirect, CloseCode.UNAUTHORIZED],
        )
    assert where(page) == "/login?next=%2Fitems%3Fpage%3D1"
    assert page.locator("#plain-page").count() == 1


def test_a_redirect_to_a_script_url_is_not_followed(page: Page) -> None:
    join(page)
    deliver(page, {"t": "redirect", "url": "javascript:document.title='owned'"})
    page.wait_for_timeout(100)
    assert page.title() != "owned" and where(page) == "/items?page=1"


@pytest.mark.parametrize("code", [CloseCode.UNAUTHORIZED, CloseCode.REDIRECTED])
def test_a_close_that_sends_the_browser_elsewhere_without_a_redirect_reloads_once(
    page: Page, code: int
) -> None:
    join(page)
    with page.expect_navigation():
        page.evaluate("code => window.sockets.at(-1).shut(code)", code)
    assert page.evaluate("window.loads") == 2
    join(page)
    page.evaluate("code => window.sockets.at(-1).shut(code)", code)
    page.wait_for_timeout(200)
    assert page.evaluate("window.loads") == 2  # at most once: then the page shows the error
    assert "live-error" in page.evaluate("document.body.className")
