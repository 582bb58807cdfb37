"""@on handlers: checked at class creation, payloads bound by pydantic."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from livecomp import Component, HandlerDefinitionError, on


class Temp(BaseModel):
    celsius: float = 0.0


def test_duplicate_event_names_fail_at_class_creation() -> None:
    with pytest.raises(HandlerDefinitionError, match="two handlers for event 'up'"):

        class Twice(Component[Temp]):
            @on("up")
            async def up(self) -> None: ...

            @on("up")
            async def up_again(self) -> None: ...


def test_a_sync_handler_fails_with_the_fix_in_the_message() -> None:
    with pytest.raises(HandlerDefinitionError, match="write `async def up"):

        class Sync(Component[Temp]):
            @on("up")  # type: ignore[type-var]
            def up(self) -> None: ...


def test_an_unannotated_parameter_fails_at_class_creation() -> None:
    with pytest.raises(HandlerDefinitionError, match=r"'celsius' .* has no annotation"):

        class Loose(Component[Temp]):
            @on("set")
            async def set(self, celsius) -> None: ...  # type: ignore[no-untyped-def]


def test_var_keyword_parameters_are_refused() -> None:
    with pytest.raises(HandlerDefinitionError, match="takes \\*payload"):

        class Anything(Component[Temp]):
            @on("set")
            async def set(self, **payload: str) -> None: ...


def test_plain_parameters_are_bound_and_coerced_from_strings() -> None:
    class Thermo(Component[Temp]):
        @on("set")
        async def set(self, celsius: float, unit: str = "C") -> None: ...

    bound = Thermo.handlers["set"].bind({"celsius": "21", "ignored": "x"})
    assert bound == {"celsius": 21.0, "unit": "C"}


def test_a_single_model_parameter_receives_the_whole_payload() -> None:
    class Form(BaseModel):
        name: str
        age: int

    class Signup(Component[Temp]):
        @on("save")
        async def save(self, form: Form) -> None: ...

    bound = Signup.handlers["save"].bind({"name": "Ada", "age": "36"})
    assert bound == {"form": Form(name="Ada", age=36)}


def test_an_invalid_payload_raises_a_validation_error_naming_the_field() -> None:
    class Thermo(Component[Temp]):
        @on("set")
        async def set(self, celsius: float) -> None: ...

    with pytest.raises(ValidationError, match="celsius"):
        Thermo.handlers["set"].bind({"celsius": "warm"})


def test_undecorated_methods_are_not_handlers() -> None:
    class Thermo(Component[Temp]):
        async def reset(self) -> None: ...

        @on("up")
        async def up(self) -> None: ...

    assert set(Thermo.handlers) == {"up"}


def test_subclasses_inherit_and_extend_handlers() -> None:
    class Base(Component[Temp]):
        @on("up")
        async def up(self) -> None: ...

    class Child(Base):
        @on("down")
        async def down(self) -> None: ...

    assert set(Child.handlers) == {"up", "down"}
    assert set(Base.handlers) == {"up"}
