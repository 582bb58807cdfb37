"""What happens when user code fails: one log line for the server, an id for the browser.

The key idea: exception text (paths, SQL, secrets in messages) never reaches
the browser unless the app runs in debug mode. The browser is told which
event failed and an error id; the server's log line carries the same id,
the page and the component, and the traceback, so the two can be matched.
An app's error handler (``LiveApp.error_handler``) may then decide what the
failure shows: the page of a failed first render, the reason of an ``err``.
"""

from __future__ import annotations

import inspect
import logging
import secrets
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import InternalServerError

if TYPE_CHECKING:
    from quart import Quart
    from quart.typing import ResponseReturnValue

logger = logging.getLogger("livecomp")


@dataclass(frozen=True, slots=True)
class Failure:
    """A failure of app code, as an app's error handler sees it.

    ``error_id`` is in the server's log line and goes to the browser;
    ``exception`` is what was raised (never show its text to users in
    production). ``on_socket`` is False on the first (HTTP) render.
    """

    error_id: str
    exception: BaseException
    #: What failed, in words: ``"handler of event 'save' failed"``.
    what: str
    #: The page's URL (path and query).
    url: str
    #: The page's id in log lines.
    page: str
    #: The component that failed, when one is known.
    cid: str | None
    on_socket: bool


#: An app's error handler: a ``Failure`` in; on the HTTP render a Quart
#: response value out (None: Quart's error page), on the socket the ``err``'s
#: reason (None: livecomp's). It may be async.
ErrorHandler = Callable[[Failure], Any]


async def ask_error_handler(handler: ErrorHandler, failure: Failure) -> Any:
    """What ``handler`` answers for ``failure``; None when it fails itself
    (logged with an error id of its own), so the default answer stands."""
    try:
        answer = handler(failure)
        if inspect.isawaitable(answer):
            answer = await answer
    except Exception as exc:
        report_failure(exc, "the app's error handler failed", page=failure.page, cid=failure.cid)
        return None
    return answer


async def answer_render_failure(
    app: Quart, handler: ErrorHandler | None, exc: Exception, url: str, *, debug: bool
) -> ResponseReturnValue:
    """The answer to a first (HTTP) render that raised ``exc``: logged with an
    error id, then the app's error handler's response; without one (or when
    it answers None), Quart's error page for a 500, which is the app's own
    ``errorhandler(500)`` when it has one. In debug mode ``exc`` itself goes
    on to Quart, whose debug page shows it."""
    what = f"the first render of {url} failed"
    error_id = report_failure(exc, what, page="-", cid=None)
    if handler is not None:
        failure = Failure(error_id, exc, what, url, "-", None, on_socket=False)
        answer = await ask_error_handler(handler, failure)
        if answer is not None:
            return typing.cast("ResponseReturnValue", answer)
    if debug:
        raise exc
    # Logged above: Quart answers an HTTPException without logging it again.
    raise InternalServerError()


def report_failure(
    exc: BaseException,
    what: str,
    *,
    page: str,
    cid: str | None,
    handled: bool = False,
    event: str | None = None,
) -> str:
    """Log ``exc`` (what failed, where) and return the error id the browser may be told.

    The record carries ``livecomp_error_id``, ``livecomp_page``,
    ``livecomp_cid`` and ``livecomp_handled`` (an error boundary showed its
    fallback) as attributes, for log processors (and the test client), and
    ``livecomp_what`` and ``livecomp_event`` (the event whose handler
    failed, if one did): ``livecomp.JsonLogFormatter`` writes them all.
    """
    error_id = secrets.token_hex(6)
    logger.error(
        "%s [error %s, page %s, component %s]",
        what,
        error_id,
        page,
        cid or "-",
        exc_info=exc,
        extra={
            "livecomp_error_id": error_id,
            "livecomp_page": page,
            "livecomp_cid": cid,
            "livecomp_handled": handled,
            "livecomp_what": what,
            "livecomp_event": event,
        },
    )
    return error_id


def failure_reason(what: str, error_id: str, exc: BaseException, *, debug: bool) -> str:
    """The ``reason`` of a ``handler_error``: what failed and the error id; the
    exception itself only in debug mode."""
    reason = f"{what} (error id {error_id})"
    return f"{reason}: {exc!r}" if debug else reason
