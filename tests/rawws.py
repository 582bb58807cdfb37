"""A websocket client over a raw blocking socket, for probes a library refuses.

It does the handshake and the framing by hand, so a test can shrink the
receive buffer, stop reading, declare a frame longer than what it sends, or
send a frame over any limit.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import struct
import urllib.request
from dataclasses import dataclass
from typing import Any

TEXT = 0x1
CLOSE = 0x8


@dataclass(frozen=True)
class PageInfo:
    """What a GET of a live page tells the client: how to join it."""

    token: str
    socket_path: str
    #: The ``live-cid`` of each greeter's root, in page order.
    greeter_cids: list[str]


def get_page(base: str, path: str = "/") -> tuple[int, str]:
    """GET ``base + path``: the status and the body."""
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return response.status, response.read().decode()


def page_info(base: str) -> PageInfo:
    """The join token, socket path and greeter cids of the page at ``/``."""
    status, html = get_page(base)
    assert status == 200
    token = re.search(r'live-token="([^"]+)"', html)
    socket_path = re.search(r'live-socket="([^"]+)"', html)
    assert token is not None and socket_path is not None
    cids = re.findall(r'<div live-cid="([^"]+)" class="greeter">', html)
    return PageInfo(token.group(1), socket_path.group(1), cids)


def frame(opcode: int, payload: bytes, *, declared: int | None = None, fin: bool = True) -> bytes:
    """One masked client frame; ``declared`` overrides the payload length it states."""
    length = len(payload) if declared is None else declared
    head = bytes([(0x80 if fin else 0) | opcode])
    if length < 126:
        head += bytes([0x80 | length])
    elif length < 1 << 16:
        head += bytes([0x80 | 126]) + struct.pack("!H", length)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", length)
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload[:4]))
    if len(payload) > 4:
        # XOR the rest in one go: int arithmetic is far faster than a loop.
        key = (mask * (len(payload) // 4 + 1))[: len(payload)]
        whole = int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")
        masked = whole.to_bytes(len(payload), "big")
    return head + mask + masked


def close_frame(code: int = 1000) -> bytes:
    """A masked close frame with ``code``."""
    return frame(CLOSE, struct.pack("!H", code))


class RawSocket:
    """One websocket connection to ``127.0.0.1:port``, framed by hand."""

    def __init__(self, port: int, path: str, *, rcvbuf: int | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            # Before connect(): the window scale is fixed by the handshake.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        self.local_port: int = self.sock.getsockname()[1]
        self._buffer = b""
        key = base64.b64encode(os.urandom(16)).decode()
        host = f"127.0.0.1:{port}"
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: http://{host}\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        while b"\r\n\r\n" not in self._buffer:
            self._read()
        head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        assert b" 101 " in status, status

    def _read(self) -> None:
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionError("the server closed the TCP connection")
        self._buffer += data

    def _take(self, n: int) -> bytes:
        while len(self._buffer) < n:
            self._read()
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def send(self, data: bytes) -> None:
        """Send raw bytes (frames, or part of one)."""
        self.sock.sendall(data)

    def send_json(self, message: dict[str, Any]) -> None:
        """Send ``message`` as one text frame."""
        self.send(frame(TEXT, json.dumps(message).encode()))

    def receive(self) -> tuple[int, bytes]:
        """The next whole frame from the server: its opcode and payload."""
        first, second = self._take(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._take(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._take(8))
        return first & 0x0F, self._take(length)

    def receive_json(self) -> Any:
        """The next text frame, decoded; fails on anything else."""
        opcode, payload = self.receive()
        assert opcode == TEXT, (opcode, payload[:200])
        return json.loads(payload)

    def receive_close(self) -> int:
        """Skip text frames up to the server's close frame; its code."""
        while True:
            opcode, payload = self.receive()
            if opcode == CLOSE:
                code: int = struct.unpack("!H", payload[:2])[0]
                return code

    def join(self, token: str) -> Any:
        """Send the join frame; the first reply (the page's render)."""
        self.send_json({"t": "join", "token": token})
        return self.receive_json()

    def close(self) -> None:
        """Drop the TCP connection."""
        self.sock.close()
