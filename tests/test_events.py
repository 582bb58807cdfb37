"""@on handlers: checked at class creation, payloads bound by pydantic."""

from __future__ import annotations

import types

import pytest
from pydantic import BaseModel, ValidationError

from livecomp import Component, HandlerDefinitionError, on, on_message
from livecomp.component import FRAMEWORK_MEMBERS


class Temp(BaseModel):
    celsius: float = 0.0


class Person(BaseModel):
    name: str
    age: int


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
    class Signup(Component[Temp]):
        @on("save")
        async def save(self, person: Person) -> None: ...

    bound = Signup.handlers["save"].bind({"name": "Ada", "age": "36"})
    assert bound == {"person": Person(name="Ada", age=36)}


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


# --- annotations are resolved without looking at the caller's frame ----------


def test_a_payload_model_of_a_class_in_a_function_must_be_visible_from_its_module() -> None:
    class Local(BaseModel):
        name: str

    # With postponed annotations, "Local" is a string that only the module
    # could resolve: the class says so when it is created, not at the first click.
    with pytest.raises(HandlerDefinitionError, match="Define Local at module level"):

        class Signup(Component[Temp]):
            @on("save")
            async def save(self, person: Local) -> None: ...


class Later(Component[Temp]):
    @on("save")
    async def save(self, item: DefinedLater) -> None: ...


class DefinedLater(BaseModel):
    name: str


def test_a_module_level_annotation_may_name_a_model_defined_after_the_class() -> None:
    assert Later.handlers["save"].bind({"name": "x"}) == {"item": DefinedLater(name="x")}


# --- no browser event can reach a framework member ---------------------------


@pytest.mark.parametrize(
    "member",
    ["mount", "update", "unmount", "render", "send_self", "send_parent", "publish", "live"],
)
def test_on_is_refused_on_a_framework_member(member: str) -> None:
    async def method(self: Component[Temp]) -> None: ...

    tagged = on(member)(method)
    with pytest.raises(HandlerDefinitionError, match=f"{member} is a framework member"):
        types.new_class("Bad", (Component[Temp],), exec_body=lambda ns: ns.update({member: tagged}))


def test_on_mount_is_refused_with_the_fix_in_the_message() -> None:
    with pytest.raises(HandlerDefinitionError, match=r"async def handle_mount\(self"):

        class Sneaky(Component[Temp]):
            @on("mount")
            async def mount(self) -> None: ...


def test_on_message_is_refused_on_a_framework_member() -> None:
    with pytest.raises(HandlerDefinitionError, match="unmount is a framework member"):

        class Sneaky(Component[Temp]):
            @on_message("bye")
            async def unmount(self) -> None: ...


def test_every_public_member_of_component_is_reserved() -> None:
    public = {name for name in dir(Component) if not name.startswith("_")}
    assert public <= FRAMEWORK_MEMBERS
    assert {"state", "key", "cid", "props", "parent_cid"} <= FRAMEWORK_MEMBERS


def test_a_handler_of_its_own_name_is_accepted() -> None:
    class Fine(Component[Temp]):
        @on("mount")
        async def handle_mount(self) -> None: ...

    assert Fine.handlers["mount"].method_name == "handle_mount"
