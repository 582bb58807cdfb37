"""The change log (``livecomp.tracking``): every pydantic assignment noted."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from livecomp import Component
from livecomp.component import PageContext
from livecomp.tracking import LOG_SIZE, changed_since, log_position, note_change, tracked


class Item(BaseModel):
    value: int = 0


class Checked(BaseModel):
    model_config = ConfigDict(validate_assignment=True)
    value: int = 0


class OwnSetattr(BaseModel):
    value: int = 0

    def __setattr__(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)


def test_assignments_and_deletions_are_noted_in_order() -> None:
    a, b, c = Item(), Checked(), Item()
    mark = log_position()
    a.value = 1
    b.value = 2  # validated assignment: the same path
    del c.value
    assert changed_since(mark) == [id(a), id(b), id(c)]
    assert changed_since(log_position()) == []


def test_the_log_wraps_around_and_says_when_it_no_longer_reaches_back() -> None:
    item = Item()
    for _ in range(LOG_SIZE - 3):
        note_change(object())
    mark = log_position()
    for _ in range(7):  # across the end of the ring
        item.value += 1
    assert changed_since(mark) == [id(item)] * 7
    for _ in range(LOG_SIZE):
        note_change(object())
    assert changed_since(mark) is None


def test_a_model_that_replaced_setattr_is_not_trusted() -> None:
    assert tracked(Item) and tracked(Checked)
    assert not tracked(OwnSetattr)


class Count(BaseModel):
    n: int = 0


class Counter(Component[Count]):
    template = "<p>{{ state.n }}</p>"


def test_a_component_notes_its_public_attributes_once_built() -> None:
    mark = log_position()
    counter = Counter(key="k", cid="c1", context=PageContext(connected=False), props={})
    assert changed_since(mark) == []  # nothing read it yet: its making is no change
    counter._note = "private"
    counter.label = "public"
    counter.state.n = 1
    assert changed_since(mark) == [id(counter), id(counter.state)]
