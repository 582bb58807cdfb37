"""Signed page tokens, the session binding, Origin checks and inbound limits.

The first HTTP render embeds a token naming the page (route, root component,
page session id, the URL it was rendered for, and the browser session it was
rendered for), signed with the app's secret and stamped with its time. A
websocket join must present a token that verifies and has not expired, from
an Origin the app allows, with the cookies of the session the token names.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from livecomp.failures import ErrorHandler

DEFAULT_MAX_FRAME_BYTES = 64 * 1024
DEFAULT_TOKEN_MAX_AGE = 24 * 3600
#: The longest page token a join may carry.
MAX_TOKEN_CHARS = 4096
#: The longest URL a client message may carry (a page's URL is signed into its
#: token, so a longer one could never have been rendered).
MAX_URL_CHARS = MAX_TOKEN_CHARS
#: The key under which livecomp keeps a random id in the app's session, so a
#: page token can name the browser session it was rendered for.
SESSION_ID_KEY = "_livecomp_sid"


@dataclass(frozen=True)
class PageClaims:
    """What a verified token says about the page it was issued for.

    ``url`` is the page's URL (path and query) as rendered: the join mounts
    for it when the client does not say where the browser is now.
    ``binding`` names the browser session the page was rendered for
    (``session_binding``; empty when the app keeps no session): a join whose
    cookies carry another session is refused.
    """

    route: str
    component: str
    session_id: str
    url: str = "/"
    binding: str = ""
    #: ``render_digest`` of the page's first render, which the browser shows
    #: until it joins ('' when not known): a join that mounts to the same
    #: HTML is answered ``unchanged`` instead of with the HTML again.
    digest: str = ""


@dataclass(frozen=True)
class SessionConfig:
    """Limits and policies of connected pages."""

    max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES
    outbox_size: int = 512
    #: A send that has not completed after this many seconds marks a slow client.
    send_timeout: float = 10.0
    join_timeout: float = 15.0
    #: Seconds between the client's heartbeats (0: it sends none).
    heartbeat: float = 30.0
    #: A joined socket silent this long (no frame, no heartbeat) is closed; 0: never.
    idle_timeout: float = 60.0
    #: A page that has not rendered for this many seconds compresses its long
    #: kept renders until its next render (``LivePage.rest``); 0: never.
    rest_after: float = 1.0
    #: Events one socket may send at once, and then per second (0: no limit).
    event_burst: int = 3000
    events_per_second: float = 1000.0
    allowed_origins: frozenset[str] = frozenset()
    #: When set, the only origins (with ``allowed_origins``) the socket accepts.
    public_origins: frozenset[str] = frozenset()
    #: Send exception text to the browser with ``handler_error`` (never in production).
    debug: bool = False
    #: The app's error handler (``LiveApp.error_handler``): the reason of a ``handler_error``.
    error_handler: ErrorHandler | None = None


class TokenError(Exception):
    """A token that is forged, malformed or expired."""


class TokenSigner:
    """Issues and verifies page tokens with one secret key."""

    def __init__(self, secret_key: str | bytes, max_age: int = DEFAULT_TOKEN_MAX_AGE) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="livecomp.page")
        self.max_age = max_age

    def issue(self, claims: PageClaims) -> str:
        """A signed, timestamped token for ``claims``."""
        return self._serializer.dumps(
            [
                claims.route,
                claims.component,
                claims.session_id,
                claims.url,
                claims.binding,
                claims.digest,
            ]
        )

    def verify(self, token: str) -> PageClaims:
        """The claims of a valid token; raise TokenError otherwise."""
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise TokenError(f"page token expired (older than {self.max_age} s)") from None
        except BadSignature:
            raise TokenError("page token signature is invalid") from None
        if not (isinstance(data, list) and len(data) == 6) or not all(
            isinstance(item, str) for item in data
        ):
            raise TokenError("page token payload is malformed")
        route, component, session_id, url, binding, digest = data
        return PageClaims(route, component, session_id, url, binding, digest)


def render_digest(html: str) -> str:
    """A short digest of a page's render: equal renders, equal digests."""
    digest = hashlib.blake2b(html.encode(), digest_size=12).digest()
    return base64.urlsafe_b64encode(digest).decode()


def new_session_id() -> str:
    """A fresh, unguessable page session id."""
    return secrets.token_urlsafe(12)


def session_binding(session: Mapping[str, Any]) -> str:
    """What a page token records of the browser session ``session``: a digest
    of the id livecomp keeps in it ('' when there is none).

    A digest, not the id: the token is signed, not encrypted.
    """
    sid = session.get(SESSION_ID_KEY)
    if not isinstance(sid, str) or not sid:
        return ""
    return hashlib.sha256(sid.encode()).hexdigest()[:32]


def bind_session(session: MutableMapping[str, Any], *, writable: bool) -> str:
    """``session_binding(session)``, first giving the session an id if it has
    none and can take one (``writable``: not the null session of an app
    without a secret key)."""
    if writable and not session.get(SESSION_ID_KEY):
        session[SESSION_ID_KEY] = secrets.token_urlsafe(16)
    return session_binding(session)


class Budget:
    """A token bucket: ``burst`` at once, then one more every ``every`` seconds."""

    __slots__ = ("_at", "_every", "_tokens", "burst")

    def __init__(self, burst: int, every: float) -> None:
        self.burst = burst
        self._every = every
        self._tokens = float(burst)
        self._at = time.monotonic()

    def take(self) -> bool:
        """Spend one token if there is one."""
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._at) / self._every)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


def origin_allowed(
    origin: str | None,
    host: str | None,
    allowed: frozenset[str],
    public: frozenset[str] = frozenset(),
) -> bool:
    """True when ``origin`` may open the live socket.

    With ``public`` origins configured, only those and ``allowed`` may: the
    Host header is the client's to set, so a page on an attacker's domain
    that resolves to this server (DNS rebinding) would otherwise pass.
    Without, the page's own host is accepted too. Browsers always send
    Origin on websocket handshakes, so a missing Origin is refused: it can
    only come from a non-browser client, which can set the header.
    """
    if not origin:
        return False
    if origin in allowed or origin in public or "*" in allowed:
        return True
    if public:
        return False
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return host is not None and parts.netloc.lower() == host.lower()
