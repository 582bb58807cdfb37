"""The ops of a render in which only some loop iterations changed.

The key idea: an iteration's HTML is one element with whitespace around it,
and all iterations of a loop are children of one parent. Once per full
render, the first time it is needed, the page's render is parsed with a
probe attribute on each iteration's element (``locate``): that gives the
parent's path and each element's index among the parent's children. An
iteration that changed is then diffed alone, as one element, and its ops
carry its element's path: the ops the diff of the whole render gives, at
the cost of one row. Whatever does not fit (an iteration that is not one
element, or whose whitespace, tag or key changed; a parent inside
foreign content, a ``template`` or a container the client owns) is
answered None, and the page diffs the whole render instead.
"""

from __future__ import annotations

import re
from array import array
from typing import Final

from selectolax.lexbor import LexborNode

from livecomp.diff import diff_element, too_long
from livecomp.html import WHITESPACE, RootError, lexbor_root
from livecomp.loops import Loop, LoopReads
from livecomp.names import KEPT_UPDATES, OPAQUE_ELEMENTS, UPDATE
from livecomp.ops import Op, ReplaceOp
from livecomp.reconcile import check_of
from livecomp.shapes import ShapeBook
from livecomp.treecache import Tree

__all__ = ["locate", "update_loops"]

_PROBE: Final = "livecomp-probe"
_START_TAG: Final = re.compile(r"<[A-Za-z][^\s/>]*")
_FOREIGN: Final = frozenset({"svg", "math"})


def update_loops(
    reads: LoopReads,
    html: str,
    root_tag: str,
    render: list[tuple[Loop, int, str]],
    book: ShapeBook | None = None,
) -> tuple[str, list[Op] | None]:
    """The render after the iterations ``render`` (loop, index, new HTML)
    changed, and its ops: those the diff of the whole render gives, or None
    when only that diff can tell which (the caller runs it). ``book``, the
    component class's shapes, finds an iteration's text change unparsed."""
    changed = []
    for loop, index, new in render:
        offset = loop.offset(index)
        old = html[offset : offset + loop.lengths[index]]
        if old != new:
            changed.append((offset, loop, index, old, new))
    if not changed:
        return html, []
    changed.sort(key=lambda entry: entry[0])
    ops = _ops(reads, html, changed, book)
    pieces: list[str] = []
    at = 0
    grown: dict[int, int] = {}  # loop number: how much longer its HTML got
    for offset, loop, index, old, new in changed:
        pieces.append(html[at:offset])
        pieces.append(new)
        at = offset + len(old)
        number = reads.loops.index(loop)
        grown[number] = grown.get(number, 0) + len(new) - len(old)
        loop.lengths[index] = len(new)
    pieces.append(html[at:])
    new_html = "".join(pieces)
    shift = 0
    for number, loop in enumerate(reads.loops):
        loop.start += shift
        shift += grown.get(number, 0)
    if ops is None:
        for loop in reads.loops:
            loop.parent = None  # the elements may have moved: find them again
    elif too_long(ops, new_html):
        ops = [ReplaceOp("replace", [], check_of(root_tag), new_html.strip(WHITESPACE))]
    return new_html, ops


def _ops(
    reads: LoopReads,
    html: str,
    changed: list[tuple[int, Loop, int, str, str]],
    book: ShapeBook | None,
) -> list[Op] | None:
    """The changed iterations' ops, each diffed alone; None unless that is
    what the whole render's diff gives: one changed element per parent, of
    the same tag and key, the whitespace around it the same. (Two changed
    siblings are one stretch of changed children to that diff, which may
    match them otherwise, by content.)"""
    if any(loop.parent is None for _, loop, _, _, _ in changed) and not locate(reads, html):
        return None
    parents = {tuple(loop.parent or ()) for _, loop, _, _, _ in changed}
    if len(parents) < len(changed):
        return None
    ops: list[Op] = []
    for _, loop, index, old, new in changed:
        part = None if book is None else book.part(reads.loops.index(loop))
        found = _iteration_ops(loop, index, old, new, part)
        if found is None:
            return None
        ops.extend(found)
    return ops


def _iteration_ops(
    loop: Loop, index: int, old: str, new: str, book: ShapeBook | None
) -> list[Op] | None:
    if not loop.places or loop.parent is None:
        return None
    if _around(old) != _around(new):
        return None  # the whitespace around the element changed: other text nodes
    element = [*loop.parent, loop.places[index]]
    old, new = old.strip(WHITESPACE), new.strip(WHITESPACE)
    if book is not None:
        # A text change the shape of the loop's iterations finds: no parse.
        op = book.change(old, new)
        if op is not None:
            return [op._replace(path=[*element, *op.path])]
    ops = diff_element(old, new, element)
    if ops is not None and book is not None:
        book.learn_html(new)
    return ops


def _around(html: str) -> tuple[str, str]:
    """The whitespace before and after an iteration's element."""
    before = html[: len(html) - len(html.lstrip(WHITESPACE))]
    return before, html[len(html.rstrip(WHITESPACE)) :]


def locate(reads: LoopReads, html: str) -> bool:
    """Find each loop's parent and its iterations' elements in ``html``, the
    render as kept; False when some iteration is not one element or a parent
    is somewhere the diff treats whole."""
    for loop in reads.loops:
        # Unless found below, none can be: the next flush does not ask again.
        loop.parent, loop.places = [], array("i")
    pieces: list[str] = []
    at = 0
    sources: list[str] = []
    for loop in reads.loops:
        offset = loop.start
        for length in loop.lengths:
            source = html[offset : offset + length]
            element = source.strip(WHITESPACE)
            start = _START_TAG.match(element)
            if start is None or not element.endswith(">"):
                return False
            cut = offset + source.index("<") + start.end()
            pieces.append(html[at:cut])
            pieces.append(f" {_PROBE}")
            at = cut
            sources.append(element)
            offset += length
    pieces.append(html[at:])
    try:
        root = lexbor_root("".join(pieces))[0]
    except RootError:
        return False
    found = root.css(f"[{_PROBE}]")
    if len(found) != len(sources):
        return False
    probe = f' {_PROBE}=""'
    for node, source in zip(found, sources, strict=True):
        seen = (node.html or "").replace(probe, "", 1)
        if seen != source and not _parses_as(source, seen):
            return False  # the iteration parses otherwise in the page than alone
    first = 0
    for loop in reads.loops:
        count = len(loop.lengths)
        if count == 0:
            continue
        nodes = found[first : first + count]
        first += count
        parent = nodes[0].parent
        if parent is None or any(_id(node.parent) != parent.mem_id for node in nodes):
            return False
        path = _path(parent, root)
        if path is None:
            return False
        places = {}
        child = parent.first_child
        index = 0
        while child is not None:
            places[child.mem_id] = index
            child = child.next
            index += 1
        loop.parent = path
        loop.places = array("i", (places[node.mem_id] for node in nodes))
    return True


def _parses_as(source: str, seen: str) -> bool:
    """Whether ``source`` alone parses to what the page's parse made of it."""
    try:
        return Tree(source).root.html == seen
    except RootError:
        return False


def _path(node: LexborNode, root: LexborNode) -> list[int] | None:
    """``node``'s path from ``root``; None if it or an ancestor is an element
    the diff treats whole or a container the client owns."""
    path: list[int] = []
    at = node
    while at.mem_id != root.mem_id:
        tag = at.tag or ""
        if tag in OPAQUE_ELEMENTS or tag in _FOREIGN or _kept(at):
            return None
        parent = at.parent
        if parent is None:
            return None
        index = 0
        sibling = parent.first_child
        while sibling is not None and sibling.mem_id != at.mem_id:
            sibling = sibling.next
            index += 1
        path.append(index)
        at = parent
    if _kept(root) or (root.tag or "") in _FOREIGN:
        return None
    path.reverse()
    return path


def _id(node: LexborNode | None) -> int:
    return -1 if node is None else node.mem_id


def _kept(node: LexborNode) -> bool:
    return (node.attributes.get(UPDATE) or "") in KEPT_UPDATES
