"""Pages that need a logged-in user: refused on the render, on the join, and
after a logout at the next event; a token is bound to the session it was made for."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from pydantic import BaseModel
from quart import Quart, session
from quart.typing import TestClientProtocol as HttpClient

from livecomp import CloseCode, Component, ErrorCode, LiveApp, RequestInfo, Unauthorized, on
from livecomp.navigation import UnsafeURL
from livecomp.protocol import Redirect
from livecomp.testing import LiveTestClient

NAMES = {"ada": "Ada Lovelace", "bob": "Bob Kahn"}


class Greeting(BaseModel):
    name: str = ""
    clicks: int = 0


class Dashboard(Component[Greeting]):
    template = '<div><p>Hello, {{ state.name }}</p><button live-click="inc">+</button></div>'

    async def mount(self) -> None:
        self.state.name = self.request.user or "stranger"

    @on("inc")
    async def inc(self) -> None:
        self.state.clicks += 1


class AdminOnly(Dashboard):
    async def mount(self) -> None:
        if self.connected and self.request.user != NAMES["ada"]:
            raise Unauthorized("admins only", login_url="/admin-login")
        await super().mount()


class Guarded(Dashboard):
    @on("leave")
    async def leave(self) -> None:
        raise Unauthorized()


def auth_app(**options: Any) -> Quart:
    """An app whose logins live in a set: a logout removes one."""
    app = Quart(__name__)
    app.secret_key = "test secret"
    active: set[str] = set()

    @app.post("/login/<name>")
    async def login(name: str) -> str:
        session.clear()  # a new session for a new login
        session["user"], session["login"] = name, secrets.token_urlsafe(8)
        active.add(session["login"])
        return "in"

    @app.post("/logout")
    async def logout() -> str:
        active.discard(session.get("login", ""))
        session.clear()
        return "out"

    def load_user(request: RequestInfo) -> str | None:
        if request.session.get("login") not in active:
            return None
        return NAMES[request.session["user"]]

    live = LiveApp(app, user_loader=options.pop("user_loader", load_user), **options)
    live.page("/dashboard", Dashboard, login_required=True)
    live.page("/public", Dashboard)
    live.page("/admin", AdminOnly)
    live.page("/guarded", Guarded, login_required=True)
    return app


async def logged_in(app: Quart, name: str) -> HttpClient:
    http = app.test_client()
    await http.post(f"/login/{name}")
    return http


async def test_an_anonymous_visit_is_redirected_to_the_login_page() -> None:
    response = await auth_app().test_client().get("/dashboard?tab=2")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fdashboard%3Ftab%3D2"


async def test_a_logged_in_user_is_greeted_on_the_render_and_the_join() -> None:
    app = auth_app()
    async with LiveTestClient(app, "/dashboard", http=await logged_in(app, "ada")) as page:
        assert "Hello, Ada Lovelace" in page.document
        assert page.text("p") == "Hello, Ada Lovelace"
        await page.click("button")
        assert page.state.clicks == 1


async def test_a_public_page_knows_the_user_if_there_is_one() -> None:
    app = auth_app()
    async with LiveTestClient(app, "/public") as page:
        assert page.text("p") == "Hello, stranger"
    async with LiveTestClient(app, "/public", http=await logged_in(app, "bob")) as page:
        assert page.text("p") == "Hello, Bob Kahn"


async def test_a_join_whose_user_has_logged_out_is_sent_to_the_login_page() -> None:
    app = auth_app()
    http = await logged_in(app, "ada")
    page = LiveTestClient(app, "/dashboard", http=http)
    await page.connect()  # rendered for Ada; the socket carries her cookies
    await http.post("/logout")
    with pytest.raises(ConnectionError):
        await page.join()
    assert page.closed == (CloseCode.UNAUTHORIZED, "login required")
    assert page.redirected_to == "/login?next=%2Fdashboard"
    assert [m for m in page.received if isinstance(m, Redirect)] == [
        Redirect("/login?next=%2Fdashboard")
    ]
    await page.close()


async def test_a_token_minted_for_one_user_is_refused_with_another_user_s_cookies() -> None:
    app = auth_app()
    ada = LiveTestClient(app, "/dashboard", http=await logged_in(app, "ada"))
    await ada.connect()
    await ada.close()
    bob = LiveTestClient(app, "/dashboard", http=await logged_in(app, "bob"))
    await bob.connect()
    with pytest.raises(ConnectionError):
        await bob.join(ada.token)
    assert bob.closed == (CloseCode.TOKEN_INVALID, "page token belongs to another session")
    await bob.close()
    # Bob's own token joins.
    async with LiveTestClient(app, "/dashboard", http=bob.http) as page:
        assert page.text("p") == "Hello, Bob Kahn"


async def test_a_token_from_before_a_login_is_refused_after_it() -> None:
    app = auth_app()
    http = app.test_client()
    anonymous = LiveTestClient(app, "/public", http=http)
    await anonymous.connect()
    await anonymous.close()
    await http.post("/login/ada")  # a new session
    page = LiveTestClient(app, "/public", http=http)
    await page.connect()
    with pytest.raises(ConnectionError):
        await page.join(anonymous.token)
    assert page.closed == (CloseCode.TOKEN_INVALID, "page token belongs to another session")
    await page.close()


async def test_logging_out_in_another_tab_ends_the_page_at_its_next_event() -> None:
    app = auth_app()
    http = await logged_in(app, "ada")
    async with LiveTestClient(app, "/dashboard", http=http) as tab:
        await tab.click("button")
        await http.post("/logout")  # in another tab of the same browser
        reply = await tab.click("button", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.UNAUTHORIZED
        assert tab.state.clicks == 1  # the handler did not run
        assert tab.redirected_to == "/login?next=%2Fdashboard"
        assert await tab.wait_closed() == (CloseCode.UNAUTHORIZED, "login required")


async def test_a_url_change_after_a_logout_ends_the_page_too() -> None:
    app = auth_app()
    http = await logged_in(app, "ada")
    async with LiveTestClient(app, "/dashboard", http=http) as tab:
        await http.post("/logout")
        reply = await tab.patch("?tab=2", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.UNAUTHORIZED
        assert tab.redirected_to == "/login?next=%2Fdashboard"
        assert await tab.wait_closed() == (CloseCode.UNAUTHORIZED, "login required")


async def test_a_mount_that_refuses_sends_the_browser_to_its_login_page() -> None:
    app = auth_app()
    async with LiveTestClient(app, "/admin", http=await logged_in(app, "ada")) as page:
        assert page.text("p") == "Hello, Ada Lovelace"
    page = LiveTestClient(app, "/admin", http=await logged_in(app, "bob"))
    with pytest.raises(ConnectionError):
        await page.open()
    assert page.closed == (CloseCode.UNAUTHORIZED, "admins only")
    assert page.redirected_to == "/admin-login?next=%2Fadmin"


async def test_a_mount_that_refuses_on_the_render_answers_a_redirect() -> None:
    class Refusing(Dashboard):
        async def mount(self) -> None:
            raise Unauthorized()

    app = Quart(__name__)
    LiveApp(app, login_url="/signin?via=page").page("/", Refusing)
    response = await app.test_client().get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signin?via=page&next=%2F"


async def test_a_handler_that_refuses_ends_the_page() -> None:
    app = auth_app()
    async with LiveTestClient(app, "/guarded", http=await logged_in(app, "ada")) as page:
        reply = await page.send_event("leave", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.UNAUTHORIZED
        assert page.redirected_to == "/login?next=%2Fguarded"
        assert await page.wait_closed() == (CloseCode.UNAUTHORIZED, "login required")


async def test_the_user_loader_may_be_async() -> None:
    async def load_user(request: RequestInfo) -> str | None:
        return "Grace" if request.cookies.get("badge") == "ok" else None

    app = Quart(__name__)
    LiveApp(app, user_loader=load_user).page("/", Dashboard, login_required=True)
    http = app.test_client()
    assert (await http.get("/")).status_code == 302
    http.set_cookie("localhost", "badge", "ok")
    async with LiveTestClient(app, "/", http=http) as page:
        assert page.text("p") == "Hello, Grace"


async def test_a_user_loader_that_fails_at_an_event_lets_no_one_in() -> None:
    calls = 0

    def load_user(request: RequestInfo) -> str:
        nonlocal calls
        calls += 1
        if calls > 2:  # the render and the join pass
            raise RuntimeError("user store down")
        return "Ada"

    app = Quart(__name__)
    LiveApp(app, user_loader=load_user).page("/", Dashboard, login_required=True)
    async with LiveTestClient(app, "/") as page:
        with pytest.raises(RuntimeError, match="user store down"):
            await page.click("button")
        assert page.state.clicks == 0
        assert await page.wait_closed() == (CloseCode.UNAUTHORIZED, "login required")


def test_a_page_that_requires_a_login_needs_a_user_loader() -> None:
    with pytest.raises(TypeError, match=r"LiveApp\(user_loader=\.\.\.\)"):
        LiveApp().page("/", Dashboard, login_required=True)


def test_the_login_url_must_be_a_url_of_the_site() -> None:
    with pytest.raises(UnsafeURL, match="another site"):
        LiveApp(login_url="//evil.example/login")
