"""``navigate``: another live page over the same socket, or a full load where
it cannot be (no live page, a page the user may not see)."""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar, cast

import pytest
from pydantic import BaseModel
from quart import Quart, session

from livecomp import CloseCode, Component, ErrorCode, LiveApp, UnsafeURL, on, on_message
from livecomp.component import PageContext
from livecomp.join import Site
from livecomp.page import LivePage
from livecomp.protocol import Ack, Err, Navigate, Patch, Redirect, Render, decode_server, encode
from livecomp.pubsub import LocalBroker
from livecomp.security import SessionConfig
from livecomp.session import LiveSession
from livecomp.testing import LiveTestClient


class Count(BaseModel):
    n: int = 0


class Start(Component[Count]):
    template = '<div><p>start {{ state.n }}</p><button live-click="inc">+</button></div>'
    target: ClassVar[str] = "/second/7?tab=b"
    unmounted: ClassVar[list[str]] = []

    async def mount(self) -> None:
        if self.connected:
            self.every(60, "tick")

    @on("inc")
    async def inc(self) -> None:
        self.state.n += 1

    @on("go")
    async def go(self) -> None:
        self.state.n += 1  # a change the navigate makes moot: never sent
        self.navigate(type(self).target)

    @on("go-replacing")
    async def go_replacing(self) -> None:
        self.navigate(type(self).target, replace=True)

    @on_message("tick")
    async def tick(self) -> None:
        self.navigate(type(self).target)

    @on_message("wait-then-go")
    async def wait_then_go(self, gate: asyncio.Event) -> None:
        await gate.wait()
        self.navigate(type(self).target)

    async def unmount(self) -> None:
        if self.connected:
            type(self).unmounted.append(self.cid)


class Seen(BaseModel):
    url: str = ""
    uid: int = 0
    user: str = ""
    session: str = ""
    language: str = ""


class Second(Component[Seen]):
    template = (
        '<div><p>second {{ state.uid }} {{ state.user }}</p><a live-patch href="?tab=c">c</a></div>'
    )
    seen: ClassVar[list[Any]] = []

    async def mount(self) -> None:
        request = self.request
        self.state = Seen(
            url=request.url,
            uid=request.path_params["uid"],
            user=request.user or "",
            session=request.session.get("flavour", ""),
            language=request.headers.get("accept-language", ""),
        )
        type(self).seen.append((self.connected, self.state.model_dump()))
        if self.connected:
            self.set_title("Second page")


class Private(Component[Count]):
    template = "<div><p>private</p></div>"


def navigate_app() -> Quart:
    Start.target, Start.unmounted, Second.seen = "/second/7?tab=b", [], []
    app = Quart(__name__)
    app.secret_key = "test"

    @app.post("/login/<name>")
    async def login(name: str) -> str:
        session["user"] = name
        return "ok"

    @app.post("/flavour/<name>")
    async def flavour(name: str) -> str:
        session["flavour"] = name
        return "ok"

    @app.get("/about")
    async def about() -> str:
        return "<p>no live page</p>"

    def load_user(request: Any) -> str | None:
        user = request.session.get("user")
        return user if isinstance(user, str) else None

    live = LiveApp(app, user_loader=load_user)
    live.page("/", Start, title="Start")
    live.page("/second/<int:uid>", Second, title="Second")
    live.page("/private", Private, login_required=True)
    return app


async def test_navigate_moves_to_the_new_page_over_the_same_socket() -> None:
    async with LiveTestClient(navigate_app(), "/") as page:
        socket, root_cid = page.session, page.root.cid
        assert page.session.active_timers() == 1
        reply = await page.send_event("go")
        assert reply.error is None and not reply.patches  # the old page's change is moot
        assert page.session is socket and page.closed is None and page.redirected_to is None
        assert [m.t for m in page.received] == ["unchanged", "navigate", "ack"]
        assert Start.unmounted == [root_cid]
        assert page.session.active_timers() == 0
        assert page.url == "/second/7?tab=b" and page.history == ["/", "/second/7?tab=b"]
        assert page.text("p") == "second 7 " and page.title == "Second page"
        assert isinstance(page.root, Second)


async def test_the_navigate_message_carries_url_token_html_and_title() -> None:
    async with LiveTestClient(navigate_app(), "/") as page:
        await page.send_event("go-replacing")
        navigate, ack = page.received[-2:]
        assert isinstance(navigate, Navigate) and ack == Ack(ref=1)
        assert (navigate.url, navigate.replace, navigate.title) == (
            "/second/7?tab=b",
            True,
            "Second page",
        )
        assert "<p>second 7 </p>" in navigate.html and navigate.token == page.token
        assert page.history == ["/second/7?tab=b"]  # replaced
        wire = json.loads(navigate_frame(navigate))
        assert list(wire) == ["t", "url", "replace", "token", "title", "html"]


def navigate_frame(message: Navigate) -> str:
    frame = encode([message])
    assert decode_server(frame) == [message]
    return frame


async def test_the_new_page_mounts_with_the_handshakes_request_session_and_user() -> None:
    app = navigate_app()
    http = app.test_client()
    await http.post("/login/ada")
    await http.post("/flavour/mint")
    headers = {"Accept-Language": "fr"}
    async with LiveTestClient(app, "/", http=http, headers=headers) as page:
        await page.send_event("go")
        connected, seen = Second.seen[-1]
        assert connected
        assert seen == {
            "url": "/second/7?tab=b",
            "uid": 7,
            "user": "ada",
            "session": "mint",
            "language": "fr",
        }
        assert page.text("p") == "second 7 ada"


async def test_the_new_token_joins_a_later_reconnect() -> None:
    app = navigate_app()
    http = app.test_client()
    await http.post("/flavour/mint")
    async with LiveTestClient(app, "/", http=http) as page:
        await page.send_event("go")
        token, url = page.token, page.url
    # The browser reconnects with what the navigate gave it.
    again = LiveTestClient(app, url, http=http)
    try:
        await again.connect()
        await again.join(token, url=url)
        assert isinstance(again.root, Second) and again.root.state.session == "mint"
    finally:
        await again.close()


async def test_the_new_token_is_bound_to_the_browser_session() -> None:
    app = navigate_app()
    http = app.test_client()
    await http.post("/flavour/mint")
    async with LiveTestClient(app, "/", http=http) as page:
        await page.send_event("go")
        token = page.token
    stranger = LiveTestClient(app, "/second/7?tab=b")  # other cookies
    try:
        await stranger.connect()
        with pytest.raises(ConnectionError):
            await stranger.join(token)
        assert stranger.closed == (CloseCode.TOKEN_INVALID, "page token belongs to another session")
    finally:
        await stranger.close()


async def test_a_page_the_user_may_not_see_is_a_redirect_to_the_login_page() -> None:
    app = navigate_app()
    Start.target = "/private"
    async with LiveTestClient(app, "/") as page:
        await page.send_event("go")
        assert page.redirected_to == "/login?next=%2Fprivate"
        assert await page.wait_closed() == (CloseCode.UNAUTHORIZED, "login required")
        assert Start.unmounted  # the old page is over


async def test_a_page_the_user_may_see_is_moved_to() -> None:
    app = navigate_app()
    http = app.test_client()
    await http.post("/login/ada")
    Start.target = "/private"
    async with LiveTestClient(app, "/", http=http) as page:
        await page.send_event("go")
        assert page.text("p") == "private" and page.redirected_to is None


async def test_a_url_that_is_no_live_page_is_a_full_load() -> None:
    app = navigate_app()
    Start.target = "/about?x=1"
    async with LiveTestClient(app, "/") as page:
        await page.send_event("go")
        assert page.received[-2:] == [Redirect("/about?x=1"), Ack(ref=1)]
        assert await page.wait_closed() == (CloseCode.REDIRECTED, "redirected")


async def test_a_url_message_to_no_live_page_loads_it() -> None:
    async with LiveTestClient(navigate_app(), "/") as page:
        reply = await page.patch("/about")
        assert reply.error is None and page.redirected_to == "/about"
        assert await page.wait_closed() == (CloseCode.REDIRECTED, "redirected")


@pytest.mark.parametrize(
    "url", ["//evil.example/x", "javascript:alert(1)", "https://evil.example/"]
)
async def test_an_unsafe_url_is_refused_and_the_page_goes_on(url: str) -> None:
    app = navigate_app()
    Start.target = url
    async with LiveTestClient(app, "/") as page:
        with pytest.raises(UnsafeURL):
            await page.send_event("go")
        assert page.closed is None and page.redirected_to is None
        await page.click("button")
        assert page.text("p") == "start 2"  # the handler changed it before refusing


async def test_a_stale_event_for_the_old_page_is_an_unknown_component() -> None:
    async with LiveTestClient(navigate_app(), "/") as page:
        old = page.root.cid
        await page.send_event("go")
        reply = await page.send_event("inc", cid=old, check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.UNKNOWN_COMPONENT
        assert page.root.cid != old and page.closed is None


async def test_an_event_waiting_for_the_turn_that_navigates_reaches_the_new_page() -> None:
    async with LiveTestClient(navigate_app(), "/") as page:
        old, gate = page.root.cid, asyncio.Event()
        page.session.post(old, "wait-then-go", gate)
        await asyncio.sleep(0.05)  # the timer's turn runs, waiting at the gate
        event = {"t": "event", "ref": 99, "cid": old, "event": "inc", "value": {}}
        await page.send_raw(json.dumps(event))
        await asyncio.sleep(0.05)  # the click waits for the turn
        gate.set()
        messages: list[Any] = []
        while not any(isinstance(m, Err) for m in messages):
            messages += await page.receive()
        kinds = [(m.t, getattr(m, "code", None)) for m in messages]
        assert kinds == [("navigate", None), ("err", ErrorCode.UNKNOWN_COMPONENT)]
        assert page.text("p") == "second 7 " and page.closed is None


async def test_back_moves_to_the_old_page_and_forward_to_the_new() -> None:
    async with LiveTestClient(navigate_app(), "/") as page:
        await page.click("button")
        await page.send_event("go")
        await page.back()
        assert (page.url, page.text("p")) == ("/", "start 0")  # a new mount
        assert page.history == ["/", "/second/7?tab=b"]
        await page.forward()
        assert (page.url, page.text("p")) == ("/second/7?tab=b", "second 7 ")
        assert not any(isinstance(m, Render) for m in page.received[1:])


async def test_a_live_patch_within_the_new_page_runs_on_it() -> None:
    async with LiveTestClient(navigate_app(), "/") as page:
        await page.send_event("go")
        await page.click("a")
        assert page.url == "/second/7?tab=c" and page.closed is None


async def test_a_timer_may_navigate() -> None:
    async with LiveTestClient(navigate_app(), "/") as page:
        await page.send_message(page.root.cid, "tick")
        assert any(isinstance(m, Navigate) for m in page.received)
        assert page.text("p") == "second 7 " and Start.unmounted
        await page.click("a")
        assert page.url == "/second/7?tab=c"


async def test_navigate_on_the_http_render_is_a_302() -> None:
    class Eager(Start):
        async def mount(self) -> None:
            self.navigate("/second/1")

    app = navigate_app()
    app.extensions["livecomp"].page("/eager", Eager)
    response = await app.test_client().get("/eager")
    assert (response.status_code, response.headers["Location"]) == (302, "/second/1")


async def test_the_old_pages_patches_after_navigate_are_dropped() -> None:
    async with LiveTestClient(navigate_app(), "/") as page:
        await page.send_event("go")
        assert not any(isinstance(m, Patch) for m in page.received)


class HandedFrames:
    """A socket whose frames arrive in futures the test resolves, as
    Hypercorn's app queue hands a frame to the receive waiting for it."""

    def __init__(self) -> None:
        self.arrivals: list[asyncio.Future[object]] = []

    async def accept(self) -> bool:
        return True

    async def receive(self) -> str | bytes:
        raise ConnectionError("frames come through arrival")

    def arrival(self) -> asyncio.Future[object]:
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self.arrivals.append(future)
        return future

    def frame_of(self, arrived: object) -> str | bytes | None:
        assert isinstance(arrived, str)
        return arrived

    async def send(self, frame: str) -> None:
        return None

    async def close(self, code: int, reason: str) -> None:
        return None


async def test_a_frame_handed_over_as_a_navigate_wakes_the_reader_goes_to_the_next_page() -> None:
    transport = HandedFrames()
    live_session = LiveSession(
        transport,
        site=cast(Site, None),
        scope={},
        origin=None,
        host=None,
        config=SessionConfig(),
        broker=LocalBroker(),
    )
    actor = live_session._new_actor("page")
    page = LivePage(Start, PageContext(connected=True, runtime=actor))
    await page.mount()
    actor.start(page)
    reader = asyncio.create_task(live_session._read_loop(actor))
    live_session._reader = reader
    while not transport.arrivals:
        await asyncio.sleep(0)
    # In one step, before the reader runs again: the server hands it a
    # frame, and a timer's turn navigates (which wakes the reader).
    frame = json.dumps({"t": "event", "ref": 1, "cid": page.root_cid, "event": "inc", "value": {}})
    transport.arrivals[-1].set_result(frame)
    live_session.navigating("/elsewhere", False)
    with pytest.raises(asyncio.CancelledError):
        await reader
    # Not lost: no later receive would get it again.
    assert live_session._carried == frame
    await actor.close()
