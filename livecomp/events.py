"""Event handler decorators and payload binding.

``@on("name")`` only tags a method. The component class collects the tags
once, at class creation (``collect_handlers``), checks each handler's
signature there, and builds the pydantic model that binds and validates the
browser's payload. A browser can reach a method only through such a tag.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, create_model

from livecomp.forms import bind_form, form_model

EVENT_TAG = "__livecomp_event__"
MESSAGE_TAG = "__livecomp_message__"

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
    return _tagger(EVENT_TAG, event, '@on("save")')


def on_message(message: str) -> Callable[[F], F]:
    """Route the server-side message ``message`` to the decorated async method.

    Server messages come from ``send_self``, timers (``every``), a child's
    ``send_parent`` and broadcasts (``subscribe``); no browser frame can reach
    these handlers. The handler takes no argument, or one: the message data.

    Example:
        ```python
        async def mount(self) -> None:
            if self.connected:
                self.every(1.0, "tick")

        @on_message("tick")
        async def tick(self) -> None:
            self.state.now = datetime.now()
        ```
    """
    return _tagger(MESSAGE_TAG, message, '@on_message("tick")')


def _tagger(tag: str, name: str, example: str) -> Callable[[F], F]:
    if not isinstance(name, str) or not name:
        raise TypeError(f"{example.split('(')[0]}() needs a name, e.g. {example}")

    def mark(method: F) -> F:
        setattr(method, tag, name)
        return method

    return mark


class HandlerDefinitionError(TypeError):
    """A component class declares a handler that cannot work."""


@dataclass
class EventHandler:
    """One ``@on`` handler of a component class, with its payload binding."""

    event: str
    method_name: str
    owner: str
    params: list[inspect.Parameter]
    function: Callable[..., Any]
    #: The class body's names: annotations may name what the class holds.
    localns: Mapping[str, Any] = field(default_factory=dict)
    _binder: Callable[[dict[str, Any]], dict[str, Any]] | None = field(default=None, repr=False)

    def bind(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Validate ``payload`` and return the handler's keyword arguments.

        Raises pydantic.ValidationError when the payload does not fit.
        """
        if self._binder is None:
            self._binder = self._build_binder()
        return self._binder(payload)

    def resolve(self, *, local: bool) -> None:
        """Build the binder now, if the annotations can already be resolved.

        Annotations are resolved in the method's module and the class body.
        A name defined later in the module is resolved on first use instead;
        for a class defined inside a function (``local``) nothing later will
        make it visible, so that fails now.
        """
        try:
            self._binder = self._build_binder()
        except NameError as exc:
            if local:
                raise HandlerDefinitionError(
                    f"an annotation of event handler {self.owner}.{self.method_name} names "
                    f"{exc.name!r}, which livecomp cannot resolve: {self.owner} is defined "
                    "inside a function, and annotations are resolved in the module (and "
                    f"the class body). Define {exc.name} at module level, or drop "
                    "`from __future__ import annotations` from that module"
                ) from None
            self._binder = None

    def _build_binder(self) -> Callable[[dict[str, Any]], dict[str, Any]]:
        # With their extras: Annotated[int, Field(ge=1)] keeps its constraint.
        hints = typing.get_type_hints(
            self.function,
            globalns=self.function.__globals__,
            localns=dict(self.localns),
            include_extras=True,
        )
        if not self.params:
            return lambda payload: {}
        if len(self.params) == 1:
            only = self.params[0]
            annotation = hints[only.name]
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                model = annotation
                return lambda payload: {only.name: model.model_validate(payload)}
            form = form_model(annotation)
            if form is not None:
                return lambda payload: {only.name: bind_form(form, payload)}
        fields: dict[str, Any] = {}
        for param in self.params:
            default = ... if param.default is inspect.Parameter.empty else param.default
            fields[param.name] = (hints[param.name], default)
        model = create_model(
            f"{self.owner}_{self.method_name}_payload",
            __config__=ConfigDict(extra="ignore", allow_inf_nan=False),
            **fields,
        )
        names = [p.name for p in self.params]

        def bind(payload: dict[str, Any]) -> dict[str, Any]:
            validated = model.model_validate(payload)
            return {name: getattr(validated, name) for name in names}

        return bind


def _tagged(
    cls: type, tag: str, kind: str, reserved: frozenset[str]
) -> Iterator[tuple[str, str, Any]]:
    """``(name, method name, method)`` of each method of ``cls`` tagged ``tag``."""
    declared: dict[str, str] = {}
    for method_name, member in vars(cls).items():
        name = getattr(member, tag, None)
        if name is None:
            continue
        if method_name in reserved:
            decorator = "@on" if tag == EVENT_TAG else "@on_message"
            raise HandlerDefinitionError(
                f"{cls.__name__}.{method_name} is a framework member and cannot be a {kind} "
                f"handler: {decorator}({name!r}) on it would let {kind}s run it. Decorate a "
                f"method of your own instead, e.g. `{decorator}({name!r}) async def "
                f"handle_{_identifier(name)}(self, ...)`"
            )
        if name in declared:
            raise HandlerDefinitionError(
                f"{cls.__name__} has two handlers for {kind} {name!r}: "
                f"{declared[name]}() and {method_name}(); give one of them another {kind} name"
            )
        declared[name] = method_name
        if not inspect.iscoroutinefunction(member):
            raise HandlerDefinitionError(
                f"{kind} handler {cls.__name__}.{method_name} must be a coroutine: "
                f"write `async def {method_name}(...)`"
            )
        yield name, method_name, member


def _identifier(name: str) -> str:
    cleaned = "".join(char if char.isalnum() else "_" for char in name).strip("_")
    return cleaned or "event"


def collect_messages(
    cls: type, inherited: Mapping[str, tuple[str, bool]], *, reserved: frozenset[str]
) -> dict[str, tuple[str, bool]]:
    """Map each ``@on_message`` name to its method name and whether it takes data.

    ``reserved`` names the framework's members, which may not be handlers.
    """
    handlers = dict(inherited)
    for message, method_name, member in _tagged(cls, MESSAGE_TAG, "message", reserved):
        params = list(inspect.signature(member).parameters.values())[1:]
        if len(params) > 1 or any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
            raise HandlerDefinitionError(
                f"message handler {cls.__name__}.{method_name} takes at most one "
                "parameter: the message data"
            )
        handlers[message] = (method_name, bool(params))
    return handlers


def collect_handlers(
    cls: type, inherited: Mapping[str, EventHandler], *, reserved: frozenset[str]
) -> dict[str, EventHandler]:
    """Collect and check the ``@on`` handlers declared in ``cls``'s own body.

    ``reserved`` names the framework's members, which may not be handlers.
    """
    handlers = dict(inherited)
    for event, name, member in _tagged(cls, EVENT_TAG, "event", reserved):
        if getattr(member, MESSAGE_TAG, None) is not None:
            raise HandlerDefinitionError(
                f"{cls.__name__}.{name} is both an event and a message handler; a browser "
                "could then reach it: use two methods"
            )
        handlers[event] = checked_handler(
            cls, name, member, event=event, role="event handler", source="payload", example="str"
        )
    return handlers


def checked_handler(
    cls: type, name: str, method: Any, *, event: str, role: str, source: str, example: str
) -> EventHandler:
    """``cls.name`` as a handler whose parameters are bound from ``source`` (a
    payload, a URL) by pydantic; each parameter must be named and annotated.

    ``role`` and ``example`` word the errors (``"event handler"``, ``"str"``).
    """
    where = f"{cls.__name__}.{name}"
    params = list(inspect.signature(method).parameters.values())[1:]
    for param in params:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise HandlerDefinitionError(
                f"{role} {where} takes *{param.name}; declare each {source} field as a "
                "named, annotated parameter instead"
            )
        if param.annotation is inspect.Parameter.empty:
            raise HandlerDefinitionError(
                f"parameter {param.name!r} of {role} {where} has no annotation; annotate it "
                f"so the {source} can be validated, e.g. `{param.name}: {example}`"
            )
    handler = EventHandler(
        event=event,
        method_name=name,
        owner=cls.__name__,
        params=params,
        function=method,
        localns=dict(vars(cls)),
    )
    # A class defined in a function cannot resolve names later: fail now.
    handler.resolve(local="<locals>" in cls.__qualname__)
    return handler
