"""Parsing HTML in the context a browser would parse it in, with Lexbor.

The key idea: a component's HTML is only ever parsed as a fragment inside the
element a browser would have around it (a ``<tr>`` inside a ``<tbody>``, an
``<option>`` inside a ``<select>``, an SVG shape inside an ``<svg>``), so
Lexbor builds the same nodes, whitespace and comments included, as the
browser does. ``livecomp.dom`` copies these trees into Python nodes;
``livecomp.diff`` reads them as they are.

Example:
    >>> root, namespace = lexbor_root('<tr><td>1</td></tr>')
    >>> root.tag, namespace, root_context("tr")
    ('tr', 'html', ('tbody', 'html'))
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from selectolax.lexbor import LexborHTMLParser, LexborNode

from livecomp.names import (
    FOREIGN_BREAKOUT,
    MATHML_ONLY,
    MATHML_TEXT_POINTS,
    NEWLINE_EATERS,
    RAW_TEXT_ELEMENTS,
    ROOT_CONTEXT,
    SVG_HTML_POINTS,
    SVG_ONLY,
    VOID_ELEMENTS,
)

__all__ = [
    "HTML_NS",
    "MATHML_NS",
    "SVG_NS",
    "WHITESPACE",
    "RootError",
    "child_namespace",
    "comment_data",
    "escape_text",
    "lexbor_root",
    "lexbor_top_nodes",
    "outer_html",
    "root_context",
]


HTML_NS: Final = "html"
SVG_NS: Final = "svg"
MATHML_NS: Final = "math"

# The HTML spec's "ASCII whitespace"; str.isspace() would also accept U+00A0,
# which the parser keeps as text.
WHITESPACE: Final = " \t\n\f\r"

_ROOT_TAG: Final = re.compile(r"[ \t\n\f\r]*<([A-Za-z][^\t\n\f\r />]*)")
# Where one of these start tags may be, Lexbor's serialisation may be wrong.
_EATER_START: Final = re.compile(
    "<(?:" + "|".join(sorted(NEWLINE_EATERS)) + ")[ \t\n\f\r/>]", re.IGNORECASE
)


class RootError(ValueError):
    """HTML meant as one component render has zero or several root nodes."""


def root_context(tag: str) -> tuple[str, str]:
    """The (context tag, namespace) a component root ``tag`` is parsed in."""
    name = tag.lower()
    if name in ROOT_CONTEXT:
        return ROOT_CONTEXT[name], HTML_NS
    if name in SVG_ONLY:
        return "svg", SVG_NS
    if name in MATHML_ONLY:
        return "math", MATHML_NS
    return "div", HTML_NS


@cache
def _known_context(tag: str, namespace: str) -> str:
    """Lexbor only accepts standard tags as a context; others parse like these."""
    try:
        LexborHTMLParser("", is_fragment=True, fragment_tag=tag, fragment_namespace=namespace)
    except ValueError:
        return {SVG_NS: "svg", MATHML_NS: "math"}.get(namespace, "div")
    return tag


def lexbor_top_nodes(html: str, context_tag: str, namespace: str = HTML_NS) -> list[LexborNode]:
    """Parse ``html`` as a fragment in the given context; return its top-level nodes."""
    parser = LexborHTMLParser(
        html,
        is_fragment=True,
        fragment_tag=_known_context(context_tag.lower(), namespace),
        fragment_namespace=namespace,
    )
    nodes: list[LexborNode] = []
    node = parser.root
    if node is None:
        return nodes
    # parser.root serialises the whole fragment, not itself; the same node
    # reached back from its next sibling serialises correctly.
    following = node.next
    if following is not None:
        node = following.prev
    while node is not None:
        nodes.append(node)
        node = node.next
    return nodes


def lexbor_root(html: str) -> tuple[LexborNode, str]:
    """Parse one component render; return its root element and its namespace.

    Raises:
        RootError: unless ``html`` holds exactly one element, with at most
            whitespace around it.
    """
    match = _ROOT_TAG.match(html)
    context_tag, namespace = root_context(match.group(1)) if match else ("div", HTML_NS)
    elements: list[LexborNode] = []
    strays: list[str] = []
    for node in lexbor_top_nodes(html, context_tag, namespace):
        tag = node.tag
        if tag == "-text":
            data = node.text_content or ""
            if data.strip(WHITESPACE):
                strays.append(f"text {_snippet(data)}")
        elif tag == "-comment":
            strays.append(f"a comment {_snippet(node.html or '')}")
        else:
            elements.append(node)
    if len(elements) == 1 and not strays:
        root = elements[0]
        return root, child_namespace(namespace, context_tag, root.tag or "", top=True)
    found = [f"<{e.tag}>" for e in elements] + strays
    described = ", ".join(found) if found else "nothing"
    raise RootError(
        f"a component must render exactly one root element with only whitespace "
        f"around it; found {len(elements)} element(s): {described} in {_snippet(html)}"
    )


def child_namespace(parent_ns: str, parent_tag: str, tag: str, *, top: bool = False) -> str:
    """The namespace the parser gives ``tag`` when its parent is ``parent_tag``.

    Lexbor does not expose namespaces, so they are inferred with the tree
    construction rules for foreign content; ``top`` marks the top level of a
    fragment, where HTML-only tags leave SVG and MathML.
    """
    name = tag.lower()
    parent = parent_tag.lower()
    foreign = (parent_ns == SVG_NS and parent not in SVG_HTML_POINTS) or (
        parent_ns == MATHML_NS
        and not (parent in MATHML_TEXT_POINTS and name not in {"mglyph", "malignmark"})
    )
    if foreign:
        if top and name in FOREIGN_BREAKOUT:
            return HTML_NS
        if parent_ns == MATHML_NS and parent == "annotation-xml" and name == "svg":
            return SVG_NS
        return parent_ns
    if name == "svg":
        return SVG_NS
    if name == "math":
        return MATHML_NS
    return HTML_NS


def outer_html(node: LexborNode, html: str | None = None) -> str:
    r"""HTML for ``node`` that parses back to the same nodes.

    ``html`` is Lexbor's serialisation of ``node``, when already read. Lexbor
    drops the newline that must follow ``<pre>``, ``<textarea>`` and
    ``<listing>`` when their text starts with one (the parser eats one), so
    the subtrees holding such an element are written out again here.

    Example:
        >>> root, _ = lexbor_root("<div><pre>\n\nx</pre></div>")
        >>> root.html, outer_html(root)
        ('<div><pre>\nx</pre></div>', '<div><pre>\n\nx</pre></div>')
    """
    if html is None:
        html = node.html or ""
    if not _EATER_START.search(html):
        return html
    out: list[str] = []
    # Pending work, last first: a node to write, or text written as it is.
    stack: list[LexborNode | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        text = item.html or ""
        tag = (item.tag or "").lower()
        if (
            tag.startswith("-")
            or tag in VOID_ELEMENTS
            or tag in RAW_TEXT_ELEMENTS
            or not _EATER_START.search(text)
        ):
            out.append(text)
            continue
        children = _children(item)
        inner = "".join(child.html or "" for child in children)
        end = text[text.rfind("</") :]
        start = text[: len(text) - len(end) - len(inner)]
        out.append(start)
        first = children[0] if children else None
        if (
            tag in NEWLINE_EATERS
            and first is not None
            and first.tag == "-text"
            and (first.text_content or "").startswith("\n")
        ):
            out.append("\n")
        stack.append(end)
        stack.extend(reversed(children))
    return "".join(out)


def _children(node: LexborNode) -> list[LexborNode]:
    """The child nodes of ``node``; a template's are those of its content."""
    if (node.tag or "") == "template":
        fragments = node.template_fragments()
        child = fragments[0].first_child if fragments else None
    else:
        child = node.first_child
    children: list[LexborNode] = []
    while child is not None:
        children.append(child)
        child = child.next
    return children


def comment_data(node: LexborNode) -> str:
    """The exact data of a comment node (Lexbor's comment_content strips it)."""
    html = node.html or ""
    return html[4:-3] if html.startswith("<!--") and html.endswith("-->") else ""


def _snippet(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def escape_text(data: str) -> str:
    """Text data as the HTML serialisation writes it outside raw-text
    elements (so Lexbor writes a text node, and browsers' innerHTML)."""
    return (
        data.replace("&", "&amp;")
        .replace("\xa0", "&nbsp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )
