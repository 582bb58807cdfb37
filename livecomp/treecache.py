"""The parse cache of the diff: each render is parsed once.

The key idea: ``diff(old, new)`` keeps the parse of ``new`` in a small cache
bounded by memory (``TREE_CACHE``), so the next diff, whose ``old`` it is,
finds it there instead of parsing it again. A ``Tree`` also keeps the child
lists and child HTML the diff reads, so a list is read from Lexbor once for
two diffs. Cached trees are only read, so the ops are the same with or
without the cache.

Example:
    >>> cache = TreeCache(limit=1_000_000)
    >>> cache.put("<p>a</p>", Tree("<p>a</p>"))
    >>> "<p>a</p>" in cache, cache.size
    (True, 102560)
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Final

from selectolax.lexbor import LexborNode

from livecomp.html import lexbor_root

__all__ = ["TREE_CACHE", "Tree", "TreeCache"]

# The memory a parsed render holds, estimated from its HTML: Lexbor takes
# about 100 KiB for any document plus 17 bytes per character of HTML, and the
# child lists and their HTML that the diff keeps with a tree add about 3.
_TREE_BYTES: Final = 100 * 1024
_BYTES_PER_CHAR: Final = 20


class Tree:
    """One parsed render: its root, and the child lists and child HTML the
    diffs read, by node, so that each is read from Lexbor once."""

    __slots__ = ("_html", "_lists", "_root_html", "root")

    def __init__(self, html: str) -> None:
        self.root: LexborNode = lexbor_root(html)[0]
        self._lists: dict[int, list[LexborNode]] = {}
        self._html: dict[int, list[str]] = {}
        self._root_html: str | None = None

    def root_html(self) -> str:
        """The root's HTML as Lexbor writes it (read once, then kept true)."""
        if self._root_html is None:
            self._root_html = self.root.html or ""
        return self._root_html

    def replace_text(
        self,
        parents: list[LexborNode],
        path: list[int],
        starts: list[int],
        old: tuple[int, int],
        html: str,
        text: str,
    ) -> None:
        """Replace the text node at ``path`` (under ``parents``, root first)
        by one holding ``text``, serialised as ``html``. ``starts`` is where
        each node on the path began in the serialised tree, ``old`` where the
        text node's HTML began and its length: each ancestor's kept child
        HTML is edited to match, not read from Lexbor again."""
        parent, index = parents[-1], path[-1]
        siblings = self.children(parent)
        siblings[index].replace_with(text)
        previous = siblings[index - 1].next if index else parent.first_child
        assert previous is not None
        siblings[index] = previous
        at, length = old
        if self._root_html is not None:
            kept = self._root_html
            self._root_html = kept[:at] + html + kept[at + length :]
        for ancestor, child, start in zip(parents, path, starts, strict=True):
            htmls = self._html.get(ancestor.mem_id)
            if htmls is not None:
                kept = htmls[child]
                htmls[child] = kept[: at - start] + html + kept[at - start + length :]

    def children(self, node: LexborNode) -> list[LexborNode]:
        key = node.mem_id
        found = self._lists.get(key)
        if found is None:
            found = self._lists[key] = []
            child = node.first_child
            while child is not None:
                found.append(child)
                child = child.next
        return found

    def read(self, node: LexborNode) -> bool:
        """Whether the HTML of ``node``'s children has been read already."""
        return node.mem_id in self._html

    def child_html(self, node: LexborNode, children: list[LexborNode]) -> list[str]:
        key = node.mem_id
        found = self._html.get(key)
        if found is None:
            found = self._html[key] = [child.html or "" for child in children]
        return found


class TreeCache:
    """Parsed renders by their HTML, least recently stored evicted first.

    ``limit`` bounds the memory the trees are estimated to hold (about
    100 KiB for any render, plus 20 bytes per character of HTML: 3.3 MB for
    a 1,000-row table); a render bigger than that is not kept at all. So
    pages that went idle pin at most ``limit`` bytes between them, whatever
    their number.

    Example:
        >>> from livecomp.diff import diff
        >>> cache = TreeCache(limit=1_000_000)
        >>> diff("<p>a</p>", "<p>b</p>", cache=cache)
        [ReplaceOp(op='replace', path=[], check='p', html='<p>b</p>')]
        >>> "<p>b</p>" in cache, "<p>a</p>" in cache
        (True, False)
    """

    def __init__(self, limit: int = 32 * 2**20) -> None:
        self.limit = limit
        self.size = 0  # the estimated bytes held
        self._trees: OrderedDict[str, tuple[Tree, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._trees)

    def __contains__(self, html: str) -> bool:
        return html in self._trees

    def clear(self) -> None:
        self._trees.clear()
        self.size = 0

    def get(self, html: str) -> Tree | None:
        entry = self._trees.get(html)
        return None if entry is None else entry[0]

    def discard(self, html: str) -> None:
        entry = self._trees.pop(html, None)
        if entry is not None:
            self.size -= entry[1]

    def put(self, html: str, tree: Tree, *, evict: bool = True) -> None:
        """Keep ``tree``, the parse of ``html``, as the most recent entry;
        unless ``evict``, only if that leaves every other entry in place."""
        self.discard(html)
        cost = _TREE_BYTES + _BYTES_PER_CHAR * len(html)
        if cost > (self.limit if evict else self.limit - self.size):
            return
        self._trees[html] = (tree, cost)
        self.size += cost
        while self.size > self.limit:
            _, (_, evicted) = self._trees.popitem(last=False)
            self.size -= evicted


TREE_CACHE: Final = TreeCache()
"""The cache ``diff`` uses unless given another."""
