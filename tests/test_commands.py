"""The JS command builder: what each command writes, and how it reaches an attribute."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel
from selectolax.lexbor import LexborHTMLParser

from livecomp import JS, Component, js
from livecomp.commands import COMMANDS, parse_commands
from livecomp.template import compile_template
from livecomp.testing import LiveTestClient

COMMANDS_TS = Path(__file__).resolve().parents[1] / "livecomp" / "js" / "src" / "commands.ts"


def attribute(html: str, name: str) -> str:
    """The decoded value of attribute ``name`` of the first element of ``html``."""
    node = LexborHTMLParser(html).css_first("body > *")
    assert node is not None
    value = node.attributes[name]
    assert value is not None
    return str(value)


@pytest.mark.parametrize(
    ("chain", "commands"),
    [
        (js.show(), [["show", {}]]),
        (js.show("#x", display="flex"), [["show", {"to": "#x", "display": "flex"}]]),
        (js.hide("#done"), [["hide", {"to": "#done"}]]),
        (js.toggle(), [["toggle", {}]]),
        (js.add_class("a  b"), [["add_class", {"names": "a b"}]]),
        (js.remove_class("a", to="li"), [["remove_class", {"names": "a", "to": "li"}]]),
        (
            js.set_attr("aria-expanded", "true"),
            [["set_attr", {"name": "aria-expanded", "value": "true"}]],
        ),
        (js.remove_attr("disabled", to="#b"), [["remove_attr", {"name": "disabled", "to": "#b"}]]),
        (js.focus("#q"), [["focus", {"to": "#q"}]]),
        (
            js.dispatch("copied", detail={"n": 1}),
            [["dispatch", {"event": "copied", "detail": {"n": 1}}]],
        ),
        (js.dispatch("x", bubbles=False), [["dispatch", {"event": "x", "bubbles": False}]]),
        (js.push("save"), [["push", {"event": "save"}]]),
        (
            js.push("save", value={"id": 3}, to="#row"),
            [["push", {"event": "save", "value": {"id": 3}, "to": "#row"}]],
        ),
    ],
)
def test_each_command_writes_its_name_and_arguments(chain: JS, commands: list[object]) -> None:
    assert chain.commands == commands
    assert json.loads(str(chain)) == commands


def test_chaining_composes_in_order_and_leaves_the_start_alone() -> None:
    chain = js.hide("#done").push("save")
    assert str(chain) == '[["hide",{"to":"#done"}],["push",{"event":"save"}]]'
    assert js.commands == []
    assert chain == js.hide("#done").push("save")


def test_the_html_is_the_json_escaped_for_an_attribute() -> None:
    chain = js.add_class("<b> & 'q'", to='[title="x"]')
    html = chain.__html__()
    assert '"' not in html and "'" not in html and "<" not in html
    for quote in "\"'":
        element = f"<p data-js={quote}{html}{quote}></p>"
        assert json.loads(attribute(element, "data-js")) == chain.commands


def test_a_template_renders_js_escaped_inside_a_double_quoted_attribute() -> None:
    source = """<button live-click="{{ js.hide('#done').push('save', value={'q': 'a"b'}) }}">"""
    html = compile_template(source).render()
    value = json.loads(attribute(html + "</button>", "live-click"))
    assert value == [["hide", {"to": "#done"}], ["push", {"event": "save", "value": {"q": 'a"b'}}]]


class Empty(BaseModel):
    pass


class Panel(Component[Empty]):
    template = (
        '<div><p id="done">done</p>'
        "<button live-click=\"{{ js.hide('#done').push('save') }}\">save</button></div>"
    )


async def test_a_component_template_sees_js_and_the_page_carries_the_commands() -> None:
    async with LiveTestClient(Panel) as client:
        value = client.query("button")[0].attributes["live-click"]
        assert parse_commands(value or "") == [
            ("hide", {"to": "#done"}),
            ("push", {"event": "save"}),
        ]


def test_parse_commands_tells_an_event_name_from_a_command_list() -> None:
    assert parse_commands("save") is None
    assert parse_commands(' [["focus"]]') == [("focus", {})]
    with pytest.raises(ValueError, match="not a JSON list"):
        parse_commands('[["hide", {]')
    with pytest.raises(ValueError, match="not a known command"):
        parse_commands('[["explode", {}]]')


@pytest.mark.parametrize(
    "build",
    [
        lambda: js.add_class("  "),
        lambda: js.set_attr("", "x"),
        lambda: js.push(""),
        lambda: js.dispatch(""),
    ],
)
def test_a_missing_name_is_refused_when_building(build: object) -> None:
    with pytest.raises(ValueError):
        build()  # type: ignore[operator]


def test_the_client_knows_exactly_these_commands() -> None:
    source = COMMANDS_TS.read_text(encoding="utf-8")
    table = source[source.index("const COMMANDS") :]
    table = table[: table.index("\n};")]
    known = set(re.findall(r"^  (\w+): ", table, re.M))
    assert known == COMMANDS
