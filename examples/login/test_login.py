"""The login example with the test client: the app's own routes, no browser."""

from __future__ import annotations

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as HttpClient

from examples.login import create_app
from livecomp import CloseCode, ErrorCode
from livecomp.testing import LiveTestClient


async def log_in(app: Quart, name: str, password: str, next_url: str = "/") -> HttpClient:
    http = app.test_client()
    response = await http.post(
        "/login", form={"name": name, "password": password, "next": next_url}
    )
    assert response.status_code == 302, await response.get_data(as_text=True)
    return http


async def test_an_anonymous_visit_is_redirected_to_the_login_page() -> None:
    app = create_app()
    response = await app.test_client().get("/")
    assert (response.status_code, response.headers["Location"]) == (302, "/login?next=%2F")
    page = await app.test_client().get("/login?next=%2F")
    body = await page.get_data(as_text=True)
    assert '<form class="login" method="post" action="/login">' in body
    assert '<input type="hidden" name="next" value="/">' in body


async def test_a_wrong_password_is_refused() -> None:
    app = create_app()
    http = app.test_client()
    response = await http.post("/login", form={"name": "ada", "password": "babbage"})
    assert response.status_code == 401
    assert "Wrong name or password." in await response.get_data(as_text=True)
    assert (await http.get("/")).status_code == 302


async def test_the_dashboard_greets_the_user_and_stays_live() -> None:
    app = create_app()
    http = await log_in(app, "ada", "analytical-engine")
    async with LiveTestClient(app, "/", http=http) as page:
        assert "<h1>Hello, Ada Lovelace</h1>" in page.document
        assert page.text("h1") == "Hello, Ada Lovelace"
        await page.click("button[live-click=click]")
        assert page.text(".clicks") == "1"


async def test_the_login_comes_back_to_the_page_asked_for_but_never_leaves_the_site() -> None:
    app = create_app()
    http = app.test_client()
    form = {"name": "grace", "password": "cobol", "next": "/?from=login"}
    response = await http.post("/login", form=form)
    assert response.headers["Location"] == "/?from=login"
    unsafe = ("//evil.example", "https://evil.example/", "/\\evil.example", "/.//evil.example")
    for next_url in (*unsafe, "javascript:x"):
        response = await http.post("/login", form={**form, "next": next_url})
        assert response.headers["Location"] == "/", next_url


async def test_logging_out_in_another_tab_ends_the_dashboard_at_its_next_event() -> None:
    app = create_app()
    http = await log_in(app, "ada", "analytical-engine")
    async with LiveTestClient(app, "/", http=http) as tab:
        await tab.click("button[live-click=click]")
        response = await http.post("/logout")  # the other tab's form
        assert response.headers["Location"] == "/login"
        reply = await tab.click("button[live-click=click]", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.UNAUTHORIZED
        assert tab.redirected_to == "/login?next=%2F"
        assert await tab.wait_closed() == (CloseCode.UNAUTHORIZED, "login required")
    assert (await http.get("/")).status_code == 302


async def test_a_page_token_of_one_user_is_refused_with_another_user_s_cookies() -> None:
    app = create_app()
    ada = LiveTestClient(app, "/", http=await log_in(app, "ada", "analytical-engine"))
    await ada.connect()
    await ada.close()
    grace = LiveTestClient(app, "/", http=await log_in(app, "grace", "cobol"))
    await grace.connect()
    with pytest.raises(ConnectionError):
        await grace.join(ada.token)
    assert grace.closed == (CloseCode.TOKEN_INVALID, "page token belongs to another session")
    await grace.close()
