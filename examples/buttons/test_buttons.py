"""The buttons example with the test client: the app's own routes, no browser."""

from __future__ import annotations

from examples.buttons import create_app
from livecomp.testing import LiveTestClient


async def test_the_buttons_step_the_counter() -> None:
    async with LiveTestClient(create_app()) as page:
        await page.click("button[live-value-by='1']")
        await page.click("button[live-value-by='1']")
        await page.click("button[live-value-by='-1']")
        assert page.text(".count") == "1"


async def test_arrow_keys_anywhere_step_the_counter() -> None:
    async with LiveTestClient(create_app()) as page:
        replies = await page.window_keydown("ArrowUp")
        assert len(replies) == 1
        await page.window_keydown("arrowup")  # live-key is case-insensitive
        assert page.text(".count") == "2"
        await page.window_keydown("ArrowDown", shift=True)
        assert page.text(".count") == "-8"


async def test_other_keys_step_nothing() -> None:
    async with LiveTestClient(create_app()) as page:
        assert await page.window_keydown("Enter") == []
        assert page.state.count == 0


async def test_the_field_says_editing_while_focused() -> None:
    async with LiveTestClient(create_app()) as page:
        await page.focus("input[name=nickname]")
        assert page.text(".field-state") == "editing"
        await page.blur("input[name=nickname]")
        assert page.text(".field-state") == "idle"


async def test_the_box_reports_the_mouse() -> None:
    async with LiveTestClient(create_app()) as page:
        assert page.text(".box").strip() == "untouched"
        await page.mousedown(".box")
        assert page.text(".box") == "pressed"
        await page.mouseup(".box")
        await page.contextmenu(".box")
        await page.mousedown(".box")
        assert page.text(".box") == "released, menu, pressed"


async def test_the_search_lists_matching_fruit() -> None:
    async with LiveTestClient(create_app()) as page:
        await page.change("form.search", {"q": "berry"})
        assert [li.text() for li in page.query(".results li")] == [
            "blackberry",
            "blueberry",
            "raspberry",
            "strawberry",
        ]
        assert page.text(".searches") == "1 searches"
