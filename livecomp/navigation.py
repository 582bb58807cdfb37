"""A page's URL: the params handler, URL changes within the page, leaving it, and the URL guard.

The key idea: a live page keeps the browser's URL as state of its own (its
``RequestInfo``), which a ``Navigator`` owns. The URL changes within the
page when the user follows a ``live-patch`` link or goes back or forward
(the client sends the new URL) or when a component calls ``patch_url`` (the
server tells the browser); either way the root component's ``@on_params``
handler runs with the new parameters, bound by pydantic like an event's
payload, and the page re-renders. ``redirect`` leaves the page: the browser
loads the new URL. ``navigate`` leaves it for another live page over the
same socket (``hops``, set by the session once joined): the server mounts the
page at the new URL and the browser swaps it in without loading; back and
forward to a URL of another page do the same. Where no socket can carry the
move (the HTTP render), ``navigate`` is a ``redirect``.

Every URL a component sends the browser to passes ``check_url`` first: only
relative URLs of this site, unless the app allows other origins. A
``javascript:`` or ``data:`` URL would run in the page, ``//evil.example``
and ``/\\evil.example`` name another site, and browsers drop tabs and line
breaks inside URLs, so what they would load is not what was checked.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ValidationError

from livecomp.events import EventHandler, HandlerDefinitionError, checked_handler
from livecomp.protocol import PatchUrl, Redirect, ServerMessage, cap, describe_validation_error
from livecomp.request import RequestInfo

PARAMS_TAG = "__livecomp_params__"

F = TypeVar("F", bound=Callable[..., Awaitable[None]])

_SEQUENCES = (list, set, frozenset, tuple)


class UnsafeURL(ValueError):
    """A URL a page may not send the browser to (or a client URL that is not a page's)."""


class InvalidParams(ValueError):
    """A URL whose parameters do not fit the params handler, which did not run."""


def check_url(url: str, *, allowed_origins: Collection[str] = (), relative: bool = False) -> str:
    """Return ``url`` if a page may send the browser there; raise ``UnsafeURL`` otherwise.

    Allowed: URLs relative to this site (``/items``, ``?page=2``, ``edit``).
    Absolute ``http(s)`` URLs only when their origin is in ``allowed_origins``
    (and ``relative`` is False).

    Example:
        ```python
        check_url("/items?page=2")  # '/items?page=2'
        check_url("//evil.example")  # UnsafeURL: ... names another site ...
        ```
    """
    if not isinstance(url, str):
        raise TypeError(f"a URL must be a string, got {type(url).__name__}")
    shown = cap(url, 100)
    if not url:
        raise UnsafeURL("an empty URL goes nowhere; use a path such as '/' or '?page=2'")
    control = next((char for char in url if ord(char) < 0x20 or ord(char) == 0x7F), None)
    if control is not None:
        raise UnsafeURL(
            f"URL {shown!r} contains the control character {control!r}: browsers drop tabs "
            "and line breaks inside URLs, so they would not load the URL that was checked"
        )
    if "\\" in url:
        raise UnsafeURL(
            f"URL {shown!r} contains a backslash, which browsers read as '/': "
            "'/\\evil.example' is '//evil.example', another site"
        )
    if url != url.strip():
        raise UnsafeURL(f"URL {shown!r} starts or ends with spaces, which browsers drop")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise UnsafeURL(f"URL {shown!r} is malformed: {exc}") from None
    if not (parts.scheme or parts.netloc):
        return url
    if not parts.scheme:
        raise UnsafeURL(
            f"URL {shown!r} starts with '//', which names another site; use a path such as '/items'"
        )
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(
            f"URL {shown!r} has the scheme {parts.scheme + ':'!r}; only URLs of this site are "
            "allowed (a javascript: or data: URL would run in the page)"
        )
    origin = f"{parts.scheme}://{parts.netloc.lower()}"
    if parts.netloc and not relative and origin in {o.lower() for o in allowed_origins}:
        return url
    if relative:
        raise UnsafeURL(f"URL {shown!r} is absolute; patch_url takes a URL of this page, relative")
    raise UnsafeURL(
        f"URL {shown!r} leaves this site; use a relative URL, or allow its origin: "
        f"LiveApp(redirect_origins={{{origin!r}}})"
    )


def client_url(url: str) -> str:
    """A URL the browser says it is at (path and query); raise ``UnsafeURL`` otherwise."""
    check_url(url, relative=True)
    if not url.startswith("/"):
        raise UnsafeURL(f"URL {cap(url, 100)!r} is not a path: it must start with '/'")
    # '/.//evil.example' is a path, but resolved it would name another site.
    check_url(urljoin("/", url), relative=True)
    return url


# --- the params handler --------------------------------------------------------


def on_params(method: F) -> F:
    """Run the decorated async method after ``mount`` and on every URL change.

    Only the page's root component's handler runs. Its parameters are bound
    by pydantic from the route's path parameters (already typed by the
    route's converters) and the query parameters, like an event's payload:
    annotated parameters, or a single pydantic model. A repeated query key
    arrives as a list; a parameter annotated with a list type takes one
    value as a one-item list. URL parameters that do not validate are
    refused before the handler runs (on the HTTP render: 400).

    Example:
        ```python
        @on_params
        async def paginate(self, page: int = 1, tag: list[str] = []) -> None:
            self.state.page = page
        ```
    """
    coroutine = inspect.iscoroutinefunction(method)
    if not coroutine:
        raise HandlerDefinitionError(
            f"the params handler {getattr(method, '__qualname__', method)!r} must be a "
            "coroutine: write `@on_params async def ...(self, page: int = 1)`"
        )
    setattr(method, PARAMS_TAG, True)
    return method


@dataclass
class ParamsHandler:
    """The ``@on_params`` handler of a component class, with its binding."""

    method_name: str
    handler: EventHandler
    _sequences: frozenset[str] | None = field(default=None, repr=False)

    def bind(self, request: RequestInfo) -> dict[str, Any]:
        """The handler's keyword arguments for ``request``'s URL.

        Raises:
            InvalidParams: the parameters do not validate.
        """
        sequences = self._sequences
        if sequences is None:
            sequences = self._sequences = self._sequence_fields()
        payload: dict[str, Any] = {}
        for name in request.query:
            values = request.query.getlist(name)
            payload[name] = values if len(values) > 1 or name in sequences else values[0]
        payload.update(request.path_params)
        try:
            return self.handler.bind(payload)
        except ValidationError as exc:
            raise InvalidParams(
                f"the parameters of URL {cap(request.url, 100)!r} do not fit "
                f"{self.handler.owner}.{self.method_name}: {describe_validation_error(exc)}"
            ) from None

    def _sequence_fields(self) -> frozenset[str]:
        function = self.handler.function
        hints = typing.get_type_hints(
            function, globalns=function.__globals__, localns=dict(self.handler.localns)
        )
        annotations = {param.name: hints[param.name] for param in self.handler.params}
        if len(annotations) == 1:
            (only,) = annotations.values()
            if isinstance(only, type) and issubclass(only, BaseModel):
                annotations = {n: f.annotation for n, f in only.model_fields.items()}
        return frozenset(name for name, hint in annotations.items() if _takes_many(hint))


def _takes_many(hint: Any) -> bool:
    """Whether an annotation takes a list of values (``list[str]``, ``list[int] | None``)."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _takes_many(typing.get_args(hint)[0])
    if origin is typing.Union or isinstance(hint, types.UnionType):
        return any(_takes_many(arg) for arg in typing.get_args(hint))
    return origin in _SEQUENCES or hint in _SEQUENCES


def collect_params_handler(
    cls: type, inherited: ParamsHandler | None, *, reserved: frozenset[str]
) -> ParamsHandler | None:
    """The ``@on_params`` handler declared in ``cls``'s body, else ``inherited``."""
    found = [(name, m) for name, m in vars(cls).items() if getattr(m, PARAMS_TAG, False)]
    if not found:
        return inherited
    if len(found) > 1:
        names = " and ".join(f"{name}()" for name, _ in found)
        raise HandlerDefinitionError(
            f"{cls.__name__} has two params handlers, {names}; keep one @on_params"
        )
    [(name, method)] = found
    if name in reserved:
        raise HandlerDefinitionError(
            f"{cls.__name__}.{name} is a framework member and cannot be the params "
            "handler; decorate a method of your own, e.g. `@on_params async def paginate(...)`"
        )
    handler = checked_handler(
        cls, name, method, event="params", role="the params handler", source="URL", example="int"
    )
    return ParamsHandler(name, handler)


# --- the navigator -------------------------------------------------------------

#: Path parameters of a URL of the page, or None for a URL of another page.
PageMatcher = Callable[[str], Mapping[str, Any] | None]


class NavigatorSocket(Protocol):
    """The socket a page's navigator reaches the browser through: its session.
    One object kept, where three callbacks would be three bound methods on
    every page (64 bytes each)."""

    def take_replies(self, messages: Sequence[ServerMessage]) -> None:
        """Queue ``messages`` for the browser."""

    def redirected(self, url: str) -> None:
        """The page sent the browser to ``url`` (a ``redirect``): it is over."""

    def navigating(self, url: str, replace: bool) -> None:
        """The page moves to the live page at ``url`` over the socket, which
        mounts it (``replace``: the history entry is replaced)."""


class ParamsRunner(Protocol):
    """What runs a page's params handler: the mounted ``LivePage``."""

    async def handle_params(self) -> None:
        """Run the root component's params handler for the page's URL."""


class Navigator:
    """One page's URL, and how its components move it.

    Set up by whoever serves the page: ``match`` tells a URL of this page
    (its path parameters) from another; ``socket`` carries messages to the
    browser once a socket is there (None on the HTTP render) and is told
    when the page sends the browser elsewhere; ``hops``, once true, has the
    socket mount the page ``navigate`` moves to (false: ``navigate`` loads
    the URL); ``params_runner`` runs the root's params handler (the page,
    once mounted).

    Args:
        request: the page's request, at its URL.
        match: the path parameters of a URL of this page; None for any other.
        allowed_origins: origins ``redirect`` and ``navigate`` may send the browser to.
    """

    # Every live page keeps one: slots, not an instance dict.
    __slots__ = (
        "_match",
        "allowed_origins",
        "hops",
        "location",
        "params_runner",
        "request",
        "socket",
    )

    def __init__(
        self,
        request: RequestInfo | None = None,
        *,
        match: PageMatcher | None = None,
        allowed_origins: Collection[str] = (),
    ) -> None:
        self.request = request or RequestInfo()
        self.allowed_origins = frozenset(allowed_origins)
        self._match = match
        self.socket: NavigatorSocket | None = None
        self.hops = False
        self.params_runner: ParamsRunner | None = None
        #: Where the page sent the browser (``redirect``, ``navigate``), once it did.
        self.location: str | None = None

    @property
    def leaving(self) -> bool:
        """True once the page has sent the browser elsewhere."""
        return self.location is not None

    def path_params(self, url: str) -> Mapping[str, Any] | None:
        """The path parameters of ``url`` if it is a URL of this page, else None."""
        if self._match is None:
            return dict(self.request.path_params)
        return self._match(url)

    async def patch_url(self, url: str, *, replace: bool = False) -> None:
        """Move the browser to ``url``, a URL of this page, and run the params handler.

        On the HTTP render there is no browser page to patch yet: the answer
        becomes a redirect to ``url``.

        Raises:
            UnsafeURL: ``url`` is not a relative URL.
            ValueError: ``url`` is a URL of another page (use ``navigate``).
            InvalidParams: its parameters do not fit the params handler.
        """
        check_url(url, relative=True)
        target = self._resolve(url)
        params = self.path_params(target)
        if params is None:
            raise ValueError(
                f"patch_url({cap(url, 100)!r}): {cap(target, 100)!r} is not a URL of this page; "
                "use navigate() to go to another page"
            )
        if self.socket is None:
            self._go(target)
            return
        self.request = self.request.at(target, params)
        self.socket.take_replies([PatchUrl(target, replace)])
        if self.params_runner is not None:
            await self.params_runner.handle_params()

    async def moved(self, url: str) -> None:
        """The browser is now at ``url`` (a ``live-patch`` link, back or forward):
        run the params handler; a URL of another page moves there (``hop``,
        replacing the history entry the browser is already at) or loads it.

        Raises:
            InvalidParams: its parameters do not fit the params handler.
        """
        params = self.path_params(url)
        if params is None:
            self._leave_for(url, replace=True)
            return
        self.request = self.request.at(url, params)
        if self.params_runner is not None:
            await self.params_runner.handle_params()

    def navigate(self, url: str, *, replace: bool = False) -> None:
        """Move the browser to the live page at ``url`` over this socket; the
        page ends. The socket (``hop``) loads the URL instead when it is no
        live page the user may see; so does an absolute URL, and the HTTP
        render (a 302).

        Raises:
            UnsafeURL: ``url`` is not a URL of this site or of an allowed origin.
        """
        check_url(url, allowed_origins=self.allowed_origins)
        if urlsplit(url).scheme:
            self._go(url)
            return
        self._leave_for(self._resolve(url), replace=replace)

    def _leave_for(self, url: str, *, replace: bool) -> None:
        if not self.hops or self.socket is None:
            self._go(url)
        elif self.location is None:
            self.location = url
            self.socket.navigating(url, replace)

    def redirect(self, url: str) -> None:
        """Send the browser to ``url`` with a full page load; the page ends.

        Raises:
            UnsafeURL: ``url`` is not a URL of this site or of an allowed origin.
        """
        check_url(url, allowed_origins=self.allowed_origins)
        self._go(url if urlsplit(url).scheme else self._resolve(url))

    def _resolve(self, url: str) -> str:
        """``url``, relative, resolved against the page's URL and checked again:
        resolving can make a path such as ``/.//evil.example`` into
        ``//evil.example``, another site."""
        target = urljoin(self.request.url, url)
        try:
            check_url(target, relative=True)
        except UnsafeURL as exc:
            raise UnsafeURL(f"URL {cap(url, 100)!r} resolves to {exc}") from None
        return target

    def _go(self, url: str) -> None:
        if self.location is not None:
            return  # the browser follows the first; the page is over
        self.location = url
        if self.socket is not None:
            self.socket.take_replies([Redirect(url)])
            self.socket.redirected(url)
