"""The error example in Chromium, as a user runs it: the toast and the
fallback name an error id, and the server's log has that id's traceback."""

from __future__ import annotations

import re
from typing import Protocol

from playwright.sync_api import Page, expect


class Examples(Protocol):
    def __call__(self, name: str) -> str: ...

    def output(self, name: str) -> str: ...


def logged_traceback(run_example: Examples, error_id: str) -> str:
    """The server's log from the line naming ``error_id`` on."""
    log = run_example.output("error")
    start = log.find(f"error {error_id}")
    assert start >= 0, f"no log line names error {error_id}:\n{log[-2000:]}"
    return log[start:]


def test_a_failing_handler_shows_a_toast_and_the_page_goes_on(
    run_example: Examples, page: Page
) -> None:
    page.goto(run_example("error"))
    expect(page.locator("body")).to_have_class("live-connected")
    page.get_by_role("button", name="Break the handler").click()
    toast = page.get_by_role("alert")
    expect(toast).to_have_text(re.compile(r"Something went wrong\. Quote error [0-9a-f]{12}"))
    error_id = toast.get_attribute("data-error-id") or ""
    assert error_id in (toast.text_content() or "")
    tail = logged_traceback(run_example, error_id)
    assert "Traceback" in tail and "the payment service is down" in tail
    # The page marks the failure (live-error on <body>) until the next
    # event goes through: the page went on.
    expect(page.locator("body")).to_have_class("live-error")
    page.get_by_role("button", name="Count").click()
    expect(page.locator(".clicks")).to_have_text("1")
    expect(page.locator("body")).to_have_class("live-connected")


def test_a_failing_render_shows_the_fallback_and_retry_brings_it_back(
    run_example: Examples, page: Page
) -> None:
    page.goto(run_example("error"))
    expect(page.locator("body")).to_have_class("live-connected")
    page.get_by_role("button", name="Break the gauge").click()
    expect(page.locator(".fallback")).to_contain_text("The gauge failed to render")
    error_id = page.locator(".error-id").text_content() or ""
    assert re.fullmatch(r"[0-9a-f]{12}", error_id)
    assert "the gauge's sensor returned nothing" in logged_traceback(run_example, error_id)
    page.get_by_role("button", name="Count").click()
    expect(page.locator(".clicks")).to_have_text("1")
    page.get_by_role("button", name="Retry").click()
    expect(page.locator(".gauge b")).to_have_text("42")
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_a_page_that_fails_to_render_shows_the_apps_error_page(
    run_example: Examples, page: Page
) -> None:
    response = page.goto(run_example("error") + "/broken")
    assert response is not None and response.status == 500
    expect(page.get_by_role("heading")).to_have_text("Something went wrong")
    error_id = page.locator(".error-id").text_content() or ""
    assert "the database is unreachable" in logged_traceback(run_example, error_id)
