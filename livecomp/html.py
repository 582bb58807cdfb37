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

__all__ = [
    "HTML_NS",
    "MATHML_NS",
    "SVG_NS",
    "WHITESPACE",
    "RootError",
    "child_namespace",
    "comment_data",
    "lexbor_root",
    "lexbor_top_nodes",
    "root_context",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HTML_NS: Final = "html"
SVG_NS: Final = "svg"
MATHML_NS: Final = "math"

# The HTML spec's "ASCII whitespace"; str.isspace() would also accept U+00A0,
# which the parser keeps as text.
WHITESPACE: Final = " \t\n\f\r"

# Root tag -> the element a browser would have around it.
_ROOT_CONTEXT: Final = {
    "tr": "tbody",
    "td": "tr",
    "th": "tr",
    "thead": "table",
    "tbody": "table",
    "tfoot": "table",
    "caption": "table",
    "colgroup": "table",
    "col": "colgroup",
    "option": "select",
    "optgroup": "select",
}
# Tags that only exist in SVG: a component rooted at one lives inside an <svg>.
_SVG_ONLY: Final = _words(
    "g circle rect path line polyline polygon ellipse text tspan textpath defs use "
    "symbol marker clippath mask pattern lineargradient radialgradient stop filter "
    "foreignobject animate animatemotion animatetransform set fegaussianblur feoffset "
    "feblend fecolormatrix fecomposite feflood femerge femergenode feimage "
    "feturbulence fedropshadow"
)
_MATHML_ONLY: Final = _words(
    "mi mo mn ms mtext mrow mfrac msqrt mroot msub msup msubsup munder mover "
    "munderover mtable mtr mtd mspace mstyle mpadded mphantom menclose merror "
    "mmultiscripts semantics annotation annotation-xml"
)
_SVG_HTML_POINTS: Final = frozenset({"foreignobject", "desc", "title"})
_MATHML_TEXT_POINTS: Final = frozenset({"mi", "mo", "mn", "ms", "mtext"})
# Start tags that leave foreign content; in a fragment parsed in an SVG or
# MathML context they become HTML elements at the top level.
_BREAKOUT: Final = _words(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 "
    "head hr i img li listing menu meta nobr ol p pre ruby s small span strong strike "
    "sub sup table tt u ul var"
)
_ROOT_TAG: Final = re.compile(r"[ \t\n\f\r]*<([A-Za-z][^\t\n\f\r />]*)")


class RootError(ValueError):
    """HTML meant as one component render has zero or several root nodes."""


def root_context(tag: str) -> tuple[str, str]:
    """The (context tag, namespace) a component root ``tag`` is parsed in."""
    name = tag.lower()
    if name in _ROOT_CONTEXT:
        return _ROOT_CONTEXT[name], HTML_NS
    if name in _SVG_ONLY:
        return "svg", SVG_NS
    if name in _MATHML_ONLY:
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
    foreign = (parent_ns == SVG_NS and parent not in _SVG_HTML_POINTS) or (
        parent_ns == MATHML_NS
        and not (parent in _MATHML_TEXT_POINTS and name not in {"mglyph", "malignmark"})
    )
    if foreign:
        if top and name in _BREAKOUT:
            return HTML_NS
        if parent_ns == MATHML_NS and parent == "annotation-xml" and name == "svg":
            return SVG_NS
        return parent_ns
    if name == "svg":
        return SVG_NS
    if name == "math":
        return MATHML_NS
    return HTML_NS


def comment_data(node: LexborNode) -> str:
    """The exact data of a comment node (Lexbor's comment_content strips it)."""
    html = node.html or ""
    return html[4:-3] if html.startswith("<!--") and html.endswith("-->") else ""


def _snippet(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")
