"""The world clocks demo in Chromium, as a user runs it."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

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
    expect(page).to_have_title("World Clocks (3)")
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
    expect(page).to_have_title("World Clocks (2)")
    expect(clocks.locator(".zone")).to_have_text(["Europe/London", "Asia/Tokyo"])
    assert page.evaluate(
        "() => [...document.querySelectorAll('.clock')].map(el => el.__original === true)"
    ) == [True, True]
    tokyo = clocks.nth(1).locator("time")
    before = tokyo.inner_text()
    expect(tokyo).not_to_have_text(before, timeout=3000)
    assert page.evaluate("window.livecomp.resyncs") == 0
