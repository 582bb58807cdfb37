"""The app's error handler: what a failure shows, on the first render and on
the socket; without one, Quart's error page and livecomp's ``err``."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from pydantic import BaseModel
from quart import Quart, abort

from livecomp import Component, ErrorCode, Failure, LiveApp, on
from livecomp.protocol import Err
from livecomp.testing import LiveTestClient

SECRET = "postgres://admin:hunter2@db.internal/prod"


class Count(BaseModel):
    n: int = 0


class Saver(Component[Count]):
    template = "<p>{{ state.n }}</p>"

    @on("save")
    async def save(self) -> None:
        raise ConnectionError(f"could not connect to {SECRET}")


class BrokenMount(Component[Count]):
    template = "<p>never</p>"

    async def mount(self) -> None:
        raise ConnectionError(f"could not connect to {SECRET}")


class Missing(Component[Count]):
    template = "<p>never</p>"

    async def mount(self) -> None:
        abort(404)


def make_app(handler: Any = None, *, debug: bool = False) -> tuple[Quart, LiveApp]:
    app = Quart(__name__)
    live = LiveApp(app, secret_key="test", debug=debug)
    live.page("/", Saver)
    live.page("/broken", BrokenMount)
    live.page("/missing", Missing)
    if handler is not None:
        live.error_handler(handler)
    return app, live


async def save_err(client: LiveTestClient) -> Err:
    frame = {"t": "event", "ref": 1, "cid": client.root.cid, "event": "save", "value": {}}
    await client.send_raw(json.dumps(frame))
    while True:
        for message in await client.receive():
            if isinstance(message, Err):
                return message


async def test_the_handler_words_the_sockets_err_and_sees_the_failure() -> None:
    seen: list[Failure] = []

    def words(failure: Failure) -> str:
        seen.append(failure)
        return f"Sorry, saving did not work (ref {failure.error_id})"

    app, _ = make_app(words)
    async with LiveTestClient(app, "/?tab=2") as client:
        cid = client.root.cid
        err = await save_err(client)
        with pytest.raises(ConnectionError):
            await client.settle()
    [failure] = seen
    assert err.code is ErrorCode.HANDLER_ERROR
    assert err.error_id == failure.error_id
    assert err.reason == f"Sorry, saving did not work (ref {failure.error_id})"
    assert failure.on_socket and failure.url == "/?tab=2"
    assert failure.what == "handler of event 'save' failed"
    assert isinstance(failure.exception, ConnectionError)
    assert failure.cid == cid


async def test_an_async_handler_is_awaited_and_none_keeps_the_default() -> None:
    async def quiet(failure: Failure) -> None:
        return None

    app, _ = make_app(quiet)
    async with LiveTestClient(app) as client:
        err = await save_err(client)
        with pytest.raises(ConnectionError):
            await client.settle()
    assert err.reason == f"handler of event 'save' failed (error id {err.error_id})"


async def test_a_handler_that_fails_itself_leaves_the_default_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(failure: Failure) -> str:
        raise KeyError("oops")

    app, _ = make_app(broken)
    with caplog.at_level(logging.ERROR, logger="livecomp"):
        async with LiveTestClient(app) as client:
            err = await save_err(client)
            with pytest.raises(ConnectionError):
                await client.settle()
    assert err.reason == f"handler of event 'save' failed (error id {err.error_id})"
    assert any("the app's error handler failed" in r.getMessage() for r in caplog.records)


async def test_a_failed_first_render_is_quarts_error_page_without_details(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, _ = make_app()
    with caplog.at_level(logging.ERROR, logger="livecomp"):
        response = await app.test_client().get("/broken")
    assert response.status_code == 500
    body = await response.get_data(as_text=True)
    assert SECRET not in body and "ConnectionError" not in body
    [record] = [r for r in caplog.records if getattr(r, "livecomp_error_id", None)]
    assert "the first render of /broken failed" in record.getMessage()


async def test_the_handler_renders_a_failed_first_render() -> None:
    seen: list[Failure] = []

    async def page(failure: Failure) -> Any:
        seen.append(failure)
        if failure.on_socket:
            return None
        return f"<h1>Something broke</h1><p>Error {failure.error_id}</p>", 500

    app, _ = make_app(page)
    response = await app.test_client().get("/broken?x=1")
    assert response.status_code == 500
    [failure] = seen
    assert not failure.on_socket and failure.url == "/broken?x=1"
    assert f"Error {failure.error_id}" in await response.get_data(as_text=True)


async def test_the_apps_own_500_handler_answers_when_livecomps_has_none() -> None:
    app, _ = make_app()

    @app.errorhandler(500)
    async def server_error(error: Exception) -> tuple[str, int]:
        return "our own 500 page", 500

    response = await app.test_client().get("/broken")
    assert response.status_code == 500
    assert await response.get_data(as_text=True) == "our own 500 page"


async def test_an_http_error_in_mount_is_quarts_as_usual() -> None:
    app, _ = make_app(lambda failure: "never asked")
    response = await app.test_client().get("/missing")
    assert response.status_code == 404


async def test_the_test_client_raises_what_a_failed_first_render_raised() -> None:
    app, _ = make_app()
    with pytest.raises(ConnectionError, match="could not connect"):
        async with LiveTestClient(app, "/broken"):
            pass
