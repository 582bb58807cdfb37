"""Logged-in users: the app's user loader, pages that need a user, the way to log in.

The key idea: the app tells livecomp how to find the user of a request
(``LiveApp(user_loader=...)``, called with the page's ``RequestInfo``: its
session, its cookies) and which pages need one (``live.page(...,
login_required=True)``). A page refused on the HTTP render answers a
redirect to the login page; refused on the join, the socket gets a
``redirect`` to it and closes with ``UNAUTHORIZED``. ``Unauthorized`` raised
by ``mount``, the params handler or an event handler does the same.

A websocket's cookies never change, so a page cannot see a logout in
another tab by itself. Before each event and URL change of a page that
needs a user, the loader runs again on the socket's request; an app whose
logout changes what the loader consults (a set of active logins, a session
version per user) so ends the live pages of that session at their next
event.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from livecomp.request import RequestInfo

#: Finds the user of a request: the user (anything but None), or None. May be async.
UserLoader = Callable[[RequestInfo], Any]


class Unauthorized(Exception):
    """The page needs a logged-in user: send the browser to the login page.

    Raise it from ``mount``, the params handler or an event handler. On the
    HTTP render the answer is a redirect; on the socket, a ``redirect``
    message and the close code ``UNAUTHORIZED``.

    Example:
        ```python
        async def mount(self) -> None:
            if not self.request.user.is_admin:
                raise Unauthorized("admins only")
        ```

    Args:
        reason: why, for the close reason and the log (not shown to users).
        login_url: where to log in, instead of the app's ``login_url``.
    """

    def __init__(self, reason: str = "login required", *, login_url: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.login_url = login_url


@dataclass(frozen=True)
class Auth:
    """The app's user loader and login page."""

    user_loader: UserLoader | None = None
    login_url: str = "/login"

    async def load_user(self, request: RequestInfo) -> Any:
        """The user of ``request``, or None (also when the app has no loader)."""
        if self.user_loader is None:
            return None
        user = self.user_loader(request)
        if inspect.isawaitable(user):
            user = await user
        return user

    async def admit(self, request: RequestInfo, *, required: bool) -> RequestInfo:
        """``request`` with its user.

        Raises:
            Unauthorized: ``required`` and there is no user.
        """
        user = await self.load_user(request)
        if required and user is None:
            raise Unauthorized()
        return replace(request, user=user)

    def login_location(self, next_url: str, refusal: Unauthorized | None = None) -> str:
        """The login page's URL, with ``next`` naming the page to come back to."""
        login = refusal.login_url if refusal is not None and refusal.login_url else self.login_url
        separator = "&" if "?" in login else "?"
        return f"{login}{separator}{urlencode({'next': next_url})}"
