"""The thermostat with the test client: the app's own routes, no browser."""

from __future__ import annotations

from examples.thermostat import create_app
from livecomp.testing import LiveTestClient
from tests.wire import wire


async def test_set_binds_the_value_from_the_markup() -> None:
    async with LiveTestClient(create_app(), "/") as client:
        await client.click("button[live-value-celsius]")
        assert client.state.celsius == 21.0
        assert client.text("p") == "21.0 °C"


async def test_one_click_sends_one_text_op() -> None:
    async with LiveTestClient(create_app(), "/") as client:
        await client.click("button[live-click=up]")
        assert wire(client.last_ops) == [["text", [1, 0], "#text", "19.6 °C"]]


async def test_the_page_is_served_with_its_title() -> None:
    async with LiveTestClient(create_app(), "/") as client:
        assert "<title>Thermostat</title>" in client.document
        assert client.text("p") == "19.5 °C"
