"""The login example in Chromium, as a user runs it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect


def log_in(page: Page, name: str, password: str) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_log_in_use_the_dashboard_and_log_out(
    run_example: Callable[[str], str], page: Page
) -> None:
    base = run_example("login")
    page.goto(base + "/")
    expect(page).to_have_url(base + "/login?next=%2F")
    log_in(page, "ada", "wrong")
    expect(page.locator(".error")).to_have_text("Wrong name or password.")
    log_in(page, "ada", "analytical-engine")
    expect(page).to_have_url(base + "/")
    expect(page.get_by_role("heading")).to_have_text("Hello, Ada Lovelace")
    expect(page.locator("body")).to_have_class("live-connected")
    page.get_by_role("button", name="Click").click()
    expect(page.locator(".clicks")).to_have_text("1")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(base + "/login")
    page.goto(base + "/")
    expect(page).to_have_url(base + "/login?next=%2F")


def test_logging_out_in_another_tab_ends_the_live_dashboard(
    run_example: Callable[[str], str], page: Page
) -> None:
    base = run_example("login")
    page.goto(base + "/login")
    log_in(page, "grace", "cobol")
    expect(page.get_by_role("heading")).to_have_text("Hello, Grace Hopper")
    expect(page.locator("body")).to_have_class("live-connected")

    other = page.context.new_page()
    other.goto(base + "/")
    expect(other.get_by_role("heading")).to_have_text("Hello, Grace Hopper")
    other.get_by_role("button", name="Log out").click()
    expect(other).to_have_url(base + "/login")

    # The first tab is still on the dashboard; its next event ends it.
    page.get_by_role("button", name="Click").click()
    expect(page).to_have_url(base + "/login?next=%2F")
    expect(page.get_by_role("heading")).to_have_text("Log in")
