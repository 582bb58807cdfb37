"""The world clocks demo with the test client: the app's own routes, no browser."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from examples.clocks import create_app
from livecomp import ErrorCode
from livecomp.ops import InsertOp, RemoveOp, TextOp
from livecomp.protocol import encode
from livecomp.testing import LiveTestClient

TIME = re.compile(r"^\d\d:\d\d:\d\d$")


def clocks() -> LiveTestClient:
    return LiveTestClient(create_app(), "/")


async def test_the_same_flow_with_the_test_client() -> None:
    async with clocks() as client:
        assert client.text(".error") == ""
        assert "disabled" in client.query("button[type=submit]")[0].attributes

        await client.change("input[name=zone]", {"zone": "Mars/Olympus"})
        assert client.text(".error") == "Timezone Mars/Olympus does not exist"
        assert "disabled" in client.query("button[type=submit]")[0].attributes

        await client.change("input[name=zone]", {"zone": "Europe/London"})
        assert client.text(".error") == ""
        assert "disabled" not in client.query("button[type=submit]")[0].attributes

        for zone in ("Europe/London", "America/New_York", "Asia/Tokyo"):
            await client.change("input[name=zone]", {"zone": zone})
            # The field now holds the zone: the submit sends what the form has.
            reply = await client.submit("form", submitter="button[type=submit]")
            inserts = [op for op in reply.ops if isinstance(op, InsertOp)]
            assert len(inserts) == 1 and f">{zone}</span>" in inserts[0].html
        assert [n.text() for n in client.query(".zone")] == [
            "Europe/London",
            "America/New_York",
            "Asia/Tokyo",
        ]
        assert client.query("input")[0].attributes["value"] == ""

        tick = await client.next_patch(timeout=3)
        [op] = tick.ops
        assert isinstance(op, TextOp) and (op.path, op.check) == ([2, 0], "#text")
        assert TIME.match(op.data)
        assert len(encode([tick]).encode()) <= 100

        first, middle, last = (n.attributes["live-cid"] or "" for n in client.query(".clock"))
        reply = await client.click(f"[live-cid={middle}] button")
        # Ticks of other clocks may arrive in the same reply: look at the page's patch.
        page_ops = [p.ops for p in reply.patches if p.cid == client.root.cid]
        assert page_ops == [[RemoveOp("remove", [7, 1], "li")]]
        assert [n.attributes["live-cid"] for n in client.query(".clock")] == [first, last]
        assert client.session.active_timers() == 2


async def test_the_add_button_cannot_be_clicked_until_the_zone_is_valid() -> None:
    async with clocks() as client:
        await client.change("form", {"zone": "Europe/Londres"})
        with pytest.raises(ValueError, match="disabled"):
            await client.submit("form", submitter="button[type=submit]")
        assert client.query(".clock") == []


async def test_adding_the_same_zone_twice_gives_two_clocks() -> None:
    async with clocks() as client:
        await client.submit("form", {"zone": "Asia/Tokyo"})
        await client.submit("form", {"zone": "Asia/Tokyo"})
        cids = {n.attributes["live-cid"] for n in client.query(".clock")}
        assert len(cids) == 2
        assert client.session.active_timers() == 2


async def test_a_10000_character_zone_is_refused_with_a_short_message() -> None:
    async with clocks() as client:
        await client.change("form", {"zone": "x" * 10_000})
        assert client.text(".error") == f"Timezone {'x' * 40}… does not exist"
        # Past the disabled button, as a forged frame would be: still no clock.
        await client.send_event("add", {"zone": "x" * 10_000})
        assert client.text(".error") == f"Timezone {'x' * 40}… does not exist"
        assert client.query(".clock") == []


async def test_an_unknown_form_field_is_refused() -> None:
    async with clocks() as client:
        with pytest.raises(LookupError, match=r"no field 'admin'; its fields: \['zone'\]"):
            await client.submit("form", {"zone": "Asia/Tokyo", "admin": "1"})
        # A forged frame with it is refused by the server.
        reply = await client.send_event("add", {"zone": "Asia/Tokyo", "admin": "1"}, check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.INVALID_PAYLOAD
        assert "unknown form field(s) ['admin']" in reply.error.reason
        assert client.query(".clock") == []


async def test_a_forged_event_cannot_reach_a_server_message_handler() -> None:
    async with clocks() as client:
        await client.submit("form", {"zone": "Asia/Tokyo"})
        clock = client.query(".clock")[0].attributes["live-cid"] or ""
        for cid, event in ((clock, "tick"), (client.root.cid, "remove_clock")):
            reply = await client.send_event(event, {"key": "clock1"}, cid=cid, check=False)
            assert reply.error is not None and reply.error.code is ErrorCode.UNKNOWN_EVENT
        assert len(client.query(".clock")) == 1


async def test_removing_a_clock_that_does_not_exist_is_refused() -> None:
    async with clocks() as client:
        await client.submit("form", {"zone": "Asia/Tokyo"})
        reply = await client.send_event("remove", cid="c99", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.UNKNOWN_COMPONENT
        frame = json.dumps({"t": "event", "ref": 50, "cid": "c1", "event": "remove", "value": {}})
        await client.send_raw(frame)
        await asyncio.sleep(0)
        await client.settle()
        assert client.query(".clock") == []
        reply = await client.send_event("remove", cid="c1", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.UNKNOWN_COMPONENT


async def test_the_page_shell_is_a_template_file() -> None:
    live = create_app().extensions["livecomp"]
    html = await live.render_page("/")
    assert "<title>World Clocks</title>" in html
    assert ".clock time { font-variant-numeric: tabular-nums;" in html
    assert html.index("<style>") < html.index("</head>") < html.index("live-page")
