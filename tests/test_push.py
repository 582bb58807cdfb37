"""push_event: named events with JSON data for the page's client hooks.

A push travels with the turn that made it: after that turn's patches, before
the ack of the event being handled. The first HTTP render has no socket, so
it pushes nothing.
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from livecomp import Component, PageContext, on, on_message
from livecomp.page import LivePage
from livecomp.protocol import Ack, Patch, Push, decode_server, encode
from livecomp.runtime import StaticRuntime
from livecomp.testing import LiveTestClient


class Points(BaseModel):
    values: list[int] = []


class Chart(Component[Points]):
    template = "<p>{{ state.values|length }} points</p>"

    @on("add")
    async def add(self, value: int) -> None:
        self.state.values.append(value)
        self.push_event("points", self.state.values)

    @on("ping")
    async def ping(self) -> None:
        self.push_event("pong", None)

    @on("relay")
    async def relay(self) -> None:
        self.push_event("first", 1)
        self.send_self("later")

    @on_message("later")
    async def later(self) -> None:
        self.state.values.append(0)
        self.push_event("second", 2)

    @on_message("tick")
    async def tick(self) -> None:
        self.state.values.append(len(self.state.values))
        self.push_event("points", self.state.values)

    @on("bad")
    async def bad(self) -> None:
        self.push_event("nan", {"x": float("nan")})


class Mounting(Chart):
    async def mount(self) -> None:
        self.push_event("mounted", {"connected": self.connected})


async def test_the_wire_message_names_the_event_and_carries_json() -> None:
    frame = encode([Push.of("points", {"values": [1, 2.5, None, "é"]})])
    assert frame == '{"t":"push","event":"points","data":{"values":[1,2.5,null,"é"]}}'
    assert decode_server(frame) == [Push.of("points", {"values": [1, 2.5, None, "é"]})]


async def test_a_batch_with_pushes_is_one_json_array_in_order() -> None:
    frame = encode([Push.of("a", [1]), Ack(ref=3), Push.of("b", "x")])
    assert frame == '[{"t":"push","event":"a","data":[1]},{"t":"ack","ref":3},' + (
        '{"t":"push","event":"b","data":"x"}]'
    )


async def test_a_push_follows_the_patches_of_its_event_and_precedes_the_ack() -> None:
    async with LiveTestClient(Chart) as client:
        client.received.clear()
        await client.send_event("add", {"value": 7})
        assert [message.t for message in client.received] == ["patch", "push", "ack"]
        assert client.pushed[-1] == ("points", [7])


async def test_a_push_without_a_change_is_followed_by_the_ack_alone() -> None:
    async with LiveTestClient(Chart) as client:
        client.received.clear()
        await client.send_event("ping")
        assert [message.t for message in client.received] == ["push", "ack"]
        assert client.pushed[-1] == ("pong", None)


async def test_pushes_of_messages_posted_in_the_turn_keep_their_order_before_the_ack() -> None:
    async with LiveTestClient(Chart) as client:
        client.received.clear()
        await client.send_event("relay")
        assert [message.t for message in client.received] == ["patch", "push", "push", "ack"]
        assert client.pushed[-2:] == [("first", 1), ("second", 2)]


async def test_the_pushed_data_is_what_it_was_when_pushed() -> None:
    async with LiveTestClient(Chart) as client:
        await client.send_event("add", {"value": 1})
        await client.send_event("add", {"value": 2})
        # The handler pushed its live list, which it changed again later.
        assert client.pushed[-2:] == [("points", [1]), ("points", [1, 2])]


async def test_a_timer_message_pushes_after_its_patch() -> None:
    async with LiveTestClient(Chart) as client:
        client.received.clear()
        await client.send_message(client.root.cid, "tick")
        assert [message.t for message in client.received] == ["patch", "push"]
        assert client.pushed[-1] == ("points", [0])


async def test_a_push_from_outside_any_turn_is_sent_in_a_turn_of_its_own() -> None:
    async with LiveTestClient(Chart) as client:
        client.root.push_event("outside", {"n": 1})
        await client.settle()
        assert client.pushed[-1] == ("outside", {"n": 1})


async def test_a_push_from_mount_on_join_follows_the_join_render() -> None:
    async with LiveTestClient(Mounting) as client:
        await client.settle()
        assert [message.t for message in client.received] == ["unchanged", "push"]


async def test_the_http_render_drops_pushes() -> None:
    async with LiveTestClient(Mounting) as client:
        await client.settle()
        # Both mounts pushed; only the connected one had a socket to push to.
        assert "0 points" in client.document
        assert client.pushed == [("mounted", {"connected": True})]


async def test_the_static_runtime_of_the_http_render_pushes_nothing() -> None:
    page = LivePage(Mounting, PageContext(connected=False, runtime=StaticRuntime()))
    assert "0 points" in await page.mount()
    await page.close()


async def test_data_that_is_not_strict_json_fails_in_the_handler() -> None:
    async with LiveTestClient(Chart) as client:
        with pytest.raises(ValueError, match="'nan' is not JSON"):
            await client.send_event("bad")
        # The page goes on.
        await client.send_event("add", {"value": 1})
        assert client.pushed[-1] == ("points", [1])


def test_push_needs_an_event_name_and_json_data() -> None:
    with pytest.raises(TypeError, match="non-empty string name"):
        Push.of("", 1)
    with pytest.raises(TypeError, match="'e' is not JSON"):
        Push.of("e", {"when": object()})


def test_the_patch_type_is_unchanged_by_pushes() -> None:
    # decode_server still returns patches as patches beside pushes.
    frame = '[{"t":"patch","cid":"c0","ops":[]},{"t":"push","event":"e","data":{}}]'
    decoded = decode_server(frame)
    assert isinstance(decoded[0], Patch)
    assert decoded[1] == Push("e", "{}")
