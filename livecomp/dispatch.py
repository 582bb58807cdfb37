"""Answering a joined page's frames, each inside one of its turns.

The key idea: every client frame is decoded and answered in the page's turn,
one at a time: an event runs its ``@on`` handler, a URL change the params
handler (``livecomp.navigation``); the page renders and the answer follows
its patches (an ``ack``, or an ``err`` saying why not). Before a handler
runs, the frame must be within the socket's event budget and, on a page
that needs a user, the user must still be logged in: the app's loader is
asked again, so a logout in another tab ends the page at its next event.
A resync is answered with the component's full render, within a budget of
its own; each one is counted, as it means a patch did not fit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from pydantic import ValidationError

from livecomp.actor import PageActor
from livecomp.auth import Unauthorized
from livecomp.failures import (
    Failure,
    ask_error_handler,
    failure_reason,
    logger,
    report_failure,
)
from livecomp.forms import PayloadError
from livecomp.join import Access
from livecomp.navigation import InvalidParams, UnsafeURL, client_url
from livecomp.page import LivePage, UnknownComponent, UnknownEvent
from livecomp.protocol import (
    Ack,
    CloseCode,
    DecodeError,
    Err,
    ErrorCode,
    Event,
    Join,
    Ping,
    Pong,
    Redirect,
    Render,
    Resync,
    ServerMessage,
    UrlChange,
    cap,
    decode_client,
    describe_validation_error,
)
from livecomp.security import Budget, SessionConfig
from livecomp.telemetry import Telemetry

#: Resyncs a page may ask for at once, and then one per this many seconds.
RESYNC_BURST = 10
RESYNC_EVERY = 5.0


class Replies(Protocol):
    """Where the dispatcher's answers go: the socket's session (one object
    kept, not two bound methods of it)."""

    def take_replies(self, messages: Sequence[ServerMessage]) -> None:
        """Queue ``messages`` to be sent, in order."""

    def end_socket(self, code: int, reason: str) -> None:
        """Close the socket with ``code`` once what is queued has been sent."""


class FrameDispatcher:
    """Answers the frames of one joined socket.

    Args:
        config: the socket's limits and policies.
        outbox: takes replies to send, in order, and ends the socket with a
            code once they are sent.
        telemetry: counts resyncs (None: telemetry is off); the page times
            each handler (``LivePage.dispatch``).
    """

    __slots__ = (
        "_config",
        "_event_budget",
        "_outbox",
        "_resync_budget",
        "_telemetry",
        "access",
        "actor",
        "resyncs",
        "resyncs_refused",
    )

    def __init__(
        self,
        config: SessionConfig,
        *,
        outbox: Replies,
        telemetry: Telemetry | None = None,
    ) -> None:
        #: The page's actor and who may go on using the page (set by the join).
        self.actor: PageActor | None = None
        self.access: Access | None = None
        #: Resyncs asked for, and how many of them were refused as too many.
        self.resyncs = 0
        self.resyncs_refused = 0
        self._config = config
        self._outbox = outbox
        self._telemetry = telemetry
        # Made on the first event and the first resync: a full bucket then is
        # what one made at the join would hold by then.
        self._resync_budget: Budget | None = None
        self._event_budget: Budget | None = None

    @property
    def _page_id(self) -> str:
        return self.actor.page_id if self.actor is not None else ""

    async def handle(self, page: LivePage, frame: str | bytes) -> None:
        """Decode ``frame`` and answer it; runs inside a turn of the page's actor."""
        try:
            message = decode_client(frame, self._config.max_frame_bytes)
        except DecodeError as exc:
            self._outbox.take_replies([Err(code=exc.code, reason=exc.reason)])
            return
        match message:
            case Event(ref=ref, cid=cid, event=event, value=value):
                if await self._admitted(ref, event):
                    await self._answer(ref, event, cid, lambda: page.dispatch(cid, event, value))
            case UrlChange(ref=ref, url=url):
                try:
                    client_url(url)
                except UnsafeURL as exc:
                    self._outbox.take_replies(
                        [Err(ref=ref, code=ErrorCode.INVALID_PARAMS, reason=str(exc))]
                    )
                    return
                if await self._admitted(ref, None):
                    moved = page.context.navigator.moved
                    await self._answer(ref, None, page.root_cid, lambda: moved(url))
            case Resync(cid=cid, reason=reason):
                self._resync(page, cid, reason)
            case Ping():
                self._outbox.take_replies([Pong()])
            case Join():
                self._outbox.take_replies(
                    [Err(code=ErrorCode.MALFORMED, reason="this socket already joined")]
                )

    async def _admitted(self, ref: int, event: str | None) -> bool:
        """Whether an event (or URL change) may run: within the socket's rate,
        and from a user still logged in (checked again each time, so a logout
        in another tab ends the page here)."""
        budget = self._event_budget
        if budget is None:
            rate = self._config.events_per_second
            if rate > 0:
                budget = self._event_budget = Budget(self._config.event_burst, 1 / rate)
        if budget is not None and not budget.take():
            # A flood (a key held down with no throttle, a script): refused
            # before any handler runs, so the page stays cheap.
            reason = (
                f"too many events: over {self._config.events_per_second:g} per second; "
                "throttle the binding (live-throttle) or slow down"
            )
            self._outbox.take_replies(
                [Err(ref=ref, code=ErrorCode.RATE_LIMITED, event=event, reason=reason)]
            )
            return False
        access = self.access
        if access is None:
            return True
        try:
            allowed = await access.allowed()
        except Exception as exc:
            # A loader that fails lets no one in.
            report_failure(exc, "the user loader failed", page=self._page_id, cid=None)
            allowed = False
        if not allowed:
            self._log_out(ref, event, None)
        return allowed

    def _log_out(self, ref: int, event: str | None, refusal: Unauthorized | None) -> None:
        assert self.access is not None
        reason = refusal.reason if refusal is not None else "login required: the session has ended"
        self._outbox.take_replies(
            [
                Redirect(self.access.login(refusal)),
                Err(ref=ref, code=ErrorCode.UNAUTHORIZED, event=event, reason=reason),
            ]
        )
        self._outbox.end_socket(CloseCode.UNAUTHORIZED, "login required")

    async def _answer(
        self,
        ref: int,
        event: str | None,
        cid: str,
        work: Callable[[], Awaitable[None]],
    ) -> None:
        """Run ``work`` (an event's handler, or the params handler after a URL
        change), render, and answer ``ref``: its patches, then ack or err."""

        def refuse(code: ErrorCode, reason: str, error_id: str | None = None) -> None:
            self._outbox.take_replies([Err(code, reason, ref=ref, event=event, error_id=error_id)])

        actor = self.actor
        assert actor is not None
        try:
            await work()
        except UnknownComponent as exc:
            refuse(ErrorCode.UNKNOWN_COMPONENT, str(exc))
            return
        except UnknownEvent as exc:
            refuse(ErrorCode.UNKNOWN_EVENT, str(exc))
            return
        except ValidationError as exc:
            refuse(
                ErrorCode.INVALID_PAYLOAD,
                f"payload of event {event!r} is invalid: {describe_validation_error(exc)}",
            )
            return
        except PayloadError as exc:
            refuse(ErrorCode.INVALID_PAYLOAD, f"payload of event {event!r} is invalid: {exc}")
            return
        except InvalidParams as exc:
            refuse(ErrorCode.INVALID_PARAMS, str(exc))
            # The URL moved all the same: render what the page is now.
            await actor.flush()
            return
        except Unauthorized as exc:
            self._log_out(ref, event, exc)
            return
        except Exception as exc:
            # Worded here, not before the handler: every event would pay for it.
            what = (
                "params handler failed" if event is None else f"handler of event {event!r} failed"
            )
            error_id = report_failure(exc, what, page=actor.page_id, cid=cid, event=event)
            reason = await self._failure_reason(exc, what, error_id, cid)
            if actor.page is not None:
                actor.page.lap = 0.0  # the app's error handler is not timed
            refuse(ErrorCode.HANDLER_ERROR, reason, error_id)
            # State may have changed before the exception: render what it is now.
            await actor.flush()
            return
        failure = await actor.flush()
        if failure is None:
            self._outbox.take_replies([Ack(ref=ref)])
        else:
            what = f"rendering after event {event!r} failed" if event else "rendering failed"
            reason = await self._failure_reason(failure.exc, what, failure.error_id, None)
            refuse(ErrorCode.HANDLER_ERROR, reason, failure.error_id)

    async def _failure_reason(
        self, exc: BaseException, what: str, error_id: str, cid: str | None
    ) -> str:
        """The reason of a ``handler_error``: the app's error handler's, else
        what failed and the error id (and the exception, in debug mode)."""
        handler = self._config.error_handler
        if handler is not None and self.actor is not None and self.actor.page is not None:
            url = self.actor.page.context.navigator.request.url
            failure = Failure(error_id, exc, what, url, self.actor.page_id, cid, on_socket=True)
            answer = await ask_error_handler(handler, failure)
            if isinstance(answer, str) and answer:
                return answer
        return failure_reason(what, error_id, exc, debug=self._config.debug)

    def _resync(self, page: LivePage, cid: str, reason: str) -> None:
        try:
            page.component(cid)
        except UnknownComponent as exc:
            self._outbox.take_replies([Err(code=ErrorCode.UNKNOWN_COMPONENT, reason=str(exc))])
            return
        # A resync means a patch did not fit the client's DOM: a bug to count.
        self.resyncs += 1
        if self._telemetry is not None:
            self._telemetry.resynced()
        if self._resync_budget is None:
            self._resync_budget = Budget(RESYNC_BURST, RESYNC_EVERY)
        if not self._resync_budget.take():
            # A client asking again and again is broken or hostile: a render
            # costs far more than the request, so the excess is only counted.
            self.resyncs_refused += 1
            self._outbox.take_replies(
                [Err(code=ErrorCode.RATE_LIMITED, reason="too many resyncs; try again later")]
            )
            return
        # Client text in a log line: repr() keeps it on one line, cap() short.
        logger.warning(
            "client asked to resync component %r: %r [page %s]",
            cap(cid, 64),
            cap(reason, 200),
            self._page_id,
        )
        self._outbox.take_replies([Render(cid=cid, html=page.full_html(cid))])
