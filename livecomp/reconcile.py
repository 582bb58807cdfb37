"""Turn the differing middle of one child list into patch ops.

The key idea: keyed siblings (``livecomp.names.KEY_ATTRS``: ``live-cid``,
``live-id``, ``id``) are matched by key, the rest by equal HTML and then by
node type and tag; matched nodes that are out of order are moved along a
longest increasing subsequence, so few of them move. ``livecomp.diff``
walks the trees and calls ``reconcile`` for each child list whose middle it
cannot settle by itself; this module also holds the node helpers both share.

Example (the nodes come from Lexbor; the HTML lists are their serialisations):
    >>> from livecomp.html import lexbor_root
    >>> root, _ = lexbor_root('<ul><li id="a">1</li><li id="b">2</li></ul>')
    >>> olds = [root.first_child, root.last_child]
    >>> ops: list[Op] = []
    >>> reconcile([], "ul", 0, olds, [n.html for n in olds], olds[::-1],
    ...           [n.html for n in olds[::-1]], ops, [])
    >>> ops
    [MoveOp(op='move', path=[], check='ul', source=0, target=1, child_check='li')]
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from typing import Final

from selectolax.lexbor import LexborNode

from livecomp.html import outer_html
from livecomp.names import CID, KEY_ATTRS
from livecomp.ops import InsertOp, MoveOp, Op, RemoveOp, ReplaceOp

__all__ = ["COMMENT", "TEXT", "Key", "Pair", "check_of", "key_of", "markup", "reconcile"]

Pair = tuple[LexborNode, LexborNode, list[int]]
"""A matched old node, its new node and its path: a pair still to be diffed."""

Key = tuple[str, str, str]

TEXT: Final = "-text"
COMMENT: Final = "-comment"


def check_of(tag: str) -> str:
    """What an op says must be found at a node of Lexbor tag ``tag``."""
    if tag == TEXT:
        return "#text"
    if tag == COMMENT:
        return "#comment"
    return tag.lower()


def key_of(node: LexborNode, tag: str) -> Key | None:
    """The key that matches ``node`` (of Lexbor tag ``tag``) across renders."""
    if tag.startswith("-"):  # text and comment nodes carry no attributes
        return None
    attrs = node.attributes
    for name in KEY_ATTRS:
        value = attrs.get(name)
        if value:
            # A child component keeps its cid even if its root tag changes;
            # other keys only match an element of the same tag.
            return (name, "" if name == CID else tag, value)
    return None


def _tag(node: LexborNode) -> str:
    return node.tag or ""


def markup(node: LexborNode, html: str) -> str:
    """HTML for ``node`` (``html`` is Lexbor's) that parses back to the same nodes."""
    return outer_html(node, html)


def reconcile(
    path: list[int],
    parent_check: str,
    offset: int,
    olds: list[LexborNode],
    old_html: list[str],
    news: list[LexborNode],
    new_html: list[str],
    ops: list[Op],
    later: list[Pair],
    dropped: list[LexborNode] | None = None,
) -> None:
    """Append to ``ops`` what turns ``olds`` into ``news``, and to ``later``
    the matched pairs whose content differs.

    ``olds`` and ``news`` are the children ``offset..`` of the parent at
    ``path`` (whose op check is ``parent_check``), and ``old_html`` and
    ``new_html`` their HTML as Lexbor serialises it. ``dropped``, if given,
    receives every old node the ops remove or replace.
    """
    _Reconciler(
        path, parent_check, offset, olds, old_html, news, new_html, ops, later, dropped
    ).run()


class _Reconciler:
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
        dropped: list[LexborNode] | None,
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
        self.dropped = dropped  # receives the old nodes removed or replaced

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
        old_keys = {
            i: key_of(node, _tag(node)) for i, node in enumerate(self.olds) if self.old_match[i] < 0
        }
        new_keys = {
            j: key_of(node, _tag(node)) for j, node in enumerate(self.news) if self.new_match[j] < 0
        }
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
        # live-id identifies nothing, so those siblings join in; a repeated
        # cid never matches at all.
        def positional(key: Key | None) -> bool:
            return key is None or (key in duplicated and key[0] != CID)

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
                if self.dropped is not None:
                    self.dropped.append(self.olds[i])
                path = [*self.path, self.offset + i]
                self.ops.append(RemoveOp("remove", path, check_of(_tag(self.olds[i]))))

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
                    at, check = self.offset, check_of(_tag(self.olds[self.new_match[j]]))
                    self.ops.append(
                        MoveOp(
                            "move", self.path, self.parent_check, at + source, at + target, check
                        )
                    )
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
        html = "".join(markup(self.news[n], self.new_html[n]) for n in range(first, last + 1))
        self.ops.append(InsertOp("insert", self.path, self.parent_check, self.offset + index, html))

    def _diff_matched(self) -> None:
        for j, i in enumerate(self.new_match):
            if i < 0 or (j not in self.replaced and self.old_html[i] == self.new_html[j]):
                continue
            path = [*self.path, self.offset + j]
            if j in self.replaced:
                if self.dropped is not None:
                    self.dropped.append(self.olds[i])
                html = markup(self.news[j], self.new_html[j])
                self.ops.append(ReplaceOp("replace", path, check_of(_tag(self.olds[i])), html))
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
