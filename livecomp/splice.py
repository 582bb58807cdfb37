"""How a parent's render holds its children: markers, placeholders, expansion.

The key idea: a child never appears inside its parent's stored render. While
the parent renders, ``live()`` leaves a *marker* comment carrying the page's
secret nonce (so no rendered text can forge one); ``place_children`` then
swaps each marker for the child's *placeholder*, its root tag carrying only
``live-cid``. Diffing two such renders never descends into a child, and a
child's own diff never touches its parent. HTML that leaves the server (the
first render, a resync, an ``insert``, ``replace`` or ``upsert`` op) has its
placeholders ``expand``-ed into the children's full HTML.

Example:
    >>> tag, html = mark_root('<ul><!--lc-0123456789ab-0--></ul>', "c0")
    >>> tag, html
    ('ul', '<ul live-cid="c0"><!--lc-0123456789ab-0--></ul>')
    >>> html = place_children(html, "0123456789ab", [("li", "c1")])
    >>> html
    '<ul live-cid="c0"><li live-cid="c1"></li></ul>'
    >>> expand(html, {"c1": '<li live-cid="c1">one</li>'}.get)
    '<ul live-cid="c0"><li live-cid="c1">one</li></ul>'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from livecomp.names import CID, VOID_ELEMENTS
from livecomp.ops import InsertOp, Op, ReplaceOp, UpsertOp

__all__ = ["expand", "expand_ops", "mark_root", "marker", "place_children", "placeholder"]

_ROOT_START: Final = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
_MARKER: Final = re.compile(r"<!--lc-([0-9a-f]{12})-(\d+)-->")
_PLACEHOLDER: Final = re.compile(rf'<([A-Za-z][A-Za-z0-9-]*) {CID}="([^"<>]+)">(?:</\1>)?')


def marker(nonce: str, index: int) -> str:
    """What ``live()`` leaves in a render for its ``index``-th child."""
    return f"<!--lc-{nonce}-{index}-->"


def mark_root(html: str, cid: str) -> tuple[str, str]:
    """The root tag of a render (lowercase) and the render with ``live-cid``
    on its root element; whitespace around the root is dropped.

    Raises:
        ValueError: the render does not start with an element.
    """
    html = html.strip()
    start = _ROOT_START.match(html)
    if start is None:
        raise ValueError(f"its HTML starts with {html[:40]!r}, not with an element")
    return start.group(1).lower(), f'{html[: start.end()]} {CID}="{cid}"{html[start.end() :]}'


def placeholder(tag: str, cid: str) -> str:
    """A child in its parent's stored render: its root tag and its cid only."""
    if tag in VOID_ELEMENTS:
        return f'<{tag} {CID}="{cid}">'
    return f'<{tag} {CID}="{cid}"></{tag}>'


def place_children(html: str, nonce: str, children: Sequence[tuple[str, str]]) -> str:
    """Swap the markers of this render's children, ``(root tag, cid)`` in the
    order ``live()`` was called, for their placeholders. Markers carrying
    another nonce are left alone: they are text that merely looks like one."""
    if not children:
        return html

    def swap(match: re.Match[str]) -> str:
        if match.group(1) != nonce:
            return match.group(0)
        return placeholder(*children[int(match.group(2))])

    return _MARKER.sub(swap, html)


def expand(html: str, full_html: Callable[[str], str | None]) -> str:
    """Swap each placeholder for ``full_html(cid)``; where that is None (a cid
    that is not a child here), the placeholder stays."""

    def swap(match: re.Match[str]) -> str:
        found = full_html(match.group(2))
        return match.group(0) if found is None else found

    return _PLACEHOLDER.sub(swap, html)


def expand_ops(ops: list[Op], full_html: Callable[[str], str | None]) -> list[Op]:
    """``ops`` with the HTML that ``insert``, ``replace`` and ``upsert`` carry expanded."""
    return [
        op._replace(html=expand(op.html, full_html))
        if isinstance(op, InsertOp | ReplaceOp | UpsertOp)
        else op
        for op in ops
    ]
