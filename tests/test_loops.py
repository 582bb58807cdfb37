# ruff: noqa: E501 (templates are written as one line each, as users write them)
"""Loop iterations that render alone (``livecomp.loops``, ``livecomp.loopdiff``).

The property: whatever changed, the page's render after a flush is the
component's full render, and its ops are those the full render and diff
give. Each case runs a page with the fast path beside a twin page without
it, applies the same changes to both, and compares; the test client also
checks the patched DOM against the server's render after every reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import Environment
from pydantic import BaseModel, Field

from livecomp import Component, on
from livecomp.component import capture_render
from livecomp.loops import LoopReads, strip_markers
from livecomp.loopsyntax import instrument
from livecomp.ops import Op
from livecomp.page import _FULL, LivePage
from livecomp.splice import mark_root
from livecomp.template import LiveEnvironment, instrumented
from livecomp.testing import LiveTestClient


class Note(BaseModel):
    text: str = ""


class Row(BaseModel):
    id: int
    name: str = ""
    value: int = 0
    flag: bool = False
    note: Note | None = None
    tags: list[str] = Field(default_factory=list)


def _rows(count: int = 6) -> list[Row]:
    return [Row(id=i, name=f"row {i}", value=i * 10) for i in range(count)]


class Table(BaseModel):
    title: str = "rows"
    selected: int = -1
    rows: list[Row] = Field(default_factory=_rows)
    mode: str = "plain"


# Each template reads the rows in another way; all are instrumented.
TEMPLATES = {
    "table": """<table><caption>{{ state.title }}</caption>
  <tbody>
{% for r in state.rows %}    <tr><td>{{ r.name }}</td><td>{{ r.value }}</td>{% if r.flag %}<td class="on">!</td>{% endif %}</tr>
{% endfor %}  </tbody>
</table>""",
    "keyed": """<ul>{% for r in state.rows %}<li id="r{{ r.id }}" class="{{ loop.cycle('odd', 'even') }}">{{ loop.index }}. {{ r.name }}{% if r.note %} <b>{{ r.note.text }}</b>{% endif %}</li>{% endfor %}</ul>""",
    "shared": """<div>{% for r in state.rows %}<p class="{{ 'sel' if r.id == state.selected else '' }}">{{ r.name }}={{ r.value }}</p>
{% endfor %}<span>{{ state.rows|length }}</span></div>""",
    "two-loops": """<section><ol>{% for r in state.rows %}<li>{{ r.name }}</li>{% endfor %}</ol>
<ol>{% for r in state.rows %}<li>{{ r.value }}{% if loop.last %} (last){% endif %}</li>{% endfor %}</ol></section>""",
    "spacing": """<div>{% for r in state.rows %}{% if r.flag %}
{% endif %}<i>{{ r.value }}</i>{% endfor %}</div>""",
    "shapes": """<div>{% for r in state.rows %}{% if r.flag %}<b>{{ r.name }}</b>{% else %}<i>{{ r.name }}</i>{% endif %}{% endfor %}</div>""",
}


def _component(source: str) -> type[Component[Table]]:
    class Rows(Component[Table]):
        template = source

        @on("change")
        async def change(self, steps: list[list[Any]]) -> None:
            for step in steps:
                _apply(self.state, step)

    return Rows


def _apply(state: Table, step: list[Any]) -> None:
    """One change of the state, as the hypothesis strategy below makes them."""
    kind, at, value = step
    rows = state.rows
    row = rows[at % len(rows)] if rows else None
    if kind == "value" and row is not None:
        row.value = value
    elif kind == "name" and row is not None:
        row.name = f"<{value}> & {value}"
    elif kind == "marker-like" and row is not None:
        row.name = f"\x02lc{value}["  # text that starts as a loop marker does
    elif kind == "flag" and row is not None:
        row.flag = not row.flag
    elif kind == "note" and row is not None:
        if row.note is None or value % 3 == 0:
            row.note = Note(text=str(value)) if value % 2 else None
        else:
            row.note.text = f"n{value}"
    elif kind == "title":
        state.title = f"t{value}"
    elif kind == "selected":
        state.selected = at % 8
    elif kind == "append":
        rows.append(Row(id=100 + value, name=f"new {value}", value=value))
    elif kind == "alias" and row is not None:
        rows.append(row)  # the same object twice: a change shows in both rows
    elif kind == "pop" and rows:
        rows.pop(at % len(rows))
    elif kind == "swap" and len(rows) > 1:
        i, j = at % len(rows), value % len(rows)
        rows[i], rows[j] = rows[j], rows[i]
    elif kind == "copy" and row is not None:
        # The same content in a new object: identity changed, nothing else.
        rows[at % len(rows)] = row.model_copy()
    elif kind == "new-list":
        state.rows = [r.model_copy() for r in rows]


KINDS = ["value", "value", "value", "name", "marker-like", "flag", "note", "title", "selected"]
STEP = st.tuples(
    st.sampled_from([*KINDS, "append", "alias", "pop", "swap", "copy", "new-list"]),
    st.integers(0, 20),
    st.integers(0, 99),
).map(list)


@asynccontextmanager
async def _pages(source: str) -> AsyncIterator[tuple[LiveTestClient, LiveTestClient]]:
    cls = _component(source)
    async with LiveTestClient(cls) as fast, LiveTestClient(cls) as full:
        page = full.session.page
        assert page is not None
        # The twin renders every component whole.
        page._render_iterations = lambda mounted, reads: _FULL  # type: ignore[method-assign]
        yield fast, full


def _fresh(page: LivePage) -> str:
    """The root's full render now, as the page would keep it."""
    root = page.root
    source = capture_render(root, "0" * 12).source
    return mark_root(strip_markers(source), root.cid)[1]


async def _changes(source: str, steps: list[list[list[Any]]]) -> list[list[Op]]:
    """Apply each batch of steps to both pages; check renders and ops."""
    fast_ops: list[list[Op]] = []
    async with _pages(source) as (fast, full):
        for batch in steps:
            got = await fast.send_event("change", {"steps": batch})
            want = await full.send_event("change", {"steps": batch})
            page = fast.session.page
            assert page is not None
            assert page.full_html(page.root_cid) == _fresh(page)
            assert got.ops == want.ops, batch
            fast_ops.append(got.ops)
    return fast_ops


@pytest.mark.parametrize("name", sorted(TEMPLATES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.lists(STEP, min_size=0, max_size=3), min_size=1, max_size=6))
def test_iterations_alone_give_the_full_paths_render_and_ops(
    name: str, steps: list[list[list[Any]]]
) -> None:
    asyncio.run(_changes(TEMPLATES[name], steps))


# --- the fast path is taken -----------------------------------------------


class Counted:
    """How often a page rendered iterations alone, and fell back."""

    def __init__(self, page: LivePage) -> None:
        self.alone = self.whole = 0
        render = page._render_iterations

        def counted(mounted: Any, reads: LoopReads) -> Any:
            result = render(mounted, reads)
            if result is _FULL:
                self.whole += 1
            else:
                self.alone += 1
            return result

        page._render_iterations = counted  # type: ignore[method-assign]


@asynccontextmanager
async def _counted(source: str) -> AsyncIterator[tuple[LiveTestClient, Counted]]:
    async with LiveTestClient(_component(source)) as client:
        page = client.session.page
        assert page is not None
        yield client, Counted(page)


async def test_one_cell_is_one_text_op_without_the_full_render() -> None:
    async with _counted(TEMPLATES["table"]) as (client, counted):
        reply = await client.send_event("change", {"steps": [["value", 4, 77]]})
        assert [list(op) for op in reply.ops] == [["text", [2, 9, 1, 0], "#text", "77"]]
        assert (counted.alone, counted.whole) == (1, 0)
        # A change the render does not read outside the rows: still alone.
        await client.send_event("change", {"steps": [["note", 1, 3]]})
        assert (counted.alone, counted.whole) == (2, 0)


async def test_nothing_read_changed_sends_nothing() -> None:
    async with _counted(TEMPLATES["table"]) as (client, counted):
        # The table never shows a row's tags, and the row's note is not read.
        reply = await client.send_event("change", {"steps": [["note", 2, 1]]})
        assert reply.ops == []
        assert counted.alone == 1


@pytest.mark.parametrize(
    ("step", "why"),
    [
        (["title", 0, 1], "a field read outside the loop"),
        (["append", 0, 1], "the list changed in place"),
        (["copy", 2, 0], "an item is another object"),
        (["new-list", 0, 0], "the state's list is another list"),
    ],
)
async def test_changes_outside_the_iterations_render_the_whole(step: list[Any], why: str) -> None:
    async with _counted(TEMPLATES["table"]) as (client, counted):
        await client.send_event("change", {"steps": [step]})
        assert counted.whole == 1, why
        # The next change of one row renders it alone again.
        await client.send_event("change", {"steps": [["value", 1, 5]]})
        assert counted.alone == 1


async def test_a_value_every_iteration_reads_renders_the_whole() -> None:
    async with _counted(TEMPLATES["shared"]) as (client, counted):
        await client.send_event("change", {"steps": [["value", 1, 5]]})
        assert (counted.alone, counted.whole) == (1, 0)
        await client.send_event("change", {"steps": [["selected", 3, 0]]})
        assert counted.whole == 1


async def test_a_tag_change_in_an_iteration_is_diffed_in_the_whole_render() -> None:
    async with _counted(TEMPLATES["shapes"]) as (client, counted):
        # Rendered alone, but only the whole render's diff says what replaces what.
        reply = await client.send_event("change", {"steps": [["flag", 2, 0]]})
        assert (counted.alone, counted.whole) == (1, 0)
        assert [list(op)[:3] for op in reply.ops] == [["replace", [2], "i"]]
        reply = await client.send_event("change", {"steps": [["value", 3, 0]]})
        assert reply.ops == []
        reply = await client.send_event("change", {"steps": [["name", 3, 1]]})
        assert [list(op)[:2] for op in reply.ops] == [["text", [3, 0]]]


# --- what is instrumented, what is recorded --------------------------------


def _instrumented(source: str) -> bool:
    return instrument(Environment().parse(source))


def test_a_loop_holding_a_block_still_compiles_and_is_left_alone() -> None:
    source = "<ul>{% for r in rows %}{% block row scoped %}<li>{{ r }}</li>{% endblock %}{% endfor %}</ul>"
    template = LiveEnvironment(autoescape=True).from_string(source)
    assert not instrumented(template)
    assert template.render(rows=[1, 2]) == "<ul><li>1</li><li>2</li></ul>"


@pytest.mark.parametrize(
    "source",
    [
        "<ul>{% for r in state.rows %}<li>{{ r.name }}</li>{% endfor %}</ul>",
        "<ul>{% if state.rows %}{% for r in state.rows %}<li>{{ loop.index }}</li>{% endfor %}{% endif %}</ul>",
    ],
)
def test_plain_top_level_loops_are_instrumented(source: str) -> None:
    assert _instrumented(source)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("<p>{{ state.title }}</p>", "no loop"),
        ("<ul>{% for r in state.rows if r.flag %}<li></li>{% endfor %}</ul>", "a filtered loop"),
        ("<ul>{% for a, b in state.pairs %}<li></li>{% endfor %}</ul>", "a tuple target"),
        ("<ul>{% for r in state.rows %}<li>{{ loop.previtem }}</li>{% endfor %}</ul>", "previtem"),
        ("<ul>{% for r in state.rows %}<li>{{ loop.changed(r) }}</li>{% endfor %}</ul>", "changed"),
        (
            "<ul>{% include 'x.html' %}{% for r in state.rows %}<li></li>{% endfor %}</ul>",
            "include",
        ),
        (
            "<ul>{% macro m() %}{% endmacro %}{% for r in state.rows %}<li></li>{% endfor %}</ul>",
            "macro",
        ),
        (
            "<ul>{% filter upper %}{% for r in state.rows %}<li></li>{% endfor %}{% endfilter %}</ul>",
            "filter block",
        ),
        (
            "<ul>{% set x %}{% for r in state.rows %}<li></li>{% endfor %}{% endset %}{{ x }}</ul>",
            "block set",
        ),
        (
            "<ul data-s='{{ state }}'>{% for r in state.rows %}<li></li>{% endfor %}</ul>",
            "whole state",
        ),
        (
            "<ul>{% for r in state.rows %}<li>{{ component }}</li>{% endfor %}</ul>",
            "whole component",
        ),
    ],
)
def test_other_templates_are_left_alone(source: str, why: str) -> None:
    assert not _instrumented(source), why


def test_an_uninstrumented_template_renders_as_plain_jinja() -> None:
    source = "<ul>{% for r in rows %}<li>{{ r }}</li>{% endfor %}</ul>"
    template = LiveEnvironment(autoescape=True).from_string(source)
    plain = Environment(autoescape=True).from_string(source)
    assert instrumented(template)
    assert template.render(rows=[1, 2]) == plain.render(rows=[1, 2])


class Extra(BaseModel):
    rows: list[Row] = Field(default_factory=_rows)
    counts: dict[str, int] = Field(default_factory=lambda: {"a": 1})

    @property
    def total(self) -> int:
        return sum(r.value for r in self.rows)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (
            "<p>{{ state.total }}{% for r in state.rows %}<i>{{ r.value }}</i>{% endfor %}</p>",
            "property",
        ),
        ("<p>{{ state.counts.a }}{% for r in state.rows %}<i></i>{% endfor %}</p>", "dict"),
        (
            "<p>{% for r in state.rows %}<i>{{ r.tags|join(',') }}</i>{% endfor %}</p>",
            "list in a row",
        ),
        ("<p>{% for r in state.rows %}<i>{{ r|string }}</i>{% endfor %}</p>", "model to a filter"),
        ("<p>{% for r in state.rows %}<i>{{ r.model_dump() }}</i>{% endfor %}</p>", "method"),
        ("<p>{{ component._capture }}{% for r in state.rows %}<i></i>{% endfor %}</p>", "private"),
        (
            "<p>{{ (state.rows|first).name }}{% for r in state.rows %}<i></i>{% endfor %}</p>",
            "first",
        ),
    ],
)
def test_what_the_recording_cannot_see_through_renders_whole(source: str, why: str) -> None:
    class Unseen(Component[Extra]):
        template = source

    async def run() -> None:
        async with LiveTestClient(Unseen) as client:
            page = client.session.page
            assert page is not None
            assert page._mounted[page.root_cid].loops is None, why

    asyncio.run(run())
