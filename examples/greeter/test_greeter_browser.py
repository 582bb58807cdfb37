"""Two greeters on one page in Chromium, as a user runs them."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect


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
