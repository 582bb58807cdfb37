"""A minimal Python DOM that keeps every node the browser keeps.

The key idea: the diff, the test client and the tests must all see the tree a
browser would build, so parsing always goes through selectolax's Lexbor
backend in the right *context* (``livecomp.html``: a ``<tr>`` is parsed inside
a ``<tbody>``, an ``<option>`` inside a ``<select>``), and serialisation
writes what the browser's ``outerHTML`` would. Applying patch ops to these
nodes, as the client does, is ``livecomp.patching``.

Example:
    >>> root = parse_root('<ul><li>a</li></ul>')
    >>> root.children[0].outer_html()
    '<li>a</li>'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from livecomp.html import (
    HTML_NS,
    MATHML_NS,
    SVG_NS,
    RootError,
    child_namespace,
    comment_data,
    escape_text,
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
    "RootError",
    "Text",
    "find_by_cid",
    "from_lexbor",
    "nodes_equal",
    "parse_fragment",
    "parse_root",
    "root_context",
]


@dataclass(eq=False)
class Text:
    """A text node; ``data`` is the decoded character data."""

    data: str

    def outer_html(self) -> str:
        return escape_text(self.data)


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
            out.append(node.data if raw else escape_text(node.data))
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
