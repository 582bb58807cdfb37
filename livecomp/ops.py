"""The patch ops of ``docs/protocol.md``, one typed value each.

The key idea: an op is a named tuple whose fields are, in order, exactly the
JSON array the wire carries (its first field names the op), so the diff
builds them, the page rewrites them by field name (``op._replace(html=...)``),
and the encoder writes them as they are; ``op_from_json`` is the one way back
from the wire (the test client and the shared op vectors use it).

Example:
    >>> op = TextOp("text", [1, 0], "#text", "19.6 °C")
    >>> op.path, list(op)
    ([1, 0], ['text', [1, 0], '#text', '19.6 °C'])
    >>> op_from_json(["remove", [2], "li"])
    RemoveOp(op='remove', path=[2], check='li')
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

__all__ = [
    "AttrsOp",
    "InsertOp",
    "MoveOp",
    "Op",
    "OpError",
    "Path",
    "RemoveOp",
    "ReplaceOp",
    "StreamOp",
    "TextOp",
    "UpsertOp",
    "op_from_json",
]

Path = list[int]
"""Child indices from a component's root element; ``[]`` is the root itself."""


class TextOp(NamedTuple):
    """Set the data of the text or comment node at ``path``."""

    op: Literal["text"]
    path: Path
    check: str
    data: str


class AttrsOp(NamedTuple):
    """Set ``to_set`` and remove ``removed`` on the element at ``path``."""

    op: Literal["attrs"]
    path: Path
    check: str
    to_set: dict[str, str]
    removed: list[str]


class InsertOp(NamedTuple):
    """Parse ``html`` in the parent at ``path`` and insert it before child ``position``."""

    op: Literal["insert"]
    path: Path
    check: str
    position: int
    html: str


class RemoveOp(NamedTuple):
    """Remove the node at ``path``."""

    op: Literal["remove"]
    path: Path
    check: str


class MoveOp(NamedTuple):
    """Take child ``source`` of the parent at ``path`` and re-insert it at ``target``."""

    op: Literal["move"]
    path: Path
    check: str
    source: int
    target: int
    child_check: str


class ReplaceOp(NamedTuple):
    """Replace the node at ``path`` with the nodes parsed from ``html``."""

    op: Literal["replace"]
    path: Path
    check: str
    html: str


class UpsertOp(NamedTuple):
    """Add or update, by key, the items parsed from ``html`` in the
    ``live-update`` container at ``path``: an item whose key the container's
    children already hold is morphed in place, the others are added at the
    end (``mode`` ``"append"``) or the start (``"prepend"``), in order;
    nothing is removed (docs/protocol.md, "live-update")."""

    op: Literal["upsert"]
    path: Path
    check: str
    mode: Literal["append", "prepend"]
    html: str


class StreamOp(NamedTuple):
    """Change the items of the stream container at ``path``
    (docs/protocol.md, "Streams"): if ``reset``, remove its keyed items;
    remove those whose ``live-id`` is in ``deleted``; then, for each
    ``[at, html]`` of ``inserts`` in order, morph the item into the child of
    its ``live-id`` or, when there is none, add it at the end (``at`` -1) or
    the start (0), or skip it (``None``: update only); last, keep the first
    ``limit`` items (a negative limit: the last ones). A deleted or updated
    key the container does not have is skipped and counted, never a mismatch."""

    op: Literal["stream"]
    path: Path
    check: str
    reset: bool
    deleted: list[str]
    inserts: list[list[Any]]
    limit: int | None


Op = TextOp | AttrsOp | InsertOp | RemoveOp | MoveOp | ReplaceOp | UpsertOp | StreamOp
"""One patch op."""


class OpError(ValueError):
    """A JSON value that is not a well-formed op."""


def op_from_json(raw: Any) -> Op:
    """The op a decoded JSON array stands for; raise OpError when it is none."""
    match raw:
        case ["text", list() as path, str() as check, str() as data] if _is_path(path):
            return TextOp("text", path, check, data)
        case ["attrs", list() as path, str() as check, dict() as to_set, list() as removed] if (
            _is_path(path)
            and all(isinstance(v, str) for v in to_set.values())
            and all(isinstance(name, str) for name in removed)
        ):
            return AttrsOp("attrs", path, check, to_set, removed)
        case ["insert", list() as path, str() as check, int() as position, str() as html] if (
            _is_path(path)
        ):
            return InsertOp("insert", path, check, position, html)
        case ["remove", list() as path, str() as check] if _is_path(path):
            return RemoveOp("remove", path, check)
        case [
            "move",
            list() as path,
            str() as check,
            int() as source,
            int() as target,
            str() as child_check,
        ] if _is_path(path):
            return MoveOp("move", path, check, source, target, child_check)
        case ["replace", list() as path, str() as check, str() as html] if _is_path(path):
            return ReplaceOp("replace", path, check, html)
        case [
            "upsert",
            list() as path,
            str() as check,
            "append" | "prepend" as mode,
            str() as html,
        ] if _is_path(path):
            return UpsertOp("upsert", path, check, mode, html)
        case [
            "stream",
            list() as path,
            str() as check,
            bool() as reset,
            list() as deleted,
            list() as inserts,
            None | int() as limit,
        ] if (
            _is_path(path)
            and type(limit) is not bool
            and all(isinstance(key, str) for key in deleted)
            and all(_is_stream_insert(insert) for insert in inserts)
        ):
            return StreamOp("stream", path, check, reset, deleted, inserts, limit)
    raise OpError(f"not a patch op: {raw!r}")


def _is_path(path: list[Any]) -> bool:
    return all(type(index) is int for index in path)


def _is_stream_insert(insert: Any) -> bool:
    match insert:
        case [None | -1 | 0 as at, str()]:
            return type(at) is not bool
    return False
