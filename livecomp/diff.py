"""Diff two renders of one component into the patch ops of ``docs/protocol.md``.

The key idea: cost follows the size of the change, not of the page.

- Parsing: a render is parsed once. ``diff(old, new)`` keeps the parse of
  ``new`` in ``livecomp.treecache`` (``TREE_CACHE``), so the next diff,
  whose ``old`` it is, finds it there instead of parsing it again.
- Walking: each sibling list is first trimmed of its equal leading and
  trailing children, compared by serialised HTML (one C call per child in
  Lexbor), so Python only walks the part that differs. A child list's HTML
  is kept with its tree, so a list is serialised once for two diffs. Two
  shortcuts skip even that: a list whose siblings are all equal text or
  comments but for one element (the whitespace around a ``<tbody>``) goes
  straight to that element, and a middle of one old and one new node is
  paired directly. Any other middle goes to ``livecomp.reconcile``: keyed
  siblings matched by key, moves along a longest increasing subsequence.
- Containers the client owns (``live-update`` ``ignore``, ``append``,
  ``prepend``): no op ever addresses a node inside one. The container's own
  attributes are diffed as any element's; under ``ignore`` that is all, under
  ``append``/``prepend`` one ``upsert`` op carries the keyed items that are
  new or changed since the last render. A container that goes back to
  ``replace`` is replaced whole. Should the ops remove or replace an old node
  holding a container that the new render still keeps (it moved to another
  parent, say), the diff is one ``replace`` of the root instead, which the
  client morphs, carrying the container's children over by key.

Example:
    >>> diff('<p class="a">hi</p>', '<p class="b">hi</p>', fallback=False)
    [AttrsOp(op='attrs', path=[], check='p', to_set={'class': 'b'}, removed=[])]
"""

from __future__ import annotations

import json
from itertools import compress, count, islice
from operator import ne
from typing import TYPE_CHECKING, Final, Literal

from selectolax.lexbor import LexborNode

from livecomp.html import WHITESPACE, RootError, comment_data
from livecomp.names import CID, KEPT_UPDATES, OPAQUE_ELEMENTS, UPDATE
from livecomp.ops import AttrsOp, InsertOp, Op, RemoveOp, ReplaceOp, StreamOp, TextOp, UpsertOp
from livecomp.reconcile import COMMENT, TEXT, Key, Pair, check_of, key_of, markup, reconcile
from livecomp.textdiff import TextMap, parsed_text_change, text_change
from livecomp.treecache import TREE_CACHE, Tree, TreeCache

if TYPE_CHECKING:
    from livecomp.shapes import ShapeBook

__all__ = [
    "TREE_CACHE",
    "Op",
    "RootError",
    "TreeCache",
    "diff",
    "diff_element",
    "diff_mapped",
    "too_long",
]

#: Renders at most this long get a ``TextMap`` from ``diff_mapped``.
MAP_MAX_CHARS: Final = 8192
# Ops lists at most this long have their JSON size bounded before measured.
_FEW_OPS: Final = 8
_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def diff(
    old_html: str, new_html: str, *, fallback: bool = True, cache: TreeCache | None = TREE_CACHE
) -> list[Op]:
    """Return the ops that turn the DOM of ``old_html`` into that of ``new_html``.

    Both strings are one component render: exactly one root element, with at
    most whitespace around it. When the ops would be longer than the new HTML,
    a single ``replace`` of the root is returned instead, unless ``fallback``
    is false (tests use that to exercise the fine-grained ops).

    Parses are taken from and kept in ``cache`` (none: parse both):
    ``new_html``'s is kept, and ``old_html``'s dropped once used, as a render
    is normally diffed once as the old one.

    Raises:
        RootError: either string does not have exactly one root element.
    """
    return _diff(old_html, new_html, fallback, cache)[0]


def diff_mapped(
    old_html: str, new_html: str, *, mapped: bool, book: ShapeBook | None = None
) -> tuple[list[Op], TextMap | None]:
    """``diff``, and when ``mapped`` the ``TextMap`` of ``new_html`` if it is
    short enough to keep one: with it, the next change inside one of its text
    nodes needs no parse at all (``TextMap.change``). A ``book`` still
    learning is taught the new render's shape (``livecomp.shapes``)."""
    ops, tree = _diff(old_html, new_html, True, TREE_CACHE)
    if tree is None or len(new_html) > MAP_MAX_CHARS:
        return ops, None
    if book is not None and not book.wants(new_html):
        book = None
    if not mapped and book is None:
        return ops, None
    texts = TextMap.build(tree, new_html)
    if book is not None and texts is not None:
        book.learn(tree, texts, new_html)
    return ops, texts if mapped else None


def _diff(
    old_html: str, new_html: str, fallback: bool, cache: TreeCache | None
) -> tuple[list[Op], Tree | None]:
    """``diff``'s ops, and the parse of ``new_html`` if one was made or found."""
    if old_html == new_html:
        return [], None
    # Only a render naming live-update can keep a container the ops must not drop.
    owned = UPDATE in new_html
    if cache is None:
        new = Tree(new_html)
        return _Walk(Tree(old_html), new, owned).run(new_html, fallback), new
    kept = cache.get(old_html)
    if kept is not None:
        # A change inside one text node: one op, and the kept parse edited
        # into the new render's (livecomp.textdiff).
        op = text_change(kept, old_html, new_html)
        if op is not None:
            cache.discard(old_html)
            cache.put(new_html, kept)
            return _text_ops(op, new_html, kept, fallback), kept
    new = cache.get(new_html) or Tree(new_html)
    if kept is None:
        # No parse of the old render: the text node may be found in the new one.
        op = parsed_text_change(new, old_html, new_html)
        if op is not None:
            # This component's last parse was not kept (or it never had one):
            # likely one of many (rows) whose parses the cache cannot all hold.
            # Its parse is kept only where that evicts none (a Lexbor document
            # is ~100 KiB to free: a third of such an event's diff).
            cache.put(new_html, new, evict=False)
            return _text_ops(op, new_html, new, fallback), new
    old = kept or Tree(old_html)
    ops = _Walk(old, new, owned).run(new_html, fallback)
    cache.discard(old_html)
    cache.put(new_html, new)
    return ops, new


def _text_ops(op: TextOp, new_html: str, tree: Tree, fallback: bool) -> list[Op]:
    """The one text op, or the root replaced when it is longer than the render."""
    if fallback and too_long([op], new_html):
        root = new_html.strip(WHITESPACE)
        return [ReplaceOp("replace", [], check_of(tree.root.tag or ""), root)]
    return [op]


def too_long(ops: list[Op], new_html: str) -> bool:
    """Whether ``ops`` as JSON are longer than ``new_html``, the render they
    lead to: one ``replace`` of the root is then sent instead."""
    size = len(new_html.strip(WHITESPACE))
    if len(ops) <= _FEW_OPS and _json_bound(ops) <= size:
        return False
    return len(_encode_json(ops)) > size


def diff_element(old_html: str, new_html: str, path: list[int]) -> list[Op] | None:
    """The ops of ``diff`` for one element of a larger render, found at
    ``path`` in it: ``old_html`` and ``new_html`` are that element alone
    (parsed in the context its tag needs). None when the two are not one
    element each of the same tag and key, or hold a ``live-update``
    container: the larger render's own diff must then decide."""
    if UPDATE in old_html or UPDATE in new_html:
        return None
    try:
        old, new = Tree(old_html), Tree(new_html)
    except RootError:
        return None
    tag = old.root.tag or ""
    if (new.root.tag or "") != tag or tag in OPAQUE_ELEMENTS or tag.startswith("-"):
        return None
    if key_of(old.root, tag) != key_of(new.root, tag):
        return None
    walk = _Walk(old, new)
    walk.run(new_html, fallback=False)
    return [op._replace(path=[*path, *op.path]) for op in walk.ops]


class _Walk:
    """The diff of two trees: depth first, each parent's own ops before its
    children's, with an explicit stack so deep markup cannot hit the
    recursion limit."""

    def __init__(self, old: Tree, new: Tree, owned: bool = False) -> None:
        self.old, self.new = old, new
        self.ops: list[Op] = []
        self.later: list[Pair] = []  # pairs to diff after the current one
        # Old nodes (by mem_id) that hold, or are, a container the new render
        # keeps; removing or replacing one of them loses what the client owns.
        self.guarded: set[int] = set()
        self.lost = False
        if owned:
            self._guard()

    def run(self, new_html: str, fallback: bool) -> list[Op]:
        old_root, new_root = self.old.root, self.new.root
        tag = new_root.tag or ""
        if (old_root.tag or "") != tag or tag in OPAQUE_ELEMENTS:
            return [self._replace_root(new_html)]
        # The root may carry live-cid (it is the component being diffed), so
        # it is diffed as a plain element.
        self._element(old_root, new_root, [], tag, new_root.attributes)
        stack = self.later[::-1]
        while stack and not self.lost:
            old, new, path = stack.pop()
            self.later = []
            self._pair(old, new, path)
            stack.extend(reversed(self.later))
        if self.lost:
            return [self._replace_root(new_html)]
        ops = self.ops
        if fallback and ops and too_long(ops, new_html):
            return [self._replace_root(new_html)]
        return ops

    def _replace_root(self, new_html: str) -> Op:
        return ReplaceOp(
            "replace", [], check_of(self.old.root.tag or ""), new_html.strip(WHITESPACE)
        )

    def _guard(self) -> None:
        """Fill ``guarded``: the old counterparts (by key) of the outermost
        containers the new render keeps, and their ancestors."""
        kept: set[Key] = set()
        for node in self.new.root.css(f"[{UPDATE}]"):
            key = key_of(node, node.tag or "")
            if key is not None and _owned(node, node.attributes) and not _inside_kept(node):
                kept.add(key)
        if not kept:
            return
        guarded = self.guarded
        # Only the elements carrying one of the keys, which C finds.
        selector = ",".join(f'[{name}="{_css_string(value)}"]' for name, _, value in kept)
        for node in self.old.root.css(selector):
            if key_of(node, node.tag or "") in kept and not _inside_kept(node):
                at: LexborNode | None = node
                while at is not None and at.mem_id not in guarded:
                    guarded.add(at.mem_id)
                    at = at.parent

    def _drop(self, old: LexborNode) -> None:
        """``old`` is removed or replaced by the ops."""
        if self.guarded and old.mem_id in self.guarded:
            self.lost = True

    def _pair(self, old: LexborNode, new: LexborNode, path: list[int]) -> None:
        """Diff two matched nodes (same type and tag, same key)."""
        tag = new.tag or ""
        if tag == TEXT:
            self.ops.append(TextOp("text", path, "#text", new.text_content or ""))
        elif tag == COMMENT:
            self.ops.append(TextOp("text", path, "#comment", comment_data(new)))
        elif tag in OPAQUE_ELEMENTS or tag.startswith("-"):
            self._drop(old)
            html = markup(new, new.html or "")
            self.ops.append(ReplaceOp("replace", path, check_of(old.tag or ""), html))
        else:
            attrs = new.attributes
            if CID not in attrs:
                self._element(old, new, path, tag, attrs)
            # A child component placeholder with the same cid: its own diff
            # runs separately, so the parent says nothing about it.

    def _element(
        self,
        old: LexborNode,
        new: LexborNode,
        path: list[int],
        tag: str,
        new_attrs: dict[str, str | None],
    ) -> None:
        """Ops for the element itself now; its children that differ go to ``later``."""
        old_attrs = old.attributes
        old_mode, new_mode = _owned(old, old_attrs), _owned(new, new_attrs)
        if (old_mode and not new_mode) or (
            (old_mode or new_mode) and key_of(old, tag) != key_of(new, tag)
        ):
            # A container the client owned is one no longer (its mode or its
            # key changed, which only a root can): it starts over from the
            # new render, as a whole, as in a render.
            self._drop(old)
            html = markup(new, new.html or "")
            self.ops.append(ReplaceOp("replace", path, check_of(tag), html))
            return
        if old_attrs != new_attrs:
            to_set = {
                name: value or ""
                for name, value in new_attrs.items()
                if name not in old_attrs or (old_attrs[name] or "") != (value or "")
            }
            removed = [name for name in old_attrs if name not in new_attrs]
            if to_set or removed:
                self.ops.append(AttrsOp("attrs", path, check_of(tag), to_set, removed))
            if not new_mode and not self.old.read(old) and old.inner_html == new.inner_html:
                # Only the start tag changed: two C calls tell, where reading
                # the children would take two per child.
                return
        if new_mode in ("append", "prepend"):
            mode: Literal["append", "prepend"] = "append" if new_mode == "append" else "prepend"
            # Under ignore the old render's items never reached the client.
            self._upsert(old, new, path, tag, mode, everything=old_mode == "ignore")
        elif not new_mode:
            self._children(old, new, path, tag)

    def _upsert(
        self,
        old: LexborNode,
        new: LexborNode,
        path: list[int],
        tag: str,
        mode: Literal["append", "prepend"],
        everything: bool,
    ) -> None:
        """The ``upsert`` op of a container the client owns: the new render's
        keyed items that are new or changed since the old render (all of them
        when ``everything``, or when a key repeats, as the client then matches
        items by their rank among those of their key)."""
        news = self.new.children(new)
        items: list[tuple[Key, str]] = []
        for node, html in zip(news, self.new.child_html(new, news), strict=True):
            key = key_of(node, node.tag or "")
            if key is not None:
                items.append((key, markup(node, html)))
        if not items:
            return
        known: dict[Key, str | None] = {}
        if not everything:
            olds = self.old.children(old)
            for node, html in zip(olds, self.old.child_html(old, olds), strict=True):
                key = key_of(node, node.tag or "")
                if key is not None:
                    known[key] = None if key in known else markup(node, html)
            keys = {key for key, _ in items}
            everything = len(keys) < len(items) or None in known.values()
        html = "".join(h for key, h in items if everything or known.get(key) != h)
        if html:
            self.ops.append(UpsertOp("upsert", path, check_of(tag), mode, html))

    def _children(self, old: LexborNode, new: LexborNode, path: list[int], tag: str) -> None:
        olds = self.old.children(old)
        news = self.new.children(new)
        n_old, n_new = len(olds), len(news)
        if n_old == n_new:
            at = _only_difference(olds, news)
            if at is not None:
                if at >= 0:
                    self._one(olds[at], None, news[at], None, [*path, at])
                return
        old_html = self.old.child_html(old, olds)
        new_html = self.new.child_html(new, news)
        # The first difference from either end, found by C iterators.
        limit = min(n_old, n_new)
        start = next(compress(count(), map(ne, old_html, new_html)), limit)
        if start == n_old == n_new:
            return
        limit -= start
        from_end = map(ne, islice(reversed(old_html), limit), reversed(new_html))
        end = next(compress(count(), from_end), limit)
        old_end, new_end = n_old - end, n_new - end
        if old_end - start == new_end - start == 1:
            self._one(olds[start], old_html[start], news[start], new_html[start], [*path, start])
        elif old_end == start:  # only new nodes: one insert
            html = "".join(markup(news[j], new_html[j]) for j in range(start, new_end))
            self.ops.append(InsertOp("insert", path, check_of(tag), start, html))
        elif new_end == start:  # only old nodes: removes, highest index first
            for i in range(old_end - 1, start - 1, -1):
                self._drop(olds[i])
                self.ops.append(RemoveOp("remove", [*path, i], check_of(olds[i].tag or "")))
        else:
            dropped: list[LexborNode] | None = [] if self.guarded else None
            reconcile(
                path,
                check_of(tag),
                start,
                olds[start:old_end],
                old_html[start:old_end],
                news[start:new_end],
                new_html[start:new_end],
                self.ops,
                self.later,
                dropped,
            )
            for node in dropped or ():
                self._drop(node)

    def _one(
        self,
        old: LexborNode,
        old_html: str | None,
        new: LexborNode,
        new_html: str | None,
        path: list[int],
    ) -> None:
        """One old node in place of one new node, as ``reconcile`` would pair
        them: matched (same key, or no key and the same tag) they are diffed,
        else the new one replaces the old one.

        ``None`` HTML is not read yet: the nodes are then known to differ
        unless both are elements of the same tag.
        """
        old_tag, new_tag = old.tag or "", new.tag or ""
        old_key, new_key = key_of(old, old_tag), key_of(new, new_tag)
        matched = old_key == new_key and (old_key is not None or old_tag == new_tag)
        if old_html is None and old_tag == new_tag and not new_tag.startswith("-"):
            if matched and new_tag not in OPAQUE_ELEMENTS:
                # Diffing the pair finds any difference: no need to look first.
                self.later.append((old, new, path))
                return
            old_html, new_html = old.html or "", new.html or ""
            if old_html == new_html:
                return
        if matched:
            self.later.append((old, new, path))
        else:
            self._drop(old)
            html = (new.html or "") if new_html is None else new_html
            self.ops.append(ReplaceOp("replace", path, check_of(old_tag), markup(new, html)))


def _css_string(value: str) -> str:
    """``value`` escaped for a double-quoted CSS string."""
    return "".join(
        "\\" + char
        if char in '"\\'
        else f"\\{ord(char):x} "
        if ord(char) < 0x20 or ord(char) == 0x7F
        else char
        for char in value
    )


def _owned(node: LexborNode, attrs: dict[str, str | None]) -> str:
    """The ``live-update`` mode (``attrs``) of ``node`` when the client owns
    its children: a kept mode, and a key to find it again by; else ``""``."""
    mode = attrs.get(UPDATE) or ""
    if mode in KEPT_UPDATES and key_of(node, node.tag or "") is not None:
        return mode
    return ""


def _inside_kept(node: LexborNode) -> bool:
    """Whether an ancestor of ``node`` is a container the client owns."""
    at = node.parent
    while at is not None:
        if _owned(at, at.attributes):
            return True
        at = at.parent
    return False


def _only_difference(olds: list[LexborNode], news: list[LexborNode]) -> int | None:
    """The one index where two equally long child lists may differ, when the
    nodes at every other index are equal text or comments; -1 if none may;
    None if two or more may (elements always may: they are not compared here)."""
    found = -1
    for i, (old, new) in enumerate(zip(olds, news, strict=True)):
        tag = old.tag
        if tag == new.tag:
            if tag == TEXT:
                if old.text_content == new.text_content:
                    continue
            elif tag == COMMENT and old.html == new.html:
                continue
        if found >= 0:
            return None
        found = i
    return found


def _json_bound(ops: list[Op]) -> int:
    """An upper bound on the length of ``ops`` as compact JSON: a character
    of a string takes at most six (``\\u001f``), one of printable ASCII one
    (or two, a quote or a backslash)."""
    total = 2
    for op in ops:
        if isinstance(op, StreamOp):  # not the diff's, but an Op all the same
            total += len(_encode_json(op))
            continue
        total += 3 + len(op)
        for part in op:
            if isinstance(part, str):
                # Printable ASCII escapes only quotes and backslashes: exact,
                # so a short render's op is rarely encoded to be measured.
                if part.isascii() and part.isprintable():
                    total += 2 + len(part) + part.count('"') + part.count("\\")
                else:
                    total += 2 + 6 * len(part)
            elif isinstance(part, int):
                total += len(str(part))
            elif isinstance(part, list):
                # A path: its integers written out, each with its comma.
                total += 2 + sum(
                    len(str(x)) + 1 if isinstance(x, int) else 3 + 6 * len(x) for x in part
                )
            else:
                total += 2 + sum(6 + 6 * (len(k) + len(v)) for k, v in part.items())
    return total
