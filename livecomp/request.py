"""What a page knows of the request that opened it: ``RequestInfo``.

The key idea: a page mounts twice, for the HTTP GET and again for the
websocket join, and both times its components read one frozen
``RequestInfo``: the page's URL (path parameters typed by the route's
converters, the query with repeated keys kept), the cookies, the app's
session, the headers the app chose to expose, and the user its loader found.
On the join all of it comes from the websocket handshake, which carries the
page's cookies, never from the page token: nothing the client could replay
elsewhere decides who the page is for.

The join opens the app's session the way Quart opens one for its own
websocket routes: the handshake's scope becomes a Quart ``Websocket`` object
(headers, cookies, path), and the app's ``session_interface.open_session``
reads it, inside the app's context. Any session interface that works for
Quart websockets (the default signed cookie, server-side stores) works here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, NoReturn
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from quart import Quart
from quart.sessions import SessionMixin
from quart.wrappers import BaseRequestWebsocket, Websocket
from werkzeug.datastructures import Headers, ImmutableMultiDict

#: The headers a component sees unless the app says otherwise
#: (``LiveApp(expose_headers=...)``): the ones a browser sends alike with the
#: page's GET and with the websocket handshake.
DEFAULT_EXPOSED_HEADERS: frozenset[str] = frozenset({"accept-language", "user-agent"})

_NOTHING: Mapping[str, Any] = MappingProxyType({})


def _nothing() -> Mapping[str, Any]:
    return _NOTHING


#: The query of every URL that has none: immutable, so all pages share it.
_NO_QUERY: ImmutableMultiDict[str, str] = ImmutableMultiDict()


def _no_query() -> ImmutableMultiDict[str, str]:
    return _NO_QUERY


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy of ``mapping``; the shared empty one when it is empty."""
    return MappingProxyType(dict(mapping)) if mapping else _NOTHING


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """The request a page was opened with, as its components see it.

    ``self.request`` on a component. On the HTTP render it is the GET's; on
    the join, the websocket handshake's (same cookies, same session). A URL
    change within the page (a ``live-patch`` link, back and forward,
    ``patch_url``) gives a new one with the new ``url``, ``path_params``
    and ``query``; the rest stays.

    Example:
        ```python
        async def mount(self) -> None:
            self.state.uid = self.request.path_params["uid"]  # <int:uid>: an int
            self.state.tags = self.request.query.getlist("tag")
            self.state.name = self.request.user.name if self.request.user else ""
        ```

    Attributes:
        url: the page's URL as the browser has it: path and query, no origin.
        path_params: the route's parameters, converted (``<int:uid>``: an int).
        query: the query parameters: ``query.get(name)`` the first value,
            ``query.getlist(name)`` every value of a repeated key.
        headers: the headers the app exposes (lower-case names), and only those.
        cookies: the cookies, by name.
        session: the app's session (read-only: a socket cannot set a cookie).
        user: what the app's ``user_loader`` returned, or None.
    """

    url: str = "/"
    path_params: Mapping[str, Any] = field(default_factory=_nothing)
    query: ImmutableMultiDict[str, str] = field(default_factory=_no_query)
    headers: Mapping[str, str] = field(default_factory=_nothing)
    cookies: Mapping[str, str] = field(default_factory=_nothing)
    session: Mapping[str, Any] = field(default_factory=_nothing)
    user: Any = None

    @property
    def path(self) -> str:
        """The URL's path, percent-decoded."""
        return unquote(urlsplit(self.url).path)

    def at(self, url: str, path_params: Mapping[str, Any]) -> RequestInfo:
        """This request moved to ``url`` within the page: same cookies, session, user."""
        return replace(self, url=url, path_params=_frozen(path_params), query=parse_query(url))

    @classmethod
    def for_query(cls, params: Mapping[str, str]) -> RequestInfo:
        """A request for ``/`` with the query ``params`` (pages built by hand, in tests)."""
        if not params:
            return cls()
        url = "/?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
        return cls(url=url, query=ImmutableMultiDict(list(params.items())))


def parse_query(url: str) -> ImmutableMultiDict[str, str]:
    """The query parameters of ``url``, repeated keys kept in order."""
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    return ImmutableMultiDict(pairs) if pairs else _NO_QUERY


def page_url(path: str, query_string: bytes | str) -> str:
    """The relative URL of a page from its decoded path and its raw query string."""
    query = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    url = quote(path, safe="/:@!$&'()*+,;=~")
    return f"{url}?{query}" if query else url


def request_info(
    source: BaseRequestWebsocket,
    session: Mapping[str, Any],
    *,
    url: str,
    path_params: Mapping[str, Any],
    expose_headers: Collection[str],
) -> RequestInfo:
    """What a page sees of ``source`` (Quart's request, or the handshake's
    websocket) and of the app's ``session``, for the page at ``url``."""
    headers = {
        name: value for name in expose_headers if (value := source.headers.get(name)) is not None
    }
    return RequestInfo(
        url=url,
        path_params=_frozen(path_params),
        query=parse_query(url),
        headers=_frozen(headers),
        cookies=_frozen(source.cookies.to_dict()),
        session=_frozen(session),
    )


async def socket_session(app: Quart, scope: Mapping[str, Any]) -> tuple[Websocket, SessionMixin]:
    """The handshake of the websocket ``scope`` as a Quart ``Websocket``, and
    the app's session as its cookies name it (a null session when the app
    has none, e.g. no secret key)."""
    websocket = _websocket(app, scope)
    interface = app.session_interface
    async with app.app_context():
        session = await app.ensure_async(interface.open_session)(app, websocket)
        if session is None:
            session = await interface.make_null_session(app)
    return websocket, session


def _websocket(app: Quart, scope: Mapping[str, Any]) -> Websocket:
    # As Quart builds one for its websocket routes, but only to be read: the
    # session is livecomp's, so the I/O callables refuse to be used.
    headers = Headers()
    for name, value in scope["headers"]:
        headers.add(name.decode("latin-1").title(), value.decode("latin-1"))
    return app.websocket_class(
        scope["path"],
        scope.get("query_string", b""),
        scope.get("scheme", "ws"),
        headers,
        scope.get("root_path", ""),
        scope.get("http_version", "1.1"),
        list(scope.get("subprotocols", [])),
        _not_quarts,
        _not_quarts,
        _not_quarts,
        _not_quarts,
        scope=scope,  # type: ignore[arg-type]
    )


async def _not_quarts(*args: Any, **kwargs: Any) -> NoReturn:
    raise RuntimeError("the live socket is livecomp's: this Websocket object is only read")
