"""The pagination example in Chromium, as a user runs it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect


def test_page_with_links_and_the_select_back_forward_and_reload(
    run_example: Callable[[str], str], page: Page
) -> None:
    base = run_example("pagination")
    page.goto(base + "/")
    expect(page.locator("body")).to_have_class("live-connected")
    summary = page.locator(".summary")
    items = page.locator(".items li")
    expect(summary).to_have_text("Items 1–20 of 1,000")
    page.evaluate("window.sameDocument = true")

    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(base + "/?page=2")
    expect(items.first).to_have_text("Item 21")
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(base + "/?page=3")
    expect(summary).to_have_text("Items 41–60 of 1,000")

    page.get_by_label("Page").select_option("10")
    expect(page).to_have_url(base + "/?page=10")
    expect(items.first).to_have_text("Item 181")

    page.go_back()
    expect(page).to_have_url(base + "/?page=3")
    expect(items.first).to_have_text("Item 41")
    expect(page.get_by_label("Page")).to_have_value("3")
    page.go_back()
    expect(items.first).to_have_text("Item 21")
    page.go_forward()
    page.go_forward()
    expect(page).to_have_url(base + "/?page=10")
    expect(items.first).to_have_text("Item 181")
    # No page load happened: the links and the select patched the same document.
    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate("window.livecomp.resyncs") == 0

    page.reload()
    expect(page.locator("body")).to_have_class("live-connected")
    expect(summary).to_have_text("Items 181–200 of 1,000")
    expect(page.get_by_label("Page")).to_have_value("10")
