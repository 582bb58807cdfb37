"""Apply patch ops to the Python DOM exactly as the browser client does.

The key idea: the test client and the tests must end with the DOM a browser
ends with, so ``apply_patches`` follows the patch op contract of
``docs/protocol.md`` as the client's ``patch.ts`` does, checking each op's
target, and ``morph`` is the client's morph (``morph.ts``: a ``render``, a
``replace``), ``live-update`` containers included: the children the client
owns are kept, and an ``upsert`` adds or updates the keyed items by key.

Example:
    >>> root = parse_root('<ul><li>a</li></ul>')
    >>> apply_patches(root, [["text", [0, 0], "#text", "b"]])
    >>> root.outer_html()
    '<ul><li>b</li></ul>'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from livecomp.dom import Element, Node, Text, parse_fragment, parse_root
from livecomp.html import RootError
from livecomp.names import CID, KEPT_UPDATES, KEY_ATTRS, LIST_KEY, UPDATE

__all__ = [
    "STREAM_MISSES",
    "PatchMismatch",
    "apply_patches",
    "element_key",
    "morph",
    "update_mode",
]


class PatchMismatch(Exception):
    """A patch op's target is missing or is not what the op says it must be."""


# --- patch application ------------------------------------------------------


def apply_patches(root: Element, ops: Sequence[Sequence[Any]]) -> None:
    """Apply diff ops to ``root`` in order, as the browser client does.

    A ``replace`` at path ``[]`` rewrites ``root`` in place, so references to
    it stay valid.

    Raises:
        PatchMismatch: an op's target is missing or does not match its check;
            ops before it stay applied, as in the browser.
    """
    for op in ops:
        _apply(root, op)


def _apply(root: Element, op: Sequence[Any]) -> None:
    match op:
        case ["text", list() as path, str() as check, str() as data]:
            node = _node_at(root, path, check)
            if isinstance(node, Element):
                raise PatchMismatch(f"text op on element <{node.tag}> at {path}")
            node.data = data
        case ["attrs", list() as path, str() as tag, dict() as to_set, list() as removed]:
            element = _element_at(root, path, tag)
            for name in removed:
                element.attrs.pop(name, None)
            element.attrs.update(to_set)
        case ["insert", list() as path, str() as tag, int() as index, str() as html]:
            parent = _element_at(root, path, tag)
            if not 0 <= index <= len(parent.children):
                raise PatchMismatch(f"insert index {index} out of range at {path}")
            parent.children[index:index] = parse_fragment(html, parent.tag, parent.namespace)
        case ["remove", list() as path, str() as check] if path:
            parent = _element_at(root, path[:-1], None)
            _child_at(parent, path[-1], check, path)
            del parent.children[path[-1]]
        case ["move", list() as path, str() as tag, int() as source, int() as to, str() as check]:
            parent = _element_at(root, path, tag)
            node = _child_at(parent, source, check, [*path, source])
            del parent.children[source]
            if not 0 <= to <= len(parent.children):
                raise PatchMismatch(f"move target {to} out of range at {path}")
            parent.children.insert(to, node)
        case ["replace", list() as path, str() as check, str() as html]:
            if path:
                parent = _element_at(root, path[:-1], None)
                old = _child_at(parent, path[-1], check, path)
                nodes = parse_fragment(html, parent.tag, parent.namespace)
                _carry([old], nodes)
                parent.children[path[-1] : path[-1] + 1] = nodes
            else:
                _check(root, check, path)
                try:
                    new = parse_root(html)
                except RootError as exc:
                    raise PatchMismatch(f"replace of the root needs one element: {exc}") from exc
                morph(root, new)
        case ["upsert", list() as path, str() as tag, "append" | "prepend" as mode, str() as html]:
            container = _element_at(root, path, tag)
            nodes = parse_fragment(html, container.tag, container.namespace)
            _upsert(container, _items(nodes), mode == "prepend")
        case [
            "stream",
            list() as path,
            str() as tag,
            bool() as reset,
            list() as gone,
            list() as add,
            limit,
        ]:
            _stream(_element_at(root, path, tag), reset, gone, add, limit)
        case _:
            raise PatchMismatch(f"malformed op {op!r}")


def _check(node: Node, check: str, path: Sequence[int]) -> None:
    if isinstance(node, Element):
        ok = node.tag.lower() == check.lower()
        found = node.tag
    else:
        found = "#text" if isinstance(node, Text) else "#comment"
        ok = found == check
    if not ok:
        raise PatchMismatch(f"expected {check} at {list(path)}, found {found}")


def _child_at(parent: Element, index: int, check: str, path: Sequence[int]) -> Node:
    if not 0 <= index < len(parent.children):
        raise PatchMismatch(f"no node at {list(path)}")
    node = parent.children[index]
    _check(node, check, path)
    return node


def _node_at(root: Element, path: Sequence[int], check: str | None) -> Node:
    node: Node = root
    for depth, index in enumerate(path):
        if not isinstance(node, Element) or not 0 <= index < len(node.children):
            raise PatchMismatch(f"no node at {list(path[: depth + 1])}")
        node = node.children[index]
    if check is not None:
        _check(node, check, path)
    return node


def _element_at(root: Element, path: Sequence[int], tag: str | None) -> Element:
    node = _node_at(root, path, tag)
    if not isinstance(node, Element):
        raise PatchMismatch(f"expected an element at {list(path)}")
    return node


# --- streams ---------------------------------------------------------------------

#: Stream deletes and updates whose key the container did not have: skipped,
#: as the browser skips them, and counted here (the client counts them in
#: ``window.livecomp.streamMisses``).
STREAM_MISSES = [0]


def _stream(
    container: Element, reset: bool, gone: list[Any], add: list[Any], limit: int | None
) -> None:
    """The ``stream`` op on ``container``, as the client's ``stream`` applies it."""

    def items() -> dict[str, Element]:
        return {
            key: child
            for child in container.children
            if isinstance(child, Element) and (key := child.attrs.get(LIST_KEY))
        }

    def remove(drop: list[Element]) -> None:
        ids = {id(element) for element in drop}
        container.children = [child for child in container.children if id(child) not in ids]

    keyed = items()
    if reset:
        remove(list(keyed.values()))
        keyed = {}
    for key in gone:
        found = keyed.pop(key, None)
        if found is None:
            STREAM_MISSES[0] += 1
        else:
            remove([found])
    for at, html in add:
        nodes = parse_fragment(html, container.tag, container.namespace)
        item = next((n for n in nodes if isinstance(n, Element) and n.attrs.get(LIST_KEY)), None)
        if item is None:
            raise PatchMismatch(f"a stream item without {LIST_KEY}: {html[:60]!r}")
        key = item.attrs[LIST_KEY]
        if key in keyed:
            morph(keyed[key], item)
        elif at is None:
            STREAM_MISSES[0] += 1
        else:
            keyed[key] = item
            container.children.insert(0 if at == 0 else len(container.children), item)
    if limit is not None:
        listed = list(items().values())
        remove(listed[limit:] if limit >= 0 else listed[: max(len(listed) + limit, 0)])


# --- live-update containers ---------------------------------------------------

Key = tuple[str, str, str]
"""What matches an element across renders: (attribute, tag or "" for a cid, value)."""


def element_key(element: Element) -> Key | None:
    """The key of ``element`` among its siblings: the first of ``KEY_ATTRS`` it
    carries with a value, as the diff and the client's morph key it."""
    for name in KEY_ATTRS:
        value = element.attrs.get(name)
        if value:
            return (name, "" if name == CID else element.tag.lower(), value)
    return None


def update_mode(element: Element) -> str | None:
    """``ignore``, ``append`` or ``prepend`` when ``element`` is a container
    whose children the client owns: its ``live-update`` says so and it has a
    key, which is how it is found again. None otherwise (``replace``)."""
    mode = element.attrs.get(UPDATE)
    return mode if mode in KEPT_UPDATES and element_key(element) is not None else None


def morph(target: Element, fresh: Element) -> None:
    """Give ``target`` the markup of ``fresh`` in place, as the client's morph
    of a ``render`` or a ``replace`` does.

    Every ``live-update`` container of ``fresh`` (the outermost ones; each
    has a key) that names an element of ``target`` by its key keeps that
    element's children: all of them under ``ignore``; under ``append`` and
    ``prepend``, with ``fresh``'s keyed items added or updated by key.
    """
    _carry([target], [fresh])
    target.tag, target.attrs, target.children = fresh.tag, fresh.attrs, fresh.children
    target.namespace, target.content = fresh.namespace, fresh.content


def _carry(olds: list[Node], news: list[Node]) -> None:
    """Move the children the client owns from the containers under ``olds``
    (DOM about to be replaced) into the same containers under ``news``."""
    found = _keyed(olds, outermost=False)
    for key, new in _keyed(news, outermost=True).items():
        old = found.get(key)
        if new is None or old is None or old.tag.lower() != new.tag.lower():
            continue
        mode = update_mode(new)
        items = _items(new.children)
        # Moved, as the client moves the nodes: the old container is left empty.
        new.children, old.children = old.children, []
        if mode != "ignore":
            _upsert(new, items, mode == "prepend")


def _keyed(nodes: list[Node], *, outermost: bool) -> dict[Key, Element | None]:
    """Keyed elements in ``nodes`` and below, by key; a key found twice maps
    to None. Nothing inside a ``live-update`` container is looked at: its
    children are the client's. ``outermost``: only the containers themselves.
    """
    found: dict[Key, Element | None] = {}
    stack = [node for node in reversed(nodes) if isinstance(node, Element)]
    while stack:
        element = stack.pop()
        mode = update_mode(element)
        key = element_key(element)
        if key is not None and (mode is not None or not outermost):
            found[key] = None if key in found else element
        if mode is None:
            stack.extend(c for c in reversed(element.children) if isinstance(c, Element))
    return found


def _items(nodes: list[Node]) -> list[Element]:
    """The items of a container's server markup: its keyed elements."""
    return [node for node in nodes if isinstance(node, Element) and element_key(node)]


def _upsert(container: Element, items: list[Element], prepend: bool) -> None:
    """Morph each item into the container's child of the same key (the n-th
    item of a key into the n-th child of that key); add the others, in order,
    at the end (or, with ``prepend``, at the start)."""
    existing: dict[Key, list[Element]] = {}
    for child in container.children:
        if isinstance(child, Element) and (key := element_key(child)) is not None:
            existing.setdefault(key, []).append(child)
    seen: dict[Key, int] = {}
    added: list[Node] = []
    for item in items:
        key = element_key(item)
        assert key is not None
        nth = seen[key] = seen.get(key, -1) + 1
        matches = existing.get(key, [])
        if nth < len(matches):
            morph(matches[nth], item)
        else:
            added.append(item)
    if prepend:
        container.children[:0] = added
    else:
        container.children.extend(added)
