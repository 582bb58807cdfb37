"""What happens when user code fails: one log line for the server, an id for the browser.

The key idea: exception text (paths, SQL, secrets in messages) never reaches
the browser unless the app runs in debug mode. The browser is told which
event failed and an error id; the server's log line carries the same id,
the page and the component, and the traceback, so the two can be matched.
"""

from __future__ import annotations

import logging
import secrets

logger = logging.getLogger("livecomp")


def report_failure(exc: BaseException, what: str, *, page: str, cid: str | None) -> str:
    """Log ``exc`` (what failed, where) and return the error id the browser may be told.

    The record carries ``livecomp_error_id``, ``livecomp_page`` and
    ``livecomp_cid`` as attributes, for log processors (and the test client).
    """
    error_id = secrets.token_hex(6)
    logger.error(
        "%s [error %s, page %s, component %s]",
        what,
        error_id,
        page,
        cid or "-",
        exc_info=exc,
        extra={"livecomp_error_id": error_id, "livecomp_page": page, "livecomp_cid": cid},
    )
    return error_id


def failure_reason(what: str, error_id: str, exc: BaseException, *, debug: bool) -> str:
    """The ``reason`` of a ``handler_error``: what failed and the error id; the
    exception itself only in debug mode."""
    reason = f"{what} (error id {error_id})"
    return f"{reason}: {exc!r}" if debug else reason
