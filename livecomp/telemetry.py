"""What a running app counts and times, for Prometheus, OpenTelemetry and the logs.

The key idea: recording must cost next to nothing, so the framework keeps
plain Python numbers (counters in dicts, histogram buckets in lists found by
``bisect``) and takes no lock: every recording happens on the event loop,
as does every read. ``livecomp.metrics`` turns them into Prometheus metric
families only when the route is scraped, and ``TelemetryHooks`` lets an app
forward each measurement as it happens (to OpenTelemetry, or anything
else). With telemetry off (the default) the framework holds None and pays
one ``is not None`` test per place it would record.

Labels are only names written in code (a component's class, an ``@on``
event, an error code, a close code), and each labelled metric keeps at most
``max_label_sets`` distinct label sets; the rest are counted under
``"other"``, so a hostile client cannot grow the scrape.
"""

from __future__ import annotations

import json
import logging
import traceback
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from livecomp.protocol import Err, ServerMessage

__all__ = [
    "BYTES_BUCKETS",
    "SECONDS_BUCKETS",
    "Histogram",
    "JsonLogFormatter",
    "Telemetry",
    "TelemetryHooks",
]

#: Upper bounds of the time histograms, in seconds: 50 µs to 10 s.
SECONDS_BUCKETS: tuple[float, ...] = (
    0.00005,
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    10.0,
)
#: Upper bounds of the frame size histogram, in bytes: 64 B to 1 MiB.
BYTES_BUCKETS: tuple[float, ...] = (64, 256, 1024, 4096, 16384, 65536, 262144, 1048576)

#: The label value that stands for every label set past the cap.
OTHER = "other"


class Histogram:
    """Observations counted into buckets, as Prometheus histograms count them.

    ``counts[i]`` counts the values at most ``bounds[i]`` and above the bound
    before it (not cumulative); the last count is the values above every bound.
    """

    __slots__ = ("bounds", "counts", "total")

    def __init__(self, bounds: Sequence[float]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)
        self.total = 0.0

    def observe(self, value: float) -> None:
        """Count ``value``."""
        self.counts[bisect_left(self.bounds, value)] += 1
        self.total += value

    @property
    def count(self) -> int:
        """How many values were observed."""
        return sum(self.counts)


class TelemetryHooks:
    """Called with each measurement as it is made; override what you forward.

    Every method does nothing here. A hook runs on the event loop in the
    middle of the page's work: keep it quick (OpenTelemetry's instruments
    are). An exception it raises propagates into the framework, so do not
    raise.

    Example, forwarding to OpenTelemetry's metrics API (livecomp does not
    depend on it):
        ```python
        from opentelemetry import metrics

        meter = metrics.get_meter("livecomp")
        handler_time = meter.create_histogram("livecomp.handler.duration", unit="s")
        errors = meter.create_counter("livecomp.error_replies")

        class OpenTelemetryHooks(TelemetryHooks):
            def event_handled(self, component: str, event: str, seconds: float) -> None:
                handler_time.record(seconds, {"component": component, "event": event})

            def error_replied(self, code: str, event: str | None, error_id: str | None) -> None:
                errors.add(1, {"code": code})

        LiveApp(app, telemetry=Telemetry(hooks=[OpenTelemetryHooks()]))
        ```
    """

    def socket_opened(self) -> None:
        """A websocket was accepted."""

    def socket_closed(self, code: int | None) -> None:
        """A websocket ended with close ``code`` (None: no code was given)."""

    def page_joined(self) -> None:
        """A socket joined its page: the page is connected."""

    def page_left(self) -> None:
        """A connected page's socket ended."""

    def event_handled(self, component: str, event: str, seconds: float) -> None:
        """The ``@on(event)`` handler of a ``component`` ran (or raised) in ``seconds``."""

    def rendered(self, component: str, seconds: float) -> None:
        """A ``component`` rendered (its template, children not included)."""

    def diffed(self, component: str, seconds: float) -> None:
        """A ``component``'s new render was diffed against its last one."""

    def frame_sent(self, size: int, encode_seconds: float) -> None:
        """A frame of ``size`` bytes, encoded in ``encode_seconds``, went to a client."""

    def error_replied(self, code: str, event: str | None, error_id: str | None) -> None:
        """An ``err`` went to a client (``error_id`` set for a ``handler_error``)."""

    def resynced(self) -> None:
        """A client asked for a component's full render: a patch did not fit."""

    def slow_client(self) -> None:
        """A client that could not keep up was closed."""

    def mailbox_waited(self, seconds: float) -> None:
        """A server-side message (timer, broadcast) waited ``seconds`` for its turn."""


class Telemetry:
    """One app's counters and histograms, and the hooks it forwards them to.

    Pass it (or ``True``) as ``LiveApp(telemetry=...)``; the framework calls
    the recording methods. Read it through the Prometheus route
    (``LiveApp(metrics_path="/metrics")``) or your own ``hooks``.

    Args:
        hooks: called with every measurement as it is made.
        max_label_sets: distinct label sets one metric keeps; past it, new
            ones are counted under ``"other"``.
        seconds_buckets: upper bounds of the time histograms.
        bytes_buckets: upper bounds of the frame size histogram.
    """

    def __init__(
        self,
        *,
        hooks: Iterable[TelemetryHooks] = (),
        max_label_sets: int = 1000,
        seconds_buckets: Sequence[float] = SECONDS_BUCKETS,
        bytes_buckets: Sequence[float] = BYTES_BUCKETS,
    ) -> None:
        self.hooks: tuple[TelemetryHooks, ...] = tuple(hooks)
        self.max_label_sets = max_label_sets
        self.seconds_buckets = tuple(sorted(seconds_buckets))
        self.bytes_buckets = tuple(sorted(bytes_buckets))
        #: Pages joined and not yet closed.
        self.pages_connected = 0
        self.socket_connects = 0
        #: Sockets ended, by close code ("none" when no code was given).
        self.socket_disconnects: dict[str, int] = {}
        #: Handler times by (component class, event); their counts are the events.
        self.handlers: dict[tuple[str, str], Histogram] = {}
        #: Render times by component class.
        self.renders: dict[str, Histogram] = {}
        self.diffs = Histogram(self.seconds_buckets)
        self.encodes = Histogram(self.seconds_buckets)
        self.frame_bytes = Histogram(self.bytes_buckets)
        self.resyncs = 0
        #: ``err`` replies by error code.
        self.error_replies: dict[str, int] = {}
        self.slow_clients = 0
        self.mailbox_lag = Histogram(self.seconds_buckets)

    # --- recording, called by the framework ---------------------------------

    def socket_opened(self) -> None:
        """Count an accepted websocket."""
        self.socket_connects += 1
        for hook in self.hooks:
            hook.socket_opened()

    def socket_closed(self, code: int | None) -> None:
        """Count a websocket that ended with ``code``."""
        label = self._label(self.socket_disconnects, "none" if code is None else str(code))
        self.socket_disconnects[label] = self.socket_disconnects.get(label, 0) + 1
        for hook in self.hooks:
            hook.socket_closed(code)

    def page_joined(self) -> None:
        """Count a page whose socket joined."""
        self.pages_connected += 1
        for hook in self.hooks:
            hook.page_joined()

    def page_left(self) -> None:
        """Count a connected page whose socket ended."""
        self.pages_connected -= 1
        for hook in self.hooks:
            hook.page_left()

    def event_handled(self, component: str, event: str, seconds: float) -> None:
        """Record a handler that ran for ``seconds``."""
        histogram = self.handlers.get((component, event))
        if histogram is None:
            histogram = self._first_seen(self.handlers, (component, event), (OTHER, OTHER))
        # Histogram.observe, inlined: this runs for every event.
        histogram.counts[bisect_left(histogram.bounds, seconds)] += 1
        histogram.total += seconds
        if self.hooks:
            for hook in self.hooks:
                hook.event_handled(component, event, seconds)

    def rendered(self, component: str, seconds: float) -> None:
        """Record a component's render."""
        histogram = self.renders.get(component)
        if histogram is None:
            histogram = self._first_seen(self.renders, component, OTHER)
        histogram.counts[bisect_left(histogram.bounds, seconds)] += 1
        histogram.total += seconds
        if self.hooks:
            for hook in self.hooks:
                hook.rendered(component, seconds)

    def diffed(self, component: str, seconds: float) -> None:
        """Record a component's diff."""
        diffs = self.diffs
        diffs.counts[bisect_left(diffs.bounds, seconds)] += 1
        diffs.total += seconds
        if self.hooks:
            for hook in self.hooks:
                hook.diffed(component, seconds)

    def frame_sent(self, messages: Sequence[ServerMessage], frame: str, seconds: float) -> None:
        """Record a frame sent to a client: its size, its encoding time, its ``err``s."""
        # Most frames are ASCII, where the length is the byte count: no copy.
        size = len(frame) if frame.isascii() else len(frame.encode())
        sizes, encodes = self.frame_bytes, self.encodes
        sizes.counts[bisect_left(sizes.bounds, size)] += 1
        sizes.total += size
        encodes.counts[bisect_left(encodes.bounds, seconds)] += 1
        encodes.total += seconds
        if self.hooks:
            for hook in self.hooks:
                hook.frame_sent(size, seconds)
        # A type test per message: cheaper than counting at each place an err is made.
        for message in messages:
            if type(message) is Err:
                self.error_replied(message)

    def error_replied(self, err: Err) -> None:
        """Count an ``err`` sent to a client."""
        code = str(err.code)
        self.error_replies[code] = self.error_replies.get(code, 0) + 1
        for hook in self.hooks:
            hook.error_replied(code, err.event, err.error_id)

    def resynced(self) -> None:
        """Count a client's resync."""
        self.resyncs += 1
        for hook in self.hooks:
            hook.resynced()

    def slow_client(self) -> None:
        """Count a client closed for not keeping up."""
        self.slow_clients += 1
        for hook in self.hooks:
            hook.slow_client()

    def mailbox_waited(self, seconds: float) -> None:
        """Record how long a server-side message waited for its turn."""
        self.mailbox_lag.observe(seconds)
        for hook in self.hooks:
            hook.mailbox_waited(seconds)

    def _first_seen(self, table: dict[Any, Histogram], key: Any, other: Any) -> Histogram:
        """The histogram for a label set ``table`` lacks: a new one, or past the
        label cap, the one of ``other``."""
        if len(table) >= self.max_label_sets:
            key = other
        found = table.get(key)
        if found is None:
            found = table[key] = Histogram(self.seconds_buckets)
        return found

    def _label(self, seen: dict[str, Any], value: str) -> str:
        return value if value in seen or len(seen) < self.max_label_sets else OTHER


class JsonLogFormatter(logging.Formatter):
    """Formats log records as one JSON object per line, livecomp's fields included.

    A failure livecomp logs carries ``error_id`` (what the browser was
    told), ``page``, ``component``, ``event``, ``what`` failed and whether
    an error boundary ``handled`` it; they become keys of the object,
    beside ``time``, ``level``, ``logger``, ``message`` and, with an
    exception, ``exception`` (its type) and ``traceback``.

    Example:
        ```python
        handler = logging.StreamHandler()
        handler.setFormatter(JsonLogFormatter())
        logging.getLogger("livecomp").addHandler(handler)
        ```
    """

    #: Record attributes set by livecomp, and the keys they are written as.
    FIELDS: tuple[tuple[str, str], ...] = (
        ("livecomp_error_id", "error_id"),
        ("livecomp_page", "page"),
        ("livecomp_cid", "component"),
        ("livecomp_event", "event"),
        ("livecomp_what", "what"),
        ("livecomp_handled", "handled"),
    )

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for attribute, key in self.FIELDS:
            value = getattr(record, attribute, None)
            if value is not None:
                entry[key] = value
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            entry["exception"] = type(exc).__qualname__
            entry["traceback"] = "".join(traceback.format_exception(exc)).rstrip()
        return json.dumps(entry, default=str)
