"""The page as the browser has it.

The key idea: the client keeps the page the way the browser client does. It
reads the token, the socket path and the root component's markup from the
document the GET returned, then applies every ``render`` and ``patch`` to its
own DOM exactly as the browser applies them; compared with the server's full
render of the page, that DOM must be the same, except where the server's
render does not say what the browser has.

That is inside a ``live-update`` container (docs/protocol.md, "live-update").
Its children belong to the client, so ``assert_rendered`` compares what the
server's render does say there:

- the container itself (tag and attributes) is compared as any element;
- under ``ignore``, its children are not compared at all (a script owns them);
- under ``append``, ``prepend`` and ``stream``, each keyed item of the server's render
  (``names.KEY_ATTRS``) must be among the container's children on the client,
  equal to it under these same rules (the n-th item of a repeated key is
  compared with the n-th child of that key); text, comments, unkeyed
  elements, and children the server no longer renders are not compared (a
  stream's stored render holds no items after its first render:
  ``livecomp.streams``);
- a ``live-update`` value that is not one of ``replace``, ``ignore``,
  ``append``, ``prepend``, ``stream``, and a container without a key (``id`` or
  ``live-id``; without one the client cannot find it again after a render),
  fail the check: they are mistakes in the template.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from livecomp.dom import Element, Node, find_by_cid, parse_root
from livecomp.names import EMBEDDED, KEPT_UPDATES, PAGE, SOCKET, TOKEN, UPDATE
from livecomp.page import LivePage
from livecomp.patching import apply_patches, element_key, morph, update_mode
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
    #: Whether the page is embedded in a document of the app's (``live_embed``).
    embedded: bool = False


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
        embedded=EMBEDDED in container.attributes,
    )


def apply_message(dom: Element, message: ServerMessage) -> None:
    """Apply one server message to ``dom`` as the browser client does."""
    match message:
        case Render(cid=cid, html=html):
            target = find_by_cid(dom, cid)
            assert target is not None, f"render for unknown component {cid}"
            # Morphed, as the browser does: live-update containers keep their children.
            morph(target, parse_root(html))
        case Patch(cid=cid, ops=ops):
            target = find_by_cid(dom, cid)
            assert target is not None, f"patch for component {cid}, not in the DOM"
            # A mismatch would make the browser resync: in tests it is a bug.
            apply_patches(target, ops)
        case _:
            pass


def assert_rendered(dom: Element, page: LivePage) -> None:
    """Fail unless ``dom`` equals the server's full render of ``page``, where
    that render says what the browser must have (see the module's docstring)."""
    html = page.full_html(page.root_cid)
    server = parse_root(html)
    _check_containers(server)
    if UPDATE in html:
        server, client = _comparable(server, dom)
    else:
        client = dom
    expected, actual = server.outer_html(), client.outer_html()
    assert actual == expected, (
        f"the patched DOM differs from the server's render\npatched: {actual}\nserver:  {expected}"
    )


def _check_containers(root: Element) -> None:
    for element in root.iter():
        mode = element.attrs.get(UPDATE)
        if mode is None or mode == "replace":
            continue
        start = element.outer_html()[:80]
        assert mode in KEPT_UPDATES, (
            f"{UPDATE}={mode!r} is none of replace, ignore, append, prepend, stream, in {start}"
        )
        assert element_key(element) is not None, (
            f"a {UPDATE}={mode!r} container needs an id (or live-id), so the client finds it "
            f"again after a render: {start}"
        )


def _comparable(server: Element, client: Element) -> tuple[Element, Element]:
    """Copies of both trees, with the children of each live-update container
    cut down to what can be compared: none under ``ignore``; the server's
    items, and the client's children of the same keys in the same order,
    under ``append`` and ``prepend``."""
    server_copy = _shallow(server)
    client_copy = _shallow(client)
    mode = update_mode(server)
    if mode is None:
        pairs: list[tuple[Node, Node]] = list(zip(server.children, client.children, strict=False))
        if len(server.children) != len(client.children):
            # Different anyway: show both as they are.
            server_copy.children, client_copy.children = server.children, client.children
            return server_copy, client_copy
    elif mode == "ignore" or client.tag != server.tag:
        return server_copy, client_copy
    else:
        found: dict[tuple[str, str, str], list[Element]] = {}
        for child in client.children:
            if isinstance(child, Element) and (key := element_key(child)) is not None:
                found.setdefault(key, []).append(child)
        seen: dict[tuple[str, str, str], int] = {}
        pairs = []
        for item in server.children:
            key = element_key(item) if isinstance(item, Element) else None
            if key is None:
                continue
            nth = seen[key] = seen.get(key, -1) + 1
            same = found.get(key, [])
            if nth < len(same):
                pairs.append((item, same[nth]))
            else:
                server_copy.children.append(item)  # missing on the client: shows
    for theirs, ours in pairs:
        if isinstance(theirs, Element) and isinstance(ours, Element):
            theirs, ours = _comparable(theirs, ours)
        server_copy.children.append(theirs)
        client_copy.children.append(ours)
    return server_copy, client_copy


def _shallow(element: Element) -> Element:
    """``element`` without its children (a template keeps its content)."""
    return Element(element.tag, element.attrs, [], element.namespace, element.content)
