"""``live_embed``: a live page inside a page the app renders itself."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel
from quart import Quart, render_template_string, session
from selectolax.lexbor import LexborHTMLParser

from livecomp import CloseCode, Component, LiveApp, Unauthorized, UnsafeURL, on, on_params
from livecomp.names import EMBEDDED, PAGE, TOKEN
from livecomp.testing import LiveTestClient

HOST = """<!doctype html><html><head><title>Shop</title>{{ live_script() }}</head>
<body><h1>Welcome</h1>{{ live_embed(widget) }}<footer>static footer</footer></body></html>"""


class Count(BaseModel):
    n: int = 0
    step: int = 1
    user: str = ""


class Counter(Component[Count]):
    template = (
        '<div><p>count {{ state.n }}</p><button live-click="inc">+</button>'
        '<a live-patch href="?step=5">by five</a></div>'
    )

    async def mount(self) -> None:
        self.state.user = self.request.user or ""

    @on_params
    async def stepping(self, step: int = 1) -> None:
        self.state.step = step

    @on("inc")
    async def inc(self) -> None:
        self.state.n += self.state.step

    @on("by-ten")
    async def by_ten(self) -> None:
        await self.patch_url("?step=10")

    @on("elsewhere")
    async def elsewhere(self) -> None:
        self.navigate("/widgets/other")


class Other(Component[Count]):
    template = "<div><p>other</p></div>"


class Private(Component[Count]):
    template = "<div><p>private {{ state.user }}</p></div>"

    async def mount(self) -> None:
        self.state.user = self.request.user or ""


def shop_app() -> Quart:
    app = Quart(__name__)
    app.secret_key = "test"

    def load_user(request: Any) -> str | None:
        user = request.session.get("user")
        return user if isinstance(user, str) else None

    live = LiveApp(app, user_loader=load_user)
    live.page("/widgets/counter", Counter)
    live.page("/widgets/private", Private, login_required=True)
    live.page("/widgets/other", Other)

    @app.get("/")
    async def home() -> str:
        return await render_template_string(HOST, widget="/widgets/counter?step=2")

    @app.get("/embed/<path:widget>")
    async def any_widget(widget: str) -> str:
        return await render_template_string(HOST, widget="/" + widget)

    @app.post("/login/<name>")
    async def login(name: str) -> str:
        session["user"] = name
        return "ok"

    return app


async def test_live_embed_renders_the_page_in_an_embedded_container() -> None:
    app = shop_app()
    response = await app.test_client().get("/")
    html = await response.get_data(as_text=True)
    document = LexborHTMLParser(html)
    container = document.css_first(f"[{PAGE}]")
    assert container is not None and EMBEDDED in container.attributes
    assert container.attributes[TOKEN]
    assert container.css_first("p").text() == "count 0"  # type: ignore[union-attr]
    live = app.extensions["livecomp"]
    assert f'<script defer src="{live.script_url}"></script>' in html
    assert "<h1>Welcome</h1>" in html and "static footer" in html
    assert live.signer.verify(container.attributes[TOKEN]).url == "/widgets/counter?step=2"


async def test_the_embedded_page_joins_at_its_own_url_and_goes_live() -> None:
    async with LiveTestClient(shop_app(), "/") as page:
        assert page.embedded and page.url == "/"
        assert page.root.request.url == "/widgets/counter?step=2"
        await page.click("button")
        assert page.text("p") == "count 2"
        assert page.url == "/" and page.history == ["/"]


async def test_patch_url_in_an_embedded_page_runs_the_params_handler_only() -> None:
    async with LiveTestClient(shop_app(), "/") as page:
        await page.send_event("by-ten")
        await page.click("button")
        assert page.text("p") == "count 10"
        assert page.root.request.url == "/widgets/counter?step=10"
        assert page.url == "/" and page.history == ["/"]


async def test_navigate_in_an_embedded_page_swaps_it_and_leaves_the_url() -> None:
    async with LiveTestClient(shop_app(), "/") as page:
        await page.send_event("elsewhere")
        assert page.text("p") == "other" and isinstance(page.root, Other)
        assert page.url == "/" and page.history == ["/"]
        assert page.root.request.url == "/widgets/other"


async def test_the_embedded_page_sees_the_hosts_session_and_user() -> None:
    app = shop_app()
    http = app.test_client()
    await http.post("/login/ada")
    async with LiveTestClient(app, "/embed/widgets/private", http=http) as page:
        assert page.text("p") == "private ada"
        assert page.root.request.user == "ada"


async def test_a_page_the_user_may_not_see_is_not_embedded() -> None:
    app = shop_app()
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(Unauthorized):
        await app.test_client().get("/embed/widgets/private")


async def test_a_url_of_no_live_page_is_a_clear_error() -> None:
    app = shop_app()
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(LookupError, match="no live page has this URL"):
        await app.test_client().get("/embed/nowhere")


async def test_an_unsafe_url_is_refused() -> None:
    app = shop_app()

    @app.get("/evil")
    async def evil() -> str:
        return await render_template_string(HOST, widget="//evil.example/widgets/counter")

    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(UnsafeURL, match=r"live_embed.*takes a path of this site"):
        await app.test_client().get("/evil")


async def test_the_token_is_bound_to_the_host_requests_session() -> None:
    app = shop_app()
    async with LiveTestClient(app, "/") as page:
        token = page.token
    stranger = LiveTestClient(app, "/")  # other cookies
    try:
        await stranger.connect()
        with pytest.raises(ConnectionError):
            await stranger.join(token)
        assert stranger.closed == (CloseCode.TOKEN_INVALID, "page token belongs to another session")
    finally:
        await stranger.close()


async def test_live_embed_from_a_python_view() -> None:
    app = shop_app()
    live = app.extensions["livecomp"]

    @app.get("/direct")
    async def direct() -> str:
        return f"<main>{await live.embed('/widgets/counter')}</main>"

    async with LiveTestClient(app, "/direct") as page:
        await page.click("button")
        assert page.text("p") == "count 1"
