"""Every message on the livecomp websocket, as a typed model.

The wire format is JSON text frames (see docs/protocol.md). Inbound frames are
decoded into one of the client message models (validated by pydantic) and
dispatched with ``match``; outbound messages are frozen dataclasses, trusted
as the server built them, and encoded once, here, with their ops
(``livecomp.ops``) written as the arrays they already are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError, from_json, to_json

from livecomp.ops import Op, OpError, op_from_json
from livecomp.security import MAX_TOKEN_CHARS, MAX_URL_CHARS

#: The longest ``reason`` an ``err`` carries; longer ones are cut (they can echo input).
MAX_REASON_CHARS = 300


class CloseCode(IntEnum):
    """Websocket close codes the server uses, each with one meaning."""

    TOKEN_INVALID = 4001
    JOIN_EXPECTED = 4002
    ORIGIN_FORBIDDEN = 4003
    #: The page needs a logged-in user (on the join, or at an event after a
    #: logout): a ``redirect`` to the login page precedes the close.
    UNAUTHORIZED = 4004
    #: The page sent the browser elsewhere (``redirect``, ``navigate``): a
    #: ``redirect`` message precedes the close.
    REDIRECTED = 4005
    SLOW_CLIENT = 4008
    IDLE_TIMEOUT = 4009
    SERVER_ERROR = 1011
    #: Sent by Hypercorn itself: a frame over ``max_frame_bytes`` as it arrived.
    MESSAGE_TOO_BIG = 1009


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
    RATE_LIMITED = "rate_limited"
    #: A ``url`` message whose parameters did not validate: the params handler did not run.
    INVALID_PARAMS = "invalid_params"
    #: The page's user is no longer logged in: a ``redirect`` to the login page came first.
    UNAUTHORIZED = "unauthorized"


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- client to server -------------------------------------------------------


class Join(_Message):
    """First message on a socket: the signed page token."""

    t: Literal["join"] = "join"
    token: str = Field(max_length=MAX_TOKEN_CHARS)
    #: The client joined before with this page: its DOM may have moved on
    #: from the token's render, so the reply is the full render, never
    #: ``unchanged``.
    rejoin: bool = Field(default=False, strict=True)
    #: The browser's URL (path and query): the page mounts for it, as long as
    #: it is a URL of the page the token names. Absent: the URL the token carries.
    url: str | None = Field(default=None, max_length=MAX_URL_CHARS)


class Event(_Message):
    """A user event raised inside component ``cid``."""

    t: Literal["event"] = "event"
    ref: int
    cid: str = Field(max_length=64)
    event: str = Field(max_length=128)
    value: dict[str, Any] = Field(default_factory=dict)


class UrlChange(_Message):
    """The browser's URL changed within the page: a ``live-patch`` link, back or forward."""

    t: Literal["url"] = "url"
    ref: int
    url: str = Field(max_length=MAX_URL_CHARS)


class Ping(_Message):
    """A heartbeat: the client is alive and expects a ``pong``."""

    t: Literal["ping"] = "ping"


class Resync(_Message):
    """The client could not apply a patch and asks for the component's HTML."""

    t: Literal["resync"] = "resync"
    cid: str = Field(max_length=64)
    reason: str = Field(default="", max_length=2048)


ClientMessage = Annotated[Join | Event | UrlChange | Resync | Ping, Field(discriminator="t")]
CLIENT_TYPES = frozenset({"join", "event", "url", "resync", "ping"})
_client_adapter: TypeAdapter[Join | Event | UrlChange | Resync | Ping] = TypeAdapter(ClientMessage)


# --- server to client -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Render:
    """The full HTML of one component, to be morphed in."""

    t: ClassVar[str] = "render"
    cid: str
    html: str


@dataclass(frozen=True, slots=True)
class Unchanged:
    """The join's answer when the page mounted to exactly what its first (HTTP)
    render was, which the client shows: nothing to morph, nothing to send."""

    t: ClassVar[str] = "unchanged"
    cid: str


@dataclass(frozen=True, slots=True)
class Patch:
    """Ops to apply to the element of component ``cid``."""

    t: ClassVar[str] = "patch"
    cid: str
    ops: list[Op]


@dataclass(frozen=True, slots=True)
class Ack:
    """Event ``ref`` is fully handled; its patches were sent before."""

    t: ClassVar[str] = "ack"
    ref: int


@dataclass(frozen=True, slots=True)
class Err:
    """A refused message: what was refused and why."""

    t: ClassVar[str] = "err"
    code: ErrorCode
    reason: str
    ref: int | None = None
    event: str | None = None
    #: A ``handler_error``'s error id, also in the server's log line: what a
    #: page shows the user so a report can be matched with the traceback.
    error_id: str | None = None


@dataclass(frozen=True, slots=True)
class Pong:
    """The answer to a ``ping``."""

    t: ClassVar[str] = "pong"


@dataclass(frozen=True, slots=True)
class Push:
    """A named event with JSON data for the page's client hooks (``push_event``).

    ``data`` is held as the JSON text it will be sent as (``Push.of`` checks
    and encodes it once), so what leaves is what the handler pushed, even if
    it changes the object afterwards.
    """

    t: ClassVar[str] = "push"
    event: str
    data_json: str

    @classmethod
    def of(cls, event: str, data: Any) -> Push:
        """A push of ``data``, which must be strict JSON: no NaN or Infinity,
        string keys, lists, dicts, strings, numbers, booleans and None.

        Raises:
            TypeError: ``event`` is not a non-empty string, or ``data`` holds
                something JSON cannot carry.
            ValueError: ``data`` holds NaN or an infinity.
        """
        if not isinstance(event, str) or not event:
            raise TypeError(f"a pushed event needs a non-empty string name, got {event!r}")
        try:
            text = _encode_strict(data)
        except TypeError as exc:
            raise TypeError(f"data pushed with event {event!r} is not JSON: {exc}") from None
        except ValueError as exc:
            raise ValueError(f"data pushed with event {event!r} is not JSON: {exc}") from None
        return cls(event, text)

    @property
    def data(self) -> Any:
        """The pushed data, decoded."""
        return json.loads(self.data_json)


@dataclass(frozen=True, slots=True)
class PatchUrl:
    """Put ``url`` in the browser's address bar and history, without loading it
    (``Component.patch_url``): a new entry, or the current one when ``replace``."""

    t: ClassVar[str] = "patch_url"
    url: str
    replace: bool = False


@dataclass(frozen=True, slots=True)
class Redirect:
    """Load ``url`` in the browser (a full navigation): ``redirect``, ``navigate``,
    or the login page for a page whose user is not logged in."""

    t: ClassVar[str] = "redirect"
    url: str


@dataclass(frozen=True, slots=True)
class Navigate:
    """The page became another live page over the same socket (``navigate``):
    put ``url`` in the history (a new entry, or the current one when
    ``replace``), keep ``token`` for later joins, show ``html`` (the new
    root's full render) in the page's container and ``title`` as the title."""

    t: ClassVar[str] = "navigate"
    url: str
    token: str
    html: str
    title: str
    replace: bool = False


ServerMessage = (
    Render | Unchanged | Patch | Ack | Err | Pong | Push | PatchUrl | Redirect | Navigate
)


class DecodeError(Exception):
    """An inbound frame that is not a valid client message."""

    def __init__(self, code: ErrorCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def decode_client(frame: str | bytes, max_bytes: int) -> Join | Event | UrlChange | Resync | Ping:
    """Decode one inbound frame, or raise DecodeError saying what is wrong.

    JSON is read strictly, by pydantic's parser: no ``NaN`` or ``Infinity``
    literals, no lone surrogates (they cannot be sent back as UTF-8), at most
    200 levels of nesting.
    """
    if isinstance(frame, bytes):
        raise DecodeError(ErrorCode.BINARY_FRAME, "binary frames are not accepted; send JSON text")
    # Characters are at most 4 bytes; only encode when the cheap bound is exceeded.
    if len(frame) * 4 > max_bytes and len(frame.encode(errors="surrogatepass")) > max_bytes:
        raise DecodeError(
            ErrorCode.TOO_LARGE,
            f"frame of {len(frame.encode(errors='surrogatepass'))} bytes exceeds the limit "
            f"of {max_bytes} bytes",
        )
    try:
        # The common case in one pass (JSON parsing and validation in Rust);
        # only a frame that fails is read again to say precisely why.
        message = _client_adapter.validate_json(frame)
    except ValidationError:
        pass
    else:
        # The parser takes these literals; strict JSON does not (rarely present).
        if ("NaN" in frame or "Infinity" in frame) and _has_non_finite(frame):
            raise DecodeError(ErrorCode.MALFORMED, _NON_FINITE) from None
        return message
    try:
        data = from_json(frame, allow_inf_nan=False)
    except ValueError as exc:
        raise DecodeError(ErrorCode.MALFORMED, f"frame is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise DecodeError(ErrorCode.MALFORMED, 'expected a JSON object with a string field "t"')
    if data["t"] not in CLIENT_TYPES:
        raise DecodeError(
            ErrorCode.UNKNOWN_TYPE,
            f"unknown message type {cap(data['t'], 40)!r}; expected one of {sorted(CLIENT_TYPES)}",
        )
    try:
        return _client_adapter.validate_python(data)
    except ValidationError as exc:
        raise DecodeError(ErrorCode.MALFORMED, describe_validation_error(exc)) from None


_NON_FINITE = "frame is not valid JSON: NaN and Infinity are not JSON numbers"


def _has_non_finite(frame: str) -> bool:
    try:
        from_json(frame, allow_inf_nan=False)
    except ValueError:
        return True
    return False


def cap(text: str, limit: int = MAX_REASON_CHARS) -> str:
    """``text`` cut to ``limit`` characters, marked when cut: what a reply or a
    log line echoes of client input stays small."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem: ``field: message``."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(cap(str(p), 40) for p in error["loc"]) or "value"
        parts.append(f"{where}: {error['msg']}")
    return cap("; ".join(parts))


_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_encode_strict = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _encode_wire(value: Any) -> str:
    """``value`` (what ``_wire`` makes: strings, numbers, lists, dicts) as
    compact JSON, the text ``_encode_json`` writes. pydantic-core's encoder
    does it in half the time of the standard library's (an ack with a
    text op: 1.6 against 3.5 µs); text it cannot encode as UTF-8 (a lone
    surrogate an app put in its state) takes the standard library's path,
    and fails where it did before, at the socket."""
    data = _json_bytes(value)
    return _encode_json(value) if data is None else data.decode()


def _json_bytes(value: Any) -> bytes | None:
    """pydantic-core's UTF-8 JSON of ``value``; None where it refuses (a
    lone surrogate), for the standard library's encoder to write."""
    try:
        return to_json(value)
    except PydanticSerializationError:
        return None


def _wire(message: ServerMessage) -> dict[str, Any]:
    match message:
        case Patch(cid=cid, ops=ops):
            return {"t": "patch", "cid": cid, "ops": ops}
        case Ack(ref=ref):
            return {"t": "ack", "ref": ref}
        case Render(cid=cid, html=html):
            return {"t": "render", "cid": cid, "html": html}
        case Pong():
            return {"t": "pong"}
        case PatchUrl(url=url, replace=replace):
            return {"t": "patch_url", "url": url, "replace": replace}
        case Redirect(url=url):
            return {"t": "redirect", "url": url}
        case Unchanged(cid=cid):
            return {"t": "unchanged", "cid": cid}
        case Navigate(url=url, token=token, html=html, title=title, replace=replace):
            return {
                "t": "navigate",
                "url": url,
                "replace": replace,
                "token": token,
                "title": title,
                "html": html,
            }
        case Err(code=code, reason=reason, ref=ref, event=event, error_id=error_id):
            wire = {
                "t": "err",
                "ref": ref,
                "code": code.value,
                "event": event,
                "reason": cap(reason),
            }
            if error_id is not None:
                wire["error_id"] = error_id
            return wire
        case Push():
            raise AssertionError("a push is spliced in as JSON text by _encode_one")


def _encode_one(message: ServerMessage) -> str:
    if isinstance(message, Push):
        # The data is already JSON: spliced in, not decoded and encoded again.
        return f'{{"t":"push","event":{_encode_json(message.event)},"data":{message.data_json}}}'
    return _encode_wire(_wire(message))


def _has_push(messages: list[ServerMessage]) -> bool:
    # A loop, not any() over a generator: every event's frame (its patch and
    # its ack) asks, and the generator costs more than the two looks.
    for message in messages:  # noqa: SIM110 (the loop is the point)
        if isinstance(message, Push):
            return True
    return False


def _wire_value(messages: list[ServerMessage]) -> Any:
    """What a frame of ``messages`` is encoded from: one message's dict, or
    a list of them; None when a push is among them (its data is spliced in
    as JSON text, ``_encode_one``)."""
    if len(messages) == 1:
        message = messages[0]
        return None if isinstance(message, Push) else _wire(message)
    return None if _has_push(messages) else [_wire(message) for message in messages]


def encode(messages: list[ServerMessage]) -> str:
    """Encode one or more server messages as one frame."""
    value = _wire_value(messages)
    if value is not None:
        return _encode_wire(value)
    if len(messages) == 1:
        return _encode_one(messages[0])
    return "[" + ",".join(_encode_one(message) for message in messages) + "]"


def encode_sized(messages: list[ServerMessage]) -> tuple[str, int]:
    """``encode(messages)`` and the frame's size in UTF-8 bytes (what
    telemetry counts), which pydantic-core's encoder knows: a frame that is
    not ASCII is not encoded a second time to be measured."""
    value = _wire_value(messages)
    data = None if value is None else _json_bytes(value)
    if data is not None:
        return data.decode(), len(data)
    frame = encode(messages)
    return frame, utf8_size(frame)


def utf8_size(text: str) -> int:
    """The size of ``text`` in UTF-8 bytes (a lone surrogate, which the
    socket will refuse, counted as the three bytes it would take)."""
    # Most frames are ASCII, where the length is the byte count: no copy.
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def decode_server(frame: str) -> list[ServerMessage]:
    """Decode a server frame (one message or a batch); used by the test client.

    Raises ValueError when the frame is not what ``encode`` writes.
    """
    data = json.loads(frame)
    items = data if isinstance(data, list) else [data]
    return [_server_message(item) for item in items]


def _server_message(item: Any) -> ServerMessage:
    match item:
        case {"t": "patch", "cid": str() as cid, "ops": list() as ops}:
            try:
                return Patch(cid=cid, ops=[op_from_json(op) for op in ops])
            except OpError as exc:
                raise ValueError(f"patch for {cid} holds a malformed op: {exc}") from None
        case {"t": "ack", "ref": int() as ref}:
            return Ack(ref=ref)
        case {"t": "render", "cid": str() as cid, "html": str() as html}:
            return Render(cid=cid, html=html)
        case {"t": "pong"}:
            return Pong()
        case {"t": "unchanged", "cid": str() as cid}:
            return Unchanged(cid=cid)
        case {"t": "patch_url", "url": str() as url, "replace": bool() as replace}:
            return PatchUrl(url=url, replace=replace)
        case {"t": "redirect", "url": str() as url}:
            return Redirect(url=url)
        case {
            "t": "navigate",
            "url": str() as url,
            "replace": bool() as replace,
            "token": str() as token,
            "title": str() as title,
            "html": str() as html,
        }:
            return Navigate(url=url, token=token, html=html, title=title, replace=replace)
        case {"t": "push", "event": str() as event, "data": data}:
            return Push(event, _encode_strict(data))
        case {"t": "err", "code": str() as code, "reason": str() as reason}:
            ref, event, error_id = item.get("ref"), item.get("event"), item.get("error_id")
            if (
                (ref is None or isinstance(ref, int))
                and (event is None or isinstance(event, str))
                and (error_id is None or isinstance(error_id, str))
            ):
                return Err(ErrorCode(code), reason, ref=ref, event=event, error_id=error_id)
    raise ValueError(f"not a server message: {item!r}")
