"""Every message on the livecomp websocket, as a typed model.

The wire format is JSON text frames (see docs/protocol.md). Inbound frames are
decoded into one of the client message models and dispatched with ``match``;
outbound messages are models too and are encoded once, here.
"""

from __future__ import annotations

import json
from enum import IntEnum, StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

#: A patch op: a JSON array whose first item names the op (see docs/protocol.md).
Op = list[Any]


class CloseCode(IntEnum):
    """Websocket close codes the server uses, each with one meaning."""

    TOKEN_INVALID = 4001
    JOIN_EXPECTED = 4002
    ORIGIN_FORBIDDEN = 4003
    SLOW_CLIENT = 4008
    SERVER_ERROR = 1011


class ErrorCode(StrEnum):
    """The ``code`` of an ``err`` message: why a frame was refused."""

    MALFORMED = "malformed"
    BINARY_FRAME = "binary_frame"
    TOO_LARGE = "too_large"
    UNKNOWN_TYPE = "unknown_type"
    UNKNOWN_COMPONENT = "unknown_component"
    UNKNOWN_EVENT = "unknown_event"
    INVALID_PAYLOAD = "invalid_payload"
    HANDLER_ERROR = "handler_error"


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- client to server -------------------------------------------------------


class Join(_Message):
    """First message on a socket: the signed page token."""

    t: Literal["join"] = "join"
    token: str = Field(max_length=4096)


class Event(_Message):
    """A user event raised inside component ``cid``."""

    t: Literal["event"] = "event"
    ref: int
    cid: str = Field(max_length=64)
    event: str = Field(max_length=128)
    value: dict[str, Any] = Field(default_factory=dict)


class Resync(_Message):
    """The client could not apply a patch and asks for the component's HTML."""

    t: Literal["resync"] = "resync"
    cid: str = Field(max_length=64)
    reason: str = Field(default="", max_length=2048)


ClientMessage = Annotated[Join | Event | Resync, Field(discriminator="t")]
CLIENT_TYPES = frozenset({"join", "event", "resync"})
_client_adapter: TypeAdapter[Join | Event | Resync] = TypeAdapter(ClientMessage)


# --- server to client -------------------------------------------------------


class Render(_Message):
    """The full HTML of one component, to be morphed in."""

    t: Literal["render"] = "render"
    cid: str
    html: str


class Patch(_Message):
    """Ops to apply to the element of component ``cid``."""

    t: Literal["patch"] = "patch"
    cid: str
    ops: list[Op]


class Ack(_Message):
    """Event ``ref`` is fully handled; its patches were sent before."""

    t: Literal["ack"] = "ack"
    ref: int


class Err(_Message):
    """A refused message: what was refused and why."""

    t: Literal["err"] = "err"
    ref: int | None = None
    code: ErrorCode
    event: str | None = None
    reason: str


ServerMessage = Annotated[Render | Patch | Ack | Err, Field(discriminator="t")]
_server_adapter: TypeAdapter[Render | Patch | Ack | Err] = TypeAdapter(ServerMessage)


class DecodeError(Exception):
    """An inbound frame that is not a valid client message."""

    def __init__(self, code: ErrorCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def decode_client(frame: str | bytes, max_bytes: int) -> Join | Event | Resync:
    """Decode one inbound frame, or raise DecodeError saying what is wrong."""
    if isinstance(frame, bytes):
        raise DecodeError(ErrorCode.BINARY_FRAME, "binary frames are not accepted; send JSON text")
    # Characters are at most 4 bytes; only encode when the cheap bound is exceeded.
    if len(frame) * 4 > max_bytes and len(frame.encode()) > max_bytes:
        raise DecodeError(
            ErrorCode.TOO_LARGE,
            f"frame of {len(frame.encode())} bytes exceeds the limit of {max_bytes} bytes",
        )
    try:
        # The common case in one pass (JSON parsing and validation in Rust);
        # only a frame that fails is decoded again to say precisely why.
        return _client_adapter.validate_json(frame)
    except ValidationError:
        pass
    try:
        data = json.loads(frame)
    except ValueError as exc:
        raise DecodeError(ErrorCode.MALFORMED, f"frame is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise DecodeError(
            ErrorCode.MALFORMED, 'expected a JSON object with a string field "t"'
        )
    if data["t"] not in CLIENT_TYPES:
        raise DecodeError(
            ErrorCode.UNKNOWN_TYPE,
            f"unknown message type {data['t']!r}; expected one of {sorted(CLIENT_TYPES)}",
        )
    try:
        return _client_adapter.validate_python(data)
    except ValidationError as exc:
        raise DecodeError(ErrorCode.MALFORMED, describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem: ``field: message``."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "value"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def encode(messages: list[Render | Patch | Ack | Err]) -> str:
    """Encode one or more server messages as one frame."""
    if len(messages) == 1:
        return messages[0].model_dump_json()
    return "[" + ",".join(m.model_dump_json() for m in messages) + "]"


def decode_server(frame: str) -> list[Render | Patch | Ack | Err]:
    """Decode a server frame (one message or a batch); used by the test client."""
    data = json.loads(frame)
    items = data if isinstance(data, list) else [data]
    return [_server_adapter.validate_python(item) for item in items]
