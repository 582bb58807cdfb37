"""Component: state from the type argument, templates, props, lifecycle."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from livecomp import Component, PageContext, raw

CONTEXT = PageContext(connected=False)


class Name(BaseModel):
    name: str = "World"


def make(cls: type[Component[Name]], **props: str) -> Component[Name]:
    return cls(key="k", cid="c9", context=CONTEXT, props=props)


def test_state_starts_from_the_model_defaults() -> None:
    class Hello(Component[Name]):
        template = "<p>Hello, {{ state.name }}!</p>"

    assert make(Hello).state == Name()


def test_props_initialise_state_fields() -> None:
    class Hello(Component[Name]):
        template = "<p>{{ state.name }}</p>"

    assert make(Hello, name="Ada").state.name == "Ada"


def test_unknown_props_are_refused_with_the_known_fields() -> None:
    class Hello(Component[Name]):
        template = "<p>{{ state.name }}</p>"

    with pytest.raises(TypeError, match=r"unknown props \['nmae'\].*\['name'\]"):
        make(Hello, nmae="Ada")


def test_the_template_escapes_state() -> None:
    class Hello(Component[Name]):
        template = "<p>{{ state.name }}</p>"

    html = make(Hello, name="<script>alert(1)</script>").render()
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_raw_markup_is_opt_in() -> None:
    class Bold(Component[Name]):
        def render(self) -> str:
            return raw(f"<p><b>{self.state.name}</b></p>")

    assert make(Bold, name="x").render() == "<p><b>x</b></p>"


def test_a_template_that_does_not_compile_fails_at_class_creation() -> None:
    with pytest.raises(TypeError, match="template of Broken does not compile"):

        class Broken(Component[Name]):
            template = "<p>{{ state.name </p>"


def test_a_component_without_state_type_says_how_to_declare_it() -> None:
    class Bare(Component):  # type: ignore[type-arg]
        template = "<p></p>"

    with pytest.raises(TypeError, match=r"class Bare\(Component\[MyState\]\)"):
        Bare(key="k", cid="c1", context=CONTEXT, props={})


def test_live_outside_render_is_an_error() -> None:
    class Hello(Component[Name]):
        template = "<p></p>"

    with pytest.raises(RuntimeError, match="outside render"):
        make(Hello).live(Hello, id="x")


def test_connected_params_and_session_come_from_the_page() -> None:
    class Hello(Component[Name]):
        template = "<p></p>"

    context = PageContext(connected=True, params={"q": "1"}, session_id="s")
    hello = Hello(key="k", cid="c1", context=context, props={})
    assert (hello.connected, dict(hello.params), hello.session_id) == (True, {"q": "1"}, "s")
