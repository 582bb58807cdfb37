"""A mounted component's state made smaller: one set of field names per model class.

The key idea: every pydantic model instance carries its own
``__pydantic_fields_set__``, the ``set`` of the field names it was given
explicitly. A 1,000-row table whose rows were each built with every field
pays 216 bytes a row for that set (more than the row's ``__dict__``), to
hold the same names 1,000 times. Once a component has mounted,
``compact_state`` walks its state and gives every model instance whose set
holds every field of its class one set shared by all such instances of that
class (``shared_fields_set``); a partially set instance keeps its own.

Why sharing is safe (read in pydantic 2.14 and pydantic-core 2.x):

- Nothing in pydantic removes a name from an instance's set. Assigning a
  field (``BaseModel.__setattr__``, plain or with ``validate_assignment``)
  only ``add``s the field's name, which a full set already holds: the add
  changes nothing. A name that is not a field is added only when the class
  allows extra fields (``extra='allow'``); such classes are never shared.
- Every new instance gets a set of its own: ``__copy__`` and
  ``__deepcopy__`` (so ``copy``, ``deepcopy`` and ``model_copy``) copy the
  set before ``model_copy(update=...)`` adds to the copy; ``__init__``,
  validation and ``model_construct`` build a new one; ``__setstate__`` takes
  the unpickled one.
- ``__eq__`` compares ``__dict__``, extra and private values, never the
  set; ``model_fields_set`` and ``model_dump(exclude_unset=True)`` read the
  same names as before. pydantic-core itself hands one instance's set to
  another when it revalidates an instance (``revalidate_instances``).

What sharing cannot survive is user code that changes ``model_fields_set``
in place (``discard``, ``clear``, ``add`` of a name that is no field), which
pydantic never does: every instance sharing the set would see it. A later
walk that finds a class's shared set changed makes a new one for the class.

The walk follows model fields (and extra values), lists, tuples and dict
values, iteratively (no recursion limit), and skips every other value at the
cost of one type lookup. Containers and models with a field that may hold
more are visited once each (cycles are fine); a model whose fields are all
declared scalars (numbers, strings, bytes, enums, literals, optional ones),
a table's row, is handled where it is found, its values never looked at:
validation puts nothing there that could hold a model.
"""

from __future__ import annotations

import enum
import types
from typing import Any, Literal, NamedTuple, Union, get_args, get_origin
from weakref import WeakKeyDictionary

from pydantic import BaseModel

__all__ = ["compact_state", "shared_fields_set"]

# What the walk does with a value of a type: skip it, or look inside.
_LEAF = 0
_MODEL = 1
_SEQUENCE = 2
_MAPPING = 3

#: Each model class's shared set of every field name, while the class lives.
_SHARED: WeakKeyDictionary[type[BaseModel], set[str]] = WeakKeyDictionary()

#: Field types whose values hold no model (nor anything that could).
_SCALARS: frozenset[object] = frozenset({int, float, complex, str, bytes, bool, type(None)})


class _ModelClass(NamedTuple):
    shared: set[str] | None  # shared_fields_set(cls)
    flat: bool  # every field a scalar, no extra fields: nothing inside to visit


def _kind(cls: type) -> int:
    if issubclass(cls, BaseModel):
        return _MODEL
    if issubclass(cls, (list, tuple)):
        return _SEQUENCE
    if issubclass(cls, dict):
        return _MAPPING
    return _LEAF


def _scalar(annotation: Any) -> bool:
    if annotation in _SCALARS:
        return True
    if isinstance(annotation, type):
        return issubclass(annotation, enum.Enum)
    origin = get_origin(annotation)
    if origin is Literal:
        return True
    if origin is Union or origin is types.UnionType:
        return all(_scalar(arg) for arg in get_args(annotation))
    return False


def _model_class(cls: type[BaseModel]) -> _ModelClass:
    shared = shared_fields_set(cls)
    flat = shared is not None and all(
        _scalar(field.annotation) for field in cls.__pydantic_fields__.values()
    )
    return _ModelClass(shared, flat)


def shared_fields_set(cls: type[BaseModel]) -> set[str] | None:
    """The set of every field name that ``cls``'s full instances share, or
    None when its instances keep their own (the class allows extra fields)."""
    if cls.model_config.get("extra") == "allow":
        return None
    fields = cls.__pydantic_fields__
    shared = _SHARED.get(cls)
    # A set changed in place (user code) is never handed out again.
    if shared is None or shared != fields.keys():
        shared = _SHARED[cls] = set(fields)
    return shared


def compact_state(state: Any) -> int:
    """Give every model instance reachable from ``state`` whose fields set
    holds every field of its class the class's shared set; return how many
    times the walk found an instance sharing one (including those that
    already did; a flat model reached twice counts twice)."""
    kinds: dict[type, int] = {}
    classes: dict[type, _ModelClass] = {}
    seen: set[int] = set()
    stack: list[Any] = [state]
    # Bound once: the loops run once per object of the state.
    kind_of, class_of, pop, push, mark = kinds.get, classes.get, stack.pop, stack.append, seen.add
    sharing = 0
    while stack:
        obj = pop()
        cls = type(obj)
        kind = kind_of(cls)
        if kind is None:
            kind = kinds[cls] = _kind(cls)
        if kind == _LEAF or id(obj) in seen:
            continue
        mark(id(obj))
        values: Any
        if kind == _MODEL:
            model = class_of(cls)
            if model is None:
                model = classes[cls] = _model_class(cls)
            shared = model.shared
            if shared is not None:
                sharing += _share(obj, shared)
            if model.flat:
                continue
            extra = getattr(obj, "__pydantic_extra__", None)
            if extra:
                stack.extend(extra.values())
            values = obj.__dict__.values()
        elif kind == _SEQUENCE:
            values = obj
        else:
            values = obj.values()
        for value in values:
            value_cls = type(value)
            value_kind = kind_of(value_cls)
            if value_kind is None:
                value_kind = kinds[value_cls] = _kind(value_cls)
            if not value_kind:
                continue
            if value_kind == _MODEL:
                model = class_of(value_cls)
                if model is None:
                    model = classes[value_cls] = _model_class(value_cls)
                shared = model.shared
                if model.flat and shared is not None:
                    # A row: nothing inside to visit, so no need to visit it once only.
                    sharing += _share(value, shared)
                    continue
            push(value)
    return sharing


def _share(model: BaseModel, shared: set[str]) -> bool:
    """Give ``model`` the ``shared`` set if its own holds the same names;
    whether it holds the shared set now."""
    own = getattr(model, "__pydantic_fields_set__", None)
    if own is shared:
        return True
    if type(own) is set and len(own) == len(shared) and own == shared:
        object.__setattr__(model, "__pydantic_fields_set__", shared)
        return True
    return False
