"""Which objects changed: every pydantic field assignment, and every public
attribute a component sets, noted in one process-wide log.

The key idea: a page that kept what its last render read (``livecomp.loops``)
asks the log which objects changed since that render. If none of them is
something the render read outside a loop, only the loop iterations that
read them need to render again. So the log must miss nothing: it wraps
``BaseModel.__setattr__`` and ``__delattr__`` once, when livecomp is
imported, and ``Component`` notes its own public attributes.

The log keeps ``id()``s in a ring of ``LOG_SIZE`` entries. A reader that
fell more than that behind is told so (``changed_since`` gives None) and
renders in full. An id can be reused by a new object once the old one is
freed; that only makes a reader re-render something that did not change.

The log is written without a lock: state changes happen on the event loop,
in a page's turn, as everywhere in livecomp (a thread assigning to a
model while the loop does could overwrite an entry).

Mutating a list, dict or set in place assigns nothing: the log cannot see
it. Readers therefore compare the lists their loops iterate item by item
(identity, at C speed), and give up on any other container a render read.

Example:
    >>> from pydantic import BaseModel
    >>> class Row(BaseModel):
    ...     value: int = 0
    >>> row, mark = Row(), log_position()
    >>> row.value = 1
    >>> changed_since(mark) == [id(row)]
    True
"""

from __future__ import annotations

from array import array
from typing import Any, Final

from pydantic import BaseModel

__all__ = ["LOG_SIZE", "changed_since", "log_position", "note_change", "tracked"]

#: How many changes the log remembers (a power of two).
LOG_SIZE: Final = 1 << 14
_MASK: Final = LOG_SIZE - 1

_log = array("Q", bytes(8 * LOG_SIZE))
_position = 0


def note_change(obj: object) -> None:
    """Record that ``obj`` changed."""
    global _position
    _log[_position & _MASK] = id(obj)
    _position += 1


def log_position() -> int:
    """The log's position now: pass it to ``changed_since`` later."""
    return _position


def changed_since(position: int) -> list[int] | None:
    """The ids of the objects that changed since ``position``, oldest first,
    repeats included; None when the log no longer reaches back that far."""
    count = _position - position
    if count > LOG_SIZE:
        return None
    start = position & _MASK
    end = start + count
    if end <= LOG_SIZE:
        return _log[start:end].tolist()
    return _log[start:].tolist() + _log[: end - LOG_SIZE].tolist()


_model_setattr = BaseModel.__setattr__
_model_delattr = BaseModel.__delattr__


def _tracked_setattr(self: BaseModel, name: str, value: Any) -> None:
    _model_setattr(self, name, value)
    note_change(self)


def _tracked_delattr(self: BaseModel, name: str) -> None:
    _model_delattr(self, name)
    note_change(self)


def tracked(model_class: type) -> bool:
    """Whether assignments to instances of ``model_class`` reach the log: a
    pydantic model whose class did not replace ``__setattr__``/``__delattr__``."""
    setattr_: object = model_class.__setattr__
    delattr_: object = model_class.__delattr__
    return setattr_ is _tracked_setattr and delattr_ is _tracked_delattr


# Once, at import: every model class, defined before or after, inherits them.
setattr(BaseModel, "__setattr__", _tracked_setattr)  # noqa: B010 - mypy forbids the plain form
setattr(BaseModel, "__delattr__", _tracked_delattr)  # noqa: B010
