"""Forms: a submitted form validated into a pydantic model, errors per field.

A handler parameter annotated ``Form[MyModel]`` receives the serialised form
(``live-change`` on every input, ``live-submit`` on submit) whether or not it
validates: ``form.value`` is the model when it does, and ``form.errors`` maps
each invalid field to a message the template can show next to it. Fields the
model does not declare are refused before the handler runs: a browser only
sends the fields the form has.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)

_SEQUENCES = (list, set, frozenset, tuple)


class PayloadError(ValueError):
    """An event payload that cannot be bound to its handler."""


@dataclass
class Form(Generic[ModelT]):
    """A submitted form and the outcome of validating it into ``ModelT``.

    Example:
        ```python
        @on("validate")
        async def validate(self, form: Form[NewClock]) -> None:
            self.state.zone = form.data.get("zone", "")
            self.state.error = form.errors.get("zone", "")
        ```
    """

    data: dict[str, str | list[str]]
    value: ModelT | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """True when every field validated."""
        return self.value is not None

    def field(self, name: str) -> str:
        """The raw submitted value of ``name`` as one string ('' if absent)."""
        value = self.data.get(name, "")
        return value[0] if isinstance(value, list) and value else str(value or "")


def form_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a ``Form[Model]`` annotation, or None for anything else."""
    if typing.get_origin(annotation) is Form:
        (model,) = typing.get_args(annotation)
        if isinstance(model, type) and issubclass(model, BaseModel):
            return model
    return None


def bind_form(model: type[ModelT], payload: Mapping[str, Any]) -> Form[ModelT]:
    """Validate ``payload`` (a serialised form) into ``Form[model]``.

    Raises PayloadError for fields the model does not declare, or values that
    are not strings or lists of strings, as no browser form sends those.
    """
    unknown = sorted(set(payload) - set(model.model_fields))
    if unknown:
        raise PayloadError(
            f"unknown form field(s) {unknown}; the form model {model.__name__} "
            f"declares {sorted(model.model_fields)}"
        )
    data: dict[str, str | list[str]] = {}
    for name, value in payload.items():
        if isinstance(value, str):
            data[name] = value
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            data[name] = list(value)
        else:
            raise PayloadError(f"form field {name!r} must be a string or a list of strings")
    try:
        value = model.model_validate(_shape(model, data))
    except ValidationError as exc:
        return Form(data=data, errors=field_errors(exc))
    return Form(data=data, value=value)


def field_errors(exc: ValidationError) -> dict[str, str]:
    """The first error message of each invalid field, keyed by field name."""
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        context = error.get("ctx") or {}
        # A ValueError raised by a validator: show its own words, unprefixed.
        message = str(context["error"]) if "error" in context else error["msg"]
        errors.setdefault(name, message)
    return errors


def _shape(model: type[BaseModel], data: dict[str, str | list[str]]) -> dict[str, Any]:
    # One checked checkbox arrives as a string; a list field still wants a list.
    shaped: dict[str, Any] = dict(data)
    for name, info in model.model_fields.items():
        value = shaped.get(name)
        if isinstance(value, str) and typing.get_origin(info.annotation) in _SEQUENCES:
            shaped[name] = [value]
    return shaped
