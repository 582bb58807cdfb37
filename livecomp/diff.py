"""Diff two renders of one component into the patch ops of ``docs/protocol.md``.

The key idea: cost follows the size of the change, not of the page. Each
sibling list is first trimmed of its equal leading and trailing children,
compared by serialised HTML (one C call per child in Lexbor), so Python only
walks the part that differs. In that part, keyed siblings (``live-cid``,
``live-key``, ``id``) are matched by key, the rest by equal HTML and then by
node type and tag, and matched nodes that are out of order are moved along a
longest increasing subsequence, so few of them move.

Example:
    >>> diff('<p class="a">hi</p>', '<p class="b">hi</p>', fallback=False)
    [['attrs', [], 'p', {'class': 'b'}, []]]
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import deque
from typing import Any, Final

from selectolax.lexbor import LexborNode

from livecomp.dom import WHITESPACE, RootError, comment_data, from_lexbor, lexbor_root

__all__ = ["Differ", "Op", "RootError", "diff"]

Op = list[Any]
"""One patch op, a JSON-serialisable list such as ``["text", [0], "#text", "hi"]``."""

Key = tuple[str, str, str]
Pair = tuple[LexborNode, LexborNode, list[int]]  # old node, new node, path

# Elements whose content is not addressed by path: template content is not a
# child list in the DOM, and noscript content is text in a scripting browser
# but elements in Lexbor.
_OPAQUE: Final = frozenset({"template", "noscript"})
# Lexbor drops the leading newline of these elements' text when serialising,
# so HTML containing them is serialised by livecomp.dom instead.
_NEWLINE_EATERS: Final = ("<pre", "<textarea", "<listing")
_KEY_ATTRS: Final = ("live-cid", "live-key", "id")
_TEXT: Final = "-text"
_COMMENT: Final = "-comment"


def diff(old_html: str, new_html: str, *, fallback: bool = True) -> list[Op]:
    """Return the ops that turn the DOM of ``old_html`` into that of ``new_html``.

    Both strings are one component render: exactly one root element, with at
    most whitespace around it. When the ops would be longer than the new HTML,
    a single ``replace`` of the root is returned instead, unless ``fallback``
    is false (tests use that to exercise the fine-grained ops).

    Raises:
        RootError: either string does not have exactly one root element.
    """
    if old_html == new_html:
        return []
    old_root, _ = lexbor_root(old_html)
    return _diff_roots(old_root, new_html, fallback)


class Differ:
    """Diffs the successive renders of one component, parsing each only once.

    ``diff(old, new)`` parses both of its inputs; a ``Differ`` keeps the parse
    of the last render instead. That saves about half the time for a large
    component, but Lexbor needs some 20 times the HTML size (and at least
    ~100 KiB) to hold a tree, so it only pays for large, often-changing
    components.

    Example:
        >>> differ = Differ("<p>a</p>")
        >>> differ.diff("<p>b</p>", fallback=False)
        [['text', [0], '#text', 'b']]
    """

    def __init__(self, html: str) -> None:
        self.html = html
        self._root: LexborNode | None = None  # parsed on first use

    def diff(self, new_html: str, *, fallback: bool = True) -> list[Op]:
        """The ops from the last render to ``new_html``, which becomes the last.

        Raises:
            RootError: ``new_html`` does not have exactly one root element;
                the last render stays what it was.
        """
        if new_html == self.html:
            return []
        if self._root is None:
            self._root, _ = lexbor_root(self.html)
        new_root, _ = lexbor_root(new_html)
        ops = _diff_roots(self._root, new_html, fallback, new_root)
        self.html, self._root = new_html, new_root
        return ops


def _diff_roots(
    old_root: LexborNode, new_html: str, fallback: bool, new_root: LexborNode | None = None
) -> list[Op]:
    if new_root is None:
        new_root, _ = lexbor_root(new_html)
    source = new_html.strip(WHITESPACE)
    replace_root: Op = ["replace", [], _check(_tag(old_root)), source]
    if _tag(old_root) != _tag(new_root) or _tag(new_root) in _OPAQUE:
        return [replace_root]
    ops = _diff_tree(old_root, new_root)
    if (
        fallback
        and ops
        and len(json.dumps(ops, ensure_ascii=False, separators=(",", ":"))) > len(source)
    ):
        return [replace_root]
    return ops


def _check(tag: str) -> str:
    """What an op says must be found at its target."""
    if tag == _TEXT:
        return "#text"
    if tag == _COMMENT:
        return "#comment"
    return tag.lower()


def _tag(node: LexborNode) -> str:
    return node.tag or ""


def _children(node: LexborNode) -> list[LexborNode]:
    children = []
    child = node.first_child
    while child is not None:
        children.append(child)
        child = child.next
    return children


def _key(node: LexborNode) -> Key | None:
    if _tag(node).startswith("-"):  # text and comment nodes carry no attributes
        return None
    attrs = node.attributes
    for name in _KEY_ATTRS:
        value = attrs.get(name)
        if value:
            # A child component keeps its cid even if its root tag changes;
            # other keys only match an element of the same tag.
            return (name, "" if name == "live-cid" else _tag(node), value)
    return None


def _same_element(old: LexborNode, new: LexborNode) -> bool:
    """Two elements that pair up and can be diffed in place."""
    tag = _tag(new)
    return (
        _tag(old) == tag
        and not tag.startswith("-")
        and tag not in _OPAQUE
        and _key(old) == _key(new)
        and "live-cid" not in new.attributes
    )


def _markup(node: LexborNode, html: str) -> str:
    """HTML for ``node`` that parses back to the same nodes in its parent."""
    if any(marker in html for marker in _NEWLINE_EATERS):
        return from_lexbor(node).outer_html()
    return html


def _diff_tree(old_root: LexborNode, new_root: LexborNode) -> list[Op]:
    """Ops for two roots of the same tag: depth first, each parent's own ops
    before its children's, with an explicit stack so deep markup cannot hit
    the recursion limit."""
    ops: list[Op] = []
    later: list[Pair] = []
    # The root may carry live-cid (it is the component being diffed), so it
    # is diffed as a plain element.
    _diff_element(old_root, new_root, [], ops, later)
    stack = later[::-1]
    while stack:
        old, new, path = stack.pop()
        later = []
        _diff_pair(old, new, path, ops, later)
        stack.extend(reversed(later))
    return ops


def _diff_element(
    old: LexborNode, new: LexborNode, path: list[int], ops: list[Op], later: list[Pair]
) -> None:
    """Ops for the element itself now; its children that differ go to ``later``."""
    old_attrs = old.attributes
    new_attrs = new.attributes
    if old_attrs != new_attrs:
        to_set = {
            name: value or ""
            for name, value in new_attrs.items()
            if name not in old_attrs or (old_attrs[name] or "") != (value or "")
        }
        removed = [name for name in old_attrs if name not in new_attrs]
        if to_set or removed:
            ops.append(["attrs", path, _check(_tag(new)), to_set, removed])
        if old.inner_html == new.inner_html:
            return  # only the start tag changed; skip walking the children
    _diff_children(old, new, path, ops, later)


def _diff_pair(
    old: LexborNode, new: LexborNode, path: list[int], ops: list[Op], later: list[Pair]
) -> None:
    """Diff two matched nodes (same type and tag, same key) whose HTML differs."""
    tag = _tag(new)
    if tag == _TEXT:
        ops.append(["text", path, "#text", new.text_content or ""])
    elif tag == _COMMENT:
        ops.append(["text", path, "#comment", comment_data(new)])
    elif tag in _OPAQUE or tag.startswith("-"):
        ops.append(["replace", path, _check(_tag(old)), _markup(new, new.html or "")])
    elif "live-cid" not in new.attributes:
        _diff_element(old, new, path, ops, later)
    # A child component placeholder with the same cid: its own diff runs
    # separately, so the parent says nothing about it.


def _diff_children(
    old: LexborNode, new: LexborNode, path: list[int], ops: list[Op], later: list[Pair]
) -> None:
    olds = _children(old)
    news = _children(new)
    if len(olds) == len(news) == 1 and _same_element(olds[0], news[0]):
        # A lone wrapper (table > tbody): the change is inside it, so skip
        # serialising the whole subtree just to compare it.
        later.append((olds[0], news[0], [*path, 0]))
        return
    old_html = [node.html or "" for node in olds]
    new_html = [node.html or "" for node in news]
    n_old, n_new = len(olds), len(news)
    limit = min(n_old, n_new)
    start = 0
    while start < limit and old_html[start] == new_html[start]:
        start += 1
    limit -= start
    end = 0
    while end < limit and old_html[n_old - 1 - end] == new_html[n_new - 1 - end]:
        end += 1
    if start == n_old == n_new:
        return
    _Reconciler(
        path,
        _check(_tag(new)),
        start,
        olds[start : n_old - end],
        old_html[start : n_old - end],
        news[start : n_new - end],
        new_html[start : n_new - end],
        ops,
        later,
    ).run()


class _Reconciler:
    """Turns the differing middle of one child list into ops."""

    def __init__(
        self,
        path: list[int],
        parent_check: str,
        offset: int,
        olds: list[LexborNode],
        old_html: list[str],
        news: list[LexborNode],
        new_html: list[str],
        ops: list[Op],
        later: list[Pair],
    ) -> None:
        self.path = path
        self.parent_check = parent_check
        self.offset = offset  # index of the middle in the full child list
        self.olds, self.old_html = olds, old_html
        self.news, self.new_html = news, new_html
        self.ops = ops
        self.later = later  # matched pairs whose content differs
        self.old_match = [-1] * len(olds)  # old index -> new index
        self.new_match = [-1] * len(news)  # new index -> old index
        self.replaced: set[int] = set()  # new indices that replace their old node

    def run(self) -> None:
        self._match()
        stable = self._stable()
        self._pair_gaps(stable)
        self._remove()
        self._place(stable)
        self._diff_matched()

    def _link(self, i: int, j: int) -> None:
        self.old_match[i] = j
        self.new_match[j] = i

    def _match(self) -> None:
        # Identical nodes first: it is the cheapest test, and equal HTML means
        # an equal key too (an unkeyed item that moved is then one move).
        self._match_by(list(enumerate(self.old_html)), list(enumerate(self.new_html)))
        old_keys = {i: _key(node) for i, node in enumerate(self.olds) if self.old_match[i] < 0}
        new_keys = {j: _key(node) for j, node in enumerate(self.news) if self.new_match[j] < 0}
        duplicated: set[Key] = set()
        for keys in (old_keys, new_keys):
            seen: set[Key] = set()
            for key in keys.values():
                if key is not None:
                    if key in seen:
                        duplicated.add(key)
                    seen.add(key)
        new_by_key = {key: j for j, key in new_keys.items() if key is not None}
        for i, key in old_keys.items():
            if key is not None and key not in duplicated and key in new_by_key:
                self._link(i, new_by_key[key])

        # The rest pair up by node type and tag, in order. A repeated id or
        # live-key identifies nothing, so those siblings join in; a repeated
        # cid never matches at all.
        def positional(key: Key | None) -> bool:
            return key is None or (key in duplicated and key[0] != "live-cid")

        self._match_by(
            [(i, _tag(self.olds[i])) for i, k in old_keys.items() if positional(k)],
            [(j, _tag(self.news[j])) for j, k in new_keys.items() if positional(k)],
        )

    def _match_by(self, olds: list[tuple[int, str]], news: list[tuple[int, str]]) -> None:
        """Link unmatched nodes with equal signatures, in order."""
        queues: dict[str, deque[int]] = {}
        for i, signature in olds:
            if self.old_match[i] < 0:
                queues.setdefault(signature, deque()).append(i)
        for j, signature in news:
            if self.new_match[j] < 0:
                queue = queues.get(signature)
                if queue:
                    self._link(queue.popleft(), j)

    def _stable(self) -> set[int]:
        """New indices of matched nodes that keep their place (an LIS)."""
        sequence = [j for j in self.old_match if j >= 0]
        return {sequence[p] for p in _longest_increasing(sequence)}

    def _pair_gaps(self, stable: set[int]) -> None:
        """Between two stable nodes, unmatched old and new nodes become replaces."""
        if min(self.old_match, default=0) >= 0 or min(self.new_match, default=0) >= 0:
            return  # nothing left to pair on one side
        prev_i = prev_j = -1
        bounds = [(self.new_match[j], j) for j in sorted(stable)]
        bounds.append((len(self.olds), len(self.news)))
        for i_end, j_end in bounds:
            olds = range(prev_i + 1, i_end)
            news = range(prev_j + 1, j_end)
            if (
                olds
                and news
                and all(self.old_match[i] < 0 for i in olds)
                and all(self.new_match[j] < 0 for j in news)
            ):
                for i, j in zip(olds, news, strict=False):
                    self._link(i, j)
                    self.replaced.add(j)
                    stable.add(j)
            prev_i, prev_j = i_end, j_end

    def _remove(self) -> None:
        # Highest index first, so the indices still to remove stay valid.
        for i in range(len(self.olds) - 1, -1, -1):
            if self.old_match[i] < 0:
                path = [*self.path, self.offset + i]
                self.ops.append(["remove", path, _check(_tag(self.olds[i]))])

    def _place(self, stable: set[int]) -> None:
        """Move unstable nodes and insert new ones, right to left, each just
        before its final right-hand neighbour.

        Every place a node ever occupies is known in advance as a *slot*
        ``(group, offset)``: a kept node starts at ``(old index, 0)``, a
        stable node stays there, and any other node ends at the slot just
        before its right-hand neighbour's. A node's index is then the number
        of occupied slots before its own, counted in O(log n).
        """
        if all(j in stable for j in self.old_match if j >= 0):
            self._insert_only()
            return
        count = len(self.news)
        final: list[tuple[int, int]] = [(0, 0)] * count
        group, offset = len(self.olds), 0  # past the end
        for j in range(count - 1, -1, -1):
            if j in stable:
                group, offset = self.new_match[j], 0
            else:
                offset -= 1
            final[j] = (group, offset)
        kept = [j for j in self.old_match if j >= 0]
        slots = sorted({*final, *((self.new_match[j], 0) for j in kept)})
        rank = {slot: r for r, slot in enumerate(slots)}
        occupied = _Counts([rank[(self.new_match[j], 0)] for j in kept], len(slots))
        j = count - 1
        while j >= 0:
            if self.new_match[j] < 0:
                first = j
                while first > 0 and self.new_match[first - 1] < 0:
                    first -= 1
                self._insert(first, j, occupied.before(rank[final[first]]))
                for n in range(first, j + 1):
                    occupied.add(rank[final[n]], 1)
                j = first - 1
                continue
            if j not in stable:
                start = rank[(self.new_match[j], 0)]
                source = occupied.before(start)
                occupied.add(start, -1)
                target = occupied.before(rank[final[j]])
                occupied.add(rank[final[j]], 1)
                if source != target:
                    at, check = self.offset, _check(_tag(self.olds[self.new_match[j]]))
                    op = ["move", self.path, self.parent_check, at + source, at + target, check]
                    self.ops.append(op)
            j -= 1

    def _insert_only(self) -> None:
        """Nothing moves: insert each run of new nodes at its final index,
        left to right, so everything before it is already in place."""
        j, count = 0, len(self.news)
        while j < count:
            if self.new_match[j] >= 0:
                j += 1
                continue
            last = j
            while last + 1 < count and self.new_match[last + 1] < 0:
                last += 1
            self._insert(j, last, j)
            j = last + 1

    def _insert(self, first: int, last: int, index: int) -> None:
        """One insert op for the new nodes ``first..last``, at child ``index``."""
        html = "".join(_markup(self.news[n], self.new_html[n]) for n in range(first, last + 1))
        self.ops.append(["insert", self.path, self.parent_check, self.offset + index, html])

    def _diff_matched(self) -> None:
        for j, i in enumerate(self.new_match):
            if i < 0 or (j not in self.replaced and self.old_html[i] == self.new_html[j]):
                continue
            path = [*self.path, self.offset + j]
            if j in self.replaced:
                html = _markup(self.news[j], self.new_html[j])
                self.ops.append(["replace", path, _check(_tag(self.olds[i])), html])
            else:
                self.later.append((self.olds[i], self.news[j], path))


class _Counts:
    """Counts per rank with prefix sums in O(log n) (a Fenwick tree)."""

    def __init__(self, ranks: list[int], size: int) -> None:
        """Start with a count of one at each of ``ranks``, all below ``size``."""
        tree = [0] * (size + 1)
        for rank in ranks:
            tree[rank + 1] += 1
        for position in range(1, size + 1):  # linear-time build
            parent = position + (position & -position)
            if parent <= size:
                tree[parent] += tree[position]
        self.tree = tree

    def add(self, rank: int, delta: int) -> None:
        tree = self.tree
        position = rank + 1
        while position < len(tree):
            tree[position] += delta
            position += position & -position

    def before(self, rank: int) -> int:
        """The total count of all ranks below ``rank``."""
        tree = self.tree
        total = 0
        position = rank
        while position > 0:
            total += tree[position]
            position -= position & -position
        return total


def _longest_increasing(sequence: list[int]) -> list[int]:
    """Positions in ``sequence`` of one longest strictly increasing subsequence."""
    tail_positions: list[int] = []
    tail_values: list[int] = []
    previous = [-1] * len(sequence)
    for position, value in enumerate(sequence):
        length = bisect_left(tail_values, value)
        if length:
            previous[position] = tail_positions[length - 1]
        if length == len(tail_values):
            tail_positions.append(position)
            tail_values.append(value)
        else:
            tail_positions[length] = position
            tail_values[length] = value
    result: list[int] = []
    position = tail_positions[-1] if tail_positions else -1
    while position >= 0:
        result.append(position)
        position = previous[position]
    result.reverse()
    return result
