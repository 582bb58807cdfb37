"""The live page: composition, child reconciliation by id, dirty tracking."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import BaseModel

from livecomp import Component, RenderError, on
from livecomp.testing import LiveTestClient
from tests.wire import wire


class Count(BaseModel):
    n: int = 0
    label: str = ""


class Counter(Component[Count]):
    template = (
        '<div class="counter"><b>{{ state.label }}</b> '
        '<button live-click="inc">{{ state.n }}</button></div>'
    )
    unmounted: ClassVar[list[str]] = []

    @on("inc")
    async def inc(self) -> None:
        self.state.n += 1

    async def unmount(self) -> None:
        Counter.unmounted.append(self.key)


class Panel(BaseModel):
    keys: list[str] = ["a", "b"]
    label: str = "x"
    title: str = "Panel"


class Parent(Component[Panel]):
    template = """<section><h1>{{ state.title }}</h1>
      {% for key in state.keys %}{{ live(Counter, id=key, label=state.label) }}
      {% endfor %}</section>"""

    @on("retitle")
    async def retitle(self, title: str) -> None:
        self.state.title = title

    @on("relabel")
    async def relabel(self, label: str) -> None:
        self.state.label = label

    @on("keys")
    async def set_keys(self, keys: str) -> None:
        self.state.keys = keys.split(",") if keys else []


def counter_cids(client: LiveTestClient) -> list[str]:
    return [node.attributes["live-cid"] or "" for node in client.query(".counter")]


async def test_a_child_event_reaches_only_that_child() -> None:
    async with LiveTestClient(Parent) as client:
        first, second = counter_cids(client)
        await client.click(f'[live-cid="{second}"] button')
        assert client.text(f'[live-cid="{second}"] button') == "1"
        assert client.text(f'[live-cid="{first}"] button') == "0"
        assert [p.cid for p in client.last.patches] == [second]


async def test_children_keep_state_when_the_parent_re_renders() -> None:
    async with LiveTestClient(Parent) as client:
        first, _ = counter_cids(client)
        await client.click(f'[live-cid="{first}"] button')
        await client.send_event("retitle", {"title": "Renamed"})
        assert client.text("h1") == "Renamed"
        assert client.text(f'[live-cid="{first}"] button') == "1"
        assert counter_cids(client)[0] == first


async def test_a_parent_diff_never_descends_into_a_child() -> None:
    async with LiveTestClient(Parent) as client:
        await client.send_event("retitle", {"title": "Renamed"})
        assert wire(client.last_ops) == [["text", [0, 0], "#text", "Renamed"]]


async def test_changed_props_re_render_the_child() -> None:
    async with LiveTestClient(Parent) as client:
        await client.send_event("relabel", {"label": "new"})
        assert [n.text() for n in client.query(".counter b")] == ["new", "new"]
        assert {p.cid for p in client.last.patches} == set(counter_cids(client))


async def test_an_unchanged_render_sends_nothing() -> None:
    async with LiveTestClient(Parent) as client:
        reply = await client.send_event("retitle", {"title": "Panel"})
        assert reply.patches == []


async def test_removed_ids_unmount_and_new_ids_mount() -> None:
    async with LiveTestClient(Parent) as client:
        first, second = counter_cids(client)
        Counter.unmounted.clear()
        await client.send_event("keys", {"keys": "b,c"})
        cids = counter_cids(client)
        assert cids[0] == second and first not in cids
        assert Counter.unmounted == ["a"]
        ops = client.last_ops
        assert [op[0] for op in ops].count("remove") >= 1
        assert any(op[0] == "insert" and "counter" in op[4] for op in ops)


async def test_closing_the_page_unmounts_every_component() -> None:
    Counter.unmounted.clear()
    async with LiveTestClient(Parent):
        pass
    # Once for the HTTP render, once for the socket page.
    assert sorted(Counter.unmounted) == ["a", "a", "b", "b"]


async def test_two_clients_never_share_a_component() -> None:
    async with LiveTestClient(Counter) as one, LiveTestClient(Counter) as two:
        await one.click("button")
        assert (one.state.n, two.state.n) == (1, 0)
        assert one.root is not two.root


async def test_a_render_with_two_roots_names_the_component() -> None:
    class Twins(Component[Count]):
        template = "<p>a</p><p>b</p>"

    with pytest.raises(RenderError, match="Twins"):
        async with LiveTestClient(Twins):
            pass


async def test_a_render_with_no_root_element_names_the_component() -> None:
    class Bare(Component[Count]):
        template = "just text"

    with pytest.raises(RenderError, match=r"Bare .* exactly one root element"):
        async with LiveTestClient(Bare):
            pass


async def test_duplicate_child_ids_are_a_render_error() -> None:
    class Dupes(Component[Count]):
        template = "<div>{{ live(Counter, id='x') }}{{ live(Counter, id='x') }}</div>"

    with pytest.raises(RenderError, match="two children with id 'x'"):
        async with LiveTestClient(Dupes):
            pass


async def test_a_table_row_component_works_in_its_context() -> None:
    class Row(Component[Count]):
        template = '<tr><td><button live-click="inc">{{ state.n }}</button></td></tr>'

        @on("inc")
        async def inc(self) -> None:
            self.state.n += 1

    class Table(Component[Count]):
        components = (Row,)
        template = "<table><tbody>{{ live(Row, id='r1') }}{{ live(Row, id='r2') }}</tbody></table>"

    async with LiveTestClient(Table) as client:
        row = client.query("tr")[1].attributes["live-cid"]
        await client.send_event("inc", cid=row)
        assert [n.text() for n in client.query("td")] == ["0", "1"]


async def test_a_page_root_that_cannot_stand_in_a_div_is_a_render_error() -> None:
    class Row(Component[Count]):
        template = "<tr><td>{{ state.n }}</td></tr>"

    with pytest.raises(RenderError, match="renders <tr> as its root"):
        async with LiveTestClient(Row):
            pass
