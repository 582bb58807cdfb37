"""The page's URL: the params handler, live-patch links, back and forward,
patch_url, redirect and navigate, and the URL guard."""

from __future__ import annotations

import asyncio
import json
from typing import ClassVar

import pytest
from pydantic import BaseModel, Field
from quart import Quart

from livecomp import (
    CloseCode,
    Component,
    ErrorCode,
    HandlerDefinitionError,
    LiveApp,
    UnsafeURL,
    check_url,
    on,
    on_params,
)
from livecomp.protocol import Ack, Err, PatchUrl, Redirect, Render
from livecomp.testing import LiveTestClient


class Listing(BaseModel):
    page: int = 1
    tags: list[str] = []
    seen: int = 0


class Items(Component[Listing]):
    template = """<div><p>page {{ state.page }}{% for tag in state.tags %} {{ tag }}{% endfor %}</p>
      <a live-patch href="?page={{ state.page + 1 }}">next</a>
      <a live-patch href="/items?tag=x&amp;tag=y">tagged</a>
      <a href="/items?page=9">plain</a>
      <button live-click="jump" live-value-to="5">5</button></div>"""
    calls: ClassVar[list[tuple[bool, int, list[str]]]] = []
    target: ClassVar[str] = ""
    replace: ClassVar[bool] = False

    @on_params
    async def paginate(self, page: int = 1, tag: list[str] | None = None) -> None:
        type(self).calls.append((self.connected, page, tag or []))
        self.state.page, self.state.tags = page, tag or []

    @on("jump")
    async def jump(self, to: int) -> None:
        await self.patch_url(f"?page={to}", replace=type(self).replace)

    @on("go")
    async def go(self) -> None:
        self.redirect(type(self).target)

    @on("navigate")
    async def navigate_away(self) -> None:
        self.navigate(type(self).target)

    @on("patch")
    async def patch_to(self) -> None:
        await self.patch_url(type(self).target)

    @on("read")
    async def read(self) -> None:
        self.state.seen = self.state.page


class Other(Component[Listing]):
    template = "<div><p>other {{ state.page }}</p></div>"


def items_app(**options: object) -> Quart:
    Items.calls, Items.target, Items.replace = [], "", False
    app = Quart(__name__)
    live = LiveApp(app, **options)  # type: ignore[arg-type]
    live.page("/items", Items)
    live.page("/other", Other)
    return app


# --- the params handler ------------------------------------------------------------


async def test_the_params_handler_runs_after_mount_on_the_render_and_the_join() -> None:
    async with LiveTestClient(items_app(), "/items?page=3&tag=a") as page:
        assert "page 3 a" in page.document
        assert page.text("p") == "page 3 a"
        assert Items.calls == [(False, 3, ["a"]), (True, 3, ["a"])]


async def test_repeated_query_keys_arrive_as_a_list() -> None:
    async with LiveTestClient(items_app(), "/items?tag=a&tag=b&tag=c") as page:
        assert page.state.tags == ["a", "b", "c"]


async def test_path_parameters_reach_the_params_handler_typed() -> None:
    class Post(BaseModel):
        text: str = ""

    class Posts(Component[Post]):
        template = "<p>{{ state.text }}</p>"

        @on_params
        async def show(self, uid: int, page: int = 1) -> None:
            self.state.text = f"{type(uid).__name__} {uid} page {page}"

    app = Quart(__name__)
    LiveApp(app).page("/users/<int:uid>/posts", Posts)
    async with LiveTestClient(app, "/users/42/posts?page=2&uid=forged") as page:
        assert page.text("p") == "int 42 page 2"


class Query(BaseModel):
    q: str = ""
    page: int = Field(default=1, ge=1)
    tag: list[str] = []


async def test_a_single_model_parameter_takes_the_whole_url() -> None:
    class Search(Component[Listing]):
        template = "<p>{{ state.page }} {{ state.tags|join(',') }}</p>"

        @on_params
        async def search(self, query: Query) -> None:
            self.state.page, self.state.tags = query.page, query.tag

    app = Quart(__name__)
    LiveApp(app).page("/", Search)
    async with LiveTestClient(app, "/?page=4&tag=one") as page:
        assert page.text("p") == "4 one"
    response = await app.test_client().get("/?page=0")
    assert response.status_code == 400
    assert "page: Input should be greater than or equal to 1" in await response.get_data(True)


async def test_a_query_parameter_that_does_not_validate_answers_400_naming_it() -> None:
    response = await items_app().test_client().get("/items?page=two")
    assert response.status_code == 400
    body = await response.get_data(as_text=True)
    assert body == (
        "the parameters of URL '/items?page=two' do not fit Items.paginate: "
        "page: Input should be a valid integer, unable to parse string as an integer"
    )
    assert Items.calls == []


async def test_a_url_change_that_does_not_validate_is_refused_and_the_handler_not_called() -> None:
    async with LiveTestClient(items_app(), "/items?page=2") as page:
        reply = await page.patch("?page=two", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.INVALID_PARAMS
        assert "page: Input should be a valid integer" in reply.error.reason
        assert Items.calls[-1] == (True, 2, [])
        assert page.state.page == 2
        await page.patch("?page=3")  # the page goes on
        assert page.text("p") == "page 3"


async def test_a_join_at_a_url_that_does_not_validate_renders_and_says_why() -> None:
    page = LiveTestClient(items_app(), "/items?page=2")
    await page.connect()
    await page.join(url="/items?page=two")
    try:
        [err] = [m for m in page.received if isinstance(m, Err)]
        assert err.code is ErrorCode.INVALID_PARAMS and "page" in err.reason
        assert page.text("p") == "page 1"
    finally:
        await page.close()


def test_params_handler_mistakes_fail_at_class_creation() -> None:
    with pytest.raises(HandlerDefinitionError, match="two params handlers"):

        class Twice(Component[Listing]):
            @on_params
            async def one(self) -> None: ...

            @on_params
            async def two(self) -> None: ...

    with pytest.raises(HandlerDefinitionError, match="has no annotation"):

        class Bare(Component[Listing]):
            @on_params
            async def show(self, page) -> None: ...  # type: ignore[no-untyped-def]

    with pytest.raises(HandlerDefinitionError, match="must be a coroutine"):

        class Sync(Component[Listing]):
            @on_params  # type: ignore[type-var]
            def show(self) -> None: ...


# --- live-patch links, back and forward -----------------------------------------


async def test_a_live_patch_link_changes_the_url_and_patches_the_page() -> None:
    async with LiveTestClient(items_app(), "/items?page=1") as page:
        reply = await page.click("a[href^='?page']")
        assert page.url == "/items?page=2"
        assert page.text("p") == "page 2"
        assert reply.patches and reply.error is None
        await page.click("a[href^='/items?tag']")
        assert page.url == "/items?tag=x&tag=y"
        assert page.state.tags == ["x", "y"] and page.state.page == 1
        assert page.history == ["/items?page=1", "/items?page=2", "/items?tag=x&tag=y"]


async def test_a_plain_link_is_no_live_patch() -> None:
    async with LiveTestClient(items_app(), "/items") as page:
        with pytest.raises(LookupError, match="live-click"):
            await page.click("a[href='/items?page=9']")


async def test_back_and_forward_run_the_params_handler_again() -> None:
    async with LiveTestClient(items_app(), "/items?page=1") as page:
        await page.patch("?page=2")
        await page.patch("?page=3")
        await page.back()
        assert (page.url, page.state.page) == ("/items?page=2", 2)
        await page.back()
        assert (page.url, page.state.page) == ("/items?page=1", 1)
        with pytest.raises(LookupError, match="back"):
            await page.back()
        await page.forward()
        assert (page.url, page.text("p")) == ("/items?page=2", "page 2")
        assert [page for _, page, _ in Items.calls] == [1, 1, 2, 3, 2, 1, 2]


async def test_a_url_of_another_page_moves_there_over_the_socket() -> None:
    async with LiveTestClient(items_app(), "/items") as page:
        reply = await page.patch("/other?page=2")
        assert reply.error is None
        assert page.redirected_to is None and page.closed is None
        assert page.text("p") == "other 1" and page.history == ["/items", "/other?page=2"]


@pytest.mark.parametrize(
    "url", ["//evil.example/items", "javascript:alert(1)", "items?page=2", "/.//evil.example"]
)
async def test_a_url_message_that_is_not_a_path_of_the_site_is_refused(url: str) -> None:
    async with LiveTestClient(items_app(), "/items") as page:
        reply = await page.send_url(url, check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.INVALID_PARAMS
        assert page.closed is None and Items.calls[-1] == (True, 1, [])


async def test_an_event_sent_before_the_params_handler_finished_waits_for_it() -> None:
    gate = asyncio.Event()

    class Slow(Items):
        @on_params
        async def paginate(self, page: int = 1, tag: list[str] | None = None) -> None:
            if self.connected and page == 2:
                await gate.wait()
            self.state.page = page

    app = Quart(__name__)
    LiveApp(app).page("/", Slow)
    async with LiveTestClient(app, "/") as page:
        await page.send_raw(json.dumps({"t": "url", "ref": 100, "url": "/?page=2"}))
        frame = {"t": "event", "ref": 101, "cid": page.root.cid, "event": "read", "value": {}}
        await page.send_raw(json.dumps(frame))
        with pytest.raises(TimeoutError):
            await page.receive(timeout=0.2)  # the URL change holds the page's turn
        gate.set()
        acks: list[int] = []
        while 101 not in acks:
            acks += [m.ref for m in await page.receive() if isinstance(m, Ack)]
        assert acks == [100, 101]
        assert page.state.seen == 2


async def test_the_join_mounts_for_the_url_the_browser_is_at() -> None:
    page = LiveTestClient(items_app(), "/items?page=1")
    await page.connect()
    await page.join(url="/items?page=7")  # after live-patches, then a reconnect
    try:
        assert page.state.page == 7 and Items.calls[-1] == (True, 7, [])
    finally:
        await page.close()


async def test_a_join_at_a_url_of_another_page_is_refused() -> None:
    page = LiveTestClient(items_app(), "/items")
    await page.connect()
    with pytest.raises(ConnectionError):
        await page.join(url="/other")
    assert page.closed == (CloseCode.TOKEN_INVALID, "page token is for another page than the URL")
    await page.close()


# --- patch_url, redirect, navigate -----------------------------------------------


async def test_patch_url_moves_the_browser_and_runs_the_params_handler() -> None:
    async with LiveTestClient(items_app(), "/items?page=1") as page:
        await page.click("button")
        assert PatchUrl("/items?page=5", replace=False) in page.received
        assert (page.url, page.state.page, page.text("p")) == ("/items?page=5", 5, "page 5")
        assert page.history == ["/items?page=1", "/items?page=5"]
        await page.back()
        assert page.state.page == 1


async def test_patch_url_can_replace_the_history_entry() -> None:
    app = items_app()
    Items.replace = True
    async with LiveTestClient(app, "/items?page=1") as page:
        await page.click("button")
        assert page.history == ["/items?page=5"]


async def test_patch_url_to_another_page_is_refused() -> None:
    app = items_app()
    Items.target = "/other"
    async with LiveTestClient(app, "/items") as page:
        with pytest.raises(ValueError, match="not a URL of this page; use navigate"):
            await page.send_event("patch")


async def test_patch_url_with_parameters_that_do_not_validate_is_refused() -> None:
    app = items_app()
    Items.target = "?page=many"
    async with LiveTestClient(app, "/items") as page:
        reply = await page.send_event("patch", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.INVALID_PARAMS
        assert page.state.page == 1


async def test_patch_url_on_the_http_render_is_a_redirect() -> None:
    class Canonical(Items):
        async def mount(self) -> None:
            if "page" not in self.request.query:
                await self.patch_url("?page=1")

    app = Quart(__name__)
    LiveApp(app).page("/items", Canonical)
    response = await app.test_client().get("/items")
    assert (response.status_code, response.headers["Location"]) == (302, "/items?page=1")
    async with LiveTestClient(app, "/items") as page:  # following the redirect
        assert page.url == "/items?page=1" and page.state.page == 1


async def test_redirect_sends_the_browser_away_and_ends_the_page() -> None:
    app = items_app()
    Items.target = "/other?from=items"
    async with LiveTestClient(app, "/items") as page:
        reply = await page.send_event("go")
        assert reply.error is None  # acked
        assert page.redirected_to == "/other?from=items"
        assert await page.wait_closed() == (CloseCode.REDIRECTED, "redirected")
        await page.navigate()
        assert page.url == "/other?from=items" and page.text("p") == "other 1"


async def test_navigate_moves_to_another_page() -> None:
    app = items_app()
    Items.target = "other"  # relative to /items
    async with LiveTestClient(app, "/items") as page:
        await page.send_event("navigate")
        assert page.redirected_to is None and page.url == "/other"
        assert page.text("p") == "other 1"


async def test_a_redirect_from_mount_is_a_302_on_the_render_and_a_close_on_the_join() -> None:
    class Moved(Items):
        async def mount(self) -> None:
            if self.connected or "old" in self.request.query:
                self.redirect("/other")

    app = Quart(__name__)
    live = LiveApp(app)
    live.page("/", Moved)
    live.page("/other", Other)
    response = await app.test_client().get("/?old=1")
    assert (response.status_code, response.headers["Location"]) == (302, "/other")
    page = LiveTestClient(app, "/")
    with pytest.raises(ConnectionError):
        await page.open()
    assert page.closed == (CloseCode.REDIRECTED, "redirected")
    assert page.redirected_to == "/other"
    assert not any(isinstance(m, Render) for m in page.received)


async def test_redirect_to_an_allowed_origin() -> None:
    app = items_app(redirect_origins={"https://accounts.example"})
    Items.target = "https://accounts.example/login"
    async with LiveTestClient(app, "/items") as page:
        await page.send_event("go")
        assert page.received[-2:] == [Redirect("https://accounts.example/login"), Ack(ref=1)]


async def test_patch_url_takes_no_absolute_url_even_of_an_allowed_origin() -> None:
    app = items_app(redirect_origins={"https://accounts.example"})
    Items.target = "https://accounts.example/items"
    async with LiveTestClient(app, "/items") as page:
        with pytest.raises(UnsafeURL, match="is absolute"):
            await page.send_event("patch")


# --- the URL guard ----------------------------------------------------------------

UNSAFE = [
    ("javascript:alert(document.cookie)", "scheme 'javascript:'"),
    ("JavaScript:alert(1)", "scheme 'javascript:'"),
    ("data:text/html,<script>alert(1)</script>", "scheme 'data:'"),
    ("//evil.example", "starts with '//', which names another site"),
    ("/\\evil.example", "contains a backslash, which browsers read as '/'"),
    ("/.//evil.example", "resolves to URL '//evil.example' starts with '//'"),
    ("/items\r\nSet-Cookie: a=b", "control character '\\r'"),
    ("/items\nx", "control character '\\n'"),
    ("java\tscript:alert(1)", "control character '\\t'"),
    (" javascript:alert(1)", "starts or ends with spaces"),
    ("https://evil.example/", "leaves this site; use a relative URL, or allow its origin"),
    ("", "an empty URL goes nowhere"),
]


@pytest.mark.parametrize(("url", "why"), UNSAFE, ids=[repr(url) for url, _ in UNSAFE])
@pytest.mark.parametrize("event", ["go", "navigate", "patch"])
async def test_an_unsafe_url_is_refused_with_a_clear_error(url: str, why: str, event: str) -> None:
    app = items_app()
    Items.target = url
    async with LiveTestClient(app, "/items") as page:
        with pytest.raises(UnsafeURL) as refused:
            await page.send_event(event)
        if not (event == "patch" and why.startswith("leaves")):
            assert why in str(refused.value)
        assert page.redirected_to is None and page.closed is None


@pytest.mark.parametrize(
    "url", ["/", "/items?page=2", "?page=2", "edit", "../up", "/a%2F%2Fb", "#top"]
)
def test_relative_urls_of_the_site_are_allowed(url: str) -> None:
    assert check_url(url) == url


def test_an_allowed_origin_is_compared_whole() -> None:
    allowed = {"https://accounts.example"}
    assert check_url("https://ACCOUNTS.example/x", allowed_origins=allowed)
    for url in ("http://accounts.example/x", "https://accounts.example.evil/x"):
        with pytest.raises(UnsafeURL, match="leaves this site"):
            check_url(url, allowed_origins=allowed)
