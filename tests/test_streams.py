"""Streams: long lists the server renders once and forgets (``livecomp.streams``).

The key idea: a component's stream holds only what its next render must tell
the browser; the render's items leave as one ``stream`` op per container and
are cut out of the render the page keeps. The test client applies the ops to
its DOM as the browser does and checks, after every reply, that what the
server's render still says is on the page.
"""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from livecomp import Component, on
from livecomp.ops import OpError, StreamOp, op_from_json
from livecomp.patching import STREAM_MISSES
from livecomp.protocol import Patch, decode_server, encode
from livecomp.streams import NO_STREAMS, Stream, StreamError, default_key
from livecomp.testing import LiveTestClient


class FeedState(BaseModel):
    title: str = "Feed"
    start: int = 0


class Feed(Component[FeedState]):
    """Items ``{"id": n, "text": ...}`` in the stream ``items``; each event
    is one stream call, its payload the call's arguments."""

    template = """<div><h1>{{ state.title }}</h1>
<ul id="items" live-update="stream">
{%- for key, item in streams.items %}
<li live-id="{{ key }}">{{ item.text }}</li>
{%- endfor %}
</ul></div>"""

    async def mount(self) -> None:
        self.stream("items", [{"id": n, "text": f"t{n}"} for n in range(self.state.start)])

    @on("insert")
    async def insert(
        self,
        id: int,
        text: str = "",
        at: int = -1,
        limit: int | None = None,
        update_only: bool = False,
    ) -> None:
        item = {"id": id, "text": text or f"t{id}"}
        self.stream_insert("items", item, at=at, limit=limit, update_only=update_only)

    @on("many")
    async def many(self, ids: list[int], at: int = -1, limit: int | None = None) -> None:
        items = [{"id": n, "text": f"t{n}"} for n in ids]
        self.stream("items", items, at=at, limit=limit)

    @on("delete")
    async def delete(self, key: str) -> None:
        self.stream_delete("items", key)

    @on("reset")
    async def reset(self, ids: list[int]) -> None:
        self.stream("items", [{"id": n, "text": f"t{n}"} for n in ids], reset=True)

    @on("title")
    async def retitle(self, title: str) -> None:
        self.state.title = title


def shown(client: LiveTestClient) -> list[str]:
    return [li.text() for li in client.query("#items li")]


def stream_ops(client: LiveTestClient) -> list[StreamOp]:
    return [op for op in client.last_ops if isinstance(op, StreamOp)]


# --- the op ----------------------------------------------------------------------


def test_stream_is_a_wire_op() -> None:
    raw = ["stream", [1], "ul", True, ["a"], [[-1, '<li live-id="b">b</li>'], [None, "x"]], -5]
    op = op_from_json(raw)
    assert op == StreamOp("stream", [1], "ul", True, ["a"], raw[5], -5)  # type: ignore[arg-type]
    assert list(op) == raw
    patch = Patch(cid="c0", ops=[op])
    assert decode_server(encode([patch])) == [patch]


@pytest.mark.parametrize(
    "raw",
    [
        ["stream", [1], "ul", 0, [], [], None],
        ["stream", [1], "ul", False, [1], [], None],
        ["stream", [1], "ul", False, [], [[2, "<li>"]], None],
        ["stream", [1], "ul", False, [], [[True, "<li>"]], None],
        ["stream", [1], "ul", False, [], [], True],
        ["stream", [1], "ul", False, [], []],
    ],
)
def test_stream_refuses_what_is_not_one(raw: list[object]) -> None:
    with pytest.raises(OpError):
        op_from_json(raw)


# --- the component's side ------------------------------------------------------------


def test_a_stream_iterates_as_a_list_starting_empty_would_show_it() -> None:
    stream = Stream("s", key=lambda item: item)
    for item, at in (("a", -1), ("b", 0), ("c", -1), ("d", 0)):
        stream.insert(item, at=at)
    assert [key for key, _ in stream] == ["d", "b", "a", "c"]
    stream.delete("a")
    assert [key for key, _ in stream] == ["d", "b", "c"]
    stream.limit = 2
    assert stream.first_keys() == {"d", "b"}


def test_a_stream_refuses_positions_other_than_the_ends() -> None:
    with pytest.raises(StreamError, match="at must be -1"):
        Stream("s", key=str).insert(1, at=3)


def test_an_item_without_an_id_needs_a_key_function() -> None:
    with pytest.raises(StreamError, match="pass key="):
        Stream("s").insert(object())


# --- through the page ------------------------------------------------------------------


async def test_the_first_render_carries_the_mounted_items() -> None:
    async with LiveTestClient(Feed) as client:
        assert shown(client) == []
        await client.send_event("many", {"ids": [1, 2, 3]})
        assert shown(client) == ["t1", "t2", "t3"]
        [op] = client.last_ops
        assert isinstance(op, StreamOp)
        assert [at for at, _ in op.inserts] == [-1, -1, -1]


async def test_insert_at_the_end_and_at_the_start() -> None:
    async with LiveTestClient(Feed) as client:
        await client.send_event("insert", {"id": 1})
        await client.send_event("insert", {"id": 2})
        await client.send_event("insert", {"id": 0, "at": 0})
        assert shown(client) == ["t0", "t1", "t2"]
        await client.send_event("many", {"ids": [5, 6], "at": 0})
        assert shown(client) == ["t6", "t5", "t0", "t1", "t2"]


async def test_an_insert_of_a_key_the_page_has_updates_it_in_place() -> None:
    async with LiveTestClient(Feed) as client:
        await client.send_event("many", {"ids": [1, 2, 3]})
        await client.send_event("insert", {"id": 2, "text": "two", "at": 0})
        assert shown(client) == ["t1", "two", "t3"]


async def test_delete_by_key() -> None:
    async with LiveTestClient(Feed) as client:
        await client.send_event("many", {"ids": [1, 2, 3]})
        await client.send_event("delete", {"key": "2"})
        assert shown(client) == ["t1", "t3"]
        [op] = stream_ops(client)
        assert op.deleted == ["2"] and op.inserts == []


async def test_reset_replaces_the_whole_list() -> None:
    async with LiveTestClient(Feed) as client:
        await client.send_event("many", {"ids": [1, 2, 3]})
        await client.send_event("reset", {"ids": [7, 8]})
        assert shown(client) == ["t7", "t8"]
        [op] = stream_ops(client)
        assert op.reset is True


async def test_a_negative_limit_keeps_the_last_items() -> None:
    async with LiveTestClient(Feed) as client:
        await client.send_event("many", {"ids": [1, 2, 3], "limit": -3})
        await client.send_event("many", {"ids": [4, 5]})
        assert shown(client) == ["t3", "t4", "t5"]


async def test_a_positive_limit_keeps_the_first_items() -> None:
    async with LiveTestClient(Feed) as client:
        await client.send_event("many", {"ids": [1, 2, 3], "limit": 3})
        await client.send_event("many", {"ids": [0, -1], "at": 0})
        assert shown(client) == ["t-1", "t0", "t1"]
        await client.send_event("insert", {"id": 9})
        assert shown(client) == ["t-1", "t0", "t1"]


async def test_a_limit_cuts_the_first_render_too() -> None:
    class Short(Feed):
        async def mount(self) -> None:
            items = [{"id": n, "text": f"t{n}"} for n in range(6)]
            self.stream("items", items, limit=-2)

    async with LiveTestClient(Short) as client:
        assert shown(client) == ["t4", "t5"]
        await client.send_event("insert", {"id": 6})
        assert shown(client) == ["t5", "t6"]


async def test_a_delete_or_update_of_a_key_the_page_lacks_is_skipped_and_counted() -> None:
    async with LiveTestClient(Feed) as client:
        await client.send_event("many", {"ids": [1]})
        before = STREAM_MISSES[0]
        await client.send_event("delete", {"key": "404"})
        await client.send_event("insert", {"id": 405, "update_only": True})
        assert shown(client) == ["t1"]
        assert STREAM_MISSES[0] == before + 2
        await client.send_event("insert", {"id": 1, "text": "one", "update_only": True})
        assert shown(client) == ["one"]
        assert STREAM_MISSES[0] == before + 2


async def test_the_page_keeps_none_of_the_items_it_sent() -> None:
    async with LiveTestClient(Feed) as client:
        for n in range(5):
            await client.send_event("many", {"ids": list(range(n * 10, n * 10 + 10))})
        page = client.session.page
        assert page is not None
        kept = page.full_html(page.root_cid)
        assert "live-id" not in kept and "t41" not in kept
        assert len(shown(client)) == 50
        assert len(client.root.streams.items) == 0


async def test_the_items_of_the_first_render_leave_the_page_at_the_next_render() -> None:
    class Mounted(Feed):
        async def mount(self) -> None:
            self.stream("items", [{"id": n, "text": f"t{n}"} for n in range(3)])

    async with LiveTestClient(Mounted) as client:
        page = client.session.page
        assert page is not None
        assert "t2" in page.full_html(page.root_cid)
        await client.send_event("title", {"title": "News"})
        assert "t2" not in page.full_html(page.root_cid)
        assert shown(client) == ["t0", "t1", "t2"]


class ToggleState(BaseModel):
    open: bool = False


class Toggle(Component[ToggleState]):
    template = """<div>{% if state.open %}<ol id="log" live-update="stream">
{%- for key, item in streams.log %}<li live-id="{{ key }}">{{ item }}</li>{% endfor -%}
</ol>{% endif %}</div>"""

    async def mount(self) -> None:
        self.stream("log", key=str)

    @on("open")
    async def open(self) -> None:
        self.state.open = True
        self.stream("log", ["a", "b"])


async def test_a_container_new_to_the_page_is_inserted_then_filled() -> None:
    async with LiveTestClient(Toggle) as client:
        await client.send_event("open")
        # The root's diff (here a replace of the root) puts the empty
        # container in; the stream op then fills it.
        assert [op.op for op in client.last_ops] == ["replace", "stream"]
        assert [li.text() for li in client.query("#log li")] == ["a", "b"]


async def test_the_rest_of_the_component_is_diffed_as_ever_and_the_list_stays() -> None:
    async with LiveTestClient(Feed) as client:
        await client.send_event("many", {"ids": [1, 2]})
        await client.send_event("title", {"title": "News"})
        assert [op.op for op in client.last_ops] == ["text"]
        assert client.text("h1") == "News"
        assert shown(client) == ["t1", "t2"]


async def test_a_resync_render_keeps_the_list() -> None:
    async with LiveTestClient(Feed) as client:
        await client.send_event("many", {"ids": [1, 2]})
        await client.send_raw(json.dumps({"t": "resync", "cid": client.root.cid, "reason": "t"}))
        await client.receive()
        assert shown(client) == ["t1", "t2"]


# --- mistakes -------------------------------------------------------------------------


async def test_inserting_into_an_undeclared_stream_names_the_fix() -> None:
    class NoStream(Feed):
        async def mount(self) -> None:
            pass

    async with LiveTestClient(NoStream) as client:
        with pytest.raises(KeyError, match=r"self.stream\('items', items\)"):
            await client.send_event("insert", {"id": 1})


async def test_a_stream_without_a_container_is_an_error() -> None:
    class Bare(Component[FeedState]):
        template = "<div>{% for key, item in streams.items %}{{ key }}{% endfor %}</div>"

        async def mount(self) -> None:
            self.stream("items", [{"id": 1}])

    with pytest.raises(StreamError, match="no container"):
        async with LiveTestClient(Bare):
            pass


async def test_a_stream_item_holding_a_child_component_is_refused() -> None:
    class Child(Component[FeedState]):
        template = "<b>child</b>"

    class Holder(Component[FeedState]):
        components = (Child,)
        template = """<div><ul id="items" live-update="stream">
{%- for key, item in streams.items %}<li live-id="{{ key }}">{{ live(Child, id=key) }}</li>
{%- endfor %}</ul></div>"""

        async def mount(self) -> None:
            self.stream("items", [{"id": 1}])

    with pytest.raises(StreamError, match="child component"):
        async with LiveTestClient(Holder):
            pass


class Tally(BaseModel):
    n: int = 0


class Plain(Component[Tally]):
    template = '<p live-click="inc">{{ state.n }}</p>'

    @on("inc")
    async def inc(self) -> None:
        self.state.n += 1


async def test_a_component_without_streams_keeps_nothing_for_them() -> None:
    # Every render passes `streams` to the template: one shared empty one,
    # so a page of a thousand components does not hold a thousand of them.
    async with LiveTestClient(Plain) as client:
        await client.send_event("inc")
        assert client.root._streams is None


def test_a_template_cannot_declare_a_stream() -> None:
    with pytest.raises(TypeError, match=r"call self\.stream"):
        NO_STREAMS.declare("songs", default_key)
