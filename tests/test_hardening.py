"""Each probe of the bad-input review, sent again: the documented answer, and
the app still serving other pages afterwards.

Transport-level probes (slow readers, oversized frames against a real
Hypercorn) are in tests/test_transport_hardening.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from typing import Any

import pytest
from pydantic import BaseModel
from quart import Quart

from livecomp import (
    CloseCode,
    Component,
    ErrorCode,
    Form,
    HandlerDefinitionError,
    LiveApp,
    on,
)
from livecomp.protocol import Ack, Err, Pong, Render
from livecomp.security import MAX_TOKEN_CHARS
from livecomp.testing import LiveTestClient


class Thermo(BaseModel):
    celsius: float = 19.5
    name: str = ""


class Signup(BaseModel):
    name: str = ""


class Thermostat(Component[Thermo]):
    template = """<div><p>{{ state.celsius }} {{ state.name }}</p>
      <form live-change="named"><input name="name"></form></div>"""

    @on("set")
    async def set(self, celsius: float) -> None:
        self.state.celsius = celsius

    @on("named")
    async def named(self, form: Form[Signup]) -> None:
        self.state.name = form.field("name")

    @on("greet")
    async def greet(self, name: str) -> None:
        self.state.name = name


def thermo_app(**options: Any) -> Quart:
    app = Quart(__name__)
    LiveApp(app, secret_key="hardening", **options).page("/", Thermostat)
    return app


async def still_serves(app: Quart) -> None:
    """A fresh page of the same app loads, joins and handles an event."""
    async with LiveTestClient(app) as other:
        await other.send_event("set", {"celsius": "22"})
        assert other.state.celsius == 22.0


async def event(client: LiveTestClient, value: dict[str, Any], name: str = "greet") -> str:
    return json.dumps(
        {"t": "event", "ref": 1, "cid": client.root.cid, "event": name, "value": value}
    )


async def next_err(client: LiveTestClient) -> Err:
    while True:
        for message in await client.receive():
            if isinstance(message, Err):
                return message


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert [r for r in caplog.records if r.exc_info] == []


# --- broken -------------------------------------------------------------------


async def test_deeply_nested_json_after_join_is_malformed_with_no_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = thermo_app()
    async with LiveTestClient(app) as client:
        await client.send_raw("[" * 2000 + "]" * 2000)
        err = await next_err(client)
        assert err.code is ErrorCode.MALFORMED
        assert "recursion limit" in err.reason
        await client.send_event("set", {"celsius": "20"})  # the page goes on
    no_tracebacks(caplog)
    await still_serves(app)


async def test_deeply_nested_json_as_the_join_closes_with_the_documented_code(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = thermo_app()
    client = LiveTestClient(app)
    await client.connect()
    await client.send_raw("[" * 2000 + "]" * 2000)
    closed = await client.wait_closed()
    await client.close()
    assert closed is not None and closed[0] == CloseCode.JOIN_EXPECTED
    assert "not valid JSON" in closed[1]
    no_tracebacks(caplog)
    await still_serves(app)


async def test_a_lone_surrogate_anywhere_in_a_message_is_malformed() -> None:
    app = thermo_app()
    async with LiveTestClient(app) as client:
        await client.send_raw((await event(client, {})).replace("{}", '{"name":"\\ud800"}'))
        err = await next_err(client)
        assert err.code is ErrorCode.MALFORMED
        assert client.state.name == ""
        # The next send, which used to fail to encode, works.
        await client.send_raw(json.dumps({"t": "resync", "cid": client.root.cid}))
        assert any(isinstance(m, Render) for m in await client.receive())
        # A proper pair of surrogates is one character, and welcome.
        await client.send_event("greet", {"name": "\U0001f600"})
        assert client.state.name == "\U0001f600"
    await still_serves(app)


# --- weak -----------------------------------------------------------------------


async def test_public_origins_stop_a_rebound_host() -> None:
    app = thermo_app(public_origins={"https://shop.example"})
    rebound = LiveTestClient(
        app, headers={"Host": "evil.example:8301"}, origin="http://evil.example:8301"
    )
    with pytest.raises(ConnectionError, match="4003"):
        await rebound.open()
    async with LiveTestClient(app, origin="https://shop.example") as client:
        assert client.closed is None
    # Without public origins, the page's own host is still trusted (development).
    async with LiveTestClient(
        thermo_app(), headers={"Host": "evil.example:8301"}, origin="http://evil.example:8301"
    ):
        pass


async def test_error_reasons_do_not_echo_client_input_uncapped() -> None:
    app = thermo_app()
    async with LiveTestClient(app) as client:
        await client.send_raw(json.dumps({"t": "x" * 60_000}))
        err = await next_err(client)
        assert err.code is ErrorCode.UNKNOWN_TYPE and len(err.reason) <= 300
        fields = {f"f{n}": "" for n in range(3_000)}
        await client.send_raw(await event(client, fields, "named"))
        err = await next_err(client)
        assert err.code is ErrorCode.INVALID_PAYLOAD and len(err.reason) <= 300
        assert err.reason.endswith("…")
    await still_serves(app)


async def test_nan_and_infinity_never_reach_state() -> None:
    app = thermo_app()
    async with LiveTestClient(app) as client:
        for literal in ("NaN", "-Infinity", "Infinity"):
            frame = (await event(client, {}, "set")).replace("{}", f'{{"celsius":{literal}}}')
            await client.send_raw(frame)
            err = await next_err(client)
            assert err.code is ErrorCode.MALFORMED, literal
        for text in ("NaN", "inf", "-Infinity"):
            with pytest.raises(Exception, match="invalid_payload"):
                await client.send_event("set", {"celsius": text})
        assert client.state.celsius == 19.5
        assert "nan" not in client.html.lower()
    await still_serves(app)


async def test_the_heartbeat_is_answered_and_its_interval_is_on_the_page() -> None:
    async with LiveTestClient(thermo_app(heartbeat=12.5)) as client:
        assert 'live-heartbeat="12500"' in client.document
        await client.send_raw(json.dumps({"t": "ping"}))
        assert await client.receive() == [Pong()]


async def test_the_default_heartbeat_is_left_off_the_page() -> None:
    # The client's default (names.DEFAULT_HEARTBEAT_MS) is the server's: only
    # a page that changes it, or turns it off, says so.
    async with LiveTestClient(thermo_app()) as client:
        assert "live-heartbeat" not in client.document
    async with LiveTestClient(thermo_app(heartbeat=0)) as client:
        assert 'live-heartbeat="0"' in client.document


async def test_a_silent_socket_is_closed_and_its_page_freed() -> None:
    app = thermo_app(idle_timeout=1.5)
    live = app.extensions["livecomp"]
    async with LiveTestClient(app) as client:
        closed = await client.wait_closed(timeout=10)
        assert closed is not None and closed[0] == CloseCode.IDLE_TIMEOUT
        assert live.sessions == set()
    await still_serves(app)


async def test_a_heartbeat_keeps_a_quiet_socket_open() -> None:
    async with LiveTestClient(thermo_app(idle_timeout=2.0)) as client:
        for _ in range(6):
            await asyncio.sleep(0.5)
            await client.send_raw(json.dumps({"t": "ping"}))
            assert await client.receive() == [Pong()]
        assert client.closed is None


async def test_resyncs_are_rate_limited_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    app = thermo_app()
    with caplog.at_level(logging.WARNING, logger="livecomp"):
        async with LiveTestClient(app) as client:
            renders = refused = 0
            for _ in range(30):
                frame = {"t": "resync", "cid": client.root.cid, "reason": "r" * 2000}
                await client.send_raw(json.dumps(frame))
                for message in await client.receive():
                    renders += isinstance(message, Render)
                    refused += isinstance(message, Err) and message.code is ErrorCode.RATE_LIMITED
            assert (renders, refused) == (10, 20)
            assert (client.session.resyncs, client.session.resyncs_refused) == (30, 20)
    warnings = [r for r in caplog.records if "resync" in r.getMessage()]
    assert len(warnings) == 10
    assert all(len(r.getMessage()) < 400 for r in warnings)
    await still_serves(app)


async def test_client_text_in_a_log_line_stays_on_that_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    forged = "x\n[2026-11-30 00:00:00 +0000] [1] [CRITICAL] FORGED: all is lost"
    app = thermo_app()
    with caplog.at_level(logging.WARNING, logger="livecomp"):
        async with LiveTestClient(app) as client:
            await client.send_raw(
                json.dumps({"t": "resync", "cid": client.root.cid, "reason": forged})
            )
            await client.receive()
    [line] = [r.getMessage() for r in caplog.records if "resync" in r.getMessage()]
    assert "\n" not in line and "FORGED" in line
    await still_serves(app)


async def test_a_query_too_long_for_a_token_is_refused_with_414() -> None:
    app = thermo_app()
    # Random text: the token's payload is compressed, so repeats would fit.
    client = LiveTestClient(app, "/?q=" + secrets.token_urlsafe(MAX_TOKEN_CHARS))
    with pytest.raises(AssertionError, match="answered 414"):
        await client.open()
    async with LiveTestClient(app, "/?q=" + "x" * 1_000) as fine:
        assert fine.closed is None
    await still_serves(app)


async def test_pages_carry_security_headers_the_app_can_override() -> None:
    app = thermo_app()
    response = await app.test_client().get("/")
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "private, no-store"
    custom = thermo_app(
        page_headers={"X-Frame-Options": None, "Content-Security-Policy": "default-src 'self'"}
    )
    response = await custom.test_client().get("/")
    assert "X-Frame-Options" not in response.headers
    assert response.headers["Content-Security-Policy"] == "default-src 'self'"


@pytest.mark.parametrize("name", ["key", "cid", "props", "state", "parent_cid"])
def test_a_handler_named_like_a_component_attribute_is_refused(name: str) -> None:
    async def handler(self: Component[Thermo]) -> None: ...

    namespace = {name: on("go")(handler)}
    with pytest.raises(HandlerDefinitionError, match=f"{name} is a framework member"):
        type("Clash", (Thermostat,), namespace)


async def test_an_event_flood_is_refused_past_the_socket_s_limit() -> None:
    app = thermo_app(events_per_second=50, event_burst=20)
    async with LiveTestClient(app) as client:
        frames = [
            json.dumps(
                {
                    "t": "event",
                    "ref": n,
                    "cid": client.root.cid,
                    "event": "greet",
                    "value": {"name": str(n)},
                }
            )
            for n in range(1, 201)
        ]
        for frame in frames:  # as fast as a script can: no waiting for acks
            await client.send_raw(frame)
        acked = refused = 0
        while acked + refused < len(frames):
            for message in await client.receive():
                if isinstance(message, Err):
                    assert message.code is ErrorCode.RATE_LIMITED
                    assert "live-throttle" in message.reason
                    refused += 1
                elif isinstance(message, Ack):
                    acked += 1
        assert 20 <= acked < 60 and refused == len(frames) - acked
    await still_serves(app)
