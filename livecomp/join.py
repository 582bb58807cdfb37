"""Joining a socket to a page: which page, at which URL, for whom.

The key idea: a join is admitted only when each thing it claims checks out
against what the server knows, and what the page learns of the request
comes from the websocket handshake. The token must verify and name a page
the app still serves; the URL the browser is at must be a URL of that page
(its parameters are read from it, as on a GET); the handshake's cookies
must carry the browser session the token was rendered for, so a token
replayed with another user's cookies is refused; a page that needs a user
must find one. Then the page mounts with the socket as its way to the
browser. Each refusal is a close code and a reason, after a ``redirect``
when the browser should go elsewhere (the login page).

A joined page that navigates to another live page (``move``) enters it the
same way, over the same socket: its route found from the URL, the request,
session and user from the same handshake, and a fresh token bound to the
same browser session for later joins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from quart import Quart

from livecomp.actor import PageActor
from livecomp.auth import Auth, Unauthorized
from livecomp.component import PageContext
from livecomp.failures import report_failure
from livecomp.navigation import Navigator, NavigatorSocket, UnsafeURL, client_url
from livecomp.page import LivePage
from livecomp.protocol import CloseCode, Join
from livecomp.request import RequestInfo, request_info, socket_session
from livecomp.routes import PageRoute, PageRoutes
from livecomp.security import (
    MAX_TOKEN_CHARS,
    PageClaims,
    TokenError,
    TokenSigner,
    new_session_id,
    session_binding,
)
from livecomp.shell import TokenTooLong


class JoinRefused(Exception):
    """A join the server refuses: the close code, its reason, and where the
    browser should go instead (``location``), if anywhere."""

    def __init__(self, code: int, reason: str, location: str | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.location = location


@dataclass(frozen=True)
class Site:
    """What an app brings to every page it serves: its routes and rules."""

    app: Quart
    signer: TokenSigner
    routes: PageRoutes
    auth: Auth
    expose_headers: frozenset[str]
    redirect_origins: frozenset[str]

    def navigator(self, route: PageRoute, request: Any, host: str | None) -> Navigator:
        """The navigator of a page of ``route`` opened with ``request``."""
        match = _PageMatch(self.routes, route, host)
        return Navigator(request, match=match, allowed_origins=self.redirect_origins)


class _PageMatch:
    """The path parameters of a URL of one page (None for another page's):
    what a page's navigator keeps, smaller than a closure."""

    __slots__ = ("host", "route", "routes")

    def __init__(self, routes: PageRoutes, route: PageRoute, host: str | None) -> None:
        self.routes, self.route, self.host = routes, route, host

    def __call__(self, url: str) -> Mapping[str, Any] | None:
        return self.routes.match(self.route, url, self.host)


def new_claims(route: PageRoute, url: str, binding: str) -> PageClaims:
    """What the token of a new page of ``route`` at ``url``, rendered for the
    browser session ``binding``, says."""
    return PageClaims(
        route=route.path,
        component=route.component_name,
        session_id=new_session_id(),
        url=url,
        binding=binding,
    )


def sign_page(signer: TokenSigner, claims: PageClaims) -> str:
    """``claims`` signed as a page token.

    Raises:
        TokenTooLong: the URL makes a token no join would accept.
    """
    token = signer.issue(claims)
    if len(token) > MAX_TOKEN_CHARS:
        # The URL is signed into the token: a join could never carry it.
        raise TokenTooLong(
            f"the page token would be {len(token)} characters, over {MAX_TOKEN_CHARS}: "
            "the query string is too long"
        )
    return token


@dataclass(slots=True)
class Access:
    """Who may go on using a joined page: checked again before each event."""

    auth: Auth
    required: bool
    navigator: Navigator

    async def allowed(self) -> bool:
        """Whether the page's user is still logged in (always, for a public page)."""
        if not self.required:
            return True
        return await self.auth.load_user(self.navigator.request) is not None

    def login(self, refusal: Unauthorized | None = None) -> str:
        """Where to log in, coming back to this page's URL."""
        return self.auth.login_location(self.navigator.request.url, refusal)


async def admit(
    message: Join,
    site: Site,
    scope: Mapping[str, Any],
    host: str | None,
    *,
    actor_for: Callable[[str], PageActor],
    socket: NavigatorSocket,
) -> tuple[PageActor, Access, str]:
    """Check the join ``message`` of the socket ``scope`` and mount its page.

    ``actor_for`` makes the page's actor (given the page id); ``socket`` is
    the session, for the page's navigator. Returns the actor,
    who may use the page, and the digest of the render the browser shows
    ('' on a rejoin, when it may have moved on from it).

    Raises:
        JoinRefused: the join is refused; nothing is left running.
    """
    try:
        claims = site.signer.verify(message.token)
    except TokenError as exc:
        raise JoinRefused(CloseCode.TOKEN_INVALID, str(exc)) from None
    route = site.routes.resolve(claims)
    if route is None:
        raise JoinRefused(CloseCode.TOKEN_INVALID, f"token names no live page at {claims.route!r}")
    url = claims.url if message.url is None else message.url
    try:
        client_url(url)
    except UnsafeURL as exc:
        raise JoinRefused(CloseCode.JOIN_EXPECTED, str(exc)) from None
    path_params = site.routes.match(route, url, host)
    if path_params is None:
        # The browser is at another page than the token's: a reload fixes it.
        raise JoinRefused(CloseCode.TOKEN_INVALID, "page token is for another page than the URL")
    websocket, session = await socket_session(site.app, scope)
    if session_binding(session) != claims.binding:
        raise JoinRefused(CloseCode.TOKEN_INVALID, "page token belongs to another session")
    request = request_info(
        websocket, session, url=url, path_params=path_params, expose_headers=site.expose_headers
    )
    actor, access = await _enter(
        site, route, request, host, claims.session_id, actor_for=actor_for, socket=socket
    )
    return actor, access, "" if message.rejoin else claims.digest


@dataclass(frozen=True, slots=True)
class Moved:
    """The page a socket moved to (``move``): its actor, who may use it, its
    token for later joins, and its title."""

    actor: PageActor
    access: Access
    token: str
    title: str


async def move(
    url: str,
    site: Site,
    scope: Mapping[str, Any],
    host: str | None,
    *,
    first_id: int,
    actor_for: Callable[[str], PageActor],
    socket: NavigatorSocket,
) -> Moved:
    """Mount the live page at ``url`` (a path of this site) for the socket
    ``scope``, whose page navigated there, as a join would, and issue its token.

    Its components' ids start at ``first_id``. ``actor_for`` and ``socket``
    are as for ``admit``.

    Raises:
        JoinRefused: the browser should load a URL instead (``location``:
            ``url`` itself when it is no live page, the login page when the
            user may not see it); none when the page's ``mount`` sent it
            elsewhere or failed. Nothing is left running.
    """
    found = site.routes.find(url, host)
    if found is None:
        raise JoinRefused(CloseCode.REDIRECTED, "not a live page", url)
    route, path_params = found
    websocket, session = await socket_session(site.app, scope)
    claims = new_claims(route, url, session_binding(session))
    try:
        token = sign_page(site.signer, claims)
    except TokenTooLong as exc:
        raise JoinRefused(CloseCode.REDIRECTED, str(exc), url) from None
    request = request_info(
        websocket, session, url=url, path_params=path_params, expose_headers=site.expose_headers
    )
    actor, access = await _enter(
        site,
        route,
        request,
        host,
        claims.session_id,
        first_id=first_id,
        actor_for=actor_for,
        socket=socket,
    )
    assert actor.page is not None
    title = actor.page.context.document.title or route.title
    return Moved(actor, access, token, title)


async def _enter(
    site: Site,
    route: PageRoute,
    request: RequestInfo,
    host: str | None,
    session_id: str,
    *,
    first_id: int = 0,
    actor_for: Callable[[str], PageActor],
    socket: NavigatorSocket,
) -> tuple[PageActor, Access]:
    """Admit the user of ``request`` to ``route``'s page and mount it."""
    url = request.url
    try:
        request = await site.auth.admit(request, required=route.login_required)
    except Unauthorized as exc:
        raise JoinRefused(
            CloseCode.UNAUTHORIZED, exc.reason, site.auth.login_location(url, exc)
        ) from None
    navigator = site.navigator(route, request, host)
    navigator.socket = socket
    actor = actor_for(session_id)
    context = PageContext(connected=True, session_id=session_id, runtime=actor, navigator=navigator)
    page = LivePage(route.component, context, first_id=first_id)
    try:
        await page.mount()
    except Unauthorized as exc:
        actor.page = page
        await actor.close()
        raise JoinRefused(
            CloseCode.UNAUTHORIZED, exc.reason, site.auth.login_location(url, exc)
        ) from None
    except Exception as exc:
        report_failure(
            exc, f"mounting {route.component.__name__} failed", page=actor.page_id, cid=None
        )
        actor.page = page
        await actor.close()
        raise JoinRefused(CloseCode.SERVER_ERROR, "the page failed to mount") from None
    # Set once mounted: the actor's turns start with the page (``start``).
    actor.page = page
    if navigator.leaving:
        # The redirect went out through ``send``; the page is over.
        await actor.close()
        raise JoinRefused(CloseCode.REDIRECTED, "redirected")
    return actor, Access(site.auth, route.login_required, navigator)
