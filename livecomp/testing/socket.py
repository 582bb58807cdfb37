"""The in-memory ASGI websocket between the test client and the app.

The key idea: the app's own ASGI callable runs as a task whose ``receive``
and ``send`` are two queues, so the socket route, the Origin and token checks
and the session are the ones production runs, with no network. The test puts
frames on one queue and takes the server's frames off the other, decoded into
protocol messages. While reading is paused the server's sends block, as on a
stalled network; a failure the server logs for the page wakes a reader that
waits for a frame, so it is raised at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from quart import Quart

from livecomp.protocol import Patch, ServerMessage, decode_server
from livecomp.server import SESSION_SCOPE_KEY
from livecomp.session import LiveSession
from livecomp.testing.app import FailureLog

Message = MutableMapping[str, Any]

# Put on the queue from the app when the app's websocket handler returns.
_ENDED = "livecomp.testing.ended"
# Put on the queue from the app when the server logs a failure of this page.
_FAILED = "livecomp.testing.failed"


def socket_scope(
    socket_path: str, headers: Mapping[str, str], origin: str | None
) -> dict[str, Any]:
    """The ASGI scope of a browser's websocket to ``socket_path`` (with its query).

    ``headers`` are lower-case and hold ``host``; ``origin`` (None: no
    header) is added to them.
    """
    path, _, query = socket_path.partition("?")
    sent = dict(headers)
    if origin is not None:
        sent["origin"] = origin
    return {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "scheme": "ws",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in sent.items()],
        "client": ("127.0.0.1", 50000),
        "server": (headers["host"], 80),
        "subprotocols": [],
        "extensions": {},
    }


class MemorySocket:
    """One websocket from a test to ``app``, run in-process over two queues.

    Args:
        app: the Quart app whose ASGI callable serves the socket.
        on_frame: called with the messages of every frame the server sent,
            as it is taken off the socket.
    """

    def __init__(self, app: Quart, on_frame: Callable[[list[ServerMessage]], None]) -> None:
        self.app = app
        #: ``(code, reason)`` once the server closed the socket.
        self.closed: tuple[int, str] | None = None
        #: The server's session of this socket, once the app has accepted it.
        self.session: LiveSession | None = None
        #: The failures the server logs for the page; each wakes a waiting reader.
        self.failures = FailureLog(lambda: self._from_app.put_nowait({"type": _FAILED}))
        self._on_frame = on_frame
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._reading = asyncio.Event()
        self._reading.set()
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None
        self._error_raised = False

    @property
    def pending(self) -> bool:
        """Whether something the app sent has not been taken yet."""
        return not self._from_app.empty()

    async def open(self, scope: dict[str, Any]) -> None:
        """Run the app on ``scope`` and connect; return once it accepted.

        Raises:
            Exception: what the app's handler raised.
            ConnectionError: the app closed the socket instead.
        """
        self._to_app.put_nowait({"type": "websocket.connect"})
        self._task = asyncio.create_task(self._run_app(scope))
        message = await self._next(5.0)
        if message["type"] != "websocket.accept":
            self._from_app.put_nowait(message)
            raise self.gone()
        session = scope.get(SESSION_SCOPE_KEY)
        if isinstance(session, LiveSession):
            self.session = session

    async def close(self) -> None:
        """Disconnect and wait until the app's handler has returned; raise its error."""
        if self._task is None:
            return
        self._to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
        self._reading.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), 10.0)
        except TimeoutError:
            raise TimeoutError("the page did not end within 10 s of the disconnect") from None
        if self._error is not None and not self._error_raised:
            self._error_raised = True
            raise self._error

    async def wait_ended(self, timeout: float) -> None:
        """Wait until the app's handler has returned on its own."""
        assert self._task is not None, "the client has not connected"
        await asyncio.wait_for(asyncio.shield(self._task), timeout)

    def pause_reading(self) -> None:
        """Block the server's sends until ``resume_reading``."""
        self._reading.clear()

    def resume_reading(self) -> None:
        """Let the server's sends through again."""
        self._reading.set()

    def send(self, frame: str | bytes) -> None:
        """Put one frame on the socket, exactly as given."""
        if isinstance(frame, bytes):
            self._to_app.put_nowait({"type": "websocket.receive", "bytes": frame})
        else:
            self._to_app.put_nowait({"type": "websocket.receive", "text": frame})

    async def receive(self, timeout: float, *, failures: bool) -> list[ServerMessage]:
        """The next frame's messages; with ``failures``, raise a handler's failure
        as soon as it is logged instead of waiting for a frame.

        Raises:
            ConnectionError: the server has closed the socket.
            TimeoutError: nothing came within ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            message = await self._next(deadline - loop.time())
            if message["type"] == _FAILED and failures:
                self.raise_failures()
            messages = self._take(message)
            if messages is not None:
                return messages

    async def read_until(self, done: Callable[[ServerMessage], bool]) -> list[ServerMessage]:
        """Every message up to the first one ``done`` accepts, waiting up to 5 s a frame."""
        collected: list[ServerMessage] = []
        while True:
            for message in await self.receive(5.0, failures=False):
                collected.append(message)
                if done(message):
                    return collected

    async def next_patch(self, timeout: float) -> Patch:
        """The first patch of the frames to come, raising a handler's failure
        as soon as it is logged.

        Raises:
            TimeoutError: no patch came within ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            try:
                messages = await self.receive(deadline - loop.time(), failures=True)
            except TimeoutError:
                raise TimeoutError(f"no patch from the server within {timeout} s") from None
            for message in messages:
                if isinstance(message, Patch):
                    return message

    def drain(self) -> list[ServerMessage]:
        """Take every frame that has arrived, without waiting."""
        taken: list[ServerMessage] = []
        while not self._from_app.empty():
            taken += self._take(self._from_app.get_nowait()) or []
        return taken

    def raise_failures(self, reason: str | None = None) -> None:
        """Re-raise what a handler of this page raised, as logged by the server."""
        failure = self.failures.pop(reason)
        if failure is not None:
            raise failure

    def gone(self) -> BaseException:
        """The error for a socket the server has ended: the app's own, if it raised."""
        if self._error is not None:
            self._error_raised = True
            return self._error
        error = ConnectionError(f"server closed the socket: {self.closed}")
        failure = self.failures.pop()
        if failure is not None:
            error.__cause__ = failure
        return error

    # --- the app's side -----------------------------------------------------

    async def _run_app(self, scope: dict[str, Any]) -> None:
        try:
            await self.app(scope, self._app_receive, self._app_send)  # type: ignore[arg-type]
        except Exception as exc:
            self._error = exc
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
        elif kind == "websocket.close" and self.closed is None:
            self.closed = (int(message.get("code") or 1000), str(message.get("reason") or ""))
        self._from_app.put_nowait(dict(message))

    # --- the test's side ----------------------------------------------------

    async def _next(self, timeout: float) -> Message:
        if not self._from_app.empty():
            return self._from_app.get_nowait()
        try:
            return await asyncio.wait_for(self._from_app.get(), max(timeout, 0))
        except TimeoutError:
            self.raise_failures()
            raise TimeoutError(f"the server sent nothing for {timeout:.3g} s") from None

    def _take(self, message: Message) -> list[ServerMessage] | None:
        """One message from the app: a frame's messages (given to ``on_frame``),
        else None; raises once the socket has ended."""
        kind = message["type"]
        if kind == "websocket.send":
            text = message.get("text")
            if text is None:
                raise AssertionError("the server sent a binary frame")
            messages = decode_server(text)
            self._on_frame(messages)
            return messages
        if kind in ("websocket.accept", _FAILED):
            return None
        self._from_app.put_nowait(message)  # every later read fails too
        raise self.gone()
