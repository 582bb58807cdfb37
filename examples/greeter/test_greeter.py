"""Two greeters on one page, driven as a user would."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from examples.greeter import GreeterPage
from livecomp.testing import LiveTestClient


def test_each_greeter_keeps_its_own_name_in_the_browser(
    run_example: Callable[[str], str], page: Page
) -> None:
    page.goto(run_example("greeter"))
    expect(page.locator("body")).to_have_class("live-connected")
    left, right = page.locator(".greeter").nth(0), page.locator(".greeter").nth(1)
    expect(left.locator("h2")).to_have_text("Hello, World!")
    expect(right.locator("h2")).to_have_text("Hello, Livecomp!")

    left.get_by_role("button", name="Alice").click()
    expect(left.locator("h2")).to_have_text("Hello, Alice!")
    expect(right.locator("h2")).to_have_text("Hello, Livecomp!")

    right.get_by_role("button", name="Bob").click()
    expect(right.locator("h2")).to_have_text("Hello, Bob!")
    expect(left.locator("h2")).to_have_text("Hello, Alice!")
    assert page.evaluate("window.livecomp.resyncs") == 0


async def test_a_click_reaches_only_the_greeter_it_was_raised_in() -> None:
    async with LiveTestClient(GreeterPage) as client:
        left = client.component(".greeter:nth-of-type(1)")
        right = client.component(".greeter:nth-of-type(2)")
        await client.click(".greeter:nth-of-type(1) button[live-value-name=Alice]")
        assert left.state.name == "Alice"
        assert right.state.name == "Livecomp"
        assert [p.cid for p in client.last.patches] == [left.cid]
