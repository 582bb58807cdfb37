"""``live-update``: containers whose children the client owns (docs/protocol.md).

The key idea: under ``ignore``, ``append`` and ``prepend`` the server's
render no longer says what a container holds on the client, so no op ever
addresses a node inside one. The diff sends the container's own attributes,
and for ``append``/``prepend`` one ``upsert`` op with the keyed items that
are new or changed; the Python DOM (as the browser) adds or updates them by
key and removes nothing, and a render or a ``replace`` keeps what the client
has. The test client checks what can be checked (the server's items are on
the client, by key, equal) and catches the template mistakes.
"""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from livecomp import Component, on, on_message
from livecomp.diff import diff
from livecomp.dom import Element, Text, parse_root
from livecomp.ops import OpError, ReplaceOp, UpsertOp, op_from_json
from livecomp.patching import PatchMismatch, apply_patches, element_key, morph, update_mode
from livecomp.protocol import Patch, decode_server, encode
from livecomp.testing import LiveTestClient
from livecomp.testing.document import assert_rendered
from tests.wire import wire

# --- the op ----------------------------------------------------------------------


def test_upsert_is_a_wire_op_with_a_mode() -> None:
    raw = ["upsert", [1], "ul", "prepend", '<li id="a">a</li>']
    op = op_from_json(raw)
    assert op == UpsertOp("upsert", [1], "ul", "prepend", '<li id="a">a</li>')
    assert list(op) == raw
    patch = Patch(cid="c0", ops=[op])
    assert decode_server(encode([patch])) == [patch]


@pytest.mark.parametrize(
    "raw",
    [
        ["upsert", [1], "ul", "replace", ""],
        ["upsert", [1], "ul", "ignore", ""],
        ["upsert", [1], "ul", "append"],
        ["upsert", ["1"], "ul", "append", ""],
    ],
)
def test_upsert_refuses_what_is_not_one(raw: list[object]) -> None:
    with pytest.raises(OpError):
        op_from_json(raw)


# --- what a container is ------------------------------------------------------------


def test_a_container_is_owned_with_a_kept_mode_and_a_key() -> None:
    def mode(html: str) -> str | None:
        return update_mode(parse_root(html))

    assert mode('<ul id="m" live-update="append"></ul>') == "append"
    assert mode('<ul live-id="m" live-update="prepend"></ul>') == "prepend"
    assert mode('<div id="m" live-update="ignore"></div>') == "ignore"
    assert mode('<ul id="m" live-update="replace"></ul>') is None
    assert mode('<ul id="m" live-update="Append"></ul>') is None
    assert mode('<ul live-update="append"></ul>') is None  # no key: nothing to find it by
    assert element_key(parse_root('<li live-id="1" id="x"></li>')) == ("live-id", "li", "1")


# --- the diff ----------------------------------------------------------------------


def page(items: str, mode: str = "append", after: str = "<p>after</p>") -> str:
    return f'<div><h1>Chat</h1><ul id="m" live-update="{mode}">{items}</ul>{after}</div>'


def test_append_sends_only_the_new_and_changed_items_and_never_a_removal() -> None:
    old = page('<li id="1">one</li><li id="2">two</li>')
    new = page('<li id="2">TWO</li><li id="3">three</li>')
    assert wire(diff(old, new, fallback=False)) == [
        ["upsert", [1], "ul", "append", '<li id="2">TWO</li><li id="3">three</li>']
    ]


def test_items_the_server_stopped_rendering_stay_on_the_client() -> None:
    old = page('<li id="1">one</li><li id="2">two</li>')
    dom = parse_root(old)
    for n in range(3, 7):  # the server keeps two items, the client all of them
        new = page(f'<li id="{n - 1}">{n - 1}</li><li id="{n}">{n}</li>')
        apply_patches(dom, diff(old, new, fallback=False))
        old = new
    ul = dom.children[1]
    assert isinstance(ul, Element)
    assert [c.attrs["id"] for c in ul.children if isinstance(c, Element)] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
    ]


def test_prepend_puts_new_items_first_in_their_order() -> None:
    old = page('<li id="1">one</li>', "prepend")
    dom = parse_root(old)
    new = page('<li id="3">three</li><li id="2">two</li>', "prepend")
    apply_patches(dom, diff(old, new, fallback=False))
    assert dom.outer_html() == page(
        '<li id="3">three</li><li id="2">two</li><li id="1">one</li>', "prepend"
    )


def test_nodes_after_a_container_are_addressed_as_usual() -> None:
    old = page('<li id="1">one</li>', after="<p>a</p><p>b</p>")
    new = page('<li id="2">two</li>', after="<p>a</p><p>B</p><p>c</p>")
    ops = diff(old, new, fallback=False)
    assert wire(ops) == [
        ["insert", [], "div", 4, "<p>c</p>"],
        ["upsert", [1], "ul", "append", '<li id="2">two</li>'],
        ["text", [3, 0], "#text", "B"],
    ]
    dom = parse_root(old)
    apply_patches(dom, ops)
    assert dom.outer_html() == page(
        '<li id="1">one</li><li id="2">two</li>', after="<p>a</p><p>B</p><p>c</p>"
    )


def test_unchanged_items_and_unkeyed_children_send_nothing() -> None:
    old = page('<li id="1">one</li>\n')
    assert diff(old, page('<li id="1">one</li>\n<li>no key</li>text<!-- c -->')) == []


def test_ignore_sends_the_container_s_attributes_and_nothing_inside() -> None:
    old = page("<li>server</li>", "ignore")
    new = page("<li>other</li><li>more</li>", "ignore").replace('id="m"', 'id="m" class="on"')
    assert wire(diff(old, new, fallback=False)) == [
        ["attrs", [1], "ul", {"class": "on"}, []],
    ]


def test_a_container_that_goes_back_to_replace_is_replaced_whole() -> None:
    old = page('<li id="1">one</li>')
    new = page('<li id="2">two</li>', "replace")
    assert wire(diff(old, new, fallback=False)) == [
        ["replace", [1], "ul", '<ul id="m" live-update="replace"><li id="2">two</li></ul>']
    ]


def test_ignore_then_append_sends_every_item() -> None:
    old = page('<li id="1">one</li>', "ignore")
    new = page('<li id="1">one</li><li id="2">two</li>')
    attrs, op = diff(old, new, fallback=False)
    assert attrs.op == "attrs"
    assert isinstance(op, UpsertOp)
    assert op.html == '<li id="1">one</li><li id="2">two</li>'


def test_a_repeated_key_sends_every_item() -> None:
    old = page('<li live-id="k">1</li><li live-id="k">2</li>')
    new = page('<li live-id="k">1</li><li live-id="k">2</li><li id="x">x</li>')
    (op,) = diff(old, new, fallback=False)
    assert isinstance(op, UpsertOp)
    assert op.html == '<li live-id="k">1</li><li live-id="k">2</li><li id="x">x</li>'


def test_a_container_moved_to_another_parent_makes_the_diff_a_root_replace() -> None:
    old = '<div><section><ul id="m" live-update="append"><li id="1">1</li></ul></section></div>'
    new = '<div><aside><ul id="m" live-update="append"><li id="2">2</li></ul></aside></div>'
    assert diff(old, new, fallback=False) == [ReplaceOp("replace", [], "div", new)]
    dom = parse_root(old)
    apply_patches(dom, diff(old, new, fallback=False))
    assert dom.outer_html() == (
        '<div><aside><ul id="m" live-update="append"><li id="1">1</li><li id="2">2</li></ul>'
        "</aside></div>"
    )


@pytest.mark.parametrize("key", ["m", 'a"b', "a\\b", "x y]", "new\nline", "é"])
def test_a_moved_container_is_found_by_its_key_whatever_it_spells(key: str) -> None:
    value = key.replace("&", "&amp;").replace('"', "&quot;").replace("\n", "&#10;")
    ul = f'<ul id="{value}" live-update="ignore"><li>1</li></ul>'
    old = f"<div><section>{ul}</section><p>x</p></div>"
    new = f"<div><p>x</p><aside>{ul}</aside></div>"
    assert diff(old, new, fallback=False) == [ReplaceOp("replace", [], "div", new)]


def test_a_root_container_whose_key_changes_starts_over() -> None:
    old = '<ul id="a" live-update="append"><li id="1">1</li></ul>'
    new = '<ul id="b" live-update="append"><li id="2">2</li></ul>'
    assert diff(old, new, fallback=False) == [ReplaceOp("replace", [], "ul", new)]


def test_pages_without_live_update_diff_as_before() -> None:
    old = '<div><ul id="m"><li id="1">1</li></ul></div>'
    new = '<div><ul id="m"><li id="2">2</li></ul></div>'
    assert wire(diff(old, new, fallback=False)) == [["replace", [0, 0], "li", '<li id="2">2</li>']]


# --- the DOM ----------------------------------------------------------------------


def test_a_render_keeps_what_a_script_put_in_an_ignore_container() -> None:
    dom = parse_root(page("", "ignore"))
    ul = dom.children[1]
    assert isinstance(ul, Element)
    ul.children.append(Element("canvas", {"data-by": "script"}))
    morph(dom, parse_root(page("<li>server</li>", "ignore", after="<p>new</p>")))
    assert dom.outer_html() == page(
        '<canvas data-by="script"></canvas>', "ignore", after="<p>new</p>"
    )


def test_upsert_mismatches_like_any_op() -> None:
    dom = parse_root(page(""))
    with pytest.raises(PatchMismatch):
        apply_patches(dom, [["upsert", [0], "ul", "append", '<li id="1"></li>']])


# --- the test client --------------------------------------------------------------

KEEP = 2


class Lines(BaseModel):
    lines: list[tuple[int, str]] = []
    next: int = 1
    mode: str = "append"
    title: str = "Log"


class Log(Component[Lines]):
    template = """<main>
  <h1>{{ state.title }}</h1>
  <ol id="log" live-update="{{ state.mode }}">
    {%- for n, text in state.lines %}
    <li id="l{{ n }}">{{ text }}</li>
    {%- endfor %}
  </ol>
  <div id="widget" live-update="ignore"><p>server placeholder</p></div>
  <p class="count">{{ state.next - 1 }}</p>
</main>"""

    @on("add")
    async def add(self, text: str) -> None:
        self.state.lines = [*self.state.lines, (self.state.next, text)][-KEEP:]
        self.state.next += 1

    @on("edit")
    async def edit(self, n: int, text: str) -> None:
        self.state.lines = [(m, text if m == n else t) for m, t in self.state.lines]

    @on("title")
    async def title(self, text: str) -> None:
        self.state.title = text

    @on_message("mode")
    async def set_mode(self, mode: str) -> None:
        self.state.mode = mode


def items(client: LiveTestClient) -> list[str]:
    return [li.text() for li in client.query("#log li")]


async def test_the_client_keeps_every_appended_line_the_server_forgot() -> None:
    async with LiveTestClient(Log) as client:
        for text in ("a", "b", "c", "d"):
            await client.send_event("add", {"text": text})
        assert client.state.lines == [(3, "c"), (4, "d")]
        assert items(client) == ["a", "b", "c", "d"]
        assert client.text(".count") == "4"
        await client.send_event("edit", {"n": 4, "text": "D"})
        assert items(client) == ["a", "b", "c", "D"]
        assert [op.op for op in client.last_ops] == ["upsert"]


async def test_a_resync_render_keeps_the_client_s_children() -> None:
    async with LiveTestClient(Log) as client:
        for text in ("a", "b", "c"):
            await client.send_event("add", {"text": text})
        assert client.dom is not None
        widget = next(e for e in client.dom.iter() if e.attrs.get("id") == "widget")
        widget.children = [Element("svg", {"class": "chart"}), Text("by a script")]
        cid = client.root.cid
        await client.send_raw(json.dumps({"t": "resync", "cid": cid, "reason": "test"}))
        await client.receive()
        assert items(client) == ["a", "b", "c"]
        assert client.query("#widget svg.chart") != []
        await client.send_event("title", {"text": "Journal"})
        assert client.text("h1") == "Journal"
        assert client.query("#widget svg.chart") != []
        assert client.query("#widget p") == []


async def test_switching_the_list_to_replace_shows_the_server_s_lines_only() -> None:
    async with LiveTestClient(Log) as client:
        for text in ("a", "b", "c"):
            await client.send_event("add", {"text": text})
        await client.send_message(client.root.cid, "mode", "replace")
        assert items(client) == ["b", "c"]
        await client.send_message(client.root.cid, "mode", "prepend")
        await client.send_event("add", {"text": "d"})
        assert items(client) == ["d", "b", "c"]


def root_of(html: str) -> Element:
    return parse_root(html)


class _Page:
    """Just what assert_rendered reads of a LivePage."""

    root_cid = "c0"

    def __init__(self, html: str) -> None:
        self.html = html

    def full_html(self, cid: str) -> str:
        return self.html


def check(client_html: str, server_html: str) -> None:
    assert_rendered(parse_root(client_html), _Page(server_html))  # type: ignore[arg-type]


def test_the_check_compares_the_server_s_items_by_key_and_nothing_else_inside() -> None:
    server = page('\n<li id="2">two</li>\n<li id="3">three</li>\n')
    check(page('<li id="1">one</li><li id="2">two</li>x<li id="3">three</li>'), server)
    check(page('<li id="3">three</li><li id="2">two</li>'), server)
    with pytest.raises(AssertionError, match="differs"):
        check(page('<li id="1">one</li><li id="2">two</li>'), server)  # 3 is missing
    with pytest.raises(AssertionError, match="differs"):
        check(page('<li id="2">2</li><li id="3">three</li>'), server)  # 2 differs
    with pytest.raises(AssertionError, match="differs"):
        check(page('<li id="2">two</li><li id="3">three</li>', after="<p>x</p>"), server)


def test_the_check_ignores_an_ignore_container_s_children_but_not_its_attributes() -> None:
    server = page("<li>server</li>", "ignore")
    check(page("<canvas></canvas>", "ignore"), server)
    with pytest.raises(AssertionError, match="differs"):
        check(page("<canvas></canvas>", "ignore").replace("<ul ", '<ul class="x" '), server)


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ('<div><ul live-update="append"></ul></div>', "needs an id"),
        ('<div><ul id="m" live-update="apend"></ul></div>', "none of replace"),
    ],
)
def test_the_check_names_a_container_mistake(html: str, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check(html, html)


class Said(BaseModel):
    text: str = ""
    likes: int = 0


class Message(Component[Said]):
    template = '<li>{{ state.text }} <button live-click="like">{{ state.likes }}</button></li>'

    @on("like")
    async def like(self) -> None:
        self.state.likes += 1


class Feed(BaseModel):
    said: list[tuple[str, str]] = []


class Board(Component[Feed]):
    components = (Message,)
    template = """<section><ul id="feed" live-update="append">
      {%- for key, text in state.said %}{{ live(Message, id=key, text=text) }}{% endfor -%}
    </ul></section>"""

    @on("say")
    async def say(self, text: str) -> None:
        key = f"m{len(self.state.said)}"
        self.state.said = [*self.state.said, (key, text)][-KEEP:]


async def test_child_components_are_items_keyed_by_their_cid() -> None:
    async with LiveTestClient(Board) as client:
        for text in ("a", "b", "c"):
            await client.send_event("say", {"text": text})
        (op,) = client.last_ops
        assert isinstance(op, UpsertOp)
        assert ">c <button" in op.html  # the child's full HTML, not its placeholder
        assert [li.text(deep=True) for li in client.query("#feed li")] == ["a 0", "b 0", "c 0"]
        # The newest child is still mounted, and patched where it is.
        await client.click("#feed li:last-child button")
        assert client.text("#feed li:last-child button") == "1"
