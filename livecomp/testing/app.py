"""The app under test, as the test client reaches it.

The key idea: the client tests the app as it is served. What a test passes is
resolved to the Quart app and its LiveApp (an app is built only for a bare
LiveApp or a component class); the app's startup and shutdown run once for
all the clients open on it; the page is fetched through the app's own routes,
with the browser's cookies, following redirects as a browser does; and what
the server logs as a failure of the page is kept, to be re-raised in the
test that caused it.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Mapping
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from quart import Quart
from quart.signals import got_request_exception
from quart.typing import TestClientProtocol

from livecomp.component import Component
from livecomp.server import LiveApp

_TEST_SECRET = "livecomp-test-client"
# The name of the apps the client builds (and of their logger): the package's own.
_APP_NAME = "livecomp.testing"


def resolve(target: Quart | LiveApp | type[Component[Any]]) -> tuple[Quart, LiveApp, bool]:
    """The Quart app, its LiveApp, and whether the client built the app."""
    if isinstance(target, Quart):
        live = target.extensions.get("livecomp")
        if not isinstance(live, LiveApp):
            raise TypeError(f"{target!r} serves no live pages: call LiveApp(app) on it first")
        return target, live, False
    if isinstance(target, LiveApp):
        app: Quart | None = getattr(target, "app", None)
        if app is not None:
            return app, target, False
        app = Quart(_APP_NAME)
        target.init_app(app)
        return app, target, True
    if isinstance(target, type) and issubclass(target, Component):
        app = Quart(_APP_NAME)
        LiveApp(app, secret_key=_TEST_SECRET).page("/", target)
        return app, app.extensions["livecomp"], True
    raise TypeError(f"expected a Quart app, a LiveApp or a component class, got {target!r}")


#: Redirects a GET follows before the client gives up, as browsers do.
MAX_REDIRECTS = 10


async def get_page(
    http: TestClientProtocol, path: str, headers: Mapping[str, str]
) -> tuple[str, str]:
    """GET ``path`` through ``http``'s app with its cookies, following
    redirects within the app; return the final URL and the document.

    Raises:
        Exception: whatever the view raised.
        AssertionError: the answer was not 200 (or a redirect left the app).
    """
    app = http.app
    failures: list[BaseException] = []

    def failed(sender: Quart, exception: BaseException, **extra: Any) -> None:
        failures.append(exception)

    # A first render that fails is logged by livecomp and answered with the
    # app's error page: the test gets the exception, not only a 500.
    logged = _LoggedFailures()
    url, seen = path, [path]
    with got_request_exception.connected_to(failed, app), logged:
        for _ in range(MAX_REDIRECTS + 1):
            response = await http.get(url, headers=dict(headers))
            if response.status_code not in (301, 302, 303, 307, 308) or failures:
                break
            location = response.headers.get("Location", "")
            parts = urlsplit(location)
            if parts.netloc and parts.netloc != headers.get("host"):
                raise AssertionError(f"GET {path} redirected off the app, to {location!r}")
            url = urljoin(url, parts._replace(scheme="", netloc="").geturl())
            seen.append(url)
    if failures:
        raise failures[0]
    if response.status_code >= 500 and logged.exceptions:
        raise logged.exceptions[0]
    body = await response.get_data(as_text=True)
    where = path if url == path else f"{path} (redirected: {' -> '.join(seen)})"
    if response.status_code != 200:
        raise AssertionError(
            f"GET {where} answered {response.status_code}, not 200: {body[:300]!r}"
        )
    return url, body


def cookie_header(http: TestClientProtocol) -> str:
    """The ``Cookie`` header ``http``'s cookie jar sends."""
    jar = http.cookie_jar
    if jar is None:
        return ""
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


class Lifespan:
    """An app's startup and shutdown, run once for all its open clients."""

    _apps: ClassVar[weakref.WeakKeyDictionary[Quart, Lifespan]] = weakref.WeakKeyDictionary()

    def __init__(self, app: Quart) -> None:
        self._app = app
        self._users = 0
        self._started: asyncio.Future[Any] | None = None

    @classmethod
    def of(cls, app: Quart) -> Lifespan:
        """The one lifespan of ``app``."""
        lifespan = cls._apps.get(app)
        if lifespan is None:
            lifespan = cls._apps[app] = cls(app)
        return lifespan

    async def enter(self) -> None:
        """Count one more client; the first one runs the startup."""
        self._users += 1
        if self._started is None:
            test_app = self._app.test_app()
            self._started = asyncio.ensure_future(test_app.startup())
            self._test_app = test_app
        try:
            await asyncio.shield(self._started)
        except BaseException:
            await self.leave(started=False)
            raise

    async def leave(self, *, started: bool = True) -> None:
        """Count one client less; the last one runs the shutdown."""
        self._users -= 1
        if self._users == 0 and self._started is not None:
            self._started = None
            if started:
                await self._test_app.shutdown()


class _LoggedFailures(logging.Handler):
    """The exceptions livecomp logs while it is installed (a context manager)."""

    def __init__(self) -> None:
        super().__init__()
        self.exceptions: list[BaseException] = []

    def __enter__(self) -> None:
        logging.getLogger("livecomp").addHandler(self)

    def __exit__(self, *exc_info: object) -> None:
        logging.getLogger("livecomp").removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        handled = getattr(record, "livecomp_handled", False)
        if record.exc_info and record.exc_info[1] is not None and not handled:
            self.exceptions.append(record.exc_info[1])


class FailureLog(logging.Handler):
    """Keeps the failures the server logs for one page, to re-raise them in the test."""

    def __init__(self, logged: Callable[[], None]) -> None:
        super().__init__()
        self.page = ""
        self.records: list[logging.LogRecord] = []
        self._logged = logged

    def watch(self, page: str) -> None:
        """Start keeping the failures logged for ``page``."""
        self.page = page
        logging.getLogger("livecomp").addHandler(self)

    def unwatch(self) -> None:
        """Stop listening to the server's log."""
        logging.getLogger("livecomp").removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        page = getattr(record, "livecomp_page", None)
        if getattr(record, "livecomp_handled", False):
            return  # an error boundary showed its fallback: the page went on
        if page and page == self.page and record.exc_info and record.exc_info[1] is not None:
            self.records.append(record)
            self._logged()

    def pop(self, reason: str | None = None) -> BaseException | None:
        """The failure whose error id ``reason`` names, else the first one; forgets all."""
        if not self.records:
            return None
        chosen = self.records[0]
        if reason is not None:
            for record in self.records:
                if str(getattr(record, "livecomp_error_id", "\0")) in reason:
                    chosen = record
        self.records.clear()
        assert chosen.exc_info is not None and chosen.exc_info[1] is not None
        return chosen.exc_info[1]
