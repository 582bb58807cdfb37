"""``LiveTestClient``: a live page driven in-process, as a browser drives it.

The key idea: the client reads and acts only through what a browser has. It
GETs the page, joins with the token the document carries over the app's own
socket, finds elements and fills in forms in the DOM it keeps, and sends the
events the browser client would send. Every frame's patches are applied to
that DOM as the browser applies them, and after every reply it must equal the
server's own render of the page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from quart import Quart
from quart.typing import TestClientProtocol
from selectolax.lexbor import LexborHTMLParser, LexborNode

from livecomp.component import Component
from livecomp.dom import Element, parse_root
from livecomp.ops import Op
from livecomp.protocol import (
    Ack,
    Err,
    ErrorCode,
    Navigate,
    Patch,
    PatchUrl,
    Push,
    Redirect,
    Render,
    ServerMessage,
    Unchanged,
)
from livecomp.security import TokenError
from livecomp.server import LiveApp
from livecomp.session import LiveSession
from livecomp.testing.app import Lifespan, cookie_header, get_page, resolve
from livecomp.testing.document import apply_message, assert_rendered, read_document
from livecomp.testing.forms import FormActions
from livecomp.testing.history import NavigationActions
from livecomp.testing.nodes import closest_cid, select
from livecomp.testing.reply import LiveEventError, Reply
from livecomp.testing.socket import MemorySocket, socket_scope

#: The Host header the client presents, over HTTP and on the socket: the one
#: Quart's own test client presents, so cookies a test gets from it (a login)
#: belong to the same site as the page's.
TEST_HOST = "localhost"
#: The Origin header the socket presents: the page's own host, as a browser's.
TEST_ORIGIN = "http://localhost"


class LiveTestClient(NavigationActions, FormActions):
    """Open the live page at ``path`` of an app and drive it as a browser would.

    Args:
        target: the Quart app (with a ``LiveApp``), a ``LiveApp``, or, for a
            quick test, a component class, served at ``/`` by a new app.
        path: the page's path, with its query string if any.
        origin: the Origin header the socket presents (None: no header).
        headers: more headers for the GET and the socket handshake.
        check_dom: after every reply, compare the patched DOM with the
            server's own full render and fail on any difference.
        lifespan: run the app's startup and shutdown (``before_serving``,
            ``after_serving``) around the client, once for all the clients
            open on one app at a time. Never for an app the client built.
        http: the Quart test client whose cookies the page is opened with
            (a logged-in session); the GET's cookies land in it, and the
            socket's handshake carries them. Default: a fresh one. Tabs of
            one browser share one.

    Raises:
        AssertionError: the GET did not answer 200 with a live page.
        ConnectionError: the server closed the socket instead of joining
            (``closed`` says why).
    """

    def __init__(
        self,
        target: Quart | LiveApp | type[Component[Any]],
        path: str = "/",
        *,
        origin: str | None = TEST_ORIGIN,
        headers: Mapping[str, str] | None = None,
        check_dom: bool = True,
        lifespan: bool = True,
        http: TestClientProtocol | None = None,
    ) -> None:
        self.app, self.live, built = resolve(target)
        self.path = path
        #: The browser's cookies: the GET's and the socket's.
        self.http = http or self.app.test_client()
        #: The page's URL as the browser shows it (after redirects, URL changes).
        self.url = path
        #: Where the server sent the browser (a ``redirect`` message), if it did.
        self.redirected_to: str | None = None
        self.origin = origin
        self.headers = {name.lower(): value for name, value in (headers or {}).items()}
        self.headers.setdefault("host", TEST_HOST)
        self.check_dom = check_dom
        #: The HTML document the GET returned.
        self.document = ""
        #: The signed page token the document carries (after a ``navigate``, the new page's).
        self.token = ""
        #: The title a ``navigate`` set (None until one came).
        self.title: str | None = None
        #: Whether the page is embedded in a document of the app's: the join
        #: then names no URL (the page's is not the document's).
        self.embedded = False
        #: The websocket path the document names.
        self.socket_path = ""
        #: The page's session id, from the token.
        self.page_id = ""
        self.dom: Element | None = None
        #: Every message the server sent, in order.
        self.received: list[ServerMessage] = []
        #: Every event pushed to the page's hooks (``push_event``), in order:
        #: ``(event, data)``.
        self.pushed: list[tuple[str, Any]] = []
        #: The last reply (event, settle, next patch).
        self.last = Reply()
        self._ref = 0
        self._lifespan = Lifespan.of(self.app) if lifespan and not built else None
        self._in_lifespan = False
        self._socket = MemorySocket(self.app, self._on_frame)
        self._ended = False

    async def __aenter__(self) -> LiveTestClient:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- connection ---------------------------------------------------------

    async def open(self) -> None:
        """GET the page, open its socket and join: ``connect()``, then ``join()``."""
        try:
            await self.connect()
            await self.join()
        except BaseException:
            await self.close()
            raise

    async def connect(self) -> None:
        """GET the page through the app and open its socket, without joining.

        Then ``send_raw`` puts any first frame on the socket (a forged join).
        """
        try:
            await self._connect()
        except BaseException:
            await self.close()
            raise

    async def _connect(self) -> None:
        if self._lifespan is not None:
            await self._lifespan.enter()
            self._in_lifespan = True
        self.url, self.document = await get_page(self.http, self.path, self.headers)
        self.start_history(self.url)
        live = read_document(self.document, self.url, self.live.signer)
        self.token, self.socket_path, self.dom = live.token, live.socket_path, live.dom
        self.embedded = live.embedded
        self.page_id = live.page_id
        self._socket.failures.watch(self.page_id)
        headers = dict(self.headers)
        cookies = cookie_header(self.http)
        if cookies:
            headers["cookie"] = cookies
        await self._socket.open(socket_scope(self.socket_path, headers, self.origin))

    async def join(self, token: str | None = None, *, url: str | None = None) -> None:
        """Send the join (the page's token, or ``token``; the browser's URL, or
        ``url``, none for an embedded page) and wait for its answer: the
        root's render, or ``unchanged`` when the page mounted to what the
        document already shows."""
        frame = {"t": "join", "token": self.token if token is None else token}
        if url is not None or not self.embedded:
            frame["url"] = self.url if url is None else url
        await self.send_raw(json.dumps(frame))
        # The root's render, or ``unchanged``: the document is the page.
        await self._socket.read_until(lambda m: isinstance(m, Render | Unchanged))
        self._socket.raise_failures()
        self._check()

    async def _load(self, url: str) -> None:
        # Another document in this tab: a new socket, the same cookies.
        await self._socket.close()
        self._socket.failures.unwatch()
        self._socket = MemorySocket(self.app, self._on_frame)
        self.path, self.redirected_to, self.received, self.pushed = url, None, [], []
        try:
            await self._connect()
            await self.join()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Close the socket, wait until the page has unmounted, run shutdown."""
        if self._ended:
            return
        self._ended = True
        try:
            await self._socket.close()
        finally:
            self._socket.failures.unwatch()
            if self._in_lifespan and self._lifespan is not None:
                self._in_lifespan = False
                await self._lifespan.leave()

    async def wait_closed(self, timeout: float = 5.0) -> tuple[int, str] | None:
        """Wait until the server has ended the socket on its own; return ``closed``."""
        await self._socket.wait_ended(timeout)
        return self.closed

    @property
    def closed(self) -> tuple[int, str] | None:
        """``(code, reason)`` once the server closed the socket."""
        return self._socket.closed

    def pause_reading(self) -> None:
        """Stop taking frames off the socket, like a client on a stalled network:
        the server's sends block until ``resume_reading``."""
        self._socket.pause_reading()

    def resume_reading(self) -> None:
        """Take frames off the socket again."""
        self._socket.resume_reading()

    # --- reading the page ---------------------------------------------------

    @property
    def session(self) -> LiveSession:
        """The server's session of this client's socket."""
        if self._socket.session is None:
            raise RuntimeError("the client has no session: it has not connected")
        return self._socket.session

    @property
    def html(self) -> str:
        """The root component's HTML as the browser has it after every patch."""
        assert self.dom is not None, "the client is not open"
        return self.dom.outer_html()

    @property
    def root(self) -> Component[Any]:
        """The root component instance on the server."""
        page = self.session.page
        assert page is not None, "the page has not joined"
        return page.root

    @property
    def state(self) -> Any:
        """The root component's state."""
        return self.root.state

    def component(self, selector: str) -> Component[Any]:
        """The component whose markup contains the element ``selector`` matches."""
        page = self.session.page
        assert page is not None, "the page has not joined"
        return page.component(closest_cid(select(self.html, selector)))

    def text(self, selector: str) -> str:
        """The text content of the element ``selector`` matches."""
        return select(self.html, selector).text(deep=True)

    def query(self, selector: str) -> list[LexborNode]:
        """Every element of the current DOM that ``selector`` matches."""
        return list(LexborHTMLParser(self.html, is_fragment=True).css(selector))

    @property
    def last_ops(self) -> list[Op]:
        """The ops of the last reply, in order."""
        return self.last.ops

    # --- acting -------------------------------------------------------------
    # (click, keydown, focus and the other element and window bindings:
    # BindingActions, in bindings.py; forms: FormActions, in forms.py; the
    # URL: NavigationActions, in history.py)

    async def send_event(
        self,
        event: str,
        value: Mapping[str, Any] | None = None,
        *,
        cid: str | None = None,
        check: bool = True,
    ) -> Reply:
        """Send ``event`` with ``value`` to component ``cid`` (default: the root).

        Raises the handler's own exception if it raised (whatever ``check``),
        and LiveEventError if the server refused the event, unless ``check``
        is False.
        """
        if cid is None:
            page = self.session.page
            assert page is not None, "the page has not joined"
            cid = page.root_cid
        frame = {"t": "event", "cid": cid, "event": event, "value": dict(value or {})}
        return await self._exchange(frame, check)

    async def _exchange(self, frame: dict[str, Any], check: bool) -> Reply:
        """Send ``frame`` with a new ``ref`` and wait for its ack or err."""
        self._ref += 1
        ref = self._ref
        await self.send_raw(json.dumps({**frame, "ref": ref}))
        messages = await self._socket.read_until(
            lambda m: isinstance(m, Ack | Err) and m.ref == ref
        )
        reply = Reply(patches=[m for m in messages if isinstance(m, Patch)])
        self.last = reply
        end = messages[-1]
        if isinstance(end, Err):
            reply.error = end
            # What the server logged answering it (a handler, the user loader).
            self._socket.raise_failures(end.reason if end.code is ErrorCode.HANDLER_ERROR else None)
            if check:
                raise LiveEventError(end)
        self._socket.raise_failures()
        self._check()
        return reply

    async def send_message(self, cid: str, message: str, data: Any = None) -> Reply:
        """Deliver a server-side message to component ``cid``, as a timer would.

        Returns the patches it caused once it has been handled. Raises the
        handler's exception if it raised.
        """
        self.session.post(cid, message, data)
        return await self.settle()

    async def settle(self) -> Reply:
        """Wait until everything queued on the page so far is handled and sent.

        Returns the patches that arrived meanwhile (ticks, broadcasts). Raises
        the exception of any handler that failed meanwhile.
        """
        await self.session.settled()
        # Taking what has arrived does not yield: timers cannot add more meanwhile.
        patches = [m for m in self._socket.drain() if isinstance(m, Patch)]
        self._socket.raise_failures()
        self.last = Reply(patches=patches)
        self._check()
        return self.last

    async def next_patch(self, timeout: float = 5.0) -> Patch:
        """Wait for the next patch the server sends on its own (a tick, a broadcast).

        Raises the exception of a handler that failed meanwhile, as soon as
        the server has logged it.
        """
        patch = await self._socket.next_patch(timeout)
        self._socket.raise_failures()
        self.last = Reply(patches=[patch])
        self._check()
        return patch

    async def send_raw(self, frame: str | bytes) -> None:
        """Put one raw frame on the socket, exactly as given."""
        self._socket.send(frame)

    async def receive(self, timeout: float = 5.0) -> list[ServerMessage]:
        """The messages of the next frame from the server (applied to the DOM).

        Raises ConnectionError once the server has closed the socket.
        """
        return await self._socket.receive(timeout, failures=False)

    # --- internals ----------------------------------------------------------

    def _on_frame(self, messages: list[ServerMessage]) -> None:
        """Apply a frame from the server to the DOM, as the browser client does."""
        assert self.dom is not None
        for message in messages:
            apply_message(self.dom, message)
            if isinstance(message, Push):
                self.pushed.append((message.event, message.data))
            elif isinstance(message, PatchUrl) and not self.embedded:
                self.url_patched(message.url, replace=message.replace)
            elif isinstance(message, Redirect) and self.redirected_to is None:
                self.redirected_to = message.url
            elif isinstance(message, Navigate):
                self._navigated(message)
        self.received.extend(messages)

    def _navigated(self, message: Navigate) -> None:
        """The server's ``navigate``: another live page over the same socket,
        as the browser client swaps it in (its DOM, token, title, a history entry)."""
        self.dom = parse_root(message.html)
        self.token = message.token
        self.title = message.title
        try:
            self.page_id = self.live.signer.verify(message.token).session_id
        except TokenError:
            self.page_id = ""
        self._socket.failures.watch(self.page_id)
        if not self.embedded:
            self.url_patched(message.url, replace=message.replace)

    def _check(self) -> None:
        session = self._socket.session
        if not self.check_dom or session is None or self.dom is None:
            return
        page = session.page
        if page is None or self._socket.closed is not None or self.redirected_to is not None:
            return
        if session.sending or self._socket.pending:
            # Timers moved the page on and their patches are still on the way.
            return
        assert_rendered(self.dom, page)
