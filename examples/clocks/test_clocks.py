"""The world clocks demo, driven as a user would: in Chromium and with the test client."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from examples.clocks import WorldClocks
from livecomp import ErrorCode
from livecomp.ops import InsertOp, RemoveOp, TextOp
from livecomp.protocol import encode
from livecomp.testing import LiveTestClient

TIME = re.compile(r"^\d\d:\d\d:\d\d$")


def test_add_tick_and_remove_clocks_in_the_browser(
    run_example: Callable[[str], str], page: Page
) -> None:
    page.goto(run_example("clocks"))
    expect(page.locator("body")).to_have_class("live-connected")
    expect(page.get_by_role("heading")).to_have_text("World Clocks")
    expect(page.locator(".hint")).to_have_text("Try Europe/London or America/New_York")
    field = page.get_by_label("Timezone")
    add = page.get_by_role("button", name="Add clock")
    error = page.locator(".error")
    expect(error).to_have_text("")

    field.fill("Europe/Londres")
    expect(error).to_have_text("Timezone Europe/Londres does not exist")
    expect(add).to_be_disabled()
    field.fill("Europe/London")
    expect(error).to_have_text("")
    expect(add).to_be_enabled()
    add.click()
    expect(page.locator(".clock")).to_have_count(1)
    expect(field).to_have_value("")

    for zone in ("America/New_York", "Asia/Tokyo"):
        field.fill(zone)
        expect(add).to_be_enabled()
        field.press("Enter")
        expect(page.locator(".clock .zone").last).to_have_text(zone)
    clocks = page.locator(".clock")
    expect(clocks).to_have_count(3)
    zones = clocks.locator(".zone")
    expect(zones).to_have_text(["Europe/London", "America/New_York", "Asia/Tokyo"])

    first_time = clocks.nth(0).locator("time").inner_text()
    assert TIME.match(first_time)
    expect(clocks.nth(0).locator("time")).not_to_have_text(first_time, timeout=3000)

    # Mark the DOM nodes of the outer clocks, remove the middle one, and check
    # the marked nodes are still the ones on the page.
    page.evaluate(
        "() => document.querySelectorAll('.clock').forEach((el, i) => { el.dataset.mark = i; "
        "el.__original = true; })"
    )
    clocks.nth(1).get_by_role("button", name="Remove").click()
    expect(clocks).to_have_count(2)
    expect(clocks.locator(".zone")).to_have_text(["Europe/London", "Asia/Tokyo"])
    assert page.evaluate(
        "() => [...document.querySelectorAll('.clock')].map(el => el.__original === true)"
    ) == [True, True]
    tokyo = clocks.nth(1).locator("time")
    before = tokyo.inner_text()
    expect(tokyo).not_to_have_text(before, timeout=3000)
    assert page.evaluate("window.livecomp.resyncs") == 0


async def test_the_same_flow_with_the_test_client() -> None:
    async with LiveTestClient(WorldClocks) as client:
        assert client.text(".error") == ""
        assert "disabled" in client.query("button[type=submit]")[0].attributes

        await client.send_event("validate", {"zone": "Mars/Olympus"})
        assert client.text(".error") == "Timezone Mars/Olympus does not exist"
        assert "disabled" in client.query("button[type=submit]")[0].attributes

        await client.send_event("validate", {"zone": "Europe/London"})
        assert client.text(".error") == ""
        assert "disabled" not in client.query("button[type=submit]")[0].attributes

        for zone in ("Europe/London", "America/New_York", "Asia/Tokyo"):
            reply = await client.send_event("add", {"zone": zone})
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
        reply = await client.send_event("remove", cid=middle)
        # Ticks of other clocks may arrive in the same reply: look at the page's patch.
        page_ops = [p.ops for p in reply.patches if p.cid == client.root.cid]
        assert page_ops == [[RemoveOp("remove", [7, 1], "li")]]
        assert [n.attributes["live-cid"] for n in client.query(".clock")] == [first, last]
        assert client.session.active_timers() == 2


async def test_adding_the_same_zone_twice_gives_two_clocks() -> None:
    async with LiveTestClient(WorldClocks) as client:
        await client.send_event("add", {"zone": "Asia/Tokyo"})
        await client.send_event("add", {"zone": "Asia/Tokyo"})
        cids = {n.attributes["live-cid"] for n in client.query(".clock")}
        assert len(cids) == 2
        assert client.session.active_timers() == 2


async def test_a_10000_character_zone_is_refused_with_a_short_message() -> None:
    async with LiveTestClient(WorldClocks) as client:
        await client.send_event("add", {"zone": "x" * 10_000})
        assert client.text(".error") == f"Timezone {'x' * 40}… does not exist"
        assert client.query(".clock") == []


async def test_an_unknown_form_field_is_refused() -> None:
    async with LiveTestClient(WorldClocks) as client:
        reply = await client.send_event("add", {"zone": "Asia/Tokyo", "admin": "1"}, check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.INVALID_PAYLOAD
        assert "unknown form field(s) ['admin']" in reply.error.reason
        assert client.query(".clock") == []


async def test_a_forged_event_cannot_reach_a_server_message_handler() -> None:
    async with LiveTestClient(WorldClocks) as client:
        await client.send_event("add", {"zone": "Asia/Tokyo"})
        clock = client.query(".clock")[0].attributes["live-cid"] or ""
        for cid, event in ((clock, "tick"), (client.root.cid, "remove_clock")):
            reply = await client.send_event(event, {"key": "clock1"}, cid=cid, check=False)
            assert reply.error is not None and reply.error.code is ErrorCode.UNKNOWN_EVENT
        assert len(client.query(".clock")) == 1


async def test_removing_a_clock_that_does_not_exist_is_refused() -> None:
    async with LiveTestClient(WorldClocks) as client:
        await client.send_event("add", {"zone": "Asia/Tokyo"})
        reply = await client.send_event("remove", cid="c99", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.UNKNOWN_COMPONENT
        frame = json.dumps({"t": "event", "ref": 50, "cid": "c1", "event": "remove", "value": {}})
        await client.send_raw(frame)
        await asyncio.sleep(0)
        await client.settle()
        assert client.query(".clock") == []
        reply = await client.send_event("remove", cid="c1", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.UNKNOWN_COMPONENT
