"""A test client that drives a live app in-process, with no browser.

The key idea: the client goes through the app the way a browser does. It GETs
the page through the Quart app, reads the signed token and the socket path
from the document, and joins through the app's own ASGI callable over an
in-memory websocket, so routing, the Origin check and the token check are the
ones production runs. Every patch is applied to a DOM kept here exactly as the
browser client applies it, and after every reply that DOM must equal the
server's own render of the page.

Example:
    ```python
    async with LiveTestClient(create_app(), "/") as page:
        await page.click("button[live-click=up]")
        assert page.text("p") == "19.6 °C"
        assert page.state.celsius == 19.6
        await page.submit("form", {"zone": "Asia/Tokyo"})
    ```
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, ClassVar

from quart import Quart
from quart.signals import got_request_exception
from selectolax.lexbor import LexborHTMLParser, LexborNode

from livecomp.component import Component
from livecomp.dom import Element, apply_patches, find_by_cid, parse_root
from livecomp.names import BINDINGS, CID, PAGE, SOCKET, TOKEN, VALUE_PREFIX
from livecomp.ops import Op
from livecomp.protocol import Ack, Err, ErrorCode, Patch, Render, decode_server, encode
from livecomp.security import TokenError
from livecomp.server import SESSION_SCOPE_KEY, LiveApp
from livecomp.session import LiveSession

ServerMessage = Render | Patch | Ack | Err
Message = MutableMapping[str, Any]
FormData = dict[str, str | list[str]]

#: The Host header the client presents, over HTTP and on the socket.
TEST_HOST = "testserver"
#: The Origin header the socket presents: the page's own host, as a browser's.
TEST_ORIGIN = "http://testserver"
_TEST_SECRET = "livecomp-test-client"
# Put on the client's queue when the app's websocket handler returns.
_ENDED = "livecomp.testing.ended"
# Put on the client's queue when the server logs a failure of this page.
_FAILED = "livecomp.testing.failed"


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
    ) -> None:
        self.app, self.live, built = _resolve(target)
        self.path = path
        self.origin = origin
        self.headers = {name.lower(): value for name, value in (headers or {}).items()}
        self.headers.setdefault("host", TEST_HOST)
        self.check_dom = check_dom
        #: The HTML document the GET returned.
        self.document = ""
        #: The signed page token the document carries.
        self.token = ""
        #: The websocket path the document names.
        self.socket_path = ""
        #: The page's session id, from the token.
        self.page_id = ""
        self.dom: Element | None = None
        #: Every message the server sent, in order.
        self.received: list[ServerMessage] = []
        #: The last reply (event, settle, next patch).
        self.last = Reply()
        self._ref = 0
        self._lifespan = _Lifespan.of(self.app) if lifespan and not built else None
        self._in_lifespan = False
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._reading = asyncio.Event()
        self._reading.set()
        self._app_task: asyncio.Task[None] | None = None
        self._app_error: BaseException | None = None
        self._app_error_raised = False
        self._close: tuple[int, str] | None = None
        self._session: LiveSession | None = None
        self._failures = _FailureLog(lambda: self._from_app.put_nowait({"type": _FAILED}))
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
        self.document = await self._get()
        container = LexborHTMLParser(self.document).css_first(f"[{PAGE}]")
        if container is None:
            raise AssertionError(f"GET {self.path} returned no [{PAGE}] element: not a live page")
        self.token = container.attributes.get(TOKEN) or ""
        self.socket_path = container.attributes.get(SOCKET) or ""
        self.dom = parse_root(_first_element(container).html or "")
        try:
            self.page_id = self.live.signer.verify(self.token).session_id
        except TokenError:
            self.page_id = ""  # the server refuses the join and says why
        self._failures.page = self.page_id
        logging.getLogger("livecomp").addHandler(self._failures)

        scope = self._socket_scope()
        self._to_app.put_nowait({"type": "websocket.connect"})
        self._app_task = asyncio.create_task(self._run_app(scope))
        message = await self._next_from_app(5.0)
        if message["type"] != "websocket.accept":
            self._from_app.put_nowait(message)
            raise self._socket_gone()
        session = scope.get(SESSION_SCOPE_KEY)
        if isinstance(session, LiveSession):
            self._session = session

    async def join(self, token: str | None = None) -> None:
        """Send the join (the page's token, or ``token``) and wait for the render."""
        await self.send_raw(
            json.dumps({"t": "join", "token": self.token if token is None else token})
        )
        await self._read_until(lambda m: isinstance(m, Render))
        self._raise_failures()
        self._check()

    async def close(self) -> None:
        """Close the socket, wait until the page has unmounted, run shutdown."""
        if self._ended:
            return
        self._ended = True
        try:
            if self._app_task is not None:
                self._to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
                self._reading.set()
                try:
                    await asyncio.wait_for(asyncio.shield(self._app_task), 10.0)
                except TimeoutError:
                    raise TimeoutError(
                        "the page did not end within 10 s of the disconnect"
                    ) from None
                if self._app_error is not None and not self._app_error_raised:
                    self._app_error_raised = True
                    raise self._app_error
        finally:
            logging.getLogger("livecomp").removeHandler(self._failures)
            if self._in_lifespan and self._lifespan is not None:
                self._in_lifespan = False
                await self._lifespan.leave()

    async def wait_closed(self, timeout: float = 5.0) -> tuple[int, str] | None:
        """Wait until the server has ended the socket on its own; return ``closed``."""
        assert self._app_task is not None, "the client has not connected"
        await asyncio.wait_for(asyncio.shield(self._app_task), timeout)
        return self.closed

    @property
    def closed(self) -> tuple[int, str] | None:
        """``(code, reason)`` once the server closed the socket."""
        return self._close

    def pause_reading(self) -> None:
        """Stop taking frames off the socket, like a client on a stalled network:
        the server's sends block until ``resume_reading``."""
        self._reading.clear()

    def resume_reading(self) -> None:
        """Take frames off the socket again."""
        self._reading.set()

    # --- reading the page ---------------------------------------------------

    @property
    def session(self) -> LiveSession:
        """The server's session of this client's socket."""
        if self._session is None:
            raise RuntimeError("the client has no session: it has not connected")
        return self._session

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
        return page.component(_closest_cid(self._select(selector)))

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
        binding = BINDINGS["click"]
        target = _closest(self._select(selector), binding)
        if target is None:
            raise LookupError(f"{selector!r} matches no element with {binding}, nor inside one")
        values = {
            name[len(VALUE_PREFIX) :]: value or ""
            for name, value in target.attributes.items()
            if name.startswith(VALUE_PREFIX)
        }
        event = target.attributes[binding] or ""
        return await self.send_event(event, values, cid=_closest_cid(target), check=check)

    async def submit(
        self,
        selector: str,
        data: Mapping[str, str | Sequence[str]] | None = None,
        *,
        submitter: str | None = None,
        check: bool = True,
    ) -> Reply:
        """Submit the form ``selector`` matches (or the form around it).

        Sends the form's ``live-submit`` event with the form serialised as the
        browser client does, then ``data`` laid over it: what the user typed.
        ``submitter`` selects the submit button clicked (its name and value
        are sent); without it, the form is submitted as by Enter in a field.

        Raises:
            LookupError: no form, no ``live-submit``, or a key of ``data``
                that names no field of the form.
            ValueError: a value no user could give (a disabled field, an
                option a select or radio does not have).
        """
        return await self._send_form(BINDINGS["submit"], selector, data, submitter, check)

    async def change(
        self,
        selector: str,
        data: Mapping[str, str | Sequence[str]] | None = None,
        *,
        check: bool = True,
    ) -> Reply:
        """Edit the form ``selector`` matches (or the form around it).

        Sends the form's ``live-change`` event with the serialised form and
        ``data`` laid over it, as the browser client does on every input.
        Raises as ``submit`` does.
        """
        return await self._send_form(BINDINGS["change"], selector, data, None, check)

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
        self._ref += 1
        ref = self._ref
        if cid is None:
            page = self.session.page
            assert page is not None, "the page has not joined"
            cid = page.root_cid
        frame = {"t": "event", "ref": ref, "cid": cid, "event": event, "value": dict(value or {})}
        await self.send_raw(json.dumps(frame))
        messages = await self._read_until(lambda m: isinstance(m, Ack | Err) and m.ref == ref)
        reply = Reply(patches=[m for m in messages if isinstance(m, Patch)])
        self.last = reply
        end = messages[-1]
        if isinstance(end, Err):
            reply.error = end
            if end.code is ErrorCode.HANDLER_ERROR:
                self._raise_failures(end.reason)
            if check:
                raise LiveEventError(end)
        self._raise_failures()
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
        patches = [m for m in self._drain() if isinstance(m, Patch)]
        self._raise_failures()
        self.last = Reply(patches=patches)
        self._check()
        return self.last

    async def next_patch(self, timeout: float = 5.0) -> Patch:
        """Wait for the next patch the server sends on its own (a tick, a broadcast).

        Raises the exception of a handler that failed meanwhile, as soon as
        the server has logged it.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            try:
                messages = await self._receive(deadline - loop.time(), failures=True)
            except TimeoutError:
                raise TimeoutError(f"no patch from the server within {timeout} s") from None
            for message in messages:
                if isinstance(message, Patch):
                    self._raise_failures()
                    self.last = Reply(patches=[message])
                    self._check()
                    return message

    async def send_raw(self, frame: str | bytes) -> None:
        """Put one raw frame on the socket, exactly as given."""
        if isinstance(frame, bytes):
            self._to_app.put_nowait({"type": "websocket.receive", "bytes": frame})
        else:
            self._to_app.put_nowait({"type": "websocket.receive", "text": frame})

    async def receive(self, timeout: float = 5.0) -> list[ServerMessage]:
        """The messages of the next frame from the server (applied to the DOM).

        Raises ConnectionError once the server has closed the socket.
        """
        return await self._receive(timeout, failures=False)

    # --- the in-memory socket -----------------------------------------------

    async def _get(self) -> str:
        failures: list[BaseException] = []

        def failed(sender: Quart, exception: BaseException, **extra: Any) -> None:
            failures.append(exception)

        with got_request_exception.connected_to(failed, self.app):
            response = await self.app.test_client().get(self.path, headers=self.headers)
        if failures:
            raise failures[0]
        body = await response.get_data(as_text=True)
        if response.status_code != 200:
            raise AssertionError(
                f"GET {self.path} answered {response.status_code}, not 200: {body[:300]!r}"
            )
        return body

    def _socket_scope(self) -> dict[str, Any]:
        path, _, query = self.socket_path.partition("?")
        headers = dict(self.headers)
        if self.origin is not None:
            headers["origin"] = self.origin
        return {
            "type": "websocket",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "scheme": "ws",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": (self.headers["host"], 80),
            "subprotocols": [],
            "extensions": {},
        }

    async def _run_app(self, scope: dict[str, Any]) -> None:
        try:
            await self.app(scope, self._app_receive, self._app_send)  # type: ignore[arg-type]
        except Exception as exc:
            self._app_error = exc
        finally:
            self._from_app.put_nowait({"type": _ENDED})

    async def _app_receive(self) -> Message:
        message = await self._to_app.get()
        if message["type"] == "websocket.disconnect":
            self._to_app.put_nowait(message)  # the client stays gone
        return message

    async def _app_send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "websocket.send":
            await self._reading.wait()
        elif kind == "websocket.close" and self._close is None:
            self._close = (int(message.get("code") or 1000), str(message.get("reason") or ""))
        self._from_app.put_nowait(dict(message))

    async def _next_from_app(self, timeout: float) -> Message:
        if not self._from_app.empty():
            return self._from_app.get_nowait()
        try:
            return await asyncio.wait_for(self._from_app.get(), max(timeout, 0))
        except TimeoutError:
            self._raise_failures()
            raise TimeoutError(f"the server sent nothing for {timeout:.3g} s") from None

    async def _receive(self, timeout: float, *, failures: bool) -> list[ServerMessage]:
        """The next frame's messages; with ``failures``, raise a handler's failure
        as soon as it is logged instead of waiting for a frame."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            message = await self._next_from_app(deadline - loop.time())
            if message["type"] == _FAILED and failures:
                self._raise_failures()
            messages = self._take(message)
            if messages is not None:
                return messages

    def _drain(self) -> list[ServerMessage]:
        """Take every frame that has arrived, without waiting."""
        taken: list[ServerMessage] = []
        while not self._from_app.empty():
            taken += self._take(self._from_app.get_nowait()) or []
        return taken

    def _take(self, message: Message) -> list[ServerMessage] | None:
        """Apply one message from the app: a frame's messages, else None."""
        kind = message["type"]
        if kind == "websocket.send":
            text = message.get("text")
            if text is None:
                raise AssertionError("the server sent a binary frame")
            messages = decode_server(text)
            for item in messages:
                self._apply(item)
            self.received.extend(messages)
            return messages
        if kind in ("websocket.accept", _FAILED):
            return None
        self._from_app.put_nowait(message)  # every later read fails too
        raise self._socket_gone()

    def _socket_gone(self) -> BaseException:
        if self._app_error is not None:
            self._app_error_raised = True
            return self._app_error
        error = ConnectionError(f"server closed the socket: {self.closed}")
        failure = self._failures.pop()
        if failure is not None:
            error.__cause__ = failure
        return error

    def _raise_failures(self, reason: str | None = None) -> None:
        """Re-raise what a handler of this page raised, as logged by the server."""
        failure = self._failures.pop(reason)
        if failure is not None:
            raise failure

    # --- internals ----------------------------------------------------------

    async def _send_form(
        self,
        binding: str,
        selector: str,
        data: Mapping[str, str | Sequence[str]] | None,
        submitter: str | None,
        check: bool,
    ) -> Reply:
        node = self._select(selector)
        form = _closest_tag(node, "form")
        if form is None:
            raise LookupError(f"{selector!r} matches no form, nor an element inside one")
        event = form.attributes.get(binding)
        if not event:
            raise LookupError(f"the form {selector!r} matches has no {binding} attribute")
        button = None
        if submitter is not None:
            button = self._select(submitter)
            if _closest_tag(button, "form") != form or not _is_submit_button(button):
                raise LookupError(f"{submitter!r} is not a submit button of the form")
            if _barred(button):
                raise ValueError(f"{submitter!r} is disabled: a user cannot click it")
        value = _serialize_form(form, data, submitter=button)
        return await self.send_event(event, value, cid=_closest_cid(form), check=check)

    async def _read_until(self, done: Callable[[ServerMessage], bool]) -> list[ServerMessage]:
        collected: list[ServerMessage] = []
        while True:
            for message in await self.receive():
                collected.append(message)
                if done(message):
                    return collected

    def _apply(self, message: ServerMessage) -> None:
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
        if not self.check_dom or self._session is None or self.dom is None:
            return
        page = self._session.page
        if page is None or self._close is not None:
            return
        if self._session.sending or not self._from_app.empty():
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


# --- the app under test ---------------------------------------------------------


def _resolve(target: Quart | LiveApp | type[Component[Any]]) -> tuple[Quart, LiveApp, bool]:
    """The Quart app, its LiveApp, and whether the client built the app."""
    if isinstance(target, Quart):
        live = target.extensions.get("livecomp")
        if not isinstance(live, LiveApp):
            raise TypeError(f"{target!r} serves no live pages: call LiveApp(app) on it first")
        return target, live, False
    if isinstance(target, LiveApp):
        app: Quart | None = getattr(target, "app", None)
        if app is not None:
            return app, target, False
        app = Quart(__name__)
        target.init_app(app)
        return app, target, True
    if isinstance(target, type) and issubclass(target, Component):
        app = Quart(__name__)
        LiveApp(app, secret_key=_TEST_SECRET).page("/", target)
        return app, app.extensions["livecomp"], True
    raise TypeError(f"expected a Quart app, a LiveApp or a component class, got {target!r}")


class _Lifespan:
    """An app's startup and shutdown, run once for all its open clients."""

    _apps: ClassVar[weakref.WeakKeyDictionary[Quart, _Lifespan]] = weakref.WeakKeyDictionary()

    def __init__(self, app: Quart) -> None:
        self._app = app
        self._users = 0
        self._started: asyncio.Future[Any] | None = None

    @classmethod
    def of(cls, app: Quart) -> _Lifespan:
        lifespan = cls._apps.get(app)
        if lifespan is None:
            lifespan = cls._apps[app] = cls(app)
        return lifespan

    async def enter(self) -> None:
        self._users += 1
        if self._started is None:
            test_app = self._app.test_app()
            self._started = asyncio.ensure_future(test_app.startup())
            self._test_app = test_app
        try:
            await asyncio.shield(self._started)
        except BaseException:
            await self.leave(started=False)
            raise

    async def leave(self, *, started: bool = True) -> None:
        self._users -= 1
        if self._users == 0 and self._started is not None:
            self._started = None
            if started:
                await self._test_app.shutdown()


class _FailureLog(logging.Handler):
    """Keeps the failures the server logs for one page, to re-raise them in the test."""

    def __init__(self, logged: Callable[[], None]) -> None:
        super().__init__()
        self.page = ""
        self.records: list[logging.LogRecord] = []
        self._logged = logged

    def emit(self, record: logging.LogRecord) -> None:
        page = getattr(record, "livecomp_page", None)
        if page and page == self.page and record.exc_info and record.exc_info[1] is not None:
            self.records.append(record)
            self._logged()

    def pop(self, reason: str | None = None) -> BaseException | None:
        """The failure whose error id ``reason`` names, else the first one; forgets all."""
        if not self.records:
            return None
        chosen = self.records[0]
        if reason is not None:
            for record in self.records:
                if str(getattr(record, "livecomp_error_id", "\0")) in reason:
                    chosen = record
        self.records.clear()
        assert chosen.exc_info is not None and chosen.exc_info[1] is not None
        return chosen.exc_info[1]


# --- forms ------------------------------------------------------------------------

_BUTTON_TYPES = frozenset({"submit", "image", "reset", "button"})


@dataclass
class _Field:
    """A named control of a form, for checking what a test fills in."""

    #: The values a user can pick (select options, checkbox and radio values);
    #: None when the user can type anything.
    choices: set[str] | None = field(default_factory=set)
    disabled: bool = True


def _serialize_form(
    form: LexborNode,
    data: Mapping[str, str | Sequence[str]] | None = None,
    *,
    submitter: LexborNode | None = None,
) -> FormData:
    """``form``'s payload as the browser client sends it, with ``data`` laid over it.

    The FormData rules: named controls that are not disabled (nor in a
    disabled fieldset); checkboxes and radios only when checked (value
    ``on`` by default); a select's selected options; a textarea's text;
    buttons only as the ``submitter``; file inputs left out. A repeated name,
    or a ``<select multiple>``, gives a list.

    Raises:
        LookupError: a key of ``data`` names no field of the form.
        ValueError: ``data`` gives a disabled field, or a value that is not
            one of a select's, checkbox's or radio's own.
    """
    entries: list[tuple[str, str]] = []
    fields: dict[str, _Field] = {}
    lists: set[str] = set()
    for control in form.css("input, select, textarea, button"):
        name = control.attributes.get("name") or ""
        kind = _control_type(control)
        if control.tag == "button" or kind in _BUTTON_TYPES:
            if submitter is not None and control == submitter:
                if kind == "image":
                    prefix = f"{name}." if name else ""
                    entries += [(prefix + "x", "0"), (prefix + "y", "0")]
                elif name:
                    entries.append((name, control.attributes.get("value") or ""))
            continue
        if not name or kind == "file":
            continue
        barred = _barred(control)
        known = fields.setdefault(name, _Field())
        known.disabled = known.disabled and barred
        if control.tag == "select":
            options = _options(control)
            if known.choices is not None:
                known.choices.update(_option_value(o) for o in options if not _option_disabled(o))
            if "multiple" in control.attributes:
                lists.add(name)
            values = [] if barred else [_option_value(o) for o in _selected(control, options)]
        elif kind in ("checkbox", "radio"):
            value = (
                (control.attributes.get("value") or "") if "value" in control.attributes else "on"
            )
            if known.choices is not None:
                known.choices.add(value)
            values = [value] if "checked" in control.attributes and not barred else []
        else:
            known.choices = None
            text = control.text(deep=True) if control.tag == "textarea" else None
            value = text if text is not None else control.attributes.get("value") or ""
            values = [] if barred else [value]
        entries += [(name, value) for value in values]

    payload: FormData = {}
    for name, value in entries:
        seen = payload.get(name)
        if seen is None:
            payload[name] = [value] if name in lists else value
        elif isinstance(seen, list):
            seen.append(value)
        else:
            payload[name] = [seen, value]
    for name, given in (data or {}).items():
        if name not in fields:
            raise LookupError(f"the form has no field {name!r}; its fields: {sorted(fields)}")
        known = fields[name]
        if known.disabled:
            raise ValueError(f"field {name!r} is disabled: a user cannot fill it in")
        values = [given] if isinstance(given, str) else list(given)
        if known.choices is not None:
            for value in values:
                if value not in known.choices:
                    raise ValueError(
                        f"field {name!r} has no option {value!r}; its options: "
                        f"{sorted(known.choices)}"
                    )
        if isinstance(given, str):
            payload[name] = given
        elif values:
            payload[name] = values
        else:
            payload.pop(name, None)  # as unchecked boxes are: absent
    return payload


def _control_type(control: LexborNode) -> str:
    default = "submit" if control.tag == "button" else "text"
    if control.tag not in ("input", "button"):
        return control.tag or ""
    return (control.attributes.get("type") or default).strip().lower()


def _is_submit_button(node: LexborNode) -> bool:
    return node.tag in ("input", "button") and _control_type(node) in ("submit", "image")


def _barred(control: LexborNode) -> bool:
    """Disabled itself, or by a fieldset around it (but in its first legend), or in a datalist."""
    if "disabled" in control.attributes:
        return True
    child, parent = control, control.parent
    while parent is not None and parent.tag not in ("form", "-document"):
        if parent.tag == "datalist":
            return True
        disabled = parent.tag == "fieldset" and "disabled" in parent.attributes
        if disabled and child != _first_child(parent, "legend"):
            return True
        child, parent = parent, parent.parent
    return False


def _first_child(parent: LexborNode, tag: str) -> LexborNode | None:
    child = parent.child
    while child is not None and child.tag != tag:
        child = child.next
    return child


def _options(select: LexborNode) -> list[LexborNode]:
    return list(select.css("option"))


def _option_disabled(option: LexborNode) -> bool:
    parent = option.parent
    in_disabled_group = parent is not None and parent.tag == "optgroup"
    return "disabled" in option.attributes or (
        in_disabled_group and parent is not None and "disabled" in parent.attributes
    )


def _option_value(option: LexborNode) -> str:
    if "value" in option.attributes:
        return option.attributes.get("value") or ""
    return " ".join(option.text(deep=True).split())


def _selected(select: LexborNode, options: list[LexborNode]) -> list[LexborNode]:
    """The options a select submits: selected and not disabled."""
    marked = [o for o in options if "selected" in o.attributes]
    if "multiple" not in select.attributes:
        size = select.attributes.get("size") or ""
        if marked:
            marked = marked[-1:]  # the last one marked wins
        elif not (size.isdigit() and int(size) > 1):
            marked = [o for o in options if not _option_disabled(o)][:1]
    return [o for o in marked if not _option_disabled(o)]


# --- finding elements ---------------------------------------------------------


def _first_element(node: LexborNode) -> LexborNode:
    child = node.child
    while child is not None and child.tag in ("-text", "-comment"):
        child = child.next
    assert child is not None, f"the [{PAGE}] container holds no element"
    return child


def _closest(node: LexborNode | None, attribute: str) -> LexborNode | None:
    while node is not None and node.tag not in ("-document", "html"):
        if attribute in node.attributes:
            return node
        node = node.parent
    return None


def _closest_tag(node: LexborNode | None, tag: str) -> LexborNode | None:
    while node is not None and node.tag not in ("-document", "html"):
        if node.tag == tag:
            return node
        node = node.parent
    return None


def _closest_cid(node: LexborNode) -> str:
    owner = _closest(node, CID)
    if owner is None:
        raise LookupError("element is not inside any component")
    return owner.attributes[CID] or ""
