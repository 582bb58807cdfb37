"""Loop fragments: one changed item of a template loop costs one iteration.

The key idea: each iteration of a top-level ``{% for %}`` behaves like an
implicit child component. While a component renders, the page records what
each part of the template reads (``LoopReads``): an attribute read outside
any loop depends on its object for the whole render; one inside iteration
``k`` depends on it for that iteration only, as do the objects reached from
the loop's item. Each iteration's HTML is delimited by markers, cut out once
the render is done (``LoopReads.cut``), so the page knows where it lies.

On the next flush the page asks ``livecomp.tracking`` which objects changed
since (every pydantic field assignment is noted). When none is an object the
render read outside an iteration, and each loop's list still holds the same
items (compared by identity, at C speed), only the iterations that read a
changed object render again: the loop body, compiled as a macro beside the
loop, is called with the item (``LoopReads.render_iteration``). Anything the
recording cannot see through makes the whole render fall back to the full
path, which gives the same HTML: a container other than a loop's list, a
property or method, an object that is not a tracked model, a filter given a
model, a child component inside an iteration.

Which templates and loops are instrumented: ``livecomp.loopsyntax``.
Other templates render as before, at no cost.
"""

from __future__ import annotations

import secrets
from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from operator import is_
from typing import Any, Final
from uuid import UUID

from jinja2 import pass_context
from jinja2.runtime import LoopContext, Undefined
from markupsafe import Markup
from pydantic import BaseModel

from livecomp.commands import JS
from livecomp.tracking import changed_since, log_position, tracked

__all__ = [
    "Loop",
    "LoopReads",
    "loop_filters",
    "recording_into",
    "strip_markers",
]

# Markers around iterations, secret per process (never sent: cut before the
# diff), so no rendered text can forge one.
_SECRET: Final = secrets.token_hex(8)
OPEN: Final = f"\x02lc{_SECRET}["
END: Final = f"\x02lc{_SECRET}]"
_OPEN_MARKUP: Final = Markup(OPEN)
_END_MARKUP: Final = Markup(END)

# What a read may give or be made on. IMMUTABLE: values that cannot change
# (their identity is their value). TRACKED: objects whose assignments reach
# the change log. SEQUENCE: lists (a loop must iterate them) and tuples.
# PURE: helpers with no state to change. Anything else: the render falls back.
_IMMUTABLE, _TRACKED, _SEQUENCE, _PURE, _OPAQUE = range(5)
_KINDS: dict[type, int] = {
    kind: _IMMUTABLE
    for kind in (
        str, Markup, int, float, bool, complex, bytes, type(None), Decimal, Fraction,
        datetime, date, time, timedelta, UUID,
    )
}  # fmt: skip
_KINDS.update({list: _SEQUENCE, tuple: _SEQUENCE, LoopContext: _PURE, JS: _PURE})


def _kind(cls: type) -> int:
    found = _KINDS.get(cls)
    if found is None:
        if issubclass(cls, Enum) or issubclass(cls, Undefined):
            found = _IMMUTABLE
        elif issubclass(cls, BaseModel):
            found = _TRACKED if tracked(cls) else _OPAQUE
        else:
            from livecomp.component import Component  # the component imports us

            found = _TRACKED if issubclass(cls, Component) else _OPAQUE
        _KINDS[cls] = found
    return found


# --- what instrumented templates call ---------------------------------------


def loop_filters() -> dict[str, Callable[..., Any]]:
    """The filters an instrumented template calls, for its environment."""
    return {"livecomp_loop": _loop_started, "livecomp_item": _item, "livecomp_end": _ended}


#: The recording of the render in progress (renders never await, so one
#: global suffices); None outside one.
_recording: LoopReads | None = None


def _loop_started(items: Any, body: Any) -> Any:
    reads = _recording
    if reads is not None:
        reads.loop_started(items, body)
    return items


def _item(item: Any) -> Markup:
    reads = _recording
    if reads is None:
        return Markup()
    reads.iteration(item)
    return _OPEN_MARKUP


@pass_context  # so that Jinja does not fold the call at compile time
def _ended(_context: object, _: object) -> Markup:
    reads = _recording
    if reads is None:
        return Markup()
    reads.current = None
    return _END_MARKUP


def strip_markers(html: str) -> str:
    """``html`` without loop markers."""
    if OPEN[0] not in html:
        return html
    return html.replace(OPEN, "").replace(END, "")


class LoopAt:
    """``loop`` for one iteration rendered alone: its position in the list."""

    __slots__ = ("index0", "length")
    depth, depth0 = 1, 0

    def __init__(self, index0: int, length: int) -> None:
        self.index0, self.length = index0, length

    @property
    def index(self) -> int:
        return self.index0 + 1

    @property
    def revindex(self) -> int:
        return self.length - self.index0

    @property
    def revindex0(self) -> int:
        return self.length - self.index0 - 1

    @property
    def first(self) -> bool:
        return self.index0 == 0

    @property
    def last(self) -> bool:
        return self.index0 == self.length - 1

    def cycle(self, *values: Any) -> Any:
        return values[self.index0 % len(values)]


_KINDS[LoopAt] = _PURE


# --- what a render read -----------------------------------------------------


class Loop:
    """One run of an instrumented loop in a render: the list, its items' ids
    then, the body, and where each iteration's HTML lies in the render."""

    __slots__ = ("body", "by_id", "items", "lengths", "order", "parent", "places", "saved", "start")

    def __init__(self, items: Sequence[Any], body: Any) -> None:
        self.items = items
        # The items as rendered, to compare identities with.
        self.saved = list(items)
        # Their ids sorted, and the index of each, to find an item by id in
        # log time; made when first asked (a page that gets no event never is).
        self.by_id: array[int] | None = None
        self.order = array("i")
        self.body = body
        self.start = 0
        self.lengths = array("i")
        # Where the iterations' elements are in the DOM (livecomp.loopdiff):
        # their parent's path, and each one's index among its children.
        # None until asked; an empty path with no places when they cannot be told.
        self.parent: list[int] | None = None
        self.places = array("i")

    def unchanged(self) -> bool:
        """Whether the list holds the same items as when rendered."""
        items, saved = self.items, self.saved
        return len(items) == len(saved) and all(map(is_, items, saved))

    def positions(self, oid: int) -> list[int]:
        """Every index at which the list held the object of id ``oid``
        (most ids asked for are other pages' objects: none, and no more
        than a bisection)."""
        by_id = self.by_id
        if by_id is None:
            ids = list(map(id, self.saved))
            self.order = array("i", sorted(range(len(ids)), key=ids.__getitem__))
            self.by_id = by_id = array("Q", (ids[index] for index in self.order))
        at = bisect_left(by_id, oid)
        if at == len(by_id) or by_id[at] != oid:
            return []
        found = []
        while at < len(by_id) and by_id[at] == oid:
            found.append(self.order[at])
            at += 1
        return found

    def offset(self, index: int) -> int:
        """Where iteration ``index``'s HTML starts in the render."""
        return self.start + sum(self.lengths[:index])


class LoopReads:
    """What one render of a component read, by where: outside any iteration
    (``top``), inside an iteration but not through its item (``shared``),
    through iteration ``k``'s item (``nested``, for objects other than the
    item itself). ``usable`` turns false on anything the recording cannot
    see through; ``why`` says what."""

    __slots__ = (
        "current",
        "item",
        "lists",
        "loops",
        "nested",
        "parsed",
        "position",
        "shared",
        "top",
        "usable",
        "why",
    )

    def __init__(self) -> None:
        self.top: set[int] = set()
        self.shared: set[int] = set()
        self.nested: dict[int, int] = {}
        self.lists: set[int] = set()
        self.loops: list[Loop] = []
        # The iteration being rendered as (loop number << 32 | index), and its item.
        self.current: int | None = None
        self.item: Any = None
        self.usable = True
        self.why = ""
        self.position = log_position()
        #: Whether the diff's parse cache may still hold the render's parse.
        self.parsed = True

    # --- recording ----------------------------------------------------------

    def give_up(self, why: str) -> None:
        if self.usable:
            self.usable, self.why = False, why

    def loop_started(self, items: Any, body: Any) -> None:
        if type(items) not in (list, tuple):
            self.give_up(f"a loop iterates a {type(items).__name__}, not a list")
            return
        self.loops.append(Loop(items, body))
        self.current = None

    def iteration(self, item: Any) -> None:
        if not self.loops:
            return
        loop_number = len(self.loops) - 1
        current = self.current
        index = 0 if current is None else (current & 0xFFFFFFFF) + 1
        self.current = loop_number << 32 | index
        self.item = item

    def read(self, obj: Any, name: Any, value: Any) -> None:
        """The template read ``name`` of ``obj`` and got ``value``."""
        kind = _kind(type(obj))
        if kind == _TRACKED:
            # A field (or a component's public attribute): what the change
            # log hears of. Not a property, a method or a private attribute.
            if not isinstance(name, str) or name.startswith("_") or name not in obj.__dict__:
                self.give_up(f"the template reads {type(obj).__name__}.{name}, not a field")
                return
            self._depends(obj)
        elif kind == _SEQUENCE:
            if type(obj) is list:
                self.lists.add(id(obj))
        elif kind == _OPAQUE:
            self.give_up(f"the template reads from a {type(obj).__name__}")
            return
        kind = _kind(type(value))
        if kind == _TRACKED:
            self._reached(obj, value)
        elif kind == _SEQUENCE:
            if type(value) is list:
                self.lists.add(id(value))
        elif kind == _OPAQUE:
            self.give_up(f"the template reads a {type(value).__name__} ({name!r})")

    def filtered(self, name: str, args: tuple[Any, ...]) -> None:
        """A filter other than the few known to read through the environment
        was given ``args``: a model or a list among them could be read unseen."""
        for arg in args:
            if _kind(type(arg)) in (_TRACKED, _SEQUENCE, _OPAQUE):
                self.give_up(f"the filter {name!r} is given a {type(arg).__name__}")
                return

    def _owned(self, obj: Any, current: int) -> bool:
        return obj is self.item or self.nested.get(id(obj)) == current

    def _depends(self, obj: Any) -> None:
        current = self.current
        if current is None:
            self.top.add(id(obj))
        elif not self._owned(obj, current):
            self.shared.add(id(obj))

    def _reached(self, parent: Any, value: Any) -> None:
        current = self.current
        if current is None:
            self.top.add(id(value))
        elif self._owned(parent, current):
            if self.nested.setdefault(id(value), current) != current:
                self.shared.add(id(value))
        else:
            self.shared.add(id(value))

    # --- after the render ---------------------------------------------------

    def cut(self, html: str) -> str:
        """``html`` without its markers; each loop learns where its iterations
        lie. Markers out of the order the loops ran in (output captured or
        repeated) leave the loops unusable."""
        pieces: list[str] = []
        size = 0
        loops = iter(self.loops)
        loop: Loop | None = None
        at = 0
        while True:
            found = html.find("\x02lc", at)
            if found < 0:
                break
            pieces.append(html[at:found])
            size += found - at
            opens = html.startswith(OPEN, found)
            if not opens and not html.startswith(END, found):
                pieces.append(html[found : found + 3])  # text that merely starts alike
                size += 3
                at = found + 3
                continue
            at = found + len(OPEN)  # END is as long
            if loop is None:
                # The next loop's first marker (an END alone: it ran no iteration).
                loop = next(loops, None)
                if loop is None:
                    self.give_up("the loop markers do not match the loops")
                    return strip_markers(html)
                loop.start = size
            if opens:
                loop.lengths.append(size)
            else:
                _close(loop, size)
                loop = None
        pieces.append(html[at:])
        if loop is not None or next(loops, None) is not None:
            self.give_up("the loop markers do not match the loops")
        if self.lists - {id(loop.items) for loop in self.loops}:
            self.give_up("the template reads a list no top-level loop iterates")
        return "".join(pieces)

    # --- the next flush -----------------------------------------------------

    def changed(self) -> list[tuple[Loop, int]] | None:
        """The iterations to render again, in document order, since this
        render; None when the whole component must render again."""
        ids = changed_since(self.position)
        if ids is None:
            return None
        self.position = log_position()
        if not all(loop.unchanged() for loop in self.loops):
            return None
        found: set[tuple[int, int]] = set()
        top, shared, nested = self.top, self.shared, self.nested
        for oid in set(ids):
            if oid in top or oid in shared:
                return None
            owner = nested.get(oid)
            if owner is not None:
                found.add((owner >> 32, owner & 0xFFFFFFFF))
            for number, loop in enumerate(self.loops):
                for index in loop.positions(oid):
                    found.add((number, index))
        return [(self.loops[number], index) for number, index in sorted(found)]

    def render_iteration(self, loop: Loop, index: int) -> str | None:
        """Iteration ``index`` of ``loop`` rendered alone, its reads recorded
        as in a full render; None when the recording gave up."""
        global _recording
        number = self.loops.index(loop)
        self.current = number << 32 | index
        self.item = item = loop.items[index]
        _recording = self
        try:
            html = str(loop.body(item, LoopAt(index, len(loop.items))))
        finally:
            _recording = None
            self.current = self.item = None
        if not self.usable or self.lists - {id(loop.items) for loop in self.loops}:
            self.usable = False
            return None
        return html


def _close(loop: Loop, size: int) -> None:
    """Turn the iterations' start offsets into lengths, the last ending at ``size``."""
    starts = loop.lengths
    ends = [*starts[1:], size] if starts else []
    loop.lengths = array("i", (end - start for start, end in zip(starts, ends, strict=True)))


class recording_into:
    """Record the reads of the render inside the block into ``reads``."""

    def __init__(self, reads: LoopReads) -> None:
        self.reads = reads

    def __enter__(self) -> LoopReads:
        global _recording
        _recording = self.reads
        return self.reads

    def __exit__(self, *_: object) -> None:
        global _recording
        _recording = None
