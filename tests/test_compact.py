"""compact_state: full models share one fields set per class, and nothing else changes."""

from __future__ import annotations

import copy
import enum
import pickle
import sys
import tracemalloc
from typing import Literal

from pydantic import BaseModel, ConfigDict, RootModel

from livecomp import Component, on
from livecomp.compact import _model_class, compact_state, shared_fields_set
from livecomp.component import PageContext
from livecomp.page import LivePage
from livecomp.testing import LiveTestClient


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Item(BaseModel):
    id: int
    name: str
    price: float = 0.0


class Checked(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    id: int
    label: str


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name: str


class Basket(BaseModel):
    items: list[Item] = []
    by_name: dict[str, Item] = {}
    pair: tuple[Item, Item] | None = None
    nested: list[list[dict[str, list[Item]]]] = []
    best: Item | None = None


class Ids(RootModel[list[int]]):
    pass


class Revalidated(BaseModel):
    model_config = ConfigDict(revalidate_instances="always")

    id: int


def full(i: int) -> Item:
    return Item(id=i, name=f"item-{i}", price=i / 2)


def test_full_models_share_their_class_set() -> None:
    items = [full(i) for i in range(3)]
    assert compact_state(items) == 3
    shared = shared_fields_set(Item)
    assert shared == {"id", "name", "price"}
    assert all(item.__pydantic_fields_set__ is shared for item in items)
    # A second walk changes nothing and counts the same instances.
    assert compact_state(items) == 3
    assert all(item.__pydantic_fields_set__ is shared for item in items)


def test_a_partially_set_model_keeps_its_own_set() -> None:
    partial = Item(id=1, name="a")  # price left to its default
    own = partial.__pydantic_fields_set__
    assert compact_state(partial) == 0
    assert partial.__pydantic_fields_set__ is own
    assert partial.model_fields_set == {"id", "name"}
    assert partial.model_dump(exclude_unset=True) == {"id": 1, "name": "a"}
    # Assigning the missing field later is pydantic's business, on its own set.
    partial.price = 2.0
    assert partial.model_fields_set == {"id", "name", "price"}
    assert shared_fields_set(Item) == {"id", "name", "price"}


def test_the_walk_reaches_lists_tuples_dicts_and_nested_models() -> None:
    basket = Basket(
        items=[full(1), full(2)],
        by_name={"three": full(3)},
        pair=(full(4), full(5)),
        nested=[[{"deep": [full(6)]}]],
        best=full(7),
    )
    reached = compact_state(basket)
    # Every Item, and the basket itself (each of its fields was given).
    assert reached == 8
    shared = shared_fields_set(Item)
    assert basket.pair is not None and basket.best is not None
    found = [
        *basket.items,
        basket.by_name["three"],
        *basket.pair,
        basket.nested[0][0]["deep"][0],
        basket.best,
    ]
    assert [item.id for item in found] == [1, 2, 3, 4, 5, 6, 7]
    assert all(item.__pydantic_fields_set__ is shared for item in found)


def test_assignment_still_works_and_the_set_stays_right() -> None:
    a, b = full(1), full(2)
    compact_state([a, b])
    a.name = "renamed"
    a.price = 9.5
    assert (a.name, a.price) == ("renamed", 9.5)
    assert a.model_fields_set == b.model_fields_set == {"id", "name", "price"}
    assert b.name == "item-2"
    assert a.model_dump(exclude_unset=True) == {"id": 1, "name": "renamed", "price": 9.5}
    assert shared_fields_set(Item) == {"id", "name", "price"}


def test_validated_assignment_still_validates() -> None:
    rows = [Checked(id=i, label=str(i)) for i in range(2)]
    assert compact_state(rows) == 2
    rows[0].id = "41"  # type: ignore[assignment]  # coerced by validate_assignment
    assert rows[0].id == 41
    assert rows[0].model_fields_set == {"id", "label"}
    assert rows[1].__pydantic_fields_set__ is shared_fields_set(Checked)
    assert shared_fields_set(Checked) == {"id", "label"}


def test_exclude_unset_dumps_are_unchanged() -> None:
    basket = Basket(items=[full(1), Item(id=2, name="b")], best=full(3))
    before = basket.model_dump(exclude_unset=True)
    json_before = basket.model_dump_json(exclude_unset=True)
    compact_state(basket)
    assert basket.model_dump(exclude_unset=True) == before
    assert basket.model_dump_json(exclude_unset=True) == json_before
    assert before == {
        "items": [{"id": 1, "name": "item-1", "price": 0.5}, {"id": 2, "name": "b"}],
        "best": {"id": 3, "name": "item-3", "price": 1.5},
    }


def test_copies_get_sets_of_their_own() -> None:
    item = full(1)
    compact_state(item)
    shared = shared_fields_set(Item)
    assert shared is not None
    copies = [
        item.model_copy(),
        item.model_copy(deep=True),
        copy.copy(item),
        copy.deepcopy(item),
        item.model_copy(update={"name": "x"}),
        item.model_copy(update={"name": "y"}, deep=True),
        pickle.loads(pickle.dumps(item)),
    ]
    for made in copies:
        assert made.__pydantic_fields_set__ is not shared
        assert made.model_fields_set == {"id", "name", "price"}
        # Changing a copy's set in place leaves the shared one whole.
        made.model_fields_set.discard("price")
    assert shared == {"id", "name", "price"}
    assert item.model_fields_set == {"id", "name", "price"}
    assert copies[0] == item and copies[3] == item


def test_copy_with_an_update_of_an_unknown_key_does_not_touch_the_shared_set() -> None:
    item = full(1)
    compact_state(item)
    # pydantic adds the updated keys to the copy's set, never to the original's.
    made = item.model_copy(update={"colour": "red"})
    assert "colour" in made.model_fields_set
    assert item.model_fields_set == {"id", "name", "price"}
    assert shared_fields_set(Item) == {"id", "name", "price"}


def test_pydantic_itself_shares_a_set_when_it_revalidates() -> None:
    # The state compact_state makes is one pydantic makes on its own.
    first = Revalidated(id=1)
    again = Revalidated.model_validate(first)
    assert again is not first
    assert again.__pydantic_fields_set__ is first.__pydantic_fields_set__


def test_equality_is_unchanged() -> None:
    a, b = full(1), full(1)
    compact_state(a)
    assert a == b and b == a
    assert a != full(2)


def test_models_allowing_extra_fields_are_left_alone() -> None:
    open_ = Open(id=1)
    own = open_.__pydantic_fields_set__
    assert shared_fields_set(Open) is None
    assert compact_state([open_, Open(id=2)]) == 0
    assert open_.__pydantic_fields_set__ is own
    open_.colour = "red"  # type: ignore[attr-defined]  # an extra field: its name is added
    assert open_.model_fields_set == {"id", "colour"}
    assert Open(id=3).model_fields_set == {"id"}


def test_models_inside_extra_values_are_reached() -> None:
    open_ = Open(id=1, inner=full(5))
    assert compact_state(open_) == 1
    assert open_.model_extra is not None
    assert open_.model_extra["inner"].__pydantic_fields_set__ is shared_fields_set(Item)


def test_model_construct_and_root_models() -> None:
    built = Item.model_construct(id=1, name="a", price=1.0)
    ids = Ids([1, 2])
    assert compact_state([built, ids]) == 2
    assert built.__pydantic_fields_set__ is shared_fields_set(Item)
    assert ids.__pydantic_fields_set__ is shared_fields_set(Ids)
    ids.root = [3]
    assert ids.model_dump() == [3]
    assert Item.model_construct(id=2, name="b").model_fields_set == {"id", "name"}


def test_frozen_models_share_too_and_hash_as_before() -> None:
    a, b = Frozen(id=1, name="a"), Frozen(id=1, name="a")
    before = hash(a)
    assert compact_state([a]) == 1
    assert a.__pydantic_fields_set__ is shared_fields_set(Frozen)
    assert hash(a) == before == hash(b) and a == b
    assert {a, b} == {a}


def test_a_set_changed_in_place_is_not_handed_out_again() -> None:
    a = full(1)
    compact_state(a)
    damaged = a.__pydantic_fields_set__
    damaged.discard("price")  # user code changing the set in place
    b = full(2)
    compact_state(b)
    assert b.__pydantic_fields_set__ is not damaged
    assert b.model_fields_set == {"id", "name", "price"}


def test_cycles_and_shared_references_are_visited_once() -> None:
    shared_item = full(1)
    basket = Basket(items=[shared_item])
    loop: list[object] = [basket, basket]
    loop.append(loop)
    mapping: dict[str, object] = {"self": None, "items": loop}
    mapping["self"] = mapping
    # The basket (partly set: not shared) is visited once though reached
    # twice, so its one item is counted once.
    assert compact_state(mapping) == 1
    assert shared_item.__pydantic_fields_set__ is shared_fields_set(Item)
    # A flat model is handled where it is found: reached twice, counted twice.
    assert compact_state([shared_item, shared_item]) == 2


class Flat(BaseModel):
    n: int | None
    kind: Literal["a", "b"]
    colour: Colour
    label: str = ""


class NotFlat(BaseModel):
    n: int
    anything: object = None


def test_flat_models_have_scalar_fields_only() -> None:
    assert _model_class(Flat).flat and _model_class(Item).flat
    assert not _model_class(NotFlat).flat and not _model_class(Basket).flat
    assert not _model_class(Open).flat  # extra values may hold anything
    inner = full(1)
    holder = NotFlat(n=1, anything=[inner])
    assert compact_state(holder) == 2
    assert inner.__pydantic_fields_set__ is shared_fields_set(Item)
    flat = Flat(n=None, kind="a", colour=Colour.RED, label="x")
    assert compact_state([flat]) == 1
    assert flat.__pydantic_fields_set__ is shared_fields_set(Flat)


def test_deep_nesting_needs_no_recursion() -> None:
    deep: list[object] = [full(0)]
    for _ in range(sys.getrecursionlimit() * 3):
        deep = [deep]
    assert compact_state(deep) == 1


def test_other_values_are_skipped() -> None:
    class Plain:
        def __init__(self) -> None:
            self.item = full(9)

    plain = Plain()
    assert compact_state(["text", 1, 2.5, None, b"bytes", {1, 2}, plain]) == 0
    assert plain.item.__pydantic_fields_set__ is not shared_fields_set(Item)


def test_a_thousand_rows_save_their_sets() -> None:
    tracemalloc.start()
    try:
        rows = [full(i) for i in range(1_000)]
        before = tracemalloc.get_traced_memory()[0]
        compact_state(rows)
        saved = before - tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # Each row's own set (216 bytes for three names) is gone, less one shared.
    assert saved > 1_000 * 150


class Table(Component[Basket]):
    template = """<ul>{% for item in state.items %}<li>{{ item.name }}</li>{% endfor %}</ul>"""

    async def mount(self) -> None:
        self.state.items = [full(i) for i in range(3)]

    @on("rename")
    async def rename(self, name: str) -> None:
        self.state.items[0].name = name


async def test_a_mounted_page_shares_the_sets_of_its_state() -> None:
    page = LivePage(Table, PageContext(connected=True))
    await page.mount()
    component = page._mounted[page.root_cid].component
    assert isinstance(component, Table)
    shared = shared_fields_set(Item)
    assert all(item.__pydantic_fields_set__ is shared for item in component.state.items)


async def test_a_page_with_shared_sets_still_updates() -> None:
    async with LiveTestClient(Table) as client:
        items = client.state.items
        assert all(item.__pydantic_fields_set__ is shared_fields_set(Item) for item in items)
        assert [li.text() for li in client.query("li")] == ["item-0", "item-1", "item-2"]
        await client.send_event("rename", {"name": "renamed"})
        assert [li.text() for li in client.query("li")] == ["renamed", "item-1", "item-2"]
        assert items[0].model_fields_set == items[1].model_fields_set == {"id", "name", "price"}
