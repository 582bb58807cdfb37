"""Error boundaries: a component with a ``fallback_template`` shows it when
its subtree fails to render, and the rest of the page stays live."""

from __future__ import annotations

import logging
import re

import pytest
from pydantic import BaseModel
from quart import Quart

from livecomp import Component, LiveApp, on
from livecomp.testing import LiveTestClient

ERROR_ID = re.compile(r"error ([0-9a-f]{12})")


class Flag(BaseModel):
    broken: bool = False
    n: int = 0


class Fragile(Component[Flag]):
    template = '<p class="fragile">{{ component.reading() }}</p>'

    def reading(self) -> str:
        if self.state.broken:
            raise ValueError("the sensor is gone")
        return "fine"

    async def mount(self) -> None:
        self.every(60, "tick")

    @on("break")
    async def break_it(self) -> None:
        self.state.broken = True


class Panel(Component[Flag]):
    template = """<section class="panel">{{ live(Fragile, id="f") }}
<span class="n">{{ component.count() }}</span></section>"""
    fallback_template = """<section class="panel fallback">This panel failed
(error {{ failure.error_id }}) <button live-click="retry">Retry</button></section>"""

    def count(self) -> int:
        if self.state.broken:
            raise RuntimeError("the panel itself failed")
        return self.state.n

    @on("bump")
    async def bump(self) -> None:
        self.state.n += 1

    @on("break")
    async def break_it(self) -> None:
        self.state.broken = True

    @on("retry")
    async def retry(self) -> None:
        self.state.broken = False


class Clicks(BaseModel):
    clicks: int = 0


class Dashboard(Component[Clicks]):
    template = """<main><button class="count" live-click="inc">{{ state.clicks }}</button>
{{ live(Panel, id="panel") }}</main>"""

    @on("inc")
    async def inc(self) -> None:
        self.state.clicks += 1


class Unmountable(Component[Flag]):
    template = "<p>never</p>"

    async def mount(self) -> None:
        raise LookupError("no such record")


class GuardedHost(Component[Flag]):
    template = '<div class="host">{{ live(Unmountable, id="u") }}</div>'
    fallback_template = '<div class="host fallback">unavailable ({{ failure.error_id }})</div>'


class Page(Component[Clicks]):
    template = """<main><span class="clicks">{{ state.clicks }}</span>
{{ live(GuardedHost, id="h") }}</main>"""

    @on("inc")
    async def inc(self) -> None:
        self.state.clicks += 1


def app_for(root: type[Component[Clicks]]) -> Quart:
    app = Quart(__name__)
    LiveApp(app, secret_key="test").page("/", root)
    return app


def fallback_id(client: LiveTestClient) -> str:
    found = ERROR_ID.search(client.text(".panel"))
    assert found is not None, client.html
    return found.group(1)


async def test_a_child_that_fails_shows_its_boundary_fallback_and_the_page_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with LiveTestClient(app_for(Dashboard)) as client:
        assert client.text(".fragile") == "fine"
        assert client.session.active_timers() == 1
        fragile = client.component(".fragile")
        with caplog.at_level(logging.ERROR, logger="livecomp"):
            reply = await client.send_event("break", cid=fragile.cid)
        assert reply.error is None  # the boundary handled it: the event is acked
        assert "This panel failed" in client.text(".panel")
        # The log line carries the id the page shows, and the traceback.
        [record] = [r for r in caplog.records if getattr(r, "livecomp_error_id", None)]
        assert getattr(record, "livecomp_error_id") == fallback_id(client)  # noqa: B009
        assert getattr(record, "livecomp_handled") is True  # noqa: B009
        assert record.exc_info is not None and "sensor" in str(record.exc_info[1])
        # The failed subtree is gone, its timer with it.
        assert not client.query(".fragile")
        assert client.session.active_timers() == 0
        assert all(type(c) is not Fragile for c in client.session.page.components())  # type: ignore[union-attr]
        # Outside the boundary, the page is live.
        await client.send_event("inc")
        assert client.text(".count") == "1"
        # Retrying renders the panel's template again, with a new child.
        await client.send_event("retry", cid=client.component(".panel").cid)
        assert client.text(".fragile") == "fine"
        assert client.session.active_timers() == 1


async def test_a_boundary_whose_own_render_fails_shows_its_fallback() -> None:
    async with LiveTestClient(app_for(Dashboard)) as client:
        panel = client.component(".panel")
        await client.send_event("bump", cid=panel.cid)
        assert client.text(".n") == "1"
        reply = await client.send_event("break", cid=panel.cid)
        assert reply.error is None
        assert "This panel failed" in client.text(".panel")
        await client.send_event("retry", cid=panel.cid)
        assert client.text(".n") == "1" and client.text(".fragile") == "fine"


async def test_a_mount_that_fails_on_the_first_render_shows_the_fallback_there() -> None:
    async with LiveTestClient(app_for(Page)) as client:
        assert "unavailable" in client.text(".host")
        assert re.search(r"\([0-9a-f]{12}\)", client.text(".host"))
        await client.send_event("inc")
        assert client.text(".clicks") == "1"


async def test_without_a_boundary_a_render_failure_is_the_events_error() -> None:
    class Plain(Component[Flag]):
        template = "<p>{{ component.reading() }}</p>"
        reading = Fragile.reading

        @on("break")
        async def break_it(self) -> None:
            self.state.broken = True

    app = Quart(__name__)
    LiveApp(app, secret_key="test").page("/", Plain)
    async with LiveTestClient(app) as client:
        with pytest.raises(ValueError, match="sensor"):
            await client.send_event("break")


def test_a_fallback_template_that_does_not_compile_fails_at_class_creation() -> None:
    with pytest.raises(TypeError, match="fallback_template of Broken does not compile"):

        class Broken(Component[Flag]):
            template = "<p></p>"
            fallback_template = "<p>{% if %}</p>"
