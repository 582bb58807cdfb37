"""Event handler decorators and payload binding.

``@on("name")`` only tags a method. The component class collects the tags
once, at class creation (``collect_handlers``), checks each handler's
signature there, and builds the pydantic model that binds and validates the
browser's payload. A browser can reach a method only through such a tag.
"""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, create_model

EVENT_TAG = "__livecomp_event__"

F = TypeVar("F", bound=Callable[..., Awaitable[None]])


def on(event: str) -> Callable[[F], F]:
    """Route the client event ``event`` to the decorated async method.

    Handler parameters are bound from the event's payload and validated by
    pydantic: either plain annotated parameters (one per payload key, e.g.
    from ``live-value-celsius``) or a single parameter annotated with a
    pydantic model that receives the whole payload.

    Example:
        ```python
        @on("set")
        async def set(self, celsius: float) -> None:
            self.state.celsius = celsius
        ```
    """
    if not isinstance(event, str) or not event:
        raise TypeError("@on() needs the event name, e.g. @on(\"save\")")

    def tag(method: F) -> F:
        setattr(method, EVENT_TAG, event)
        return method

    return tag


class HandlerDefinitionError(TypeError):
    """A component class declares a handler that cannot work."""


@dataclass
class EventHandler:
    """One ``@on`` handler of a component class, with its payload binding."""

    event: str
    method_name: str
    owner: str
    params: list[inspect.Parameter]
    localns: Mapping[str, Any]
    function: Callable[..., Any]
    _binder: Callable[[dict[str, Any]], dict[str, Any]] | None = field(default=None, repr=False)

    def bind(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Validate ``payload`` and return the handler's keyword arguments.

        Raises pydantic.ValidationError when the payload does not fit.
        """
        if self._binder is None:
            self._binder = self._build_binder()
        return self._binder(payload)

    def resolve(self) -> None:
        """Build the binder now, if the annotations can already be resolved."""
        try:
            self._binder = self._build_binder()
        except NameError:
            # A name defined after the class (or in a scope we cannot see) is
            # resolved on first use instead.
            self._binder = None

    def _build_binder(self) -> Callable[[dict[str, Any]], dict[str, Any]]:
        hints = typing.get_type_hints(
            self.function, globalns=self.function.__globals__, localns=dict(self.localns)
        )
        if not self.params:
            return lambda payload: {}
        if len(self.params) == 1:
            only = self.params[0]
            annotation = hints[only.name]
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                model = annotation
                return lambda payload: {only.name: model.model_validate(payload)}
        fields: dict[str, Any] = {}
        for param in self.params:
            default = ... if param.default is inspect.Parameter.empty else param.default
            fields[param.name] = (hints[param.name], default)
        model = create_model(
            f"{self.owner}_{self.method_name}_payload",
            __config__=ConfigDict(extra="ignore"),
            **fields,
        )
        names = [p.name for p in self.params]

        def bind(payload: dict[str, Any]) -> dict[str, Any]:
            validated = model.model_validate(payload)
            return {name: getattr(validated, name) for name in names}

        return bind


def collect_handlers(cls: type, inherited: Mapping[str, EventHandler]) -> dict[str, EventHandler]:
    """Collect and check the ``@on`` handlers declared in ``cls``'s own body."""
    handlers = dict(inherited)
    declared: dict[str, str] = {}
    # The class body's enclosing scope, so locally defined payload models resolve.
    frame = sys._getframe(2)
    localns = {**frame.f_globals, **frame.f_locals, **vars(cls)}
    for name, member in vars(cls).items():
        event = getattr(member, EVENT_TAG, None)
        if event is None:
            continue
        where = f"{cls.__name__}.{name}"
        if event in declared:
            raise HandlerDefinitionError(
                f"{cls.__name__} has two handlers for event {event!r}: "
                f"{declared[event]}() and {name}(); give one of them another event name"
            )
        declared[event] = name
        if not inspect.iscoroutinefunction(member):
            raise HandlerDefinitionError(
                f"event handler {where} must be a coroutine: write `async def {name}(...)`"
            )
        params = list(inspect.signature(member).parameters.values())[1:]
        for param in params:
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise HandlerDefinitionError(
                    f"event handler {where} takes *{param.name}; declare each payload "
                    "field as a named, annotated parameter instead"
                )
            if param.annotation is inspect.Parameter.empty:
                raise HandlerDefinitionError(
                    f"parameter {param.name!r} of event handler {where} has no annotation; "
                    f"annotate it so the payload can be validated, e.g. `{param.name}: str`"
                )
        handler = EventHandler(
            event=event,
            method_name=name,
            owner=cls.__name__,
            params=params,
            localns=localns,
            function=member,
        )
        handler.resolve()
        handlers[event] = handler
    return handlers
