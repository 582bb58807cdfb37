"""A minimal Python DOM that keeps every node the browser keeps.

The key idea: the diff, the test client and the tests must all see the tree a
browser would build, so parsing always goes through selectolax's Lexbor
backend in the right *context* (``livecomp.html``: a ``<tr>`` is parsed inside
a ``<tbody>``, an ``<option>`` inside a ``<select>``), and ``apply_patches``
follows the patch op contract of ``docs/protocol.md`` exactly as the browser
client does, ``live-update`` containers included: ``morph`` is the client's
morph (a ``render``, a ``replace``), which keeps the children the client owns.

Example:
    >>> root = parse_root('<ul><li>a</li></ul>')
    >>> apply_patches(root, [["text", [0, 0], "#text", "b"]])
    >>> root.outer_html()
    '<ul><li>b</li></ul>'
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborNode

from livecomp.html import (
    HTML_NS,
    MATHML_NS,
    SVG_NS,
    RootError,
    child_namespace,
    comment_data,
    lexbor_root,
    lexbor_top_nodes,
    root_context,
)
from livecomp.names import (
    CID,
    KEPT_UPDATES,
    KEY_ATTRS,
    NEWLINE_EATERS,
    RAW_TEXT_ELEMENTS,
    UPDATE,
    VOID_ELEMENTS,
)

__all__ = [
    "HTML_NS",
    "MATHML_NS",
    "SVG_NS",
    "Comment",
    "Element",
    "Node",
    "PatchMismatch",
    "RootError",
    "Text",
    "apply_patches",
    "element_key",
    "find_by_cid",
    "from_lexbor",
    "morph",
    "nodes_equal",
    "parse_fragment",
    "parse_root",
    "root_context",
    "update_mode",
]


class PatchMismatch(Exception):
    """A patch op's target is missing or is not what the op says it must be."""


@dataclass(eq=False)
class Text:
    """A text node; ``data`` is the decoded character data."""

    data: str

    def outer_html(self) -> str:
        return _escape_text(self.data)


@dataclass(eq=False)
class Comment:
    """A comment node."""

    data: str

    def outer_html(self) -> str:
        return f"<!--{self.data}-->"


@dataclass(eq=False)
class Element:
    """An element; ``tag`` is its local name as the parser produced it.

    An HTML ``<template>`` keeps its content in ``content``, as the DOM
    does: its ``children`` stay empty, so no patch path reaches into it, and
    it serialises its content. Attribute order is kept for serialisation but
    ignored by ``nodes_equal``, as ``isEqualNode`` does in a browser.
    """

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    namespace: str = HTML_NS
    content: list[Node] | None = None

    def outer_html(self) -> str:
        return _serialize([self], raw=False)

    def inner_html(self) -> str:
        raw = self.namespace == HTML_NS and self.tag in RAW_TEXT_ELEMENTS
        return _serialize(self.serialised_children(), raw)

    def serialised_children(self) -> list[Node]:
        """What the HTML of this element holds: a template's content, else its children."""
        return self.content if self.content is not None else self.children

    def iter(self) -> Iterator[Element]:
        """Yield this element and every element below it, in document order."""
        stack: list[Element] = [self]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(reversed([c for c in element.children if isinstance(c, Element)]))

    def __repr__(self) -> str:
        return f"<Element {self.outer_html()[:80]!r}>"


Node = Element | Text | Comment


# --- Python copies of Lexbor trees ------------------------------------------


def from_lexbor(node: LexborNode, namespace: str = HTML_NS) -> Node:
    """Copy a Lexbor subtree into Python nodes; ``namespace`` is the node's own."""
    root = _copy_one(node, namespace)
    # An explicit stack, not recursion: deep markup must not hit the limit.
    stack = [(node, root)] if isinstance(root, Element) else []
    while stack:
        source, element = stack.pop()
        into = element.children
        if element.tag == "template" and element.namespace == HTML_NS:
            # Template content lives in a separate fragment, not under the node.
            fragments = source.template_fragments()
            child = fragments[0].first_child if fragments else None
            into = element.content = []
        else:
            child = source.first_child
        while child is not None:
            child_ns = child_namespace(element.namespace, element.tag, child.tag or "")
            copy = _copy_one(child, child_ns)
            into.append(copy)
            if isinstance(copy, Element):
                stack.append((child, copy))
            child = child.next
    return root


def _copy_one(node: LexborNode, namespace: str) -> Node:
    """A Python copy of ``node`` without its children."""
    tag = node.tag or ""
    if tag == "-text":
        return Text(node.text_content or "")
    if tag == "-comment":
        return Comment(comment_data(node))
    attrs = {name: value or "" for name, value in node.attributes.items()}
    return Element(tag, attrs, [], namespace)


def parse_fragment(html: str, context_tag: str = "div", namespace: str = HTML_NS) -> list[Node]:
    """Parse ``html`` as the browser would inside an element ``context_tag``."""
    return [
        from_lexbor(node, child_namespace(namespace, context_tag, node.tag or "", top=True))
        for node in lexbor_top_nodes(html, context_tag, namespace)
    ]


def parse_root(html: str) -> Element:
    """Parse one component render (exactly one root element) in its context.

    Raises:
        RootError: the html has zero or several root elements, or stray text.
    """
    node, namespace = lexbor_root(html)
    root = from_lexbor(node, namespace)
    assert isinstance(root, Element)
    return root


# --- serialisation ----------------------------------------------------------


def _escape_text(data: str) -> str:
    return (
        data.replace("&", "&amp;")
        .replace("\xa0", "&nbsp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _escape_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace("\xa0", "&nbsp;").replace('"', "&quot;")


def _serialize(nodes: list[Node], raw: bool) -> str:
    """HTML for ``nodes``; ``raw`` when their parent's text is not escaped."""
    out: list[str] = []
    # Pending work, last first: a node to write, or an end tag (a str).
    stack: list[tuple[Node | str, bool]] = [(node, raw) for node in reversed(nodes)]
    while stack:
        node, raw = stack.pop()
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Text):
            out.append(node.data if raw else _escape_text(node.data))
        elif isinstance(node, Comment):
            out.append(f"<!--{node.data}-->")
        else:
            out.append("<" + node.tag)
            for name, value in node.attrs.items():
                out.append(f' {name}="{_escape_attr(value)}"')
            out.append(">")
            is_html = node.namespace == HTML_NS
            if is_html and node.tag in VOID_ELEMENTS:
                continue
            children = node.serialised_children()
            if (
                is_html
                and node.tag in NEWLINE_EATERS
                and children
                and isinstance(children[0], Text)
                and children[0].data.startswith("\n")
            ):
                out.append("\n")
            stack.append((f"</{node.tag}>", False))
            child_raw = is_html and node.tag in RAW_TEXT_ELEMENTS
            stack.extend((child, child_raw) for child in reversed(children))
    return "".join(out)


# --- comparison and lookup --------------------------------------------------


def nodes_equal(a: Node, b: Node) -> bool:
    """Structural equality, like the DOM's ``isEqualNode``."""
    stack: list[tuple[Node, Node]] = [(a, b)]
    while stack:
        x, y = stack.pop()
        if isinstance(x, Element):
            if not (
                isinstance(y, Element)
                and x.tag == y.tag
                and x.namespace == y.namespace
                and x.attrs == y.attrs
                and len(x.children) == len(y.children)
                and (x.content is None) == (y.content is None)
                and len(x.content or ()) == len(y.content or ())
            ):
                return False
            stack.extend(zip(x.children, y.children, strict=True))
            stack.extend(zip(x.content or (), y.content or (), strict=True))
        elif isinstance(x, Text):
            if not (isinstance(y, Text) and x.data == y.data):
                return False
        elif not (isinstance(y, Comment) and x.data == y.data):
            return False
    return True


def find_by_cid(root: Element, cid: str) -> Element | None:
    """The element carrying ``live-cid=cid`` (``root`` included), if any."""
    for element in root.iter():
        if element.attrs.get(CID) == cid:
            return element
    return None


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
