"""One connected page's socket: join, read frames, send replies, close.

The key idea: the session is the page's transport side only. It checks the
Origin, has the join admitted and the page mounted (``livecomp.join``), and
then, for each client frame, asks the page's ``PageActor`` for a turn and
answers in it (``livecomp.dispatch``: patches, the events pushed to the
client's hooks, then the ack or the ``err``); the actor runs every other
turn (timers, messages, broadcasts) itself and hands each turn's patches and
pushes to the outbox. Client frames are handled by the task reading the
socket, without a queue hop. Replies go through a bounded outbox that the
task which ran the turn sends as one frame; a client that cannot keep up is
closed with ``SLOW_CLIENT`` instead of growing memory. A page that sends the
browser elsewhere (a redirect, a logout) ends the socket once its outbox
has been sent. A page that navigates to another live page hands the socket
over: once its turn is over it unmounts, the new page mounts (``move``) and
one ``navigate`` message carries it to the browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Mapping, Sequence
from time import perf_counter
from typing import Any, Protocol

from livecomp.actor import PageActor
from livecomp.dispatch import FrameDispatcher
from livecomp.join import JoinRefused, Site, admit, move
from livecomp.page import LivePage
from livecomp.protocol import (
    Ack,
    CloseCode,
    DecodeError,
    Err,
    ErrorCode,
    Join,
    Navigate,
    Redirect,
    Render,
    ServerMessage,
    Unchanged,
    decode_client,
    encode,
    encode_sized,
)
from livecomp.pubsub import Broker, LocalBroker
from livecomp.security import SessionConfig, origin_allowed, render_digest
from livecomp.telemetry import ERR_MARK, FOLD_AT, SCANNED_FRAME, Telemetry
from livecomp.watches import SendWatch, idle_watch, send_watch

__all__ = ["LiveSession", "SessionConfig", "Transport"]


#: The empty list an idle session's outbox, send waiters and held replies
#: share (56 bytes each otherwise, on every page): never added to; whoever
#: adds the first item makes a list of its own.
_NONE: list[Any] = []


class Transport(Protocol):
    """The socket a session talks through (ASGI websocket, or in memory)."""

    async def receive(self) -> str | bytes:
        """The next inbound frame; raises ConnectionError once closed."""
        ...

    def arrival(self) -> Awaitable[object]:
        """What the next inbound frame arrives in: awaited, then read by
        ``frame_of``. Two steps, so that a reader waiting for a frame (an
        idle page's, all its life) keeps no coroutine of the transport's."""
        ...

    def frame_of(self, arrived: object) -> str | bytes | None:
        """The frame in what ``arrival`` gave; None when it holds none (wait
        again); raises ConnectionError once closed."""
        ...

    async def send(self, frame: str) -> None:
        """Send one text frame."""
        ...

    async def close(self, code: int, reason: str) -> None:
        """Close the socket with ``code``; a pending ``receive`` then raises."""
        ...


class LiveSession:
    """Joins one socket to a page and answers its frames."""

    __slots__ = (
        "_broker",
        "_carried",
        "_closing",
        "_config",
        "_ending",
        "_frame_lists",
        "_held",
        "_hop",
        "_host",
        "_moving",
        "_origin",
        "_outbox",
        "_reader",
        "_receiving",
        "_scope",
        "_sending",
        "_sent_waiters",
        "_shown",
        "_site",
        "_telemetry",
        "_watch",
        "actor",
        "dispatcher",
        "last_seen",
        "transport",
    )

    def __init__(
        self,
        transport: Transport,
        *,
        site: Site,
        scope: Mapping[str, Any],
        origin: str | None,
        host: str | None,
        config: SessionConfig,
        broker: Broker | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.transport = transport
        self.actor: PageActor | None = None
        self._telemetry = telemetry
        # Where each frame's encoding time and size go (None: telemetry is
        # off, or a hook takes each frame through ``frame_sent``).
        self._frame_lists = None if telemetry is None else telemetry.frame_lists
        #: Answers the page's frames once it has joined.
        self.dispatcher = FrameDispatcher(config, outbox=self, telemetry=telemetry)
        self._site = site
        self._scope = scope
        # The digest of the render the browser shows, from the join's token
        # ('' on a rejoin): the join's answer when the page mounts to it.
        self._shown = ""
        self._origin = origin
        self._host = host
        self._config = config
        self._broker = broker or LocalBroker()
        # A list, emptied by swapping: an idle page's outbox holds no buffer.
        self._outbox: list[ServerMessage] = _NONE
        # The send watch of the session's event loop, found at its first send.
        self._watch: SendWatch | None = None
        self._sending = False
        self._sent_waiters: list[asyncio.Future[None]] = _NONE
        self._closing: tuple[int, str] | None = None
        # Set when the page ends on purpose (a redirect, a logout): the socket
        # closes with it once what is queued has been sent.
        self._ending: tuple[int, str] | None = None
        self._reader: asyncio.Task[Any] | None = None
        self._receiving = False
        # Set when the page navigates to another live page (the URL, and
        # whether it replaces the history entry) until the new page is in;
        # meanwhile the old page's acks and errs wait in ``_held``, and a
        # frame its actor no longer took waits in ``_carried``.
        self._hop: tuple[str, bool] | None = None
        self._held: list[ServerMessage] = _NONE
        self._carried: str | bytes | None = None
        # Done once the page a navigate goes to is in (or the socket ends).
        self._moving: asyncio.Future[None] | None = None
        self.last_seen = time.monotonic()

    @property
    def resyncs(self) -> int:
        """Resyncs the client asked for."""
        return self.dispatcher.resyncs

    @property
    def resyncs_refused(self) -> int:
        """Resyncs refused as too many."""
        return self.dispatcher.resyncs_refused

    @property
    def page_id(self) -> str:
        """The joined page's id (its session id, as log lines name it); '' before."""
        return self.actor.page_id if self.actor is not None else ""

    @property
    def page(self) -> LivePage | None:
        """The joined page, once mounted."""
        return self.actor.page if self.actor is not None else None

    async def run(self) -> None:
        """Serve the socket until it closes; always cleans up the page."""
        config = self._config
        if not origin_allowed(
            self._origin, self._host, config.allowed_origins, config.public_origins
        ):
            await self._close(CloseCode.ORIGIN_FORBIDDEN, f"origin {self._origin!r} is not allowed")
            return
        self._origin = None  # checked: not kept for the socket's life
        actor = await self._join()
        if actor is None:
            return
        page = actor.page
        assert page is not None
        self._reader = asyncio.current_task()
        watch = idle_watch()
        telemetry = self._telemetry
        if telemetry is not None:
            page.time_with(telemetry)
            telemetry.page_joined()
        try:
            self.take_replies([self._join_answer(page)])
            if page.params_error is not None:
                self.take_replies(
                    [Err(code=ErrorCode.INVALID_PARAMS, reason=str(page.params_error))]
                )
            await self.send_replies()
            actor.start(page)
            self.last_seen = time.monotonic()
            watch.add(self)
            while True:
                if not self._hopping:
                    # In this coroutine, not one it awaits: see ``_read_loop``.
                    try:
                        await self._read_loop(actor)
                    except asyncio.CancelledError:
                        # Swallowed only when it is the wake-up of a navigating page.
                        task = asyncio.current_task()
                        if not self._hopping or task is None or task.uncancel() > 0:
                            raise
                if not self._hopping:
                    break  # the socket ended
                try:
                    moved = await self._navigate(actor)
                finally:
                    if not self._hopping:  # else the new page navigates on at once
                        self._moved()
                if moved is None:
                    break
                actor = moved
        except asyncio.CancelledError:
            # Only our own wake-up (a slow client, a page that ended) is swallowed.
            task = asyncio.current_task()
            ours = self._closing is not None or self._ending is not None
            if not ours or task is None or task.uncancel() > 0:
                raise
        finally:
            self._moved()
            if telemetry is not None:
                telemetry.page_left()
            watch.discard(self)
            actor.stop()
            await self._drain()
            await actor.close()
            if self.actor is not None and self.actor is not actor:
                await self.actor.close()  # a page that was mounting
            if self._ending is not None:
                await self._drain()  # what the page's last turn queued
            end = self._closing or self._ending
            if end is not None:
                await self._close(*end)

    async def _join(self) -> PageActor | None:
        try:
            frame = await asyncio.wait_for(self.transport.receive(), self._config.join_timeout)
        except (TimeoutError, ConnectionError):
            await self._close(CloseCode.JOIN_EXPECTED, "no join message arrived")
            return None
        try:
            message = decode_client(frame, self._config.max_frame_bytes)
        except DecodeError as exc:
            await self._close(CloseCode.JOIN_EXPECTED, f"expected a join message: {exc.reason}")
            return None
        if not isinstance(message, Join):
            await self._close(
                CloseCode.JOIN_EXPECTED, f"expected a join message, got {message.t!r}"
            )
            return None
        try:
            actor, self.dispatcher.access, self._shown = await admit(
                message,
                self._site,
                self._scope,
                self._host,
                actor_for=self._new_actor,
                socket=self,
            )
        except JoinRefused as refusal:
            if refusal.location is not None:
                self.take_replies([Redirect(refusal.location)])
            await self._drain()
            await self._close(refusal.code, refusal.reason)
            return None
        assert self.dispatcher.access is not None
        self.dispatcher.access.navigator.hops = True
        return actor

    @property
    def _hopping(self) -> bool:
        return self._hop is not None and self._closing is None and self._ending is None

    def navigating(self, url: str, replace: bool) -> None:
        """The page navigates to ``url``: it takes no more turns; what its last
        turn queues is for components about to go, so only its ack or err is
        kept, to follow the ``navigate``."""
        self._hop, self._held = (url, replace), []
        if self._moving is None:
            self._moving = asyncio.get_running_loop().create_future()
        if self.actor is not None:
            self.actor.stop()
        # A timer's turn navigated while the reader waits for a frame: wake it.
        if self._receiving and self._reader is not None:
            self._reader.cancel()

    def _moved(self) -> None:
        moving, self._moving = self._moving, None
        if moving is not None and not moving.done():
            moving.set_result(None)

    async def _navigate(self, old: PageActor) -> PageActor | None:
        """End ``old``'s page, mount the one it navigated to and send it as a
        ``navigate``; None when the browser loads the URL instead (it is no
        live page the user may see) and the socket ends."""
        assert self._hop is not None and old.page is not None
        url, replace = self._hop
        await self.send_replies()
        await old.close()
        held, self._hop, self._held = self._held, None, _NONE
        try:
            moved = await move(
                url,
                self._site,
                self._scope,
                self._host,
                first_id=old.page.ids_used,
                actor_for=self._new_actor,
                socket=self,
            )
        except JoinRefused as refusal:
            if refusal.location is not None or refusal.code != CloseCode.REDIRECTED:
                # Not a live page, or not one this user may see: load it.
                self.take_replies([Redirect(refusal.location or url)])
            self.take_replies(held)
            if refusal.code == CloseCode.UNAUTHORIZED:
                self.end_socket(CloseCode.UNAUTHORIZED, "login required")
            else:
                self.end_socket(CloseCode.REDIRECTED, "redirected")
            return None
        actor, page = moved.actor, moved.actor.page
        assert page is not None
        self.dispatcher.access = moved.access
        moved.access.navigator.hops = True
        if self._telemetry is not None:
            page.time_with(self._telemetry)
        html = page.full_html(page.root_cid)
        self.take_replies([Navigate(url, moved.token, html, moved.title, replace)])
        if page.params_error is not None:
            self.take_replies([Err(code=ErrorCode.INVALID_PARAMS, reason=str(page.params_error))])
        self.take_replies(held)
        await self.send_replies()
        actor.start(page)
        carried, self._carried = self._carried, None
        if carried is not None and await actor.turn(self.dispatcher.handle, carried):
            await self.send_replies()
        return actor

    def _join_answer(self, page: LivePage) -> Unchanged | Render:
        """The root's render, or ``unchanged`` when it is what the browser shows.

        A method of its own: the page's full HTML must not stay a local of
        ``run``, whose frame lives as long as the socket (170 KiB for 1,000 rows).
        """
        html = page.full_html(page.root_cid)
        shown, self._shown = self._shown, ""  # of no use past the join
        if shown and render_digest(html) == shown:
            return Unchanged(page.root_cid)  # the usual first join
        return Render(cid=page.root_cid, html=html)

    def redirected(self, url: str) -> None:
        """The page sent the browser to ``url``: the socket ends once that is sent."""
        self.end_socket(CloseCode.REDIRECTED, "redirected")

    def _new_actor(self, page_id: str) -> PageActor:
        self.actor = self.dispatcher.actor = PageActor(
            self._broker,
            page_id=page_id,
            mailbox_limit=self._config.outbox_size,
            outbox=self,
            telemetry=self._telemetry,
        )
        return self.actor

    async def _read_loop(self, actor: PageActor) -> None:
        """Answer the frames of ``actor``'s page until the socket ends or the
        page navigates. An idle page waits here all its life, under ``run``
        and the server's socket route: each coroutine more on that stack
        costs every idle page ~250 bytes."""
        # No bound methods kept in locals: each is 64 bytes more per page.
        transport = self.transport
        while self._closing is None:
            self._receiving = True
            arrival = transport.arrival()
            try:
                frame = transport.frame_of(await arrival)
            except ConnectionError:
                return
            except asyncio.CancelledError:
                self._keep_arrived(arrival)
                raise
            finally:
                self._receiving = False
                del arrival  # not kept through the turn, with the message it holds
            if frame is None:
                continue
            self.last_seen = time.monotonic()
            if not await actor.turn(self.dispatcher.handle, frame):
                if self._hop is not None:
                    self._carried = frame  # for the page it navigates to
                return
            page = actor.page
            # Its replies' encoding times from the turn's last phase on.
            await self.send_replies(page.lap if page is not None else 0.0)
            if self._ending is not None or self._hop is not None:
                return

    def _keep_arrived(self, arrival: Awaitable[object]) -> None:
        """The reader was woken (a navigate, a slow client) just as a frame
        arrived: a future the server had already handed the frame keeps
        it, and no later receive gets it again. Carried to the page the
        socket moves to, as a frame the old page did not take is."""
        if isinstance(arrival, asyncio.Future) and arrival.done() and not arrival.cancelled():
            try:
                frame = self.transport.frame_of(arrival.result())
            except Exception:
                return  # a disconnect (ConnectionError): nothing to carry
            if frame is not None:
                self._carried = frame

    # --- asking the page, for apps and the test client ----------------------

    def post(self, cid: str, message: str, data: Any) -> None:
        """Deliver a server-side message to component ``cid`` (as a timer would)."""
        if self.actor is None:
            raise RuntimeError("the page has not joined yet")
        self.actor.post(cid, message, data)

    async def settled(self) -> None:
        """Return once everything queued on the page so far (server messages,
        timers that fell due) has been handled and its replies sent."""
        loop = asyncio.get_running_loop()
        while True:
            if self.actor is not None:
                await self.actor.quiet()
            if self._moving is not None:
                await asyncio.shield(self._moving)  # a navigate: the new page first
                continue
            if not (self._outbox or self._sending) or self._closing is not None:
                return
            waiter: asyncio.Future[None] = loop.create_future()
            if self._sent_waiters is _NONE:
                self._sent_waiters = []
            self._sent_waiters.append(waiter)
            await waiter

    @property
    def inbox_size(self) -> int:
        """Server-side messages waiting to be handled."""
        return self.actor.waiting if self.actor is not None else 0

    @property
    def sending(self) -> bool:
        """True while replies wait in the outbox or are being sent."""
        return bool(self._outbox) or self._sending

    def active_timers(self) -> int:
        """Timers scheduled for this page right now."""
        return self.actor.active_timers() if self.actor is not None else 0

    # --- sending ------------------------------------------------------------

    # The session is the outbox of its page's actor and dispatcher
    # (``actor.Outbox``, ``dispatch.Replies``): they keep it, not bound
    # methods of it, 64 bytes each on every page.

    def take_replies(self, messages: Sequence[ServerMessage]) -> None:
        """Queue ``messages`` to be sent, in order (dropped once closing)."""
        if self._closing is not None:
            return
        if self._hop is not None:
            self._held.extend(m for m in messages if isinstance(m, Ack | Err))
            return
        if len(self._outbox) + len(messages) > self._config.outbox_size:
            self.slow_client()
            return
        if self._outbox is _NONE:
            self._outbox = list(messages)
        else:
            self._outbox.extend(messages)

    def slow_client(self, reason: str = "") -> None:
        """Close the socket as too slow: its outbox or mailbox overflowed."""
        if self._closing is not None:
            return
        self._closing = (
            CloseCode.SLOW_CLIENT,
            reason or f"more than {self._config.outbox_size} messages waiting to be sent",
        )
        if self._telemetry is not None:
            self._telemetry.slow_client()
        if self.actor is not None:
            self.actor.stop()
        # The reader may sit in receive() for a client that never sends, or in
        # a send that never completes: wake it so the session ends now.
        if self._reader is not None and self._reader is not asyncio.current_task():
            self._reader.cancel()

    async def _send_loop(self, lap: float) -> None:
        send = self.transport.send
        telemetry = self._telemetry
        try:
            while self._outbox:
                batch, self._outbox = self._outbox, _NONE
                if telemetry is None:
                    await send(encode(batch))
                    continue
                started = lap or perf_counter()
                lap = 0.0  # a later batch waited for the send before it
                frame, size = encode_sized(batch)
                seconds = perf_counter() - started
                lists = self._frame_lists
                if lists is None:
                    telemetry.frame_sent(batch, frame, seconds, size)
                else:
                    # frame_sent, with no call: two appends, and the checks
                    # of frame_needs_more written out.
                    encodes, sizes = lists
                    encodes.append(seconds)
                    sizes.append(size)
                    if len(encodes) >= FOLD_AT or len(frame) > SCANNED_FRAME or ERR_MARK in frame:
                        telemetry.frames_checked(batch, frame)
                await send(frame)
        except ConnectionError:
            # The reader sees the disconnect and ends the session.
            self._outbox = _NONE

    async def send_replies(self, lap: float = 0.0) -> None:
        """Send what is queued, unless a send is under way (it takes it)."""
        # Each turn sends its own replies before the task moves on: when many
        # pages' timers fall due at once, every page's frame leaves as soon
        # as its turn ends instead of after the whole burst is rendered. One
        # send at a time; whoever is sending also takes what others queued.
        if self._sending or not self._outbox or self._closing is not None:
            return
        self._sending = True
        watch = self._watch
        if watch is None:
            # Kept: finding it by loop costs a weak reference per send.
            watch = self._watch = send_watch()
        watch.started(self)
        try:
            # ``lap`` (``LivePage.lap``): when the turn whose replies these
            # are ended its last timed phase, which encoding times from.
            await self._send_loop(lap)
        finally:
            watch.finished(self)
            self._sending = False
            if self._sent_waiters:
                waiters, self._sent_waiters = self._sent_waiters, _NONE
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)

    @property
    def send_timeout(self) -> float:
        """Seconds a send may take before the client counts as slow."""
        return self._config.send_timeout

    @property
    def idle_timeout(self) -> float:
        """Seconds a joined socket may stay silent before it is closed."""
        return self._config.idle_timeout

    def end_socket(self, code: int, reason: str) -> None:
        """End the socket with ``code`` once what is queued has been sent: the
        page sent the browser elsewhere, or its user logged out."""
        if self._closing is not None or self._ending is not None:
            return
        self._ending = (code, reason)
        if self.actor is not None:
            self.actor.stop()
        # A turn of the mailbox (a timer) ended it: wake the reader.
        if self._reader is not None and self._reader is not asyncio.current_task():
            self._reader.cancel()

    def rest(self, now: float) -> None:
        """Let the page compress its long renders if it has been idle."""
        after = self._config.rest_after
        page = self.page
        # Not in the middle of a turn: a handler awaiting something may hold
        # parts of the state the page would pack. The watch asks again.
        if after and page is not None and not (self.actor is not None and self.actor.busy):
            page.rest(now, after)

    def went_silent(self) -> None:
        """Close the socket: nothing, not even a heartbeat, arrived in time."""
        if self._closing is None:
            self._closing = (
                CloseCode.IDLE_TIMEOUT,
                f"nothing arrived for {self._config.idle_timeout:g} s",
            )
            if self.actor is not None:
                self.actor.stop()
            if self._reader is not None:
                self._reader.cancel()

    def send_stuck(self) -> None:
        """Close the client as slow: a send has not completed in time."""
        if self._closing is None:
            self.slow_client(f"a send took more than {self._config.send_timeout} s")

    async def _drain(self) -> None:
        # Let queued replies go out unless the client is the problem.
        if self._closing is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.send_replies(), 1.0)

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.transport.close(code, reason[:120]), 2.0)
