"""The app under test, as the test client reaches it.

The key idea: the client tests the app as it is served. What a test passes is
resolved to the Quart app and its LiveApp (an app is built only for a bare
LiveApp or a component class); the app's startup and shutdown run once for
all the clients open on it; the page is fetched through the app's own routes;
and what the server logs as a failure of the page is kept, to be re-raised in
the test that caused it.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from quart import Quart
from quart.signals import got_request_exception

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


async def get_page(app: Quart, path: str, headers: Mapping[str, str]) -> str:
    """GET ``path`` through ``app`` and return the document.

    Raises:
        Exception: whatever the view raised.
        AssertionError: the answer was not 200.
    """
    failures: list[BaseException] = []

    def failed(sender: Quart, exception: BaseException, **extra: Any) -> None:
        failures.append(exception)

    with got_request_exception.connected_to(failed, app):
        response = await app.test_client().get(path, headers=dict(headers))
    if failures:
        raise failures[0]
    body = await response.get_data(as_text=True)
    if response.status_code != 200:
        raise AssertionError(f"GET {path} answered {response.status_code}, not 200: {body[:300]!r}")
    return body


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
