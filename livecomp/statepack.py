"""A resting page's component state, packed into bytes until it is next read.

The key idea: an idle page's state is mostly pydantic models, and a model
costs far more as live objects than as data. A 1,000-row table's rows (an
object, its ``__dict__``, its values) hold about 370 KB; pickled and
compressed they are about 8 KB. When a page rests (``LivePage.rest``),
``pack_state`` packs a component's state if that is safe; the first read
of ``component.state`` afterwards (a handler, a render, a test) unpacks it
(``unpack_state``, which ``Component.__getattr__`` calls), and the page
works on exactly as before.

Safe means that no code can tell the unpacked state from the original but
by ``id()``:

- Only plain data packs: pydantic models, lists, dicts, sets, tuples and
  frozensets, holding scalars (``SCALARS``, enum members). Pickle gives
  those back equal, with every model's fields, extra and private values,
  and shares within the state shared as before. Anything else (a lock, a
  client, a model class pickle cannot find by name) leaves the state as it
  is.
- Nothing outside the state may refer to the state or to any model or
  container in it: code that kept a row, a list or the state itself would
  otherwise go on changing objects the page no longer uses. CPython counts
  every reference (``sys.getrefcount``); the walk counts those the state
  holds itself, and the two must agree. The framework's own references
  (what a render's loops read, ``LoopReads``) are let go of first.
- It never happens during a turn (the caller's check): a handler awaiting
  something may hold parts of the state in its locals, and would be
  counted, but a render's reads would not be.

A state of fewer than ``MIN_PARTS`` models and containers is left alone: a
counter's model is smaller than its packed bytes would be. Nothing is
packed where reference counts are not known to be exact
(``COUNTS_EXACT``): another Python, a free-threaded build, or CPython 3.14,
whose interpreter may borrow the references of local variables.
"""

from __future__ import annotations

import datetime
import decimal
import pickle
import sys
import uuid
import zlib
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, Final

from pydantic import BaseModel

#: Models and containers a state must hold to be worth packing.
MIN_PARTS: Final = 256

#: Whether ``sys.getrefcount`` counts every reference as this module
#: reasons about them: CPython 3.11 to 3.13 with the GIL, whose interpreter
#: holds a reference for every argument and local (3.14's may borrow one).
COUNTS_EXACT: Final = (
    sys.implementation.name == "cpython"
    and (3, 11) <= sys.version_info[:2] < (3, 14)
    and bool(getattr(sys, "_is_gil_enabled", lambda: True)())
)

#: Value types that hold no reference to anything mutable.
SCALARS: Final[frozenset[type]] = frozenset(
    {
        str,
        bytes,
        int,
        float,
        complex,
        bool,
        type(None),
        decimal.Decimal,
        datetime.date,
        datetime.datetime,
        datetime.time,
        datetime.timedelta,
        uuid.UUID,
    }
)

#: Containers walked item by item (exactly these types: a subclass may
#: hold more than its items).
_SEQUENCES: Final[frozenset[type]] = frozenset({list, set, tuple, frozenset})


def pack_state(state: BaseModel, release: Callable[[], None]) -> bytes | None:
    """``state`` pickled and compressed, or None if it must stay as it is.

    The caller holds exactly one reference to ``state`` besides this call's
    (its owner's attribute, read into the argument): ``release`` lets go of
    the references the framework keeps into it, once the state is found
    big enough to pack.
    """
    if not COUNTS_EXACT:
        return None
    found = _parts(state)
    if found is None:
        return None
    parts, held = found
    if len(parts) < MIN_PARTS:
        return None
    release()
    # References to ``state``: the owner's attribute, this argument, and
    # getrefcount's own.
    if sys.getrefcount(state) != 3:
        return None
    for i in range(len(parts)):
        # Those the state holds, the ``parts`` list's, getrefcount's own.
        if sys.getrefcount(parts[i]) != held[i] + 2:
            return None
    del parts
    try:
        data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        # A model class pickle cannot find by name (defined in a function),
        # a value that refuses: the state stays as it is.
        return None
    return zlib.compress(data, 1)


def unpack_state(packed: bytes) -> Any:
    """The state ``pack_state`` packed (made by this process: trusted)."""
    # Bytes this process made from its own objects: nothing from outside.
    return pickle.loads(zlib.decompress(packed))


def _parts(state: BaseModel) -> tuple[list[object], list[int]] | None:
    """Every model and container inside ``state`` (not ``state`` itself),
    once each, and how many references the state holds to each; None when
    something in it is not plain data, or refers back to ``state``."""
    at: dict[int, int] = {}
    parts: list[object] = []
    held: list[int] = []
    pending: list[object] = [state]
    while pending:
        children = _children(pending.pop())
        if children is None:
            return None
        for child in children:
            kind = type(child)
            if kind in SCALARS or isinstance(child, Enum):
                continue
            if child is state:
                return None
            i = at.get(id(child))
            if i is not None:
                held[i] += 1
                continue
            at[id(child)] = len(parts)
            parts.append(child)
            held.append(1)
            pending.append(child)
    return parts, held


def _children(obj: object) -> Iterable[object] | None:
    if isinstance(obj, BaseModel):
        # The model's dicts are parts too: code may keep ``vars(model)``.
        # Its fields set is pydantic's own (shared between models of a
        # class by ``livecomp.compact``), never the page's data.
        owned: list[object] = [obj.__dict__]
        for extra in (obj.__pydantic_extra__, obj.__pydantic_private__):
            if extra is not None:
                owned.append(extra)
        return owned
    kind = type(obj)
    if kind is dict:
        return [*obj.keys(), *obj.values()]  # type: ignore[attr-defined]
    if kind in _SEQUENCES:
        return obj  # type: ignore[return-value]
    return None
