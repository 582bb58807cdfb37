"""Quart integration: page routes, the websocket route, and the client script.

``LiveApp`` registers, on a Quart app, one GET route per live page (a full
server-side render that works without JavaScript, embedding the signed page
token and the script tag), the websocket route that joins a page, and
``/live.js`` served from the package with an ETag.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

from markupsafe import Markup, escape
from quart import Quart, Response, request, websocket

from livecomp.component import Component, PageContext
from livecomp.page import LivePage
from livecomp.pubsub import Broker, LocalBroker
from livecomp.runtime import StaticRuntime
from livecomp.security import (
    DEFAULT_MAX_FRAME_BYTES,
    DEFAULT_TOKEN_MAX_AGE,
    PageClaims,
    TokenSigner,
    new_session_id,
)
from livecomp.session import LiveSession, SessionConfig

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
        allowed_origins: origins allowed to open sockets besides the page's own
            host (e.g. ``{"https://example.com"}``).
        max_frame_bytes: the largest inbound frame accepted (64 KiB default).
        token_max_age: seconds a page token stays valid for joining.
        outbox_size: messages queued for one client before it counts as slow.
        broker: carries ``publish`` to subscribers; the default reaches every
            page of this process.
    """

    def __init__(
        self,
        app: Quart | None = None,
        *,
        secret_key: str | bytes | None = None,
        allowed_origins: set[str] | frozenset[str] = frozenset(),
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        token_max_age: int = DEFAULT_TOKEN_MAX_AGE,
        outbox_size: int = 512,
        socket_path: str = "/live/ws",
        script_path: str = "/live.js",
        broker: Broker | None = None,
    ) -> None:
        key = secret_key or os.environ.get("LIVECOMP_SECRET_KEY") or secrets.token_bytes(32)
        self.signer = TokenSigner(key, max_age=token_max_age)
        self.config = SessionConfig(
            max_frame_bytes=max_frame_bytes,
            outbox_size=outbox_size,
            allowed_origins=frozenset(allowed_origins),
        )
        self.broker: Broker = broker or LocalBroker()
        self.socket_path = socket_path
        self.script_path = script_path
        self._routes: dict[str, _Route] = {}
        self.sessions: set[LiveSession] = set()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Quart) -> None:
        """Register the websocket and script routes on ``app``."""
        self.app = app
        app.add_url_rule(self.script_path, "livecomp_script", self._serve_script)
        app.add_websocket(self.socket_path, "livecomp_socket", self._serve_socket)
        for route in self._routes.values():
            self._add_page_rule(route)

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
        """The full HTML document of the page at ``path``: a static first render."""
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
        content = (
            f'<div live-page live-token="{self.signer.issue(claims)}" '
            f'live-socket="{escape(self.socket_path)}">{body}</div>'
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
            html = await self.render_page(route.path, params)
            return Response(html, content_type="text/html; charset=utf-8")

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

    async def _serve_socket(self) -> None:
        await websocket.accept()
        session = LiveSession(
            _QuartTransport(),
            signer=self.signer,
            resolve=self.resolve,
            origin=websocket.headers.get("Origin"),
            host=websocket.headers.get("Host"),
            config=self.config,
            broker=self.broker,
        )
        self.sessions.add(session)
        try:
            await session.run()
        finally:
            self.sessions.discard(session)


class _QuartTransport:
    """The current Quart websocket as a session transport."""

    def __init__(self) -> None:
        # Bind the context-local proxy's object once; the session may use it
        # from its own tasks.
        self._socket = websocket._get_current_object()  # type: ignore[attr-defined]

    async def receive(self) -> str | bytes:
        data: str | bytes = await self._socket.receive()
        return data

    async def send(self, frame: str) -> None:
        await self._socket.send(frame)

    async def close(self, code: int, reason: str) -> None:
        await self._socket.close(code, reason)


def _qualname(component: type[Component[Any]]) -> str:
    return f"{component.__module__}.{component.__qualname__}"


async def serve(app: Quart, *, host: str = "127.0.0.1", port: int | None = None) -> None:
    """Serve ``app`` with Hypercorn on ``host``:``port`` (default ``$PORT`` or 8000)."""
    from hypercorn.asyncio import serve as hypercorn_serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"{host}:{port or int(os.environ.get('PORT', '8000'))}"]
    config.accesslog = None
    await hypercorn_serve(app, config)


def run(app: Quart, *, host: str = "127.0.0.1", port: int | None = None) -> None:
    """Run ``serve`` in a new event loop until interrupted."""
    asyncio.run(serve(app, host=host, port=port))
