"""Idle pages rest: their long kept renders compressed until the next render."""

from __future__ import annotations

import asyncio
import time

from pydantic import BaseModel, Field

from livecomp import Component, LiveApp, on
from livecomp.page import REST_MIN_CHARS, LivePage
from livecomp.testing import LiveTestClient


class Rows(BaseModel):
    values: list[int] = Field(default_factory=lambda: list(range(400)))


class Long(Component[Rows]):
    template = """<ul>{% for v in state.values %}
  <li>item {{ v }}</li>{% endfor %}
</ul>"""

    @on("bump")
    async def bump(self, at: int) -> None:
        self.state.values[at] += 1000


def _kept(page: LivePage) -> tuple[str, bytes | None]:
    mounted = page._mounted[page.root_cid]
    return mounted.kept, mounted.packed


async def test_a_page_idle_past_rest_after_compresses_its_long_render() -> None:
    async with LiveTestClient(Long) as client:
        page = client.session.page
        assert page is not None
        html = page.full_html(page.root_cid)
        assert len(html) >= REST_MIN_CHARS
        # Not idle long enough: nothing happens.
        page.rest(time.monotonic(), after=60.0)
        assert _kept(page)[1] is None
        page.rest(time.monotonic() + 2.0, after=1.0)
        kept, packed = _kept(page)
        assert kept == "" and packed is not None and len(packed) < len(html) / 4
        # The next event reads it back: the reply and the DOM are as ever
        # (the test client checks the DOM against the server's render).
        reply = await client.send_event("bump", {"at": 3})
        assert [list(op)[:2] for op in reply.ops] == [["text", [7, 0]]]
        assert _kept(page)[1] is None
        assert page.full_html(page.root_cid) == html.replace("item 3<", "item 1003<")


async def test_the_idle_watch_lets_idle_pages_rest() -> None:
    app = LiveApp(secret_key="k", rest_after=0.01)
    app.page("/", Long)
    async with LiveTestClient(app) as client:
        page = client.session.page
        assert page is not None
        # The idle watch looks once a second.
        deadline = time.monotonic() + 5.0
        while _kept(page)[1] is None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert _kept(page)[1] is not None
        await client.send_event("bump", {"at": 0})
        assert "item 1000" in page.full_html(page.root_cid)


async def test_rest_after_zero_never_compresses() -> None:
    app = LiveApp(secret_key="k", rest_after=0)
    app.page("/", Long)
    async with LiveTestClient(app) as client:
        page = client.session.page
        assert page is not None
        await asyncio.sleep(1.5)
        assert _kept(page)[1] is None


class Short(Component[Rows]):
    template = "<p>{{ state.values|length }}</p>"


async def test_a_short_render_is_left_as_it_is() -> None:
    async with LiveTestClient(Short) as client:
        page = client.session.page
        assert page is not None
        page.rest(time.monotonic() + 2.0, after=1.0)
        assert _kept(page) == ('<p live-cid="c0">400</p>', None)
