"""A resting page packs its large states, and the next read unpacks them
(``livecomp.statepack``): only plain data nothing else refers to."""

from __future__ import annotations

import asyncio
import threading
import time
from enum import Enum
from typing import Any

import pytest
from pydantic import BaseModel, Field, PrivateAttr

from livecomp import Component, LiveApp, on, statepack
from livecomp.compact import shared_fields_set
from livecomp.page import REPACK_WINDOW, LivePage
from livecomp.statepack import MIN_PARTS, pack_state, unpack_state
from livecomp.testing import LiveTestClient
from livecomp.watches import IdleWatch

ROWS = 400


class Colour(Enum):
    RED = "red"


class Row(BaseModel):
    id: int
    name: str
    value: int
    tags: list[str] = Field(default_factory=list)
    colour: Colour = Colour.RED
    _seen: int = PrivateAttr(default=0)


def _rows() -> list[Row]:
    return [
        Row(id=i, name=f"Row {i:04d}", value=i * 7, tags=["a"], colour=Colour.RED)
        for i in range(ROWS)
    ]


class Table(BaseModel):
    rows: list[Row] = Field(default_factory=_rows)
    by_name: dict[str, int] = Field(default_factory=lambda: {"Row 0001": 1})


class Holder:
    """What a test keeps the state in: one reference, as a component does."""

    def __init__(self, state: BaseModel) -> None:
        self.state = state
        self.released = 0

    def pack(self) -> bytes | None:
        return pack_state(self.state, self.release)

    def release(self) -> None:
        self.released += 1


def test_a_large_plain_state_packs_and_unpacks_equal() -> None:
    table = Table()
    table.rows[3]._seen = 9
    expected = table.model_copy(deep=True)
    holder = Holder(table)
    del table
    packed = holder.pack()
    assert packed is not None and holder.released == 1
    assert len(packed) < 40 * ROWS  # a row's ~400 bytes of objects, packed
    back = unpack_state(packed)
    assert back == expected and back.rows[3]._seen == 9
    assert back.model_fields_set == expected.model_fields_set


def test_a_state_anything_else_refers_into_stays_as_it_is() -> None:
    def kept(keep: Any) -> bytes | None:
        holder = Holder(Table())
        kept_one = keep(holder.state)
        packed = holder.pack()
        assert kept_one is not None
        return packed

    assert kept(lambda state: state) is None
    assert kept(lambda state: state.rows) is None
    assert kept(lambda state: state.rows[7]) is None
    assert kept(lambda state: vars(state.rows[7])) is None
    assert kept(lambda state: state.rows[7].tags) is None
    assert kept(lambda state: state.by_name) is None
    # A string or a number is shared harmlessly.
    assert kept(lambda state: state.rows[7].name) is not None


def test_a_small_state_or_one_not_plain_data_stays_as_it_is() -> None:
    small = Table(rows=_rows()[: MIN_PARTS // 4])
    assert Holder(small).pack() is None

    class Odd(BaseModel):
        model_config = {"arbitrary_types_allowed": True}
        rows: list[Row] = Field(default_factory=_rows)
        lock: Any = Field(default_factory=threading.Lock)

    assert Holder(Odd()).pack() is None

    class Local(BaseModel):  # pickle cannot find a class defined in a function
        rows: list[Row] = Field(default_factory=_rows)

    holder = Holder(Local())
    assert holder.pack() is None and holder.released == 1

    looped = Table()
    looped.rows[0].tags.append(looped)  # type: ignore[arg-type]
    assert Holder(looped).pack() is None


class TableView(Component[Table]):
    template = """<table>{% for r in state.rows %}
<tr><td>{{ r.name }}</td><td>{{ r.value }}</td></tr>{% endfor %}
</table>"""

    @on("bump")
    async def bump(self, at: int) -> None:
        self.state.rows[at].value += 1000


class Keeper(TableView):
    async def mount(self) -> None:
        self.first = self.state.rows[0]


def _root(page: LivePage) -> Component[Any]:
    return page.component(page.root_cid)


async def test_a_resting_page_packs_its_state_and_the_next_event_unpacks_it() -> None:
    async with LiveTestClient(TableView) as client:
        page = client.session.page
        assert page is not None
        await client.send_event("bump", {"at": 1})
        page.rest(time.monotonic() + 2.0, after=1.0)
        view = _root(page)
        assert "state" not in vars(view)
        # The event unpacks it; the test client checks the patched DOM
        # against the server's render after the reply.
        await client.send_event("bump", {"at": 2})
        state = vars(view)["state"]
        assert isinstance(state, Table)
        assert [row.value for row in state.rows[:3]] == [0, 1007, 1014]
        # Full rows share their class's fields set again.
        assert state.rows[5].__pydantic_fields_set__ is shared_fields_set(Row)
        assert "<td>1014</td>" in page.full_html(page.root_cid)
        # This test's own reference is one too many to pack with.
        page.rest(time.monotonic() + 4.0, after=1.0)
        assert vars(view)["state"] is state
        del state
        await client.send_event("bump", {"at": 3})
        # Rested again, a read outside any turn unpacks it as well.
        page.rest(time.monotonic() + 6.0, after=1.0)
        assert "state" not in vars(view)
        assert view.state.rows[3].value == 1021


async def test_a_state_the_component_keeps_a_part_of_is_not_packed() -> None:
    async with LiveTestClient(Keeper) as client:
        page = client.session.page
        assert page is not None
        page.rest(time.monotonic() + 2.0, after=1.0)
        assert "state" in vars(_root(page))
        await client.send_event("bump", {"at": 0})
        assert client.text("td") == "Row 0000"


class OwnAttributes(TableView):
    def __getattr__(self, name: str) -> Any:
        return f"no {name}"


async def test_a_class_with_its_own_getattr_keeps_its_state() -> None:
    async with LiveTestClient(OwnAttributes) as client:
        page = client.session.page
        assert page is not None
        page.rest(time.monotonic() + 2.0, after=1.0)
        assert "state" in vars(_root(page))
        await client.send_event("bump", {"at": 0})
        assert "<td>1000</td>" in page.full_html(page.root_cid)


class Small(BaseModel):
    n: int = 0


class Badge(Component[Small]):
    template = "<b>{{ state.n }}</b>"

    @on("tap")
    async def tap(self) -> None:
        self.state.n += 1


class TableAndBadge(TableView):
    template = """<div>{{ live(Badge, id="badge") }}<table>{% for r in state.rows %}
<tr><td>{{ r.name }}</td></tr>{% endfor %}
</table></div>"""


async def test_a_state_still_packed_from_the_last_rest_is_not_read_again() -> None:
    async with LiveTestClient(TableAndBadge) as client:
        page = client.session.page
        assert page is not None
        view = _root(page)
        page.rest(time.monotonic() + 2.0, after=1.0)
        packed = vars(view)["_packed_state"]
        # An event on the badge wakes the page; the table's state stays packed.
        badge = next(c for c in page.components() if isinstance(c, Badge))
        await client.send_event("tap", cid=badge.cid)
        assert "state" not in vars(view)
        page.rest(time.monotonic() + 4.0, after=1.0)
        assert vars(view)["_packed_state"] is packed
        assert view.state.rows[9].name == "Row 0009"
        # A new state set over a packed one: the packed one is dropped.
        await client.send_event("tap", cid=badge.cid)
        page.rest(time.monotonic() + 6.0, after=1.0)
        assert "_packed_state" in vars(view)
        view.state = Table(rows=[])
        assert "_packed_state" not in vars(view) and view.state.rows == []


class Slow(TableView):
    @on("wait")
    async def wait(self) -> None:
        await asyncio.sleep(0.5)
        self.state.rows[0].value = -1


async def test_the_idle_watch_packs_no_state_during_a_turn() -> None:
    app = LiveApp(secret_key="k", rest_after=0.01)
    app.page("/", Slow)
    async with LiveTestClient(app) as client:
        page = client.session.page
        assert page is not None
        actor = client.session.actor
        assert actor is not None
        turn = asyncio.create_task(client.send_event("wait"))
        deadline = time.monotonic() + 5.0
        while not actor.busy and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert actor.busy
        client.session.rest(time.monotonic() + 5.0)
        assert "state" in vars(_root(page))
        await turn
        assert not actor.busy
        client.session.rest(time.monotonic() + 5.0)
        assert "state" not in vars(_root(page))
        await client.send_event("bump", {"at": 0})
        assert "<td>999</td>" in page.full_html(page.root_cid)


class SlowListener:
    """A session whose page takes 4 ms to rest."""

    idle_timeout = 0.0
    last_seen = 0.0

    def __init__(self) -> None:
        self.rested = 0

    def went_silent(self) -> None:
        raise AssertionError("no idle timeout here")

    def rest(self, now: float) -> None:
        time.sleep(0.004)
        self.rested += 1


async def test_the_idle_watch_rests_pages_in_slices_with_other_work_between() -> None:
    watch = IdleWatch(asyncio.get_running_loop())
    listeners = [SlowListener() for _ in range(20)]
    for listener in listeners:
        watch.add(listener)
    watch._check()
    # One slice (10 ms) rests a few pages; the others wait for the loop.
    first = sum(listener.rested for listener in listeners)
    assert 1 <= first < len(listeners)
    slices = 1
    while sum(listener.rested for listener in listeners) < len(listeners):
        await asyncio.sleep(0)
        slices += 1
        assert slices < 100
    assert all(listener.rested == 1 for listener in listeners)
    for listener in listeners:
        watch.discard(listener)


def test_nothing_is_packed_where_reference_counts_are_not_exact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(statepack, "COUNTS_EXACT", False)
    holder = Holder(Table())
    assert holder.pack() is None and holder.released == 0


async def test_a_page_woken_soon_after_packing_packs_later_next_time() -> None:
    async with LiveTestClient(TableView) as client:
        page = client.session.page
        assert page is not None
        view = _root(page)
        start = time.monotonic()
        page.rest(start + 1.5, after=1.0)
        assert "state" not in vars(view)
        # Woken within REPACK_WINDOW (a broadcast every few seconds, say).
        await client.send_event("bump", {"at": 1})
        start = time.monotonic()
        page.rest(start + 1.5, after=1.0)
        assert "state" in vars(view)  # it now waits 2 s
        page.rest(start + 2.5, after=1.0)
        assert "state" not in vars(view)
        await client.send_event("bump", {"at": 1})
        start = time.monotonic()
        page.rest(start + 3.5, after=1.0)
        assert "state" in vars(view)  # then 4 s
        page.rest(start + 4.5, after=1.0)
        assert "state" not in vars(view)
        # A wake long after packing leaves the wait as it is (4 s).
        page._packed_at = time.monotonic() - REPACK_WINDOW - 1.0
        await client.send_event("bump", {"at": 2})
        start = time.monotonic()
        page.rest(start + 3.5, after=1.0)
        assert "state" in vars(view)
        page.rest(start + 4.5, after=1.0)
        assert "state" not in vars(view)
        assert view.state.rows[2].value == 1014
