"""The join sends only what changed since the first render: ``unchanged`` when
the page mounts to the HTML the browser shows, the full render otherwise."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, Field
from quart import Quart

from livecomp import Component, LiveApp, on
from livecomp.protocol import Render, Unchanged, decode_server, encode
from livecomp.security import render_digest
from livecomp.testing import LiveTestClient


class Row(BaseModel):
    id: int
    value: int


class Rows(BaseModel):
    rows: list[Row] = Field(default_factory=lambda: [Row(id=i, value=i) for i in range(1000)])


class Table(Component[Rows]):
    template = """<table><tbody>
{% for r in state.rows %}<tr><td>{{ r.id }}</td><td>{{ r.value }}</td></tr>
{% endfor %}</tbody></table>"""

    @on("bump")
    async def bump(self, idx: int) -> None:
        self.state.rows[idx].value += 1


class Seen(BaseModel):
    live: bool = False


class Greeting(Component[Seen]):
    # Renders differently once connected: the join must send the new HTML.
    template = "<p>{{ 'live' if state.live else 'static' }}</p>"

    async def mount(self) -> None:
        self.state.live = self.connected


def app() -> Quart:
    quart = Quart(__name__)
    live = LiveApp(quart, secret_key="unchanged")
    live.page("/", Table)
    live.page("/greeting", Greeting)
    return quart


async def join_reply(client: LiveTestClient, **join: object) -> list[object]:
    await client.send_raw(json.dumps({"t": "join", "token": client.token, **join}))
    return list(await client.receive())


async def test_a_page_that_mounts_as_it_rendered_joins_in_a_few_bytes() -> None:
    client = LiveTestClient(app(), "/")
    await client.connect()
    try:
        reply = await join_reply(client)
        assert reply == [Unchanged("c0")]
        assert len(encode([Unchanged("c0")]).encode()) < 100
        # The page is live: the DOM the document gave is the server's.
        await client.send_event("bump", {"idx": 7})
        assert client.text("tr:nth-child(8) td:nth-child(2)") == "8"
    finally:
        await client.close()


async def test_a_rejoin_gets_the_full_render() -> None:
    # A client that joined before may show a DOM that moved on since the
    # token's render: it says so, and gets the HTML.
    client = LiveTestClient(app(), "/")
    await client.connect()
    try:
        [render] = await join_reply(client, rejoin=True)
        assert isinstance(render, Render) and render.cid == "c0"
        assert render.html.count("<tr>") == 1000
    finally:
        await client.close()


async def test_a_page_that_mounts_to_other_html_gets_its_render() -> None:
    async with LiveTestClient(app(), "/greeting") as client:
        assert "static" in client.document
        assert client.text("p") == "live"
        assert isinstance(client.received[0], Render)


async def test_the_token_carries_the_digest_of_the_first_render() -> None:
    quart = app()
    live = quart.extensions["livecomp"]
    async with LiveTestClient(quart, "/") as client:
        claims = live.signer.verify(client.token)
        assert claims.digest == render_digest(client.session.page.full_html("c0"))  # type: ignore[union-attr]


def test_unchanged_round_trips_on_the_wire() -> None:
    assert decode_server(encode([Unchanged("c3")])) == [Unchanged("c3")]
    assert json.loads(encode([Unchanged("c3")])) == {"t": "unchanged", "cid": "c3"}


def test_equal_renders_have_equal_digests_and_others_differ() -> None:
    assert render_digest("<p>a</p>") == render_digest("<p>a</p>")
    assert render_digest("<p>a</p>") != render_digest("<p>b</p>")
    assert len(render_digest("<p>a</p>")) == 16


@pytest.mark.parametrize("rejoin", ["yes", 1, None])
async def test_a_rejoin_flag_that_is_not_a_boolean_is_refused(rejoin: object) -> None:
    client = LiveTestClient(app(), "/")
    await client.connect()
    try:
        await client.send_raw(json.dumps({"t": "join", "token": client.token, "rejoin": rejoin}))
        closed = await client.wait_closed()
        assert closed is not None and closed[0] == 4002
    finally:
        await client.close()
