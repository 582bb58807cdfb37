"""Form[Model]: serialised forms validated into a model, errors per field."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, field_validator

from livecomp import Form
from livecomp.forms import PayloadError, bind_form


class Signup(BaseModel):
    name: str
    age: int
    tags: list[str] = []
    terms: bool = False

    @field_validator("name")
    @classmethod
    def not_blank(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("Name is required")
        return name


def test_a_valid_form_gives_the_model() -> None:
    form = bind_form(Signup, {"name": "Ada", "age": "36", "tags": ["a", "b"], "terms": "on"})
    assert form.valid and form.value == Signup(name="Ada", age=36, tags=["a", "b"], terms=True)
    assert form.errors == {}


def test_errors_are_keyed_by_field_in_the_validator_s_words() -> None:
    form = bind_form(Signup, {"name": " ", "age": "old"})
    assert not form.valid and form.value is None
    assert form.errors["name"] == "Name is required"
    assert "integer" in form.errors["age"]
    assert form.field("name") == " "


def test_one_checked_box_of_a_list_field_becomes_a_list() -> None:
    form = bind_form(Signup, {"name": "Ada", "age": "1", "tags": "solo"})
    assert form.value is not None and form.value.tags == ["solo"]


def test_an_unchecked_checkbox_is_absent_and_takes_the_default() -> None:
    form = bind_form(Signup, {"name": "Ada", "age": "1"})
    assert form.value is not None and form.value.terms is False


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(PayloadError, match=r"unknown form field\(s\) \['admin'\]"):
        bind_form(Signup, {"name": "Ada", "age": "1", "admin": "yes"})


def test_values_that_no_form_sends_are_refused() -> None:
    with pytest.raises(PayloadError, match="'age' must be a string or a list of strings"):
        bind_form(Signup, {"name": "Ada", "age": 36})


def test_form_is_generic_over_the_model() -> None:
    form: Form[Signup] = bind_form(Signup, {"name": "A", "age": "2"})
    assert form.value is not None and form.value.age == 2
