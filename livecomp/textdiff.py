"""The diff of a render whose only change is inside one text node.

The key idea: most events change a number or a word. When the old and the
new render differ in one stretch holding no markup, the old render's parse
(kept by ``livecomp.treecache``) tells where it lies: a descent through the
children's HTML lengths, as Lexbor writes them, finds the one text node that
holds the stretch. Its new text is
the whole diff: one ``text`` op, the op ``diff`` would give. (Each tag on
the way down, and each sibling before it, is checked to read in the render
exactly as Lexbor writes it back, or the offsets could not be trusted.) The kept tree
is then edited in place (that text node replaced) and becomes the new
render's parse, so no parse happens at all.

Anything else returns None and the full diff runs: a stretch touching a
tag, an entity that does not read back the same, text that becomes empty
(the node would go), text in a table's own children (which the parser
keeps for whitespace only),
text in a raw-text element, in a child component's placeholder or in a
container the client owns, a ``<pre>``'s first line, a carriage return or a
NUL (which the parser rewrites).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from html import unescape
from typing import Final

from selectolax.lexbor import LexborNode

from livecomp.html import escape_text
from livecomp.names import (
    CID,
    KEPT_UPDATES,
    NEWLINE_EATERS,
    OPAQUE_ELEMENTS,
    RAW_TEXT_ELEMENTS,
    UPDATE,
    VOID_ELEMENTS,
)
from livecomp.ops import TextOp
from livecomp.reconcile import TEXT
from livecomp.treecache import Tree

__all__ = ["TextMap", "parsed_text_change", "read_text", "text_change"]

# Characters whose presence in the changed stretch means markup, an entity
# to decode, or text the parser rewrites.
_UNSAFE: Final = frozenset("<>&\r\x00")
# Bigger renders take the full diff (or loop iterations alone: livecomp.loops);
# finding the changed stretch is a binary search by slices, O(n log n).
_MAX_LENGTH: Final = 1 << 16
# Where the parser keeps whitespace text only (and moves any other out).
_WHITESPACE_ONLY: Final = frozenset({"table", "tbody", "thead", "tfoot", "tr", "colgroup"})


def read_text(html: str) -> str | None:
    """The text a parser reads from ``html`` in a text node, when that is
    exactly what it would write back as ``html`` (so two such HTMLs that
    differ are two texts that differ); None when it is not, or empty (the
    node would go). A carriage return reads as a newline, so it never is."""
    text = unescape(html)
    if not text or "\r" in html or escape_text(text) != html:
        return None
    return text


def _located(
    tree: Tree, old: str, new: str, *, in_new: bool
) -> tuple[tuple[int, int, int], tuple[LexborNode, list[LexborNode], list[int], list[int]]] | None:
    """Where ``old`` and ``new`` differ (``_changed``), and the text node of
    ``tree`` (the parse of ``new`` when ``in_new``, else of ``old``) that holds
    that stretch (``_text_node``); None when either is not found."""
    stretch = _changed(old, new)
    if stretch is None:
        return None
    start, old_end, new_end = stretch
    found = (
        _text_node(tree, new, start, new_end) if in_new else _text_node(tree, old, start, old_end)
    )
    return None if found is None else (stretch, found)


def text_change(tree: Tree, old: str, new: str) -> TextOp | None:
    """The one ``text`` op that turns ``old`` (parsed as ``tree``) into
    ``new``, with ``tree`` edited into the parse of ``new``; None (and
    ``tree`` untouched) when the change is not inside one text node."""
    located = _located(tree, old, new, in_new=False)
    if located is None:
        return None
    (start, old_end, new_end), (node, parents, path, starts) = located
    at = starts[-1]
    text_html = node.html or ""
    changed = text_html[: start - at] + new[start:new_end] + text_html[old_end - at :]
    text = read_text(changed)
    if text is None:
        return None  # the node would go, or the parser would not read it back
    parent = (parents[-1].tag or "").lower()
    if parent in _WHITESPACE_ONLY:
        return None  # other text is moved out of a table by the parser
    if parent in NEWLINE_EATERS and path[-1] == 0 and text.startswith("\n"):
        return None
    tree.replace_text(parents, path, starts, (at, len(text_html)), changed, text)
    return TextOp("text", path, "#text", text)


def parsed_text_change(tree: Tree, old: str, new: str) -> TextOp | None:
    """``text_change`` when only ``new``'s parse (``tree``) is at hand: the
    text node is found in it, and it is not edited."""
    located = _located(tree, old, new, in_new=True)
    if located is None:
        return None
    (start, old_end, new_end), (node, parents, path, _) = located
    text_html = node.html or ""
    if len(text_html) - (new_end - start) + (old_end - start) <= 0:
        return None  # the text was empty before: the node is new
    parent = (parents[-1].tag or "").lower()
    if parent in _WHITESPACE_ONLY:
        return None  # other text is moved out of a table by the parser
    return TextOp("text", path, "#text", node.text_content or "")


def _changed(old: str, new: str) -> tuple[int, int, int] | None:
    """Where ``old`` and ``new`` differ: the start, and the end in each;
    None unless they differ in one stretch without markup."""
    if len(old) > _MAX_LENGTH or len(new) > _MAX_LENGTH or old == new:
        return None
    start = _common_prefix(old, new)
    end = _common_suffix(old, new, start)
    old_end, new_end = len(old) - end, len(new) - end
    if not _UNSAFE.isdisjoint(old[start:old_end]) or not _UNSAFE.isdisjoint(new[start:new_end]):
        return None
    return start, old_end, new_end


def _text_node(
    tree: Tree, old: str, start: int, end: int
) -> tuple[LexborNode, list[LexborNode], list[int], list[int]] | None:
    """The text node whose HTML holds ``old[start:end]``, its ancestors
    (root first), its path, and where the HTML of each node on the path
    starts in ``old``. Offsets are Lexbor's serialisation's: each start tag
    on the way, each sibling before the path and the text node itself must
    read in ``old`` exactly as Lexbor writes them, so they are checked."""
    node = tree.root
    html = tree.root_html()
    at = 0
    owned = UPDATE in old
    parents: list[LexborNode] = []
    path: list[int] = []
    starts: list[int] = []
    while node.tag != TEXT:
        inside = _inside(tree, node, html, old, at, owned=owned, root=not parents)
        if inside is None:
            return None
        children, htmls, cursor = inside
        chosen = -1
        for index, child in enumerate(htmls):
            if cursor <= start and end <= cursor + len(child):
                chosen = index
                break
            if not old.startswith(child, cursor):
                return None
            cursor += len(child)
        if chosen < 0:
            return None  # the stretch is in a tag, or spans siblings
        parents.append(node)
        path.append(chosen)
        starts.append(cursor)
        node, at, html = children[chosen], cursor, htmls[chosen]
    if not old.startswith(html, at):
        return None
    return node, parents, path, starts


def _inside(
    tree: Tree, node: LexborNode, node_html: str, html: str, at: int, *, owned: bool, root: bool
) -> tuple[list[LexborNode], list[str], int] | None:
    """The children of the element ``node`` (written ``node_html`` by Lexbor,
    found at ``at`` in ``html``), their HTML, and where the first starts in
    ``html``; None when the text inside it is none of a text op's business
    (raw text, a template, a comment, a container the client owns when
    ``owned``, a child component's placeholder below the ``root``) or its
    start tag does not read in ``html`` as Lexbor writes it."""
    tag = (node.tag or "").lower()
    if tag.startswith("-") or tag in RAW_TEXT_ELEMENTS or tag in OPAQUE_ELEMENTS:
        return None
    if owned and (node.attributes.get(UPDATE) or "") in KEPT_UPDATES:
        return None  # the client owns what is inside: no op may go there
    if not root and CID in node.attributes:
        return None  # a child component's placeholder: its own diff's
    children = tree.children(node)
    htmls = tree.child_html(node, children)
    closing = 0 if tag in VOID_ELEMENTS else len(tag) + 3
    start_tag = node_html[: len(node_html) - sum(map(len, htmls)) - closing]
    if not html.startswith(start_tag, at):
        return None
    return children, htmls, at + len(start_tag)


def _common_prefix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, prefix: int) -> int:
    """The longest common suffix not overlapping the first ``prefix`` characters."""
    low, high = 0, min(len(a), len(b)) - prefix
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low


class TextMap:
    """Where the text nodes of one render lie in it, so that a later change
    inside one of them needs no parse at all (``change``).

    Built once from the render's parse (``build``): the text nodes holding
    more than whitespace, found the way ``_text_node`` finds one (every
    start tag and every earlier sibling reading exactly as Lexbor writes
    it), outside raw-text elements, child placeholders, containers the
    client owns and a table's own children. ``change`` keeps it true for the
    new render, shifting the offsets after the changed node.
    """

    __slots__ = ("ends", "first_lines", "paths", "starts")

    def __init__(self) -> None:
        self.starts = array("i")
        self.ends = array("i")
        self.paths: list[tuple[int, ...]] = []
        # Entries that are the first child of a <pre>, <textarea> or <listing>.
        self.first_lines: frozenset[int] = frozenset()

    @classmethod
    def build(cls, tree: Tree, html: str) -> TextMap | None:
        """The map of ``html`` from its parse; None when it has no entry."""
        found = cls()
        first_lines: set[int] = set()
        owned = UPDATE in html
        root = tree.root
        # (node, its HTML, where it starts in html, its path)
        stack: list[tuple[LexborNode, str, int, tuple[int, ...]]] = [
            (root, tree.root_html(), 0, ())
        ]
        while stack:
            node, node_html, at, path = stack.pop()
            inside = _inside(tree, node, node_html, html, at, owned=owned, root=not path)
            if inside is None:
                continue
            children, htmls, cursor = inside
            tag = (node.tag or "").lower()
            for index, (child, child_html) in enumerate(zip(children, htmls, strict=True)):
                if not html.startswith(child_html, cursor):
                    break  # the offsets after it cannot be trusted
                if child.tag == TEXT:
                    text = child.text_content or ""
                    if text.strip() and tag not in _WHITESPACE_ONLY:
                        if tag in NEWLINE_EATERS and index == 0:
                            first_lines.add(len(found.paths))
                        found.starts.append(cursor)
                        found.ends.append(cursor + len(child_html))
                        found.paths.append((*path, index))
                else:
                    stack.append((child, child_html, cursor, (*path, index)))
                cursor += len(child_html)
        if not found.paths:
            return None
        # The stack visits subtrees out of document order: sort by offset.
        order = sorted(range(len(found.paths)), key=found.starts.__getitem__)
        sorted_map = cls()
        sorted_map.starts = array("i", (found.starts[i] for i in order))
        sorted_map.ends = array("i", (found.ends[i] for i in order))
        sorted_map.paths = [found.paths[i] for i in order]
        sorted_map.first_lines = frozenset(order.index(i) for i in first_lines)
        return sorted_map

    def change(self, old: str, new: str) -> TextOp | None:
        """The one ``text`` op from ``old`` (the render this maps) to ``new``,
        and the map made ``new``'s; None (the map untouched) if there is none."""
        stretch = _changed(old, new)
        if stretch is None:
            return None
        start, old_end, new_end = stretch
        entry = bisect_right(self.starts, start) - 1
        if entry < 0 or old_end > self.ends[entry]:
            return None
        at = self.starts[entry]
        text_html = old[at : self.ends[entry]]
        changed = text_html[: start - at] + new[start:new_end] + text_html[old_end - at :]
        text = read_text(changed)
        if text is None:
            return None
        if entry in self.first_lines and text.startswith("\n"):
            return None
        grown = new_end - old_end
        if grown:
            self.ends[entry] += grown
            for later in range(entry + 1, len(self.starts)):
                self.starts[later] += grown
                self.ends[later] += grown
        return TextOp("text", list(self.paths[entry]), "#text", text)
