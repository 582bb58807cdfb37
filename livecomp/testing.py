"""A test client that drives a live page in-process, with no browser.

It takes the production path end to end: the HTTP render of ``LiveApp``, a
real ``LiveSession`` joined with the signed token, every frame encoded and
decoded by ``livecomp.protocol``, and every patch applied to a DOM kept here
exactly as the browser client applies it. Only the socket is replaced by an
in-memory transport.

Example:
    ```python
    async with LiveTestClient(Thermostat) as page:
        await page.click("button[live-click=up]")
        assert "19.6" in page.html
        assert page.state.celsius == 19.6
    ```
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from livecomp.component import Component
from livecomp.dom import Element, apply_patches, find_by_cid, parse_root
from livecomp.ops import Op
from livecomp.protocol import Ack, Err, ErrorCode, Patch, Render, decode_server, encode
from livecomp.server import LiveApp
from livecomp.session import LiveSession

_CLOSE = object()
TEST_ORIGIN = "http://testserver"


class MemoryTransport:
    """An in-memory socket: frames in from the test, frames out to it."""

    def __init__(self) -> None:
        self.inbound: asyncio.Queue[object] = asyncio.Queue()
        self.outbound: asyncio.Queue[object] = asyncio.Queue()
        self.close_code: int | None = None
        self.close_reason = ""

    async def receive(self) -> str | bytes:
        item = await self.inbound.get()
        if item is _CLOSE:
            self.inbound.put_nowait(_CLOSE)
            raise ConnectionError("client closed the socket")
        assert isinstance(item, str | bytes)
        return item

    async def send(self, frame: str) -> None:
        if self.close_code is not None:
            raise ConnectionError("socket is closed")
        self.outbound.put_nowait(frame)

    async def close(self, code: int, reason: str) -> None:
        if self.close_code is None:
            self.close_code = code
            self.close_reason = reason
            self.outbound.put_nowait(_CLOSE)
            self.inbound.put_nowait(_CLOSE)


class _Failures(logging.Handler):
    """Collects the exceptions the server logs as failures of user code."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.errors.append(record.exc_info[1])


class LiveEventError(AssertionError):
    """The server refused an event the test sent (an ``err`` reply)."""

    def __init__(self, err: Err) -> None:
        super().__init__(f"{err.code.value}: {err.reason}")
        self.err = err


@dataclass
class Reply:
    """What the server sent back for one event: its patches and ack or error."""

    patches: list[Patch] = field(default_factory=list)
    error: Err | None = None

    @property
    def ops(self) -> list[Op]:
        """Every op of every patch of this reply, in order."""
        return [op for patch in self.patches for op in patch.ops]

    def frame_bytes(self) -> int:
        """Bytes these messages take on the wire (UTF-8 JSON)."""
        return sum(len(encode([p]).encode()) for p in self.patches)


class LiveTestClient:
    """Mount ``component`` as a live page and drive it like a browser would.

    Args:
        component: the root component class.
        params: the page URL's query parameters.
        origin: the Origin header the socket presents.
        check_dom: after every reply, compare the patched DOM with the
            server's own full render and fail on any difference.
        live: a configured ``LiveApp`` to use (limits, secret key).
    """

    def __init__(
        self,
        component: type[Component[Any]],
        *,
        params: dict[str, str] | None = None,
        origin: str | None = TEST_ORIGIN,
        check_dom: bool = True,
        live: LiveApp | None = None,
    ) -> None:
        self.live = live or LiveApp(secret_key="livecomp-test-client")
        self.live.page("/", component)
        self.params = params or {}
        self.origin = origin
        self.check_dom = check_dom
        self.document = ""
        self.token = ""
        self.dom: Element | None = None
        self.transport = MemoryTransport()
        self.received: list[Render | Patch | Ack | Err] = []
        self.last = Reply()
        self._ref = 0
        self._task: asyncio.Task[None] | None = None
        self._failures = _Failures()
        self.session = LiveSession(
            self.transport,
            signer=self.live.signer,
            resolve=self.live.resolve,
            origin=origin,
            host="testserver",
            config=self.live.config,
            broker=self.live.broker,
        )

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
        """Render the page over 'HTTP', then join it over the socket."""
        logging.getLogger("livecomp").addHandler(self._failures)
        self.document = await self.live.render_page("/", self.params)
        container = LexborHTMLParser(self.document).css_first("[live-page]")
        assert container is not None, "the page has no [live-page] container"
        self.token = container.attributes.get("live-token") or ""
        root = _first_element(container)
        self.dom = parse_root(root.html or "")
        self._task = asyncio.create_task(self.session.run())
        await self.send_raw(json.dumps({"t": "join", "token": self.token}))
        await self._read_until(lambda m: isinstance(m, Render))
        self._check()

    async def close(self) -> None:
        """Close the socket and wait until the page has unmounted."""
        self.transport.inbound.put_nowait(_CLOSE)
        try:
            if self._task is not None:
                await self._task
        finally:
            logging.getLogger("livecomp").removeHandler(self._failures)

    @property
    def closed(self) -> tuple[int, str] | None:
        """``(code, reason)`` once the server closed the socket."""
        if self.transport.close_code is None:
            return None
        return self.transport.close_code, self.transport.close_reason

    # --- reading the page ---------------------------------------------------

    @property
    def html(self) -> str:
        """The root component's HTML as the browser has it after every patch."""
        assert self.dom is not None, "the client is not open"
        return self.dom.outer_html()

    @property
    def root(self) -> Component[Any]:
        """The root component instance on the server."""
        assert self.session.page is not None, "the page has not joined"
        return self.session.page.root

    @property
    def state(self) -> Any:
        """The root component's state."""
        return self.root.state

    def component(self, selector: str) -> Component[Any]:
        """The component whose markup contains the element ``selector`` matches."""
        assert self.session.page is not None
        return self.session.page.component(_closest_cid(self._select(selector)))

    def text(self, selector: str) -> str:
        """The text content of the element ``selector`` matches."""
        return self._select(selector).text(deep=True)

    def query(self, selector: str) -> list[LexborNode]:
        """Every element of the current DOM that ``selector`` matches."""
        return list(LexborHTMLParser(self.html, is_fragment=True).css(selector))

    @property
    def last_ops(self) -> list[Op]:
        """The ops of the last reply, in order."""
        return self.last.ops

    # --- acting -------------------------------------------------------------

    async def click(self, selector: str, *, check: bool = True) -> Reply:
        """Click the element ``selector`` matches, as the browser client would."""
        node = self._select(selector)
        target = _closest(node, "live-click")
        if target is None:
            raise LookupError(f"{selector!r} matches no element with live-click, nor inside one")
        values = {
            name[len("live-value-") :]: value or ""
            for name, value in target.attributes.items()
            if name.startswith("live-value-")
        }
        return await self.send_event(
            target.attributes["live-click"] or "", values, cid=_closest_cid(target), check=check
        )

    async def send_event(
        self,
        event: str,
        value: dict[str, Any] | None = None,
        *,
        cid: str | None = None,
        check: bool = True,
    ) -> Reply:
        """Send ``event`` with ``value`` to component ``cid`` (default: the root).

        Raises the handler's own exception if it raised, and LiveEventError
        if the server refused the event, unless ``check`` is False.
        """
        self._ref += 1
        ref = self._ref
        if cid is None:
            assert self.session.page is not None
            cid = self.session.page.root_cid
        frame = {"t": "event", "ref": ref, "cid": cid, "event": event, "value": value or {}}
        await self.send_raw(json.dumps(frame))
        messages = await self._read_until(
            lambda m: isinstance(m, Ack | Err) and m.ref == ref
        )
        reply = Reply(patches=[m for m in messages if isinstance(m, Patch)])
        end = messages[-1]
        self.last = reply
        if isinstance(end, Err):
            reply.error = end
            if end.code is ErrorCode.HANDLER_ERROR and self._failures.errors:
                raise self._failures.errors.pop()
            if check:
                raise LiveEventError(end)
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
        """Wait until everything queued on the server so far is handled and sent.

        Returns the patches that arrived meanwhile (ticks, broadcasts).
        """
        await self.session.settled()
        patches: list[Patch] = []
        # Only the frames sent before the barrier: timers may keep adding more.
        for _ in range(self.transport.outbound.qsize()):
            patches.extend(m for m in await self.receive() if isinstance(m, Patch))
        if self._failures.errors:
            raise self._failures.errors.pop()
        self.last = Reply(patches=patches)
        self._check()
        return self.last

    async def next_patch(self, timeout: float = 5.0) -> Patch:
        """Wait for the next patch the server sends on its own (a tick, a broadcast)."""
        async with asyncio.timeout(timeout):
            while True:
                for message in await self.receive(timeout):
                    if isinstance(message, Patch):
                        self.last = Reply(patches=[message])
                        self._check()
                        return message

    async def send_raw(self, frame: str | bytes) -> None:
        """Put one raw frame on the socket, exactly as given."""
        self.transport.inbound.put_nowait(frame)

    async def receive(self, timeout: float = 5.0) -> list[Render | Patch | Ack | Err]:
        """The messages of the next frame from the server (applied to the DOM)."""
        item = await asyncio.wait_for(self.transport.outbound.get(), timeout)
        if item is _CLOSE:
            self.transport.outbound.put_nowait(_CLOSE)
            raise ConnectionError(f"server closed the socket: {self.closed}")
        assert isinstance(item, str)
        messages = decode_server(item)
        for message in messages:
            self._apply(message)
        self.received.extend(messages)
        return messages

    # --- internals ----------------------------------------------------------

    async def _read_until(self, done: Any) -> list[Render | Patch | Ack | Err]:
        collected: list[Render | Patch | Ack | Err] = []
        while True:
            for message in await self.receive():
                collected.append(message)
                if done(message):
                    return collected

    def _apply(self, message: Render | Patch | Ack | Err) -> None:
        assert self.dom is not None
        match message:
            case Render(cid=cid, html=html):
                target = find_by_cid(self.dom, cid)
                assert target is not None, f"render for unknown component {cid}"
                fresh = parse_root(html)
                target.tag, target.attrs, target.children = fresh.tag, fresh.attrs, fresh.children
            case Patch(cid=cid, ops=ops):
                target = find_by_cid(self.dom, cid)
                assert target is not None, f"patch for component {cid}, not in the DOM"
                # A mismatch would make the browser resync: in tests it is a bug.
                apply_patches(target, ops)
            case _:
                pass

    def _check(self) -> None:
        page = self.session.page
        if not self.check_dom or page is None or self.dom is None:
            return
        if self.session.sending or not self.transport.outbound.empty():
            # Timers moved the page on and their patches are still on the way.
            return
        expected = parse_root(page.full_html(page.root_cid)).outer_html()
        actual = self.dom.outer_html()
        assert actual == expected, (
            "the patched DOM differs from the server's render\n"
            f"patched: {actual}\nserver:  {expected}"
        )

    def _select(self, selector: str) -> LexborNode:
        found = LexborHTMLParser(self.html, is_fragment=True).css_first(selector)
        if found is None:
            raise LookupError(f"no element matches {selector!r} in the page")
        return found


def _first_element(node: LexborNode) -> LexborNode:
    child = node.child
    while child is not None and child.tag in ("-text", "_comment", "-comment"):
        child = child.next
    assert child is not None, "the live page container holds no element"
    return child


def _closest(node: LexborNode | None, attribute: str) -> LexborNode | None:
    while node is not None and node.tag not in ("-document", "html"):
        if attribute in node.attributes:
            return node
        node = node.parent
    return None


def _closest_cid(node: LexborNode) -> str:
    owner = _closest(node, "live-cid")
    if owner is None:
        raise LookupError("element is not inside any component")
    return owner.attributes["live-cid"] or ""
