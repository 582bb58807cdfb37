"""What a component knows of the request: path and query parameters, headers,
cookies, the session; on the HTTP render and again, from the handshake, on the join."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from pydantic import BaseModel
from quart import Quart, Response, session
from quart.sessions import SessionInterface, SessionMixin
from quart.wrappers import BaseRequestWebsocket
from werkzeug.wrappers import Response as BaseResponse

from livecomp import Component, LiveApp, RequestInfo
from livecomp.testing import LiveTestClient
from livecomp.testing.app import cookie_header


class Seen(BaseModel):
    text: str = ""


class Recorder(Component[Seen]):
    """Keeps the request each mount saw: (connected, request)."""

    template = "<p>{{ state.text }}</p>"
    seen: ClassVar[list[tuple[bool, RequestInfo]]] = []

    async def mount(self) -> None:
        type(self).seen.append((self.connected, self.request))
        self.state.text = repr(dict(self.request.path_params))


def recorder_app(rule: str = "/users/<int:uid>", **options: Any) -> Quart:
    Recorder.seen = []
    app = Quart(__name__)
    app.secret_key = "test secret"

    @app.post("/cart")
    async def fill_cart() -> str:
        session["cart"] = ["tea", "milk"]
        return "ok"

    LiveApp(app, **options).page(rule, Recorder)
    return app


async def test_mount_reads_the_same_request_on_the_render_and_on_the_join() -> None:
    app = recorder_app()
    http = app.test_client()
    await http.post("/cart")
    http.set_cookie("localhost", "theme", "dark")
    headers = {"Accept-Language": "fr", "X-Secret": "s3", "User-Agent": "tests"}
    async with LiveTestClient(app, "/users/7?tag=a&tag=b&q=x", http=http, headers=headers):
        [(rendered, first), (joined, second)] = Recorder.seen
        assert (rendered, joined) == (False, True)
        for request in (first, second):
            assert request.url == "/users/7?tag=a&tag=b&q=x"
            assert request.path == "/users/7"
            assert dict(request.path_params) == {"uid": 7}
            assert request.query.getlist("tag") == ["a", "b"]
            assert request.query.get("q") == "x"
            assert request.cookies["theme"] == "dark"
            assert request.session["cart"] == ["tea", "milk"]
            assert dict(request.headers) == {"accept-language": "fr", "user-agent": "tests"}
            assert request.user is None


async def test_the_join_sees_the_handshake_s_cookies_not_the_render_s() -> None:
    Recorder.seen = []
    app = Quart(__name__)  # no secret key: no session to bind the token to
    LiveApp(app).page("/", Recorder)
    first = LiveTestClient(app, "/")
    first.http.set_cookie("localhost", "theme", "dark")
    await first.connect()
    await first.close()
    second = LiveTestClient(app, "/")
    second.http.set_cookie("localhost", "theme", "light")
    await second.connect()
    await second.join(first.token)
    try:
        assert Recorder.seen[-1][0] is True
        assert Recorder.seen[-1][1].cookies["theme"] == "light"
        assert dict(Recorder.seen[-1][1].session) == {}
    finally:
        await second.close()


async def test_the_app_chooses_the_headers_components_see() -> None:
    app = recorder_app(expose_headers={"X-Tenant"})
    headers = {"X-Tenant": "acme", "User-Agent": "tests", "Authorization": "Bearer t"}
    async with LiveTestClient(app, "/users/1", headers=headers):
        for _, request in Recorder.seen:
            assert dict(request.headers) == {"x-tenant": "acme"}


async def test_the_session_and_the_request_are_read_only() -> None:
    app = recorder_app()
    async with LiveTestClient(app, "/users/1"):
        request = Recorder.seen[-1][1]
        with pytest.raises(TypeError):
            request.session["user"] = "mallory"  # type: ignore[index]
        with pytest.raises(TypeError):
            request.query["tag"] = "x"
        with pytest.raises(AttributeError):
            request.url = "/elsewhere"  # type: ignore[misc]


class StoredSession(dict[str, Any], SessionMixin):
    pass


class ServerSideSessions(SessionInterface):
    """Sessions kept on the server, the cookie only naming one: not the default interface."""

    stores: ClassVar[dict[str, StoredSession]] = {}

    async def open_session(self, app: Quart, request: BaseRequestWebsocket) -> SessionMixin:
        return self.stores.setdefault(request.cookies.get("sid", ""), StoredSession())

    async def save_session(
        self, app: Quart, session: SessionMixin, response: Response | BaseResponse | None
    ) -> None:
        return None


async def test_the_join_opens_the_session_with_the_app_s_own_session_interface() -> None:
    app = recorder_app("/")
    app.session_interface = ServerSideSessions()  # type: ignore[assignment]
    ServerSideSessions.stores["abc"] = StoredSession(user="ada")
    http = app.test_client()
    http.set_cookie("localhost", "sid", "abc")
    async with LiveTestClient(app, "/", http=http):
        rendered, joined = (request for _, request in Recorder.seen)
        assert rendered.session["user"] == joined.session["user"] == "ada"


async def test_the_page_token_binds_the_session_it_creates_to_the_page() -> None:
    app = recorder_app("/")
    client = LiveTestClient(app, "/")
    await client.connect()
    try:
        # The GET gave the browser a session (a cookie) for the join to show.
        assert cookie_header(client.http).startswith("session=")
        await client.join()
        assert Recorder.seen[-1][1].session["_livecomp_sid"]
    finally:
        await client.close()


# --- routes ------------------------------------------------------------------


async def test_path_parameters_are_typed_by_the_route_s_converters() -> None:
    app = recorder_app("/files/<path:rest>/v<int:version>")
    async with LiveTestClient(app, "/files/a/b%20c.txt/v3") as client:
        assert client.text("p") == "{'rest': 'a/b c.txt', 'version': 3}"
        assert dict(Recorder.seen[-1][1].path_params) == {"rest": "a/b c.txt", "version": 3}


async def test_a_path_parameter_that_does_not_convert_answers_404() -> None:
    app = recorder_app()
    response = await app.test_client().get("/users/seven")
    assert response.status_code == 404
    response = await app.test_client().get("/users/7")
    assert response.status_code == 200
    assert Recorder.seen == [(False, Recorder.seen[0][1])]


async def test_two_pages_with_parameters_each_get_their_own() -> None:
    class Other(Recorder):
        pass

    Recorder.seen = []
    app = Quart(__name__)
    live = LiveApp(app)
    live.page("/users/<int:uid>", Recorder)
    live.page("/teams/<name>", Other)
    async with LiveTestClient(app, "/teams/blue") as client:
        assert client.text("p") == "{'name': 'blue'}"
    async with LiveTestClient(app, "/users/12") as client:
        assert client.text("p") == "{'uid': 12}"
