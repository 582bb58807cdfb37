"""What the browser is told when a handler raises: the event and an error id,
never the exception's text, unless the app runs in debug mode."""

from __future__ import annotations

import json
import logging
import re

import pytest
from pydantic import BaseModel
from quart import Quart

from livecomp import Component, ErrorCode, LiveApp, on, on_message
from livecomp.protocol import Err
from livecomp.testing import LiveTestClient

SECRET = "postgres://admin:hunter2@db.internal:5432/prod"
ERROR_ID = re.compile(r"\(error id ([0-9a-f]{12})\)")


class Count(BaseModel):
    n: int = 0


class Leaky(Component[Count]):
    template = "<p>{{ state.n }}</p>"

    @on("save")
    async def save(self) -> None:
        self.state.n += 1
        raise ConnectionError(f"could not connect to {SECRET}")

    @on_message("later")
    async def later(self) -> None:
        raise ConnectionError(f"could not connect to {SECRET}")


def app_with(*, debug: bool) -> Quart:
    app = Quart(__name__)
    LiveApp(app, secret_key="test", debug=debug).page("/", Leaky)
    return app


async def send_save(client: LiveTestClient) -> Err:
    frame = {"t": "event", "ref": 1, "cid": client.root.cid, "event": "save", "value": {}}
    await client.send_raw(json.dumps(frame))
    while True:
        for message in await client.receive():
            if isinstance(message, Err):
                return message


async def test_the_browser_gets_the_event_and_an_error_id_but_no_exception_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="livecomp"):
        async with LiveTestClient(app_with(debug=False)) as client:
            cid = client.root.cid
            err = await send_save(client)
            with pytest.raises(ConnectionError):
                await client.settle()  # the test client re-raises what the server logged
    assert err.code is ErrorCode.HANDLER_ERROR
    assert err.event == "save"
    assert SECRET not in err.reason and "ConnectionError" not in err.reason
    found = ERROR_ID.search(err.reason)
    assert found is not None, err.reason
    assert err.reason == f"handler of event 'save' failed (error id {found.group(1)})"
    assert err.error_id == found.group(1)  # on its own too, for the page to show
    # The server's one log line carries the same id, the page and the component.
    [record] = [r for r in caplog.records if getattr(r, "livecomp_error_id", None)]
    assert getattr(record, "livecomp_error_id") == found.group(1)  # noqa: B009
    assert getattr(record, "livecomp_cid") == cid  # noqa: B009
    assert found.group(1) in record.getMessage()
    assert record.exc_info is not None and SECRET in str(record.exc_info[1])


async def test_the_page_renders_what_the_state_became_and_goes_on() -> None:
    async with LiveTestClient(app_with(debug=False)) as client:
        await send_save(client)
        with pytest.raises(ConnectionError):
            await client.settle()
        assert client.text("p") == "1"


async def test_debug_mode_adds_the_exception_to_the_reason() -> None:
    async with LiveTestClient(app_with(debug=True)) as client:
        err = await send_save(client)
        with pytest.raises(ConnectionError):
            await client.settle()
    assert ERROR_ID.search(err.reason)
    assert err.reason.endswith(f"ConnectionError('could not connect to {SECRET}')")


async def test_a_failing_message_handler_is_logged_with_its_error_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="livecomp"):
        async with LiveTestClient(app_with(debug=False)) as client:
            with pytest.raises(ConnectionError):
                await client.send_message(client.root.cid, "later")
    [record] = [r for r in caplog.records if getattr(r, "livecomp_error_id", None)]
    assert "message handler for 'later' failed" in record.getMessage()
    assert getattr(record, "livecomp_page")  # noqa: B009
