"""The pagination example with the test client: the app's own routes, no browser."""

from __future__ import annotations

from examples.pagination import create_app
from livecomp import ErrorCode
from livecomp.ops import TextOp
from livecomp.protocol import PatchUrl
from livecomp.testing import LiveTestClient


def shown(page: LiveTestClient) -> list[str]:
    return [item.text() for item in page.query(".items li")]


async def test_the_first_page_shows_the_first_twenty_items() -> None:
    async with LiveTestClient(create_app(), "/") as page:
        assert page.text(".summary") == "Items 1–20 of 1,000"
        assert shown(page) == [f"Item {n}" for n in range(1, 21)]
        assert page.query("a[rel=prev]") == []


async def test_the_url_says_which_page_on_the_render_and_the_join() -> None:
    async with LiveTestClient(create_app(), "/?page=3") as page:
        assert "Item 41</li>" in page.document and "Item 40</li>" not in page.document
        assert shown(page) == [f"Item {n}" for n in range(41, 61)]
        assert page.query("option[selected]")[0].text() == "3"


async def test_next_and_previous_are_live_patch_links() -> None:
    async with LiveTestClient(create_app(), "/?page=3") as page:
        reply = await page.click("a[rel=next]")
        assert page.url == "/?page=4"
        assert page.text(".summary") == "Items 61–80 of 1,000"
        # The twenty items change their text in place: no list is rebuilt.
        assert sum(isinstance(op, TextOp) for op in reply.ops) >= 20
        await page.click("a[rel=prev]")
        await page.click("a[rel=prev]")
        assert (page.url, shown(page)[0]) == ("/?page=2", "Item 21")


async def test_the_select_moves_the_url_from_the_server() -> None:
    async with LiveTestClient(create_app(), "/") as page:
        await page.change("form", {"page": "10"})
        assert PatchUrl("/?page=10") in page.received
        assert (page.url, shown(page)[0]) == ("/?page=10", "Item 181")
        assert page.history == ["/", "/?page=10"]


async def test_back_and_forward_walk_the_pages_seen() -> None:
    async with LiveTestClient(create_app(), "/") as page:
        await page.click("a[rel=next]")
        await page.change("form", {"page": "50"})
        assert shown(page)[-1] == "Item 1000" and page.query("a[rel=next]") == []
        await page.back()
        assert (page.url, page.text(".summary")) == ("/?page=2", "Items 21–40 of 1,000")
        await page.back()
        assert (page.url, shown(page)[0]) == ("/", "Item 1")
        await page.forward()
        await page.forward()
        assert (page.url, shown(page)[0]) == ("/?page=50", "Item 981")


async def test_reloading_the_url_shows_the_same_page() -> None:
    app = create_app()
    async with LiveTestClient(app, "/") as page:
        await page.change("form", {"page": "7"})
        url = page.url
    async with LiveTestClient(app, url) as reloaded:
        assert reloaded.text(".summary") == "Items 121–140 of 1,000"


async def test_a_page_that_is_not_a_page_number_answers_400_and_past_the_end_shows_the_last() -> (
    None
):
    app = create_app()
    for query in ("?page=abc", "?page=0", "?page=-1"):
        response = await app.test_client().get("/" + query)
        assert response.status_code == 400, query
        assert "page:" in await response.get_data(as_text=True)
    async with LiveTestClient(app, "/?page=999") as page:
        assert page.text(".summary") == "Items 981–1000 of 1,000"


async def test_a_forged_page_number_is_refused_and_the_page_stays() -> None:
    async with LiveTestClient(create_app(), "/?page=2") as page:
        reply = await page.send_event("go", {"page": "51"}, check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.INVALID_PAYLOAD
        reply = await page.patch("?page=nope", check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.INVALID_PARAMS
        assert page.state.page == 2
