"""The todo list in Chromium, as a user runs it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, WebSocket, expect


def open_todo(run_example: Callable[[str], str], page: Page) -> None:
    page.goto(run_example("todo"))
    expect(page.locator("body")).to_have_class("live-connected")


def test_add_items_and_complete_one(run_example: Callable[[str], str], page: Page) -> None:
    open_todo(run_example, page)
    title = page.get_by_label("Title")
    for text in ("Buy milk", "Call mum"):
        title.fill(text)
        title.press("Enter")
        expect(title).to_have_value("")
    items = page.locator(".items li")
    expect(items).to_have_text(["Buy milk", "Call mum"])
    expect(page.locator(".summary")).to_have_text("2 of 2 left")

    items.nth(0).get_by_role("checkbox").check()
    expect(items.nth(0)).to_have_class("done")
    expect(items.nth(0).get_by_role("checkbox")).to_be_checked()
    expect(page.locator(".summary")).to_have_text("1 of 2 left")
    items.nth(0).get_by_role("checkbox").uncheck()
    expect(page.locator(".summary")).to_have_text("2 of 2 left")
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_errors_wait_until_their_field_is_touched(
    run_example: Callable[[str], str], page: Page
) -> None:
    open_todo(run_example, page)
    title_error = page.locator("p[live-feedback-for=title]")
    tag_error = page.locator("p[live-feedback-for=tag]")
    # Typing a tag validates the whole form: the empty title has an error
    # already, which stays hidden, as the user has not been there yet.
    page.get_by_label("Tag").press_sequentially("Two")
    expect(tag_error).to_have_text("A tag is one word in lowercase letters")
    expect(tag_error).to_be_visible()
    expect(title_error).to_have_count(1)
    expect(title_error).to_be_hidden()

    page.get_by_label("Tag").fill("")
    expect(tag_error).to_have_count(0)
    # Submitting shows every error there is.
    page.get_by_role("button", name="Add").click()
    expect(title_error).to_have_text("String should have at least 3 characters")
    expect(title_error).to_be_visible()
    expect(page.locator(".items li")).to_have_count(0)


def test_the_title_validates_when_left_not_on_every_keystroke(
    run_example: Callable[[str], str], page: Page
) -> None:
    open_todo(run_example, page)
    title = page.get_by_label("Title")
    title_error = page.locator("p[live-feedback-for=title]")
    title.press_sequentially("ab", delay=20)
    page.wait_for_timeout(300)
    expect(title_error).to_have_count(0)
    page.get_by_label("Tag").focus()
    expect(title_error).to_have_text("String should have at least 3 characters")
    expect(title_error).to_be_visible()
    # Typed and submitted at once: the held-back change goes first, nothing is lost.
    title.fill("Water the plants")
    title.press("Enter")
    expect(page.locator(".items li")).to_have_text(["Water the plants"])
    expect(title_error).to_have_count(0)


def test_hide_completed_hides_them_in_the_browser_without_a_server_message(
    run_example: Callable[[str], str], page: Page
) -> None:
    sent: list[str] = []
    received: list[str] = []

    def watch(ws: WebSocket) -> None:
        ws.on("framesent", lambda payload: sent.append(str(payload)))
        ws.on("framereceived", lambda payload: received.append(str(payload)))

    page.on("websocket", watch)
    open_todo(run_example, page)
    title = page.get_by_label("Title")
    for text in ("Buy milk", "Call mum", "Water plants"):
        title.fill(text)
        title.press("Enter")
        expect(title).to_have_value("")
    items = page.locator(".items li")
    items.nth(1).get_by_role("checkbox").check()
    expect(page.locator(".summary")).to_have_text("2 of 3 left")

    def talk() -> list[str]:
        return [f for f in sent + received if '"ping"' not in f and '"pong"' not in f]

    quiet = len(talk())
    page.get_by_role("button", name="Hide completed").click()
    expect(items.nth(1)).to_be_hidden()
    expect(items.nth(0)).to_be_visible()
    expect(items.nth(2)).to_be_visible()
    expect(page.locator(".items")).to_have_class("items hide-done")
    page.wait_for_timeout(200)
    assert talk()[quiet:] == [], "hiding must not send or receive a message"

    # Completing another item hides it too; the list keeps its class through the patch.
    items.nth(0).get_by_role("checkbox").check()
    expect(page.locator(".summary")).to_have_text("1 of 3 left")
    expect(items.nth(0)).to_be_hidden()
    expect(items.nth(2)).to_be_visible()

    quiet = len(talk())
    page.get_by_role("button", name="Show completed").click()
    expect(items).to_have_count(3)
    for n in range(3):
        expect(items.nth(n)).to_be_visible()
    page.wait_for_timeout(200)
    assert talk()[quiet:] == []
    assert page.evaluate("window.livecomp.resyncs") == 0
