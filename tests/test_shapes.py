"""The shapes of a component class's renders (``livecomp.shapes``): a text
change found with two regular-expression matches, no parse.

The property: a shape learned from one render, and any two renders made
from it by putting random text (markup characters, quotes, entities,
carriage returns, NULs, newlines, nothing) where its groups are, give an op
only when ``diff`` gives that very op; and for the changes a template's
output mostly makes (a number or a word in one text node, values elsewhere
that differ from the learned render's) they do give it.
"""

from __future__ import annotations

import random
import re
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from livecomp import Component, loopdiff, on
from livecomp.diff import TREE_CACHE, diff, diff_element
from livecomp.html import outer_html
from livecomp.ops import Op, TextOp
from livecomp.shapes import MAX_SHAPES, MAX_TRIES, Shape, ShapeBook, book_of
from livecomp.testing import LiveTestClient
from livecomp.textdiff import TextMap
from livecomp.treecache import Tree
from tests.test_diff_properties import QUICK, TreeGen

#: What goes into a group: every character that could open or close a tag,
#: a comment or a value, start a character reference, or be rewritten by
#: the parser; and what most renders put there.
NASTY = ["<", ">", '"', "'", "&", "&amp;", "&amp", "&#", "&lt;", "--", "!", "\r", "\x00"]
PLAIN = ["", " ", "\n", "7", "42", "x y", "é", "Row 0042", "a-b", "\xa0", "=", "/"]

#: Renders a generated tree does not make: comments, a value holding ``>``
#: (which a value group must not take), scripts, a first line of a <pre>.
HANDMADE = [
    '<tr live-cid="c6"><td>5</td><td>fir-0005</td><td><button live-click="bump" '
    'live-value-idx="5">+</button></td></tr>',
    '<a title="a>b" href="x" alt="y>z">T</a>',
    '<div class="k"><!-- note "q" --><p id="p1">one</p><script>var a = "x";</script>'
    "<span>two</span></div>",
    '<div><pre>line</pre><textarea name="t">draft</textarea><b>bold</b></div>',
    '<ul><li data-n="1">a</li>\n<li data-n="2">b</li></ul>',
    '<div><svg viewBox="0 0 1 1"><text x="0">svg text</text></svg><i>after</i></div>',
    '<table><tbody><tr><td class="c">1</td><td>2</td></tr></tbody></table>',
    '<select><option value="a">A</option><option value="b" selected="">B</option></select>',
]


def _learned(html: str) -> Shape | None:
    tree = Tree(html)
    texts = TextMap.build(tree, html)
    return None if texts is None else Shape.learn(tree, texts, html)


def _variant(html: str, shape_match: re.Match[str], fill: list[str | None]) -> str:
    """``html`` with group ``i`` replaced by ``fill[i]`` where it is not None."""
    out: list[str] = []
    cursor = 0
    for group, text in enumerate(fill, start=1):
        start, end = shape_match.span(group)
        out.append(html[cursor:start])
        out.append(shape_match.group(group) if text is None else text)
        cursor = end
    out.append(html[cursor:])
    return "".join(out)


def _canonical_renders(seed: int) -> list[str]:
    gen = TreeGen(random.Random(seed).randint)
    renders = []
    for _ in range(4):
        html = gen.tree().outer_html()
        renders.append(outer_html(Tree(html).root))
    return renders


@settings(QUICK, max_examples=300)
@given(seed=st.integers(0, 2**32), steps=st.integers(2, 8))
def test_a_shape_gives_only_the_op_of_a_fresh_diff(seed: int, steps: int) -> None:
    pick = random.Random(seed)
    for learned_from in [*HANDMADE, *_canonical_renders(seed)]:
        shape = _learned(learned_from)
        if shape is None:
            continue
        match = re.fullmatch(shape._pattern, learned_from)
        assert match is not None  # it fits the render it was learned from
        groups = len(match.groups())
        if not groups:
            continue
        texts = sorted(shape._texts)
        # A chain of renders, each changing a group or two of the one before:
        # mostly a text group to plain text, as events do; else any group to
        # anything.
        fill: list[str | None] = [None] * groups
        renders = [learned_from]
        for _ in range(steps):
            for _ in range(1 if pick.random() < 0.8 else 2):
                if texts and pick.random() < 0.6:
                    group, words = pick.choice(texts) - 1, PLAIN
                else:
                    group, words = pick.randrange(groups), pick.choice([NASTY, PLAIN])
                fill[group] = "".join(pick.choice(words) for _ in range(pick.randint(0, 3)))
            renders.append(_variant(learned_from, match, fill))
        for old, new in pairwise(renders):
            op = shape.change(old, new)
            if op is not None:
                assert [op] == diff(old, new, fallback=False, cache=None), (learned_from, old, new)


def test_a_number_changed_in_a_row_with_another_id_takes_the_shape() -> None:
    learned_from = HANDMADE[0]
    shape = _learned(learned_from)
    assert shape is not None
    # Another row of the class: its own id, name and value.
    old = learned_from.replace('"c6"', '"c912"').replace("fir-0005", "oak-0911")
    old = old.replace("<td>5</td>", "<td>911</td>").replace('idx="5"', 'idx="911"')
    new = old.replace("<td>911</td>", "<td>912</td>")
    op = shape.change(old, new)
    assert op == TextOp("text", [0, 0], "#text", "912")
    assert [op] == diff(old, new, fallback=False, cache=None)
    # A changed value is an attribute op: the shape leaves it to the diff.
    assert shape.change(old, old.replace('idx="911"', 'idx="913"')) is None
    # Markup in a cell, an empty cell, text the parser would rewrite: no op.
    assert shape.change(old, old.replace("oak-0911", "<b>oak</b>")) is None
    assert shape.change(old, old.replace("oak-0911", "")) is None
    assert shape.change(old, old.replace("oak-0911", "oak\r0911")) is None
    assert shape.change(old, old.replace("oak-0911", "oak &amp 0911")) is None


def test_most_one_text_changes_of_generated_renders_take_a_shape() -> None:
    taken = tried = 0
    for seed in range(150):
        for learned_from in _canonical_renders(seed):
            shape = _learned(learned_from)
            if shape is None:
                continue
            match = re.fullmatch(shape._pattern, learned_from)
            assert match is not None
            texts = sorted(shape._texts)
            if not texts:
                continue
            fill: list[str | None] = [None] * len(match.groups())
            group = texts[seed % len(texts)]
            fill[group - 1] = f"total {seed}"
            new = _variant(learned_from, match, fill)
            tried += 1
            op = shape.change(learned_from, new)
            if op is not None:
                taken += 1
                assert [op] == diff(learned_from, new, fallback=False, cache=None)
    assert tried > 100 and taken / tried > 0.9, (taken, tried)


def test_no_shape_is_learned_from_a_render_lexbor_writes_otherwise() -> None:
    assert _learned("<p title='single'>x</p>") is None
    assert _learned("<p>a &amp b</p>") is None
    # A container the client owns: a changed value could hand it over.
    assert _learned('<ul live-update="append" id="l"><li>x</li></ul>') is None


def test_a_book_keeps_a_few_shapes_and_stops_learning() -> None:
    book = ShapeBook()
    row = "<tr><td>{}</td>{}</tr>"
    learned = 0
    for n in range(MAX_TRIES + 4):
        # Each render has one more cell: a new shape every time.
        html = row.format(n, "<td>x</td>" * n)
        if book.wants(html):
            tree = Tree(html)
            texts = TextMap.build(tree, html)
            assert texts is not None
            book.learn(tree, texts, html)
            learned += 1
        assert len(book._shapes) <= MAX_SHAPES
    assert learned == MAX_TRIES and not book.wants(row.format(99, ""))
    # What it kept still serves: the last shape learned.
    last = row.format(MAX_TRIES - 1, "<td>x</td>" * (MAX_TRIES - 1))
    assert book.change(last, last.replace(f">{MAX_TRIES - 1}<", ">77<")) is not None
    book.clear()
    assert book.wants(last) and book.change(last, last) is None


class RowState(BaseModel):
    idx: int
    name: str
    value: int


class Row(Component[RowState]):
    template = (
        '<tr id="r{{ state.idx }}"><td>{{ state.idx }}</td><td>{{ state.name }}</td>'
        '<td>{{ state.value }}</td><td><button live-click="bump">+</button></td></tr>'
    )

    @on("bump")
    async def bump(self) -> None:
        self.state.value += 1

    @on("rename")
    async def rename(self) -> None:
        # Jinja writes the apostrophe &#39;, Lexbor writes it bare: no shape
        # may take this change, the diff does.
        self.state.name = "O'Brien & co"


class Table(BaseModel):
    rows: int = 40


class Rows(Component[Table]):
    template = """<table><tbody>
{% for i in range(state.rows) %}{{ live(Row, id=i, idx=i, name="row %d" % i, value=i) }}
{% endfor %}</tbody></table>"""


async def test_each_rows_first_change_takes_its_classs_shape() -> None:
    book_of(Row).clear()
    async with LiveTestClient(Rows) as client:
        page = client.session.page
        assert page is not None
        # The client checks the patched DOM against the server's render after
        # every reply: each op below is right, whichever path made it.
        rows = [cid for cid, m in page._mounted.items() if isinstance(m.component, Row)]
        parsed = 0
        for cid in rows[:30]:
            cached = len(TREE_CACHE)
            reply = await client.send_event("bump", cid=cid)
            value = page.component(cid).state.value
            assert reply.ops == [TextOp("text", [2, 0], "#text", str(value))]
            parsed += len(TREE_CACHE) > cached
        # The first row's change parsed (and taught the shape); the rest did not.
        assert parsed <= 2, parsed
        assert book_of(Row)._shapes
        # A change the shape leaves to the diff still patches right.
        assert (
            book_of(Row).change(
                page._mounted[rows[1]].html, page._mounted[rows[1]].html.replace("row 1", "O&#39;B")
            )
            is None
        )
        reply = await client.send_event("rename", cid=rows[1])
        assert reply.ops == [TextOp("text", [1, 0], "#text", "O'Brien & co")]
        assert "O'Brien & co" in client.text("#r1")


class Line(BaseModel):
    id: int
    name: str
    value: int


class Lines(BaseModel):
    rows: list[Line] = [Line(id=i, name=f"Row {i:04d}", value=i * 7) for i in range(50)]


class Plain(Component[Lines]):
    template = """<table><tbody>
{% for r in state.rows %}  <tr><td>{{ r.id }}</td><td>{{ r.name }}</td><td>{{ r.value }}</td></tr>
{% endfor %}</tbody></table>"""

    @on("bump")
    async def bump(self, idx: int) -> None:
        self.state.rows[idx].value += 1


async def test_a_plain_loops_rows_take_the_shape_of_its_iterations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    book_of(Plain).clear()
    parsed: list[str] = []

    def counted(old: str, new: str, path: list[int]) -> list[Op] | None:
        parsed.append(new)
        return diff_element(old, new, path)

    monkeypatch.setattr(loopdiff, "diff_element", counted)
    async with LiveTestClient(Plain) as client:
        for idx in range(0, 40, 3):
            reply = await client.send_event("bump", {"idx": idx})
            value = client.state.rows[idx].value
            # The row's cell, at its path in the whole table (each row after
            # a whitespace text node): what diff gives.
            path = [0, 2 * idx + 1, 2, 0]
            assert reply.ops == [TextOp("text", path, "#text", str(value))]
    # Only the first changed row was diffed as an element (and taught the shape).
    assert len(parsed) == 1, parsed
    assert book_of(Plain).part(0)._shapes
