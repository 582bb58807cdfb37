"""Quart integration: page routes, the live socket, and the client script.

``LiveApp`` registers, on a Quart app, one GET route per live page (a full
server-side render that works without JavaScript, embedding the signed page
token and the script tag) and ``/live.js`` served from the package with an
ETag; it serves the websocket that joins pages itself, in front of Quart.
A page's route is a Quart URL rule, so its converters type the path
parameters; the render reads the request, the session and the user
(``livecomp.request``, ``livecomp.auth``) and binds the token to the
browser session.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Collection, Mapping
from dataclasses import replace
from functools import cached_property, partial
from importlib import resources
from typing import Any

from markupsafe import Markup
from quart import Quart, Response, redirect, request, session
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from livecomp.asgi import AsgiTransport, Receive, Scope, Send
from livecomp.auth import Auth, Unauthorized, UserLoader
from livecomp.component import Component, PageContext
from livecomp.compression import (
    MIN_BYTES,
    PAGE_LEVEL,
    SCRIPT_LEVEL,
    Coding,
    choose_coding,
    compress,
)
from livecomp.embed import add_template_globals, embed_page
from livecomp.failures import ErrorHandler, answer_render_failure
from livecomp.join import Site, new_claims, sign_page
from livecomp.metrics import metrics_registry, metrics_view
from livecomp.navigation import InvalidParams, Navigator, check_url
from livecomp.page import LivePage
from livecomp.pubsub import Broker, LocalBroker
from livecomp.request import DEFAULT_EXPOSED_HEADERS, RequestInfo, page_url, request_info
from livecomp.routes import PageRoute, PageRoutes
from livecomp.runtime import StaticRuntime
from livecomp.security import (
    DEFAULT_MAX_FRAME_BYTES,
    DEFAULT_TOKEN_MAX_AGE,
    TokenSigner,
    bind_session,
    render_digest,
)
from livecomp.session import LiveSession, SessionConfig
from livecomp.shell import (
    DEFAULT_SHELL,
    PAGE_HEADERS,
    PageRedirected,
    RootRender,
    TokenTooLong,
    page_document,
)
from livecomp.telemetry import Telemetry
from livecomp.template import Templates, enter_templates, leave_templates, use_templates

__all__ = ["PAGE_HEADERS", "LiveApp", "PageRedirected", "TokenTooLong"]

#: The key of the ``LiveSession`` in the ASGI scope of a live socket.
SESSION_SCOPE_KEY = "livecomp.session"


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
        rest_after: a page that has not rendered for this many seconds keeps
            its long renders compressed until its next render (0: never).
        page_headers: response headers of the pages, over the defaults
            (``PAGE_HEADERS``: no framing by other sites, no sniffing, no
            caching of a token-bearing page); a value of None drops one.
        user_loader: finds the user of a request (``RequestInfo`` in, the
            user or None out; may be async): ``self.request.user``. Pages
            with ``login_required`` call it again before every event.
        login_url: where a page that needs a user sends the browser without
            one (with ``?next=`` the page's URL).
        expose_headers: the request headers components see (lower-case
            names); by default those a browser sends alike with a page and
            its websocket (``accept-language``, ``user-agent``).
        redirect_origins: origins (``"https://accounts.example"``) that
            ``redirect`` and ``navigate`` may send the browser to; by
            default only URLs of this site.
        debug: tell the browser what a failing handler raised. Off by default:
            the browser then gets only which event failed and an error id,
            which the server's log line carries too. Never on in production:
            exception text can hold paths, SQL and secrets. Also (as does the
            Quart app's ``debug``) makes a changed template file take effect
            at its next render; otherwise template files are compiled once.
        shell: the template of every page's document (a page may name its
            own); the default, ``livecomp/page.html``, ships with livecomp.
        telemetry: count and time what the pages do (``livecomp.Telemetry``;
            True for one with no hooks). Off by default, at no cost.
        metrics_path: serve the telemetry in Prometheus' text format at
            this path (``"/metrics"``); turns telemetry on. Off by default.
        metrics_auth: a ``(user, password)`` pair the metrics route then
            requires as HTTP Basic credentials; anyone else gets 401.
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
        rest_after: float = 1.0,
        page_headers: Mapping[str, str | None] | None = None,
        user_loader: UserLoader | None = None,
        login_url: str = "/login",
        expose_headers: Collection[str] = DEFAULT_EXPOSED_HEADERS,
        redirect_origins: Collection[str] = (),
        debug: bool = False,
        shell: str = DEFAULT_SHELL,
        telemetry: bool | Telemetry = False,
        metrics_path: str | None = None,
        metrics_auth: tuple[str, str] | None = None,
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
            rest_after=rest_after,
            events_per_second=events_per_second,
            event_burst=event_burst,
            debug=debug,
        )
        merged = {**PAGE_HEADERS, **(page_headers or {})}
        self.page_headers = {name: value for name, value in merged.items() if value is not None}
        self.broker: Broker = broker or LocalBroker()
        self.socket_path = socket_path
        self.script_path = script_path
        self.auth = Auth(user_loader, check_url(login_url, allowed_origins=redirect_origins))
        self.expose_headers = frozenset(name.lower() for name in expose_headers)
        self.redirect_origins = frozenset(redirect_origins)
        self.routes = PageRoutes()
        self.shell = shell
        self._shells: dict[str, str] = {}
        self._scripts: dict[Coding, bytes] = {}
        self.templates = Templates(debug=self._debug)
        self.sessions: set[LiveSession] = set()
        if metrics_auth is not None and metrics_path is None:
            raise TypeError("metrics_auth protects the metrics route: pass metrics_path too")
        #: What the pages count and time (None: telemetry is off).
        self.telemetry: Telemetry | None = None
        if isinstance(telemetry, Telemetry):
            self.telemetry = telemetry
        elif telemetry or metrics_path is not None:
            self.telemetry = Telemetry()
        self.metrics_path = metrics_path
        self._metrics_auth = metrics_auth
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Quart) -> None:
        """Register the page and script routes on ``app`` and take its live socket."""
        self.app = app
        app.extensions["livecomp"] = self
        self.templates = Templates(app, debug=self._debug)
        self.routes.url_map = app.url_map
        self.site = Site(
            app,
            self.signer,
            self.routes,
            self.auth,
            self.expose_headers,
            self.redirect_origins,
        )
        app.add_url_rule(self.script_path, "livecomp_script", self._serve_script)
        add_template_globals(app, self)
        if self.metrics_path is not None and self.telemetry is not None:
            registry = metrics_registry(self.telemetry)
            view = metrics_view(registry, self._metrics_auth)
            app.add_url_rule(self.metrics_path, "livecomp_metrics", view)
        for route in self.routes:
            self._add_page_rule(route)
        # The live socket is served as plain ASGI in front of Quart: Quart's
        # websocket layer adds a task, queues and ~13 KiB per connection, and
        # the session needs none of its request context.
        self._quart_asgi_app = app.asgi_app
        app.asgi_app = self._asgi_app  # type: ignore[method-assign,assignment]

    def error_handler(self, handler: ErrorHandler) -> ErrorHandler:
        """Decide what a failure of app code shows; use as a decorator.

        ``handler`` gets a ``Failure`` (the error id the log line carries,
        the exception, what failed, the page's URL) and may be async. On the
        first (HTTP) render it returns a Quart response value, or None for
        Quart's error page; on the socket it returns the ``err``'s reason
        (shown by the page's ``live:error`` listeners), or None for livecomp's.

        Example:
            ```python
            @live.error_handler
            async def failed(failure: Failure) -> Any:
                if failure.on_socket:
                    return f"That did not work (error {failure.error_id})"
                return await render_template("500.html", error_id=failure.error_id), 500
            ```
        """
        self.config = replace(self.config, error_handler=handler)
        return handler

    def page(
        self,
        path: str,
        component: type[Component[Any]],
        *,
        title: str = "",
        head: str = "",
        login_required: bool = False,
        shell: str | None = None,
    ) -> None:
        """Serve ``component`` as a live page at ``path``, a Quart URL rule.

        The rule's converters (``/users/<int:uid>``) type the path
        parameters (``self.request.path_params``, the params handler's
        arguments); a URL that does not convert answers 404. ``head`` is
        trusted markup added to the document's ``<head>`` (styles).
        ``login_required``: only a user the app's ``user_loader`` finds may
        open the page; anyone else is sent to ``login_url``. ``shell``: the
        template of the page's document, over the app's ``shell``.
        """
        if login_required and self.auth.user_loader is None:
            raise TypeError(
                f"the page {path!r} requires a login, but the app has no user loader: "
                "pass LiveApp(user_loader=...)"
            )
        route = PageRoute(path, component, title or component.__name__, head, login_required)
        self.routes.add(route)
        if shell is not None:
            self._shells[path] = shell
        else:
            self._shells.pop(path, None)
        if hasattr(self, "app"):
            self._add_page_rule(route)

    async def render_page(
        self,
        path: str,
        request: RequestInfo | Mapping[str, str] | None = None,
        *,
        binding: str = "",
    ) -> str:
        """The full HTML document of the page whose rule is ``path``: a static
        first render for ``request`` (or for a query given as a mapping),
        with a token bound to the browser session ``binding``.

        Raises:
            TokenTooLong: the page's URL makes a token no join would accept.
            InvalidParams: the URL's parameters do not fit the params handler.
            Unauthorized: ``mount`` or the params handler refused the user.
            PageRedirected: the page sent the browser elsewhere.
        """
        route = self.routes[path]
        if not isinstance(request, RequestInfo):
            request = RequestInfo.for_query(request or {})
        return self._document(route, await self._render_root(route, request, binding))

    async def embed(self, url: str) -> Markup:
        """The live page at ``url`` (a path of this site, with its query) as
        a container to put in a page the app renders itself, for the current
        request: the ``live_embed`` of templates (``livecomp.embed``).

        Example:
            ```python
            @app.get("/")
            async def home() -> str:
                return await render_template("home.html", counter=await live.embed("/counter"))
            ```
        """
        return await embed_page(self, url)

    async def _first_render(
        self, route: PageRoute, url: str, path_params: Mapping[str, Any]
    ) -> RootRender:
        """``route``'s page at ``url`` rendered for the current Quart request:
        its session (the token bound to it) and its user, as the page's GET.

        Raises:
            Unauthorized: the page needs a user the request does not have
                (or ``mount`` refused it); else as ``render_page``.
        """
        writable = not self.app.session_interface.is_null_session(session)
        binding = bind_session(session, writable=writable)
        info = request_info(
            request, session, url=url, path_params=path_params, expose_headers=self.expose_headers
        )
        info = await self.auth.admit(info, required=route.login_required)
        return await self._render_root(route, info, binding)

    async def _render_root(
        self, route: PageRoute, request: RequestInfo, binding: str
    ) -> RootRender:
        claims = new_claims(route, request.url, binding)
        navigator = Navigator(
            request, match=partial(self.routes.match, route), allowed_origins=self.redirect_origins
        )
        context = PageContext(
            connected=False,
            session_id=claims.session_id,
            runtime=StaticRuntime(self.broker),
            navigator=navigator,
        )
        with use_templates(self.templates):
            page = LivePage(route.component, context)
            try:
                body = await page.mount()
            finally:
                await page.close()
        if context.navigator.location is not None:
            raise PageRedirected(context.navigator.location)
        if page.params_error is not None:
            raise page.params_error
        # Signed after the render: the token carries its digest, so a join
        # that mounts to the same HTML need not send it again.
        token = sign_page(self.signer, replace(claims, digest=render_digest(body)))
        return RootRender(body, token, context.document.title or route.title)

    def _document(self, route: PageRoute, root: RootRender) -> str:
        return page_document(
            root.body,
            token=root.token,
            socket_path=self.socket_path,
            heartbeat=self.config.heartbeat,
            script=self.script_url,
            title=root.title,
            head=route.head,
            templates=self.templates,
            shell=self._shells.get(route.path, self.shell),
        )

    @property
    def script_url(self) -> str:
        """The client script's URL, versioned by its content (``live_script``)."""
        return f"{self.script_path}?v={self._script_etag}"

    def _debug(self) -> bool:
        app = getattr(self, "app", None)
        return self.config.debug or bool(app is not None and app.debug)

    def _add_page_rule(self, route: PageRoute) -> None:
        async def view(**path_params: Any) -> Response | BaseResponse:
            return await self._respond(route, path_params)

        self.app.add_url_rule(route.path, route.endpoint, view)

    async def _respond(
        self, route: PageRoute, path_params: Mapping[str, Any]
    ) -> Response | BaseResponse:
        url = page_url(request.path, request.query_string)
        try:
            html = self._document(route, await self._first_render(route, url, path_params))
        except Unauthorized as exc:
            return redirect(self.auth.login_location(url, exc))
        except PageRedirected as exc:
            return redirect(exc.location)
        except (InvalidParams, TokenTooLong) as exc:
            status = 414 if isinstance(exc, TokenTooLong) else 400
            return Response(str(exc), status=status, content_type="text/plain; charset=utf-8")
        except HTTPException:
            raise  # abort(404) and the like: Quart answers them as usual
        except Exception as exc:
            answer = await answer_render_failure(
                self.app, self.config.error_handler, exc, url, debug=self._debug()
            )
            return await self.app.make_response(answer)
        headers = {**self.page_headers, "Vary": "Accept-Encoding"}
        body = html.encode()
        coding = choose_coding(request.headers.get("Accept-Encoding"))
        if len(body) >= MIN_BYTES and coding is not None:
            body = compress(body, coding, PAGE_LEVEL[coding])
            headers["Content-Encoding"] = coding
        return Response(body, content_type="text/html; charset=utf-8", headers=headers)

    @cached_property
    def _script(self) -> bytes:
        return resources.files("livecomp").joinpath("js/dist/live.js").read_bytes()

    @cached_property
    def _script_etag(self) -> str:
        return hashlib.sha256(self._script).hexdigest()[:16]

    def _script_as(self, coding: Coding) -> bytes:
        # Compressed once per process and coding: the same bytes for every page.
        packed = self._scripts.get(coding)
        if packed is None:
            packed = self._scripts[coding] = compress(self._script, coding, SCRIPT_LEVEL[coding])
        return packed

    async def _serve_script(self) -> Response:
        coding = choose_coding(request.headers.get("Accept-Encoding"))
        # Each encoding is its own representation, with its own strong ETag.
        etag = f'"{self._script_etag}{f"-{coding}" if coding else ""}"'
        headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if request.headers.get("If-None-Match") == etag:
            return Response(b"", status=304, headers=headers)
        body = self._script
        if coding is not None:
            headers["Content-Encoding"] = coding
            body = self._script_as(coding)
        return Response(body, content_type="text/javascript; charset=utf-8", headers=headers)

    async def _asgi_app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Quart's ASGI app, with the live socket served here instead.

        The socket is served in this coroutine, not one it awaits: an idle
        socket keeps every coroutine between the server's and its read
        waiting, at about 250 bytes each.
        """
        if scope["type"] != "websocket" or scope["path"] != self.socket_path:
            await self._quart_asgi_app(scope, receive, send)  # type: ignore[arg-type]
            return
        transport = AsgiTransport(receive, send)
        live_session = self._new_session(scope, transport)
        if not await transport.accept():
            return
        self.sessions.add(live_session)
        telemetry = self.telemetry
        if telemetry is not None:
            telemetry.socket_opened()
        # Every task the session starts inherits the app's templates.
        templates = enter_templates(self.templates)
        try:
            await live_session.run()
        finally:
            leave_templates(templates)
            self.sessions.discard(live_session)
            if telemetry is not None:
                telemetry.socket_closed(transport.close_code)

    def _new_session(self, scope: Scope, transport: AsgiTransport) -> LiveSession:
        """The session of the socket ``scope``. Made apart from ``_asgi_app``,
        whose locals (the decoded Origin, say) live as long as the socket."""
        origin, host = _origin_and_host(scope)
        live_session = LiveSession(
            transport,
            site=self.site,
            scope=scope,
            origin=origin,
            host=host,
            config=self.config,
            broker=self.broker,
            telemetry=self.telemetry,
        )
        # Where whoever built the scope (a test client, a middleware) finds it.
        scope[SESSION_SCOPE_KEY] = live_session
        return live_session


def _origin_and_host(scope: Scope) -> tuple[str | None, str | None]:
    """The handshake's Origin and Host (the last of each). Apart from the
    socket's coroutine: its locals live as long as the socket does, and every
    header decoded into a dict would too."""
    headers = {key.decode("latin-1").lower(): value for key, value in scope["headers"]}
    return _header(headers, "origin"), _header(headers, "host")


def _header(headers: dict[str, bytes], name: str) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value is not None else None
