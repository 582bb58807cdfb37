"""The page as the browser has it.

The key idea: the client keeps the page the way the browser client does. It
reads the token, the socket path and the root component's markup from the
document the GET returned, then applies every ``render`` and ``patch`` to its
own DOM exactly as the browser applies them; compared with the server's full
render of the page, that DOM must be the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from livecomp.dom import Element, apply_patches, find_by_cid, parse_root
from livecomp.names import PAGE, SOCKET, TOKEN
from livecomp.page import LivePage
from livecomp.protocol import Patch, Render, ServerMessage
from livecomp.security import TokenError, TokenSigner
from livecomp.testing.nodes import first_element


@dataclass
class LiveDocument:
    """What a live page's document gives the browser client."""

    #: The signed page token.
    token: str
    #: The websocket path, with its query string if any.
    socket_path: str
    #: The root component's element, as first rendered.
    dom: Element
    #: The page's session id, from the token ("" if the token does not verify).
    page_id: str


def read_document(document: str, path: str, signer: TokenSigner) -> LiveDocument:
    """The live page of the ``document`` served at ``path``; ``signer`` reads its token.

    Raises:
        AssertionError: the document holds no live page.
    """
    container = LexborHTMLParser(document).css_first(f"[{PAGE}]")
    if container is None:
        raise AssertionError(f"GET {path} returned no [{PAGE}] element: not a live page")
    token = container.attributes.get(TOKEN) or ""
    try:
        page_id = signer.verify(token).session_id
    except TokenError:
        page_id = ""  # the server refuses the join and says why
    return LiveDocument(
        token=token,
        socket_path=container.attributes.get(SOCKET) or "",
        dom=parse_root(first_element(container).html or ""),
        page_id=page_id,
    )


def apply_message(dom: Element, message: ServerMessage) -> None:
    """Apply one server message to ``dom`` as the browser client does."""
    match message:
        case Render(cid=cid, html=html):
            target = find_by_cid(dom, cid)
            assert target is not None, f"render for unknown component {cid}"
            fresh = parse_root(html)
            target.tag, target.attrs, target.children = fresh.tag, fresh.attrs, fresh.children
        case Patch(cid=cid, ops=ops):
            target = find_by_cid(dom, cid)
            assert target is not None, f"patch for component {cid}, not in the DOM"
            # A mismatch would make the browser resync: in tests it is a bug.
            apply_patches(target, ops)
        case _:
            pass


def assert_rendered(dom: Element, page: LivePage) -> None:
    """Fail unless ``dom`` equals the server's full render of ``page``."""
    expected = parse_root(page.full_html(page.root_cid)).outer_html()
    actual = dom.outer_html()
    assert actual == expected, (
        f"the patched DOM differs from the server's render\npatched: {actual}\nserver:  {expected}"
    )
