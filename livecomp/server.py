"""Quart integration: page routes, the live socket, and the client script.

``LiveApp`` registers, on a Quart app, one GET route per live page (a full
server-side render that works without JavaScript, embedding the signed page
token and the script tag) and ``/live.js`` served from the package with an
ETag; it serves the websocket that joins pages itself, in front of Quart.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

from markupsafe import Markup, escape
from quart import Quart, Response, request

from livecomp.asgi import AsgiTransport, Receive, Scope, Send
from livecomp.component import Component, PageContext
from livecomp.names import HEARTBEAT, PAGE, SOCKET, TOKEN
from livecomp.page import LivePage
from livecomp.pubsub import Broker, LocalBroker
from livecomp.runtime import StaticRuntime
from livecomp.security import (
    DEFAULT_MAX_FRAME_BYTES,
    DEFAULT_TOKEN_MAX_AGE,
    MAX_TOKEN_CHARS,
    PageClaims,
    TokenSigner,
    new_session_id,
)
from livecomp.session import LiveSession, SessionConfig

#: Response headers of every live page unless the app overrides them (as
#: Phoenix's default browser pipeline does): no framing by other sites, no
#: MIME sniffing, no full URL in referrers, and no caching of a page that
#: carries a token.
PAGE_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cache-Control": "private, no-store",
}


class TokenTooLong(ValueError):
    """A page whose token would be too long to join with (a huge query string)."""


#: The key of the ``LiveSession`` in the ASGI scope of a live socket.
SESSION_SCOPE_KEY = "livecomp.session"

DEFAULT_LAYOUT = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<script defer src="{script}"></script>
{head}
</head>
<body>
{content}
</body>
</html>
"""


@dataclass(frozen=True)
class _Route:
    path: str
    component: type[Component[Any]]
    title: str
    head: str


class LiveApp:
    """Serves live pages from a Quart app.

    Example:
        ```python
        app = Quart(__name__)
        live = LiveApp(app)
        live.page("/", Thermostat, title="Thermostat")
        ```

    Args:
        app: the Quart app to register routes on (or call ``init_app`` later).
        secret_key: signs page tokens; every process serving one site needs the
            same key. Defaults to ``$LIVECOMP_SECRET_KEY``, else a random key
            per process.
        public_origins: the origins the site is served from (e.g.
            ``{"https://example.com"}``). When set, only these (and
            ``allowed_origins``) may open the live socket, and the Host header
            is not trusted, which stops DNS rebinding. Set it in production.
            When empty, a socket whose Origin names its own Host is accepted.
        allowed_origins: origins allowed to open sockets besides those.
        max_frame_bytes: the largest inbound frame accepted (64 KiB default).
        token_max_age: seconds a page token stays valid for joining.
        outbox_size: messages queued for one client before it counts as slow.
        send_timeout: seconds one send may take before the client counts as slow.
        broker: carries ``publish`` to subscribers; the default reaches every
            page of this process.
        events_per_second: events one socket may send per second, after a
            burst of ``event_burst``; beyond, ``err`` ``rate_limited`` (0: no limit).
        heartbeat: seconds between the client's heartbeats (0: none).
        idle_timeout: a socket silent this long (no frame, no heartbeat) is
            closed with ``IDLE_TIMEOUT``, freeing its page (0: never).
        page_headers: response headers of the pages, over the defaults
            (``PAGE_HEADERS``: no framing by other sites, no sniffing, no
            caching of a token-bearing page); a value of None drops one.
        debug: tell the browser what a failing handler raised. Off by default:
            the browser then gets only which event failed and an error id,
            which the server's log line carries too. Never on in production:
            exception text can hold paths, SQL and secrets.
    """

    def __init__(
        self,
        app: Quart | None = None,
        *,
        secret_key: str | bytes | None = None,
        public_origins: set[str] | frozenset[str] = frozenset(),
        allowed_origins: set[str] | frozenset[str] = frozenset(),
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        token_max_age: int = DEFAULT_TOKEN_MAX_AGE,
        outbox_size: int = 512,
        send_timeout: float = 10.0,
        socket_path: str = "/live/ws",
        script_path: str = "/live.js",
        broker: Broker | None = None,
        events_per_second: float = 1000.0,
        event_burst: int = 3000,
        heartbeat: float = 30.0,
        idle_timeout: float = 60.0,
        page_headers: Mapping[str, str | None] | None = None,
        debug: bool = False,
    ) -> None:
        key = secret_key or os.environ.get("LIVECOMP_SECRET_KEY") or secrets.token_bytes(32)
        self.signer = TokenSigner(key, max_age=token_max_age)
        self.config = SessionConfig(
            max_frame_bytes=max_frame_bytes,
            outbox_size=outbox_size,
            send_timeout=send_timeout,
            allowed_origins=frozenset(allowed_origins),
            public_origins=frozenset(public_origins),
            heartbeat=heartbeat,
            idle_timeout=idle_timeout,
            events_per_second=events_per_second,
            event_burst=event_burst,
            debug=debug,
        )
        merged = {**PAGE_HEADERS, **(page_headers or {})}
        self.page_headers = {name: value for name, value in merged.items() if value is not None}
        self.broker: Broker = broker or LocalBroker()
        self.socket_path = socket_path
        self.script_path = script_path
        self._routes: dict[str, _Route] = {}
        self.sessions: set[LiveSession] = set()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Quart) -> None:
        """Register the page and script routes on ``app`` and take its live socket."""
        self.app = app
        app.extensions["livecomp"] = self
        app.add_url_rule(self.script_path, "livecomp_script", self._serve_script)
        for route in self._routes.values():
            self._add_page_rule(route)
        # The live socket is served as plain ASGI in front of Quart: Quart's
        # websocket layer adds a task, queues and ~13 KiB per connection, and
        # the session needs none of its request context.
        quart_app = app.asgi_app

        async def asgi_app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "websocket" and scope["path"] == self.socket_path:
                await self._serve_socket(scope, receive, send)
            else:
                await quart_app(scope, receive, send)  # type: ignore[arg-type]

        app.asgi_app = asgi_app  # type: ignore[method-assign,assignment]

    def page(
        self, path: str, component: type[Component[Any]], *, title: str = "", head: str = ""
    ) -> None:
        """Serve ``component`` as a live page at ``path``.

        ``head`` is trusted markup added to the document's ``<head>`` (styles).
        """
        route = _Route(path, component, title or component.__name__, head)
        self._routes[path] = route
        if hasattr(self, "app"):
            self._add_page_rule(route)

    def resolve(self, claims: PageClaims) -> type[Component[Any]] | None:
        """The root component a verified token names, if that page still exists."""
        route = self._routes.get(claims.route)
        if route is None or _qualname(route.component) != claims.component:
            return None
        return route.component

    async def render_page(self, path: str, params: dict[str, str]) -> str:
        """The full HTML document of the page at ``path``: a static first render.

        Raises:
            TokenTooLong: the page's query makes a token no join would accept.
        """
        route = self._routes[path]
        claims = PageClaims(
            route=path,
            component=_qualname(route.component),
            session_id=new_session_id(),
            params=params,
        )
        page = LivePage(
            route.component,
            PageContext(
                connected=False,
                params=params,
                session_id=claims.session_id,
                runtime=StaticRuntime(self.broker),
            ),
        )
        try:
            body = await page.mount()
        finally:
            await page.close()
        token = self.signer.issue(claims)
        if len(token) > MAX_TOKEN_CHARS:
            # The query is signed into the token: a join could never carry it.
            raise TokenTooLong(
                f"the page token would be {len(token)} characters, over {MAX_TOKEN_CHARS}: "
                "the query string is too long"
            )
        heartbeat = round(self.config.heartbeat * 1000)
        content = (
            f'<div {PAGE} {TOKEN}="{token}" {SOCKET}="{escape(self.socket_path)}" '
            f'{HEARTBEAT}="{heartbeat}">{body}</div>'
        )
        return DEFAULT_LAYOUT.format(
            title=escape(route.title),
            script=escape(f"{self.script_path}?v={self._script_etag}"),
            head=Markup(route.head),
            content=content,
        )

    def _add_page_rule(self, route: _Route) -> None:
        async def view() -> Response:
            params = {key: value for key, value in request.args.items()}
            try:
                html = await self.render_page(route.path, params)
            except TokenTooLong as exc:
                return Response(str(exc), status=414, content_type="text/plain; charset=utf-8")
            return Response(
                html, content_type="text/html; charset=utf-8", headers=self.page_headers
            )

        self.app.add_url_rule(route.path, f"livecomp_page_{route.path}", view)

    @cached_property
    def _script(self) -> bytes:
        return resources.files("livecomp").joinpath("js/dist/live.js").read_bytes()

    @cached_property
    def _script_etag(self) -> str:
        return hashlib.sha256(self._script).hexdigest()[:16]

    async def _serve_script(self) -> Response:
        etag = f'"{self._script_etag}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(b"", status=304, headers={"ETag": etag})
        return Response(
            self._script,
            content_type="text/javascript; charset=utf-8",
            headers={"ETag": etag, "Cache-Control": "no-cache"},
        )

    async def _serve_socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = AsgiTransport(receive, send)
        headers = {key.decode("latin-1").lower(): value for key, value in scope["headers"]}
        session = LiveSession(
            transport,
            signer=self.signer,
            resolve=self.resolve,
            origin=_header(headers, "origin"),
            host=_header(headers, "host"),
            config=self.config,
            broker=self.broker,
        )
        # Where whoever built the scope (a test client, a middleware) finds it.
        scope[SESSION_SCOPE_KEY] = session
        if not await transport.accept():
            return
        self.sessions.add(session)
        try:
            await session.run()
        finally:
            self.sessions.discard(session)


def _header(headers: dict[str, bytes], name: str) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value is not None else None


def _qualname(component: type[Component[Any]]) -> str:
    return f"{component.__module__}.{component.__qualname__}"


async def serve(
    app: Quart,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    compression: bool = False,
    log_level: str = "INFO",
) -> None:
    """Serve ``app`` with Hypercorn on ``host``:``port`` (default ``$PORT`` or 8000).

    ``compression`` turns on permessage-deflate for websockets. It is off by
    default: Hypercorn keeps a full zlib compressor per connection (about
    118 KiB per idle page, measured in bench/), while patches are already
    small. When on, contexts are not kept between messages, so an idle page
    costs nothing extra.
    """
    from hypercorn.asyncio import serve as hypercorn_serve
    from hypercorn.config import Config

    from livecomp.hypercorn_hardening import harden_hypercorn

    _configure_websocket_compression(compression)
    # Every websocket connection ends in bounded time after the server ends
    # it (slow client, idle, frame too large), whatever the peer does; and a
    # frame over the limit is dropped as it arrives, not buffered whole.
    harden_hypercorn()
    config = Config()
    config.bind = [f"{host}:{port or int(os.environ.get('PORT', '8000'))}"]
    config.accesslog = None
    config.loglevel = log_level
    live = app.extensions.get("livecomp")
    if isinstance(live, LiveApp):
        # Hypercorn refuses a bigger frame as it arrives (close 1009), instead
        # of buffering it whole for the session to refuse; with
        # harden_hypercorn nothing past the limit is stored, and the limit
        # counts UTF-8 bytes, as the session's own check does.
        config.websocket_max_message_size = live.config.max_frame_bytes
    # Everything loaded so far (modules, compiled templates) lives as long as
    # the process: move it out of the collector's reach, so full collections
    # with many pages open only walk the pages.
    gc.collect()
    gc.freeze()
    await hypercorn_serve(app, config)


def run(
    app: Quart, *, host: str = "127.0.0.1", port: int | None = None, compression: bool = False
) -> None:
    """Run ``serve`` in a new event loop until interrupted."""
    asyncio.run(serve(app, host=host, port=port, compression=compression))


def _configure_websocket_compression(enabled: bool) -> None:
    # Hypercorn has no setting for this: it builds PerMessageDeflate() from
    # its ws_stream module at each handshake, so that name is what we set.
    from hypercorn.protocol import ws_stream
    from wsproto.extensions import PerMessageDeflate

    class NoDeflate(PerMessageDeflate):
        def accept(self, offer: str) -> bool | str | None:
            return None

    class StatelessDeflate(PerMessageDeflate):
        def __init__(self) -> None:
            super().__init__(client_no_context_takeover=True, server_no_context_takeover=True)

    setattr(ws_stream, "PerMessageDeflate", StatelessDeflate if enabled else NoDeflate)  # noqa: B010
