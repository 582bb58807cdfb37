"""The live socket as a plain ASGI websocket: the session's transport.

Only the four ASGI websocket events the session needs are handled; the
server (Hypercorn) does the framing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class AsgiTransport:
    """One ASGI websocket connection, as a ``livecomp.session.Transport``."""

    # Every live socket keeps one: slots, not an instance dict.
    __slots__ = ("_closed", "_receive", "_send", "close_code")

    def __init__(self, receive: Receive, send: Send) -> None:
        self._receive = receive
        self._send = send
        self._closed = False
        #: The code the socket closed with, by either side (None: open, or no code).
        self.close_code: int | None = None

    async def accept(self) -> bool:
        """Complete the handshake; False if the client left before it."""
        message = await self._receive()
        if message["type"] != "websocket.connect":
            return False
        await self._send({"type": "websocket.accept"})
        return True

    async def receive(self) -> str | bytes:
        while True:
            frame = self.frame_of(await self._receive())
            if frame is not None:
                return frame

    def arrival(self) -> Awaitable[Message]:
        """The ASGI receive's awaitable itself: a reader waiting on it keeps
        no coroutine of ours."""
        return self._receive()

    def frame_of(self, message: Any) -> str | bytes | None:
        # ``message`` is what ``arrival`` gave: an ASGI message (unchecked,
        # where an isinstance against the Mapping ABC would cost ~350 ns).
        kind = message["type"]
        if kind == "websocket.receive":
            text = message.get("text")
            if text is not None:
                return str(text)
            return bytes(message.get("bytes") or b"")
        if kind == "websocket.disconnect":
            if not self._closed:
                self.close_code = message.get("code")
            self._closed = True
            raise ConnectionError(f"client closed the socket ({message.get('code')})")
        return None

    async def send(self, frame: str) -> None:
        if self._closed:
            raise ConnectionError("socket is closed")
        await self._send({"type": "websocket.send", "text": frame})

    async def close(self, code: int, reason: str) -> None:
        if not self._closed:
            self._closed = True
            self.close_code = code
            await self._send({"type": "websocket.close", "code": code, "reason": reason})
