"""The chart in Chromium: the hook draws what the server pushes, every second."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

POINTS = "document.querySelector('.chart polyline')?.getAttribute('points') ?? ''"


def test_the_hook_draws_the_pushed_samples_and_follows_them(
    run_example: Callable[[str], str], page: Page
) -> None:
    page.goto(run_example("chart"))
    expect(page.locator("body")).to_have_class("live-connected")
    # The first sample comes with the join: one point.
    page.wait_for_function(f"({POINTS}).split(' ').filter(Boolean).length >= 1")
    first = page.evaluate(POINTS)
    # A second later the server pushes the window again, one point longer.
    page.wait_for_function(f"({POINTS}) !== {first!r}", timeout=5000)
    assert len(page.evaluate(POINTS).split()) > len(first.split())
    expect(page.locator(".chart p")).to_contain_text("latest")
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_reset_starts_the_chart_over(run_example: Callable[[str], str], page: Page) -> None:
    page.goto(run_example("chart"))
    expect(page.locator("body")).to_have_class("live-connected")
    count = f"({POINTS}).split(' ').filter(Boolean).length"
    page.wait_for_function(f"{count} >= 2", timeout=5000)
    page.get_by_role("button", name="Reset").click()
    # Emptied by the reset's push; at most the one sample of a tick since.
    page.wait_for_function(f"{count} <= 1", timeout=2000)
    expect(page.locator(".chart p")).to_contain_text("Samples: ")
