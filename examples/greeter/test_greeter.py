"""Two greeters on one page with the test client: the app's own routes, no browser."""

from __future__ import annotations

from examples.greeter import create_app
from livecomp.testing import LiveTestClient


async def test_a_click_reaches_only_the_greeter_it_was_raised_in() -> None:
    async with LiveTestClient(create_app(), "/") as client:
        left = client.component(".greeter:nth-of-type(1)")
        right = client.component(".greeter:nth-of-type(2)")
        await client.click(".greeter:nth-of-type(1) button[live-value-name=Alice]")
        assert left.state.name == "Alice"
        assert right.state.name == "Livecomp"
        assert [p.cid for p in client.last.patches] == [left.cid]
        assert client.text(".greeter:nth-of-type(1) h2") == "Hello, Alice!"
