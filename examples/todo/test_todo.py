"""The todo list with the test client: the app's own routes, no browser."""

from __future__ import annotations

from examples.todo import create_app
from livecomp.commands import parse_commands
from livecomp.names import FEEDBACK_FOR
from livecomp.testing import LiveTestClient


async def test_a_valid_item_is_added_and_the_form_cleared() -> None:
    async with LiveTestClient(create_app()) as page:
        await page.submit("form", {"title": "Buy milk", "tag": "home"})
        assert [li.text(deep=True).split() for li in page.query(".items li")] == [
            ["Buy", "milk", "#home"]
        ]
        assert page.query("input[name=title]")[0].attributes["value"] == ""
        assert page.text(".summary") == "1 of 1 left"


async def test_each_invalid_field_gets_its_own_message() -> None:
    async with LiveTestClient(create_app()) as page:
        await page.change("form", {"title": "ab", "tag": "Two Words"})
        errors = {p.attributes[FEEDBACK_FOR]: p.text() for p in page.query(f"p[{FEEDBACK_FOR}]")}
        assert errors == {
            "title": "String should have at least 3 characters",
            "tag": "A tag is one word in lowercase letters",
        }
        await page.submit("form", {"title": "ab", "tag": ""})
        assert page.query(".items li") == []
        assert page.query(f"p[{FEEDBACK_FOR}=tag]") == []


async def test_a_blank_title_is_refused_in_words() -> None:
    async with LiveTestClient(create_app()) as page:
        await page.submit("form", {"title": "    "})
        assert page.text(f"p[{FEEDBACK_FOR}=title]") == "Say what needs doing"


async def test_the_checkbox_completes_an_item_and_back() -> None:
    async with LiveTestClient(create_app()) as page:
        for title in ("Buy milk", "Call mum"):
            await page.submit("form", {"title": title})
        await page.click("li[live-id='2'] input[type=checkbox]")
        assert page.query("li[live-id='2']")[0].attributes["class"] == "done"
        assert page.text(".summary") == "1 of 2 left"
        await page.click("li[live-id='2'] input[type=checkbox]")
        assert page.text(".summary") == "2 of 2 left"


async def test_hiding_completed_items_is_a_js_command_that_sends_nothing() -> None:
    async with LiveTestClient(create_app()) as page:
        await page.submit("form", {"title": "Buy milk"})
        hide = page.query("button[type=button]")[0]
        assert hide.text() == "Hide completed"
        assert parse_commands(hide.attributes["live-click"] or "") == [
            ("add_class", {"names": "hide-done", "to": ".items"})
        ]
        show = page.query("button[type=button]")[1]
        assert parse_commands(show.attributes["live-click"] or "") == [
            ("remove_class", {"names": "hide-done", "to": ".items"})
        ]
        # No push among the commands: clicking sends the server nothing.
        before = len(page.received)
        reply = await page.click("button[type=button]")
        assert reply.patches == [] and len(page.received) == before
