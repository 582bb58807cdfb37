"""The chart with the test client: what the server pushes to the hook, no browser."""

from __future__ import annotations

from examples.chart import WINDOW, create_app
from livecomp.names import HOOK
from livecomp.testing import LiveTestClient


async def test_joining_pushes_a_first_sample_for_the_hook() -> None:
    async with LiveTestClient(create_app(), "/") as client:
        await client.settle()
        [(event, data)] = client.pushed
        assert event == "samples"
        assert len(data["values"]) == 1
        assert 0 <= data["values"][0] <= 100
        assert client.query(f"svg[{HOOK}=Chart]")


async def test_each_tick_pushes_the_window_after_its_patch() -> None:
    async with LiveTestClient(create_app(), "/") as client:
        await client.settle()
        client.received.clear()
        await client.send_message(client.root.cid, "sample")
        assert [message.t for message in client.received] == ["patch", "push"]
        event, data = client.pushed[-1]
        assert event == "samples"
        assert data["values"][:1] == client.pushed[0][1]["values"]
        assert len(data["values"]) == 2
        assert client.text("p") == f"Samples: 2, latest {data['values'][-1]}"


async def test_the_window_keeps_the_last_samples() -> None:
    async with LiveTestClient(create_app(), "/") as client:
        await client.settle()
        for _ in range(WINDOW + 5):
            await client.send_message(client.root.cid, "sample")
        values = client.pushed[-1][1]["values"]
        assert len(values) == WINDOW
        assert values == client.state.values


async def test_reset_pushes_an_empty_chart_before_its_ack() -> None:
    async with LiveTestClient(create_app(), "/") as client:
        await client.settle()
        client.received.clear()
        await client.click("button")
        assert [message.t for message in client.received] == ["patch", "push", "ack"]
        assert client.pushed[-1] == ("samples", {"values": []})
        assert client.text("p") == "Samples: 0"


async def test_the_page_head_defines_the_hook() -> None:
    async with LiveTestClient(create_app(), "/") as client:
        assert "window.Hooks = {" in client.document
        assert "<title>Load chart</title>" in client.document
