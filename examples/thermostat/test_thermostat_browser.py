"""The thermostat in Chromium, as a user runs it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect


def test_buttons_change_the_temperature_in_the_browser(
    run_example: Callable[[str], str], page: Page
) -> None:
    page.goto(run_example("thermostat"))
    expect(page.locator("body")).to_have_class("live-connected")
    reading = page.locator(".thermostat p")
    expect(reading).to_have_text("19.5 °C")

    page.get_by_role("button", name="+").click()
    expect(reading).to_have_text("19.6 °C")
    page.get_by_role("button", name="-").click()
    page.get_by_role("button", name="-").click()
    expect(reading).to_have_text("19.4 °C")
    page.get_by_role("button", name="21 °C").click()
    expect(reading).to_have_text("21.0 °C")
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_first_render_works_without_javascript(
    run_example: Callable[[str], str], browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(run_example("thermostat"))
        expect(tab.locator(".thermostat p")).to_have_text("19.5 °C")
    finally:
        context.close()
