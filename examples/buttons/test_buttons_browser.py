"""The buttons example in Chromium, as a user runs it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect


def open_buttons(run_example: Callable[[str], str], page: Page) -> None:
    page.goto(run_example("buttons"))
    expect(page.locator("body")).to_have_class("live-connected")


def test_buttons_and_arrow_keys_step_the_counter(
    run_example: Callable[[str], str], page: Page
) -> None:
    open_buttons(run_example, page)
    count = page.locator(".count")
    page.get_by_role("button", name="+").click()
    page.get_by_role("button", name="+").click()
    expect(count).to_have_text("2")
    page.get_by_role("button", name="-").click()
    expect(count).to_have_text("1")
    # Off the buttons, so Enter below presses none of them.
    page.get_by_role("heading").click()
    page.keyboard.press("ArrowUp")
    expect(count).to_have_text("2")
    page.keyboard.press("Shift+ArrowDown")
    expect(count).to_have_text("-8")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowDown")
    expect(count).to_have_text("-9")
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_the_field_says_editing_while_it_has_focus(
    run_example: Callable[[str], str], page: Page
) -> None:
    open_buttons(run_example, page)
    state = page.locator(".field-state")
    expect(state).to_have_text("idle")
    page.get_by_label("Nickname").focus()
    expect(state).to_have_text("editing")
    page.get_by_role("heading").click()
    expect(state).to_have_text("idle")


def test_the_box_follows_the_mouse(run_example: Callable[[str], str], page: Page) -> None:
    open_buttons(run_example, page)
    box = page.locator(".box")
    expect(box).to_have_text("untouched")
    box.hover()
    page.mouse.down()
    expect(box).to_have_text("pressed")
    page.mouse.up()
    expect(box).to_have_text("pressed, released")
    # A right click presses and releases too; the browser's own menu stays shut.
    box.click(button="right")
    expect(box).to_contain_text("menu")
    expect(box).to_have_text("pressed, menu, released")


def test_the_search_waits_for_a_pause_in_the_typing(
    run_example: Callable[[str], str], page: Page
) -> None:
    open_buttons(run_example, page)
    field = page.get_by_label("Search fruit")
    field.focus()
    field.press_sequentially("berry", delay=30)
    results = page.locator(".results li")
    expect(results).to_have_text(["blackberry", "blueberry", "raspberry", "strawberry"])
    # Five keystrokes, one search.
    expect(page.locator(".searches")).to_have_text("1 searches")
    # Enter sends the change still waiting for its pause, then the submit.
    field.press("Backspace")
    field.press("Enter")
    expect(page.locator(".searches")).to_have_text("3 searches")
    expect(field).to_have_value("berr")
    expect(results).to_have_count(4)
