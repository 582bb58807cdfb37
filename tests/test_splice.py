"""The steps of a render, each alone: capture, mark, place children, expand."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from livecomp import Component
from livecomp.component import PageContext, capture_render
from livecomp.ops import InsertOp, Op, RemoveOp, ReplaceOp, TextOp
from livecomp.splice import expand, expand_ops, mark_root, marker, place_children, placeholder

NONCE = "0123456789ab"


class Empty(BaseModel):
    pass


class Leaf(Component[Empty]):
    template = "<li>leaf</li>"


class Tree(Component[Empty]):
    template = "<ul>{{ live(Leaf, id='a') }}{{ live(Leaf, id='b', ) }}</ul>"


def test_capture_render_records_the_children_in_order_and_leaves_markers() -> None:
    tree = Tree(key="root", cid="c0", context=PageContext(connected=False), props={})
    rendered = capture_render(tree, NONCE)
    assert rendered.source == f"<ul>{marker(NONCE, 0)}{marker(NONCE, 1)}</ul>"
    assert [(spec.component, spec.key) for spec in rendered.children] == [
        (Leaf, "a"),
        (Leaf, "b"),
    ]


def test_live_outside_render_is_an_error_that_says_where_to_call_it() -> None:
    tree = Tree(key="root", cid="c0", context=PageContext(connected=False), props={})
    with pytest.raises(RuntimeError, match="outside render"):
        tree.live(Leaf, id="x")


def test_mark_root_puts_the_cid_on_the_root_and_drops_surrounding_whitespace() -> None:
    assert mark_root('\n  <Section class="x">a</Section>\n', "c4") == (
        "section",
        '<Section live-cid="c4" class="x">a</Section>',
    )


def test_mark_root_refuses_a_render_that_does_not_start_with_an_element() -> None:
    with pytest.raises(ValueError, match="starts with 'text"):
        mark_root("text <p>x</p>", "c0")


def test_a_void_child_has_no_end_tag_in_its_placeholder() -> None:
    assert placeholder("input", "c2") == '<input live-cid="c2">'
    assert placeholder("tr", "c3") == '<tr live-cid="c3"></tr>'


def test_markers_with_another_nonce_are_text_and_stay() -> None:
    forged = marker("ffffffffffff", 0)
    html = f"<div>{forged}{marker(NONCE, 0)}</div>"
    assert place_children(html, NONCE, [("p", "c1")]) == f'<div>{forged}<p live-cid="c1"></p></div>'


def test_expand_swaps_only_the_children_it_knows() -> None:
    html = '<div><p live-cid="c1"></p><p live-cid="c9"></p></div>'
    full = {"c1": '<p live-cid="c1">one</p>'}
    assert expand(html, full.get) == '<div><p live-cid="c1">one</p><p live-cid="c9"></p></div>'


def test_expand_ops_rewrites_the_html_of_inserts_and_replaces_only() -> None:
    child = '<p live-cid="c1"></p>'
    ops: list[Op] = [
        InsertOp("insert", [], "div", 0, child),
        ReplaceOp("replace", [1], "p", child),
        TextOp("text", [2, 0], "#text", child),
        RemoveOp("remove", [3], "p"),
    ]
    expanded = expand_ops(ops, {"c1": '<p live-cid="c1">one</p>'}.get)
    assert expanded == [
        InsertOp("insert", [], "div", 0, '<p live-cid="c1">one</p>'),
        ReplaceOp("replace", [1], "p", '<p live-cid="c1">one</p>'),
        ops[2],
        ops[3],
    ]
