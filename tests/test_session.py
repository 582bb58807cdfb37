"""Bad input: each refused with a clear error, and the page keeps working."""

from __future__ import annotations

import json

import pytest
from itsdangerous import URLSafeTimedSerializer
from pydantic import BaseModel

from livecomp import CloseCode, Component, ErrorCode, LiveApp, on, on_message
from livecomp.protocol import Err, Render
from livecomp.testing import LiveTestClient


class Temp(BaseModel):
    celsius: float = 19.5
    note: str = ""


class Thermo(Component[Temp]):
    template = """<div><p>{{ state.celsius }}</p><i>{{ state.note }}</i>
      <button live-click="up">+</button></div>"""

    @on("up")
    async def up(self) -> None:
        self.state.celsius += 1

    @on("set")
    async def set(self, celsius: float) -> None:
        self.state.celsius = celsius

    @on("note")
    async def set_note(self, note: str) -> None:
        self.state.note = note

    @on("boom")
    async def boom(self) -> None:
        self.state.celsius = -1
        raise RuntimeError("kaput")


async def refused(client: LiveTestClient, frame: str | bytes) -> Err:
    await client.send_raw(frame)
    [message] = await client.receive()
    assert isinstance(message, Err)
    return message


async def still_works(client: LiveTestClient) -> None:
    before = client.state.celsius
    await client.click("button")
    assert client.state.celsius == before + 1
    assert client.closed is None


async def test_malformed_json_is_refused() -> None:
    async with LiveTestClient(Thermo) as client:
        err = await refused(client, "{not json")
        assert err.code is ErrorCode.MALFORMED and "not valid JSON" in err.reason
        await still_works(client)


async def test_a_binary_frame_is_refused() -> None:
    async with LiveTestClient(Thermo) as client:
        err = await refused(client, b"\x00\x01")
        assert err.code is ErrorCode.BINARY_FRAME
        await still_works(client)


async def test_an_unknown_message_type_is_refused_naming_the_known_ones() -> None:
    async with LiveTestClient(Thermo) as client:
        err = await refused(client, json.dumps({"t": "launch"}))
        assert err.code is ErrorCode.UNKNOWN_TYPE and "'launch'" in err.reason
        assert "event" in err.reason
        await still_works(client)


async def test_a_message_with_missing_fields_is_refused() -> None:
    async with LiveTestClient(Thermo) as client:
        err = await refused(client, json.dumps({"t": "event", "cid": "c0"}))
        assert err.code is ErrorCode.MALFORMED and "ref" in err.reason
        await still_works(client)


async def test_an_unknown_event_is_refused() -> None:
    async with LiveTestClient(Thermo) as client:
        reply = await client.send_event("explode", check=False)
        assert reply.error is not None
        assert reply.error.code is ErrorCode.UNKNOWN_EVENT
        assert reply.error.reason == "Thermo has no handler for event 'explode'"
        await still_works(client)


async def test_an_event_for_an_unknown_component_is_refused() -> None:
    async with LiveTestClient(Thermo) as client:
        reply = await client.send_event("up", cid="c404", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.UNKNOWN_COMPONENT
        await still_works(client)


async def test_an_invalid_payload_leaves_state_untouched() -> None:
    async with LiveTestClient(Thermo) as client:
        reply = await client.send_event("set", {"celsius": "warm"}, check=False)
        assert reply.error is not None
        assert reply.error.code is ErrorCode.INVALID_PAYLOAD
        assert "celsius" in reply.error.reason and reply.error.event == "set"
        assert client.state.celsius == 19.5
        await still_works(client)


async def test_a_frame_over_the_size_limit_is_refused() -> None:
    live = LiveApp(max_frame_bytes=1024)
    live.page("/", Thermo)
    async with LiveTestClient(live) as client:
        frame = json.dumps(
            {"t": "event", "ref": 1, "cid": "c0", "event": "note", "value": {"note": "x" * 2000}}
        )
        err = await refused(client, frame)
        assert err.code is ErrorCode.TOO_LARGE and "limit of 1024 bytes" in err.reason
        assert client.state.note == ""
        await still_works(client)


async def test_the_default_frame_limit_is_64_kib() -> None:
    async with LiveTestClient(Thermo) as client:
        note = "y" * 60_000
        await client.send_event("note", {"note": note})
        assert client.state.note == note
        err = await refused(client, json.dumps({"t": "event", "pad": "z" * 70_000}))
        assert err.code is ErrorCode.TOO_LARGE and "65536" in err.reason


async def test_a_handler_exception_re_raises_in_the_test() -> None:
    async with LiveTestClient(Thermo) as client:
        with pytest.raises(RuntimeError, match="kaput"):
            await client.send_event("boom")
        await still_works(client)


async def test_script_in_state_arrives_escaped_in_first_render_and_patches() -> None:
    class Shout(Component[Temp]):
        template = "<div><i>{{ state.note }}</i></div>"

        async def mount(self) -> None:
            self.state.note = "<script>alert(1)</script>"

        @on("note")
        async def set_note(self, note: str) -> None:
            self.state.note = note

    async with LiveTestClient(Shout) as client:
        assert "<script>alert" not in client.document
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.document
        await client.send_event("note", {"note": "<script>alert(2)</script>"})
        assert client.query("script") == []
        assert client.text("i") == "<script>alert(2)</script>"


async def test_a_forged_token_closes_with_token_invalid() -> None:
    forged = URLSafeTimedSerializer("not-the-key", salt="livecomp.page").dumps(
        ["/", "tests.test_session.Thermo", "sid", "/", ""]
    )
    client = LiveTestClient(Thermo)
    await client.connect()
    with pytest.raises(ConnectionError):
        await client.join(forged)
    assert client.closed == (CloseCode.TOKEN_INVALID, "page token signature is invalid")
    await client.close()


async def test_an_expired_token_closes_with_token_invalid() -> None:
    live = LiveApp(secret_key="k", token_max_age=-1)
    live.page("/", Thermo)
    client = LiveTestClient(live)
    with pytest.raises(ConnectionError):
        await client.open()
    assert client.closed is not None
    assert client.closed[0] == CloseCode.TOKEN_INVALID and "expired" in client.closed[1]


async def test_a_foreign_origin_closes_with_origin_forbidden() -> None:
    client = LiveTestClient(Thermo, origin="http://evil.example")
    with pytest.raises(ConnectionError):
        await client.open()
    assert client.closed is not None and client.closed[0] == CloseCode.ORIGIN_FORBIDDEN


async def test_a_first_message_that_is_not_join_closes_with_join_expected() -> None:
    client = LiveTestClient(Thermo)
    await client.connect()
    await client.send_raw(json.dumps({"t": "event", "ref": 1, "cid": "c0", "event": "up"}))
    with pytest.raises(ConnectionError):
        await client.receive()
    assert client.closed is not None and client.closed[0] == CloseCode.JOIN_EXPECTED
    await client.close()


async def test_a_resync_is_answered_with_the_full_render_and_counted() -> None:
    async with LiveTestClient(Thermo) as client:
        await client.send_raw(json.dumps({"t": "resync", "cid": "c0", "reason": "test"}))
        [message] = await client.receive()
        assert isinstance(message, Render) and message.cid == "c0"
        assert client.session.resyncs == 1


async def test_a_client_that_does_not_read_is_closed_as_slow() -> None:
    live = LiveApp(outbox_size=4, send_timeout=0.3)
    live.page("/", Thermo)
    async with LiveTestClient(live) as client:
        client.pause_reading()
        for ref in range(1, 20):
            frame = {"t": "event", "ref": ref, "cid": "c0", "event": "up", "value": {}}
            await client.send_raw(json.dumps(frame))
        await client.wait_closed(5)
        assert client.closed == (CloseCode.SLOW_CLIENT, "a send took more than 0.3 s")
        # Ticks wait for their turn while the send hangs: none piled up.
        assert client.session.inbox_size <= 1


async def test_a_page_whose_socket_stops_draining_is_closed_as_slow() -> None:
    class Ticking(Thermo):
        async def mount(self) -> None:
            if self.connected:
                self.every(0.001, "tick")

        @on_message("tick")
        async def tick(self) -> None:
            self.state.celsius += 1

    live = LiveApp(send_timeout=0.3)
    live.page("/", Ticking)
    async with LiveTestClient(live) as client:
        client.pause_reading()
        await client.wait_closed(5)
        assert client.closed == (CloseCode.SLOW_CLIENT, "a send took more than 0.3 s")
        # Ticks wait for their turn while the send hangs: none piled up.
        assert client.session.inbox_size <= 1


async def test_a_mount_that_raises_closes_with_server_error_and_leaves_no_timer() -> None:
    class Broken(Thermo):
        async def mount(self) -> None:
            if self.connected:
                self.every(0.01, "tick")
                raise RuntimeError("database down")

        @on_message("tick")
        async def tick(self) -> None: ...

    client = LiveTestClient(Broken)
    with pytest.raises(ConnectionError):
        await client.open()
    assert client.closed == (CloseCode.SERVER_ERROR, "the page failed to mount")
    assert client.session.active_timers() == 0
