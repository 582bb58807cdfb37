"""A minimal Python DOM that keeps every node the browser keeps.

The key idea: the diff, the test client and the tests must all see the tree a
browser would build, so parsing always goes through selectolax's Lexbor
backend in the right *context* (``livecomp.html``: a ``<tr>`` is parsed inside
a ``<tbody>``, an ``<option>`` inside a ``<select>``), and ``apply_patches``
follows the patch op contract of ``docs/protocol.md`` exactly as the browser
client does.

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
from livecomp.names import CID, NEWLINE_EATERS, RAW_TEXT_ELEMENTS, VOID_ELEMENTS

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
    "find_by_cid",
    "from_lexbor",
    "nodes_equal",
    "parse_fragment",
    "parse_root",
    "root_context",
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
                _child_at(parent, path[-1], check, path)
                nodes = parse_fragment(html, parent.tag, parent.namespace)
                parent.children[path[-1] : path[-1] + 1] = nodes
            else:
                _check(root, check, path)
                try:
                    new = parse_root(html)
                except RootError as exc:
                    raise PatchMismatch(f"replace of the root needs one element: {exc}") from exc
                root.tag, root.attrs, root.children = new.tag, new.attrs, new.children
                root.namespace, root.content = new.namespace, new.content
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
