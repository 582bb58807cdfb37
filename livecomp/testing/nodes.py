"""Finding elements in a Lexbor tree, as the browser client finds them.

The key idea: the client walks up from the element a test names, exactly as
the browser client walks up from the element the user acted on: to the
nearest element with a binding, the nearest form, the nearest component
(``live-cid``). The walks stop at the document, never past it.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from livecomp.names import CID, PAGE


def select(html: str, selector: str) -> LexborNode:
    """The first element of the fragment ``html`` that ``selector`` matches.

    Raises:
        LookupError: no element matches.
    """
    found = LexborHTMLParser(html, is_fragment=True).css_first(selector)
    if found is None:
        raise LookupError(f"no element matches {selector!r} in the page")
    return found


def first_element(node: LexborNode) -> LexborNode:
    """The first child of ``node`` that is an element (the page's root)."""
    child = node.child
    while child is not None and child.tag in ("-text", "-comment"):
        child = child.next
    assert child is not None, f"the [{PAGE}] container holds no element"
    return child


def first_child(parent: LexborNode, tag: str) -> LexborNode | None:
    """The first child of ``parent`` with ``tag``."""
    child = parent.child
    while child is not None and child.tag != tag:
        child = child.next
    return child


def closest(node: LexborNode | None, attribute: str) -> LexborNode | None:
    """``node`` or its nearest ancestor that has ``attribute``."""
    while node is not None and node.tag not in ("-document", "html"):
        if attribute in node.attributes:
            return node
        node = node.parent
    return None


def closest_tag(node: LexborNode | None, tag: str) -> LexborNode | None:
    """``node`` or its nearest ancestor that is a ``tag`` element."""
    while node is not None and node.tag not in ("-document", "html"):
        if node.tag == tag:
            return node
        node = node.parent
    return None


def closest_cid(node: LexborNode) -> str:
    """The id of the component whose markup holds ``node``.

    Raises:
        LookupError: ``node`` is inside no component.
    """
    owner = closest(node, CID)
    if owner is None:
        raise LookupError("element is not inside any component")
    return owner.attributes[CID] or ""
