"""A text change found from the shape of a component class's renders: no parse.

The key idea: the renders of one component class mostly differ only in
their texts and their attribute values (a table row: its cells, its id).
One render's parse (its ``TextMap``) gives a ``Shape``: that render as a
regular expression, its markup literal but for two kinds of group, each
double-quoted value (any text without ``"``, ``<`` or ``>``) and each text
node of the map (any text, not empty, without ``<``). A render that matches
has the elements, attributes and text nodes of the one learned from: the
characters it changed cannot open or close a tag, a comment or a quoted
value, so the parser goes through the same states at every literal
character. When a component's old and new renders both match and only one
text group differs, that text node is the whole change: one ``text`` op at
the path the map gave, the op ``diff`` would give. A row's first change
then costs two matches of its few hundred characters instead of making a
Lexbor document, parsing and freeing it (about 40 µs of the 85 µs event).

A shape is only learned from a render that reads exactly as Lexbor writes
it back (every value double-quoted, no quote inside one, text escaped as
the parser reads it); ``="`` then opens a value wherever it is found in the
markup (in a script or a comment, the group is text the tag structure does
not depend on). Renders holding ``live-update`` are left to the full diff:
a changed value could hand a container to the client.

Each component class has a ``ShapeBook``: a few shapes, learned from the
parses its full diffs make anyway, up to a bounded number of tries, so a
class whose renders never fit costs at most a few learnings. The book has
a part for each of the class's template loops, whose iterations
``livecomp.loopdiff`` diffs one element at a time: a changed row of a
plain ``{% for %}`` is found the same way.
"""

from __future__ import annotations

import re
from typing import Final
from weakref import WeakKeyDictionary

from livecomp.html import RootError, outer_html
from livecomp.names import UPDATE
from livecomp.ops import TextOp
from livecomp.textdiff import TextMap, read_text
from livecomp.treecache import Tree

__all__ = ["Shape", "ShapeBook", "book_of"]

#: A double-quoted attribute value in markup Lexbor wrote (``="`` opens one).
_VALUE: Final = re.compile(r'="([^"<>]*)"')
#: What a value group takes; a text group takes any non-empty text without ``<``.
_VALUE_GROUP: Final = '="([^"<>]*)"'
_TEXT_GROUP: Final = "([^<]+)"
#: Shapes one class keeps (the most recently learned), and learnings it tries.
MAX_SHAPES: Final = 4
MAX_TRIES: Final = 16
#: Longer renders are not learned (as for a component's own ``TextMap``).
MAX_CHARS: Final = 8192


class Shape:
    """One render's markup as a regular expression (see the module)."""

    __slots__ = ("_first_lines", "_paths", "_pattern", "_texts")

    def __init__(
        self,
        pattern: re.Pattern[str],
        texts: dict[int, int],
        paths: list[tuple[int, ...]],
        first_lines: frozenset[int],
    ) -> None:
        self._pattern = pattern
        # Group number -> text node (map entry); the other groups are values.
        self._texts = texts
        self._paths = paths
        # Map entries that are the first child of a <pre>, <textarea>, <listing>.
        self._first_lines = first_lines

    @classmethod
    def learn(cls, tree: Tree, texts: TextMap, html: str) -> Shape | None:
        """The shape of ``html`` (parsed as ``tree``, mapped as ``texts``);
        None when it does not read as Lexbor writes it, or holds ``live-update``."""
        if UPDATE in html or outer_html(tree.root) != html:
            return None
        parts: list[str] = []
        groups: dict[int, int] = {}
        count = 0
        cursor = 0
        for entry, (start, end) in enumerate(zip(texts.starts, texts.ends, strict=True)):
            count = _markup(html[cursor:start], parts, count)
            parts.append(_TEXT_GROUP)
            count += 1
            groups[count] = entry
            cursor = end
        count = _markup(html[cursor:], parts, count)
        return cls(re.compile("".join(parts)), groups, list(texts.paths), texts.first_lines)

    def fits(self, html: str) -> bool:
        """Whether ``html`` matches the shape."""
        return self._pattern.fullmatch(html) is not None

    def change(self, old: str, new: str) -> TextOp | None:
        """The one ``text`` op from ``old`` to ``new`` (two renders of one
        component); None unless both match and they differ in one text node."""
        before = self._pattern.fullmatch(old)
        if before is None:
            return None
        after = self._pattern.fullmatch(new)
        if after is None:
            return None
        olds, news = before.groups(), after.groups()
        changed = [i for i, (a, b) in enumerate(zip(olds, news, strict=True)) if a != b]
        if len(changed) != 1:
            return None  # none (an equal render), or more than one
        entry = self._texts.get(changed[0] + 1)
        if entry is None:
            return None  # an attribute value, or text in a script or a comment
        if "\x00" in old or "\x00" in new:
            return None  # the parser drops it: a text node could go
        if self._first_lines and any(
            (olds[group - 1].startswith("\n") or news[group - 1].startswith("\n"))
            for group, entry_at in self._texts.items()
            if entry_at in self._first_lines
        ):
            return None  # the parser drops a first newline there
        text = read_text(news[changed[0]])
        if text is None or read_text(olds[changed[0]]) is None:
            # The parser could read the two the same (a carriage return is a
            # newline to it), or not as ``unescape`` does.
            return None
        return TextOp("text", list(self._paths[entry]), "#text", text)


def _markup(markup: str, parts: list[str], count: int) -> int:
    """Add ``markup`` to the pattern ``parts``, each quoted value a group;
    return the number of groups so far."""
    last = 0
    for value in _VALUE.finditer(markup):
        parts.append(re.escape(markup[last : value.start()]))
        parts.append(_VALUE_GROUP)
        count += 1
        last = value.end()
    parts.append(re.escape(markup[last:]))
    return count


class ShapeBook:
    """The shapes of one component class's renders (see the module)."""

    __slots__ = ("_parts", "_shapes", "_tries")

    def __init__(self) -> None:
        self._shapes: list[Shape] = []
        self._tries = 0
        # The books of parts of the class's renders: its loops' iterations.
        self._parts: list[ShapeBook] = []

    def part(self, number: int) -> ShapeBook:
        """The book of the iterations of the class's loop ``number`` (in
        render order), which ``livecomp.loopdiff`` diffs one by one."""
        while len(self._parts) <= number:
            self._parts.append(ShapeBook())
        return self._parts[number]

    def wants(self, html: str) -> bool:
        """Whether to learn the shape of ``html``: tries are left, it is
        short enough, and it fits none of the shapes kept."""
        return (
            self._tries < MAX_TRIES
            and len(html) <= MAX_CHARS
            and not any(shape.fits(html) for shape in self._shapes)
        )

    def change(self, old: str, new: str) -> TextOp | None:
        """The text op of the first shape both renders fit (see ``Shape.change``)."""
        for shape in self._shapes:
            op = shape.change(old, new)
            if op is not None:
                return op
        return None

    def learn_html(self, html: str) -> None:
        """Learn the shape of ``html`` if it ``wants`` to, parsing it."""
        if not self.wants(html):
            return
        try:
            tree = Tree(html)
        except RootError:
            return
        texts = TextMap.build(tree, html)
        if texts is not None:
            self.learn(tree, texts, html)

    def learn(self, tree: Tree, texts: TextMap, html: str) -> None:
        """Learn the shape of ``html`` (parsed and mapped), while tries last."""
        if self._tries >= MAX_TRIES or len(html) > MAX_CHARS:
            return
        self._tries += 1
        shape = Shape.learn(tree, texts, html)
        if shape is not None:
            self._shapes.insert(0, shape)
            del self._shapes[MAX_SHAPES:]

    def clear(self) -> None:
        """Forget every shape and try afresh (the class's template changed)."""
        self._shapes.clear()
        self._tries = 0
        self._parts.clear()


_BOOKS: WeakKeyDictionary[type, ShapeBook] = WeakKeyDictionary()


def book_of(component_class: type) -> ShapeBook:
    """The ``ShapeBook`` of a component class."""
    book = _BOOKS.get(component_class)
    if book is None:
        book = _BOOKS[component_class] = ShapeBook()
    return book
