"""The chat room in Chromium: two tabs talk, the list (a stream) keeps every message."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect


def join(page: Page, url: str, name: str) -> None:
    page.goto(url)
    expect(page.locator("body")).to_have_class("live-connected")
    page.get_by_label("Name").fill(name)


def test_two_tabs_see_each_other_s_messages(run_example: Callable[[str], str], page: Page) -> None:
    url = run_example("chat")
    ann, bob = page, page.context.new_page()
    join(ann, url, "Ann")
    join(bob, url, "Bob")

    field = ann.get_by_label("Message")
    field.fill("hello Bob")
    field.press("Enter")
    for tab in (ann, bob):
        expect(tab.locator("#messages li")).to_have_text(["Ann hello Bob"])
    # The hook cleared the field and kept the focus in it.
    expect(field).to_have_value("")
    expect(field).to_be_focused()

    bob.get_by_label("Message").fill("hi Ann")
    bob.get_by_role("button", name="Send").click()
    for tab in (ann, bob):
        expect(tab.locator("#messages li")).to_have_text(["Ann hello Bob", "Bob hi Ann"])
    # The click moved the focus to the button; the hook put it back.
    expect(bob.get_by_label("Message")).to_have_value("")
    expect(bob.get_by_label("Message")).to_be_focused()
    for tab in (ann, bob):
        assert tab.evaluate("window.livecomp.resyncs") == 0


def test_the_page_shows_every_message_the_server_forgot(
    run_example: Callable[[str], str], page: Page
) -> None:
    url = run_example("chat")
    ann, bob = page, page.context.new_page()
    join(ann, url, "Ann")
    join(bob, url, "Bob")
    count = 9
    for n in range(count):
        tab = ann if n % 2 == 0 else bob
        field = tab.get_by_label("Message")
        field.fill(f"message {n}")
        field.press("Enter")
        expect(field).to_have_value("")
        expect(bob.locator("#messages li")).to_have_count(n + 1)
    expected = [("Ann" if n % 2 == 0 else "Bob") + f" message {n}" for n in range(count)]
    for tab in (ann, bob):
        expect(tab.locator("#messages li")).to_have_text(expected)
        assert tab.evaluate("window.livecomp.resyncs") == 0
