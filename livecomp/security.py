"""Signed page tokens, Origin checks and inbound limits.

The first HTTP render embeds a token naming the page (route, root component,
page session id), signed with the app's secret and stamped with its time. A
websocket join must present a token that verifies and has not expired, from
an Origin the app allows.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

DEFAULT_MAX_FRAME_BYTES = 64 * 1024
DEFAULT_TOKEN_MAX_AGE = 24 * 3600
#: The longest page token a join may carry.
MAX_TOKEN_CHARS = 4096


@dataclass(frozen=True)
class PageClaims:
    """What a verified token says about the page it was issued for.

    ``params`` are the page URL's query parameters, so the join mounts with
    the same parameters the HTTP render saw.
    """

    route: str
    component: str
    session_id: str
    params: dict[str, str] = field(default_factory=dict)


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
            [claims.route, claims.component, claims.session_id, claims.params]
        )

    def verify(self, token: str) -> PageClaims:
        """The claims of a valid token; raise TokenError otherwise."""
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise TokenError(f"page token expired (older than {self.max_age} s)") from None
        except BadSignature:
            raise TokenError("page token signature is invalid") from None
        if not (
            isinstance(data, list)
            and len(data) == 4
            and all(isinstance(x, str) for x in data[:3])
            and isinstance(data[3], dict)
        ):
            raise TokenError("page token payload is malformed")
        params = {str(k): str(v) for k, v in data[3].items()}
        return PageClaims(route=data[0], component=data[1], session_id=data[2], params=params)


def new_session_id() -> str:
    """A fresh, unguessable page session id."""
    return secrets.token_urlsafe(12)


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
