"""What a running app counts and times, for Prometheus, OpenTelemetry and the logs.

The key idea: recording must cost next to nothing, so the framework keeps
plain Python numbers and lists and takes no lock: every recording happens
on the event loop, as does every read. A time is appended to the list of
values its histogram has not yet binned, and a frame (when short) is kept
whole until its size is wanted; the values are binned when the histogram
is read, or once a list holds ``FOLD_AT`` of them, so memory stays bounded
when nothing scrapes. In the middle of a turn an append costs a fraction
of binning a value or encoding a frame to count its bytes, and a batch
binned at once costs less per value than one binned alone. The framework
appends to the lists itself: a page keeps each component's
``ComponentTimes`` and the dispatcher the handler list of the last event's
component and event, so a measurement costs a clock read and an append,
not a call. ``livecomp.metrics`` turns the numbers into Prometheus metric
families only when the route is scraped, and ``TelemetryHooks`` lets an
app forward each measurement as it happens (to OpenTelemetry, or anything
else): the list of a measurement some hook takes tells the hooks of each
value appended, and the lists of the others are plain. With telemetry off
(the default) the framework holds None and pays one ``is not None`` test
per place it would record.

Labels are only names written in code (a component's class, an ``@on``
event, an error code, a close code), and each labelled metric keeps at most
``max_label_sets`` distinct label sets; the rest are counted under
``"other"``, so a hostile client cannot grow the scrape.
"""

from __future__ import annotations

import json
import logging
import traceback
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import repeat
from operator import le
from typing import Any, Protocol, TypeVar

from livecomp.protocol import Err, ServerMessage, utf8_size

__all__ = [
    "BYTES_BUCKETS",
    "SECONDS_BUCKETS",
    "ComponentTimes",
    "Histogram",
    "JsonLogFormatter",
    "Sink",
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

#: Values a histogram holds unbinned at most: past it, every histogram of
#: the telemetry is binned. Reading a histogram bins it too.
FOLD_AT = 256

#: Characters of the longest frame whose text is searched for an ``err``
#: (``ERR_MARK``); a longer one's messages are looked at one by one.
SCANNED_FRAME = 1024

#: What the text of every encoded ``err`` holds; no other message does but a
#: push whose data happens to (quotes inside JSON strings are escaped). A
#: frame without it carries no ``err``, and its messages need no look.
#: ``tests/test_telemetry.py`` checks it against ``protocol.encode``.
ERR_MARK = '"t":"err"'

_K = TypeVar("_K")


class Histogram:
    """Observations counted into buckets, as Prometheus histograms count them.

    ``counts[i]`` counts the values at most ``bounds[i]`` and above the bound
    before it (not cumulative); the last count is the values above every
    bound. A value observed waits in ``pending`` (a plain list: recording
    is one append) until the histogram is read (``counts``, ``total``,
    ``count``) or ``fold()`` bins it.
    """

    __slots__ = ("_counts", "_total", "bounds", "pending")

    def __init__(self, bounds: Sequence[float], pending: list[float] | None = None) -> None:
        # Floats: a bound's own comparison (``__ge__``) then takes any value.
        self.bounds = tuple(float(bound) for bound in bounds)
        self._counts = [0] * (len(self.bounds) + 1)
        self._total = 0.0
        #: Values observed and not yet binned (cleared in place by ``fold``,
        #: so a reference to the list stays good): what the framework
        #: appends to. ``pending`` given: that list (a ``_Told`` one, say).
        self.pending: list[float] = [] if pending is None else pending

    def observe(self, value: float) -> None:
        """Count ``value``."""
        pending = self.pending
        pending.append(value)
        if len(pending) >= FOLD_AT:
            self.fold()

    def fold(self) -> None:
        """Bin the pending values."""
        pending = self.pending
        if not pending:
            return
        counts, bounds = self._counts, self.bounds
        # Times and sizes vary little, so a batch mostly falls in one bucket
        # or two: the bucket of its least and greatest values tells, and
        # only the bounds between them count anything (each in one pass, in
        # C). A wider batch is sorted and each bound found by bisection:
        # sorting values scattered in memory costs several such passes.
        last = bisect_left(bounds, max(pending))
        first = bisect_left(bounds, min(pending)) if last else 0
        if last - first <= 2:
            below = 0
            for i in range(first, last):
                # ``le`` by ``map`` with two iterables: a C call per value,
                # a third cheaper than calling the bound's ``__ge__``.
                at_most = sum(map(le, pending, repeat(bounds[i])))
                counts[i] += at_most - below
                below = at_most
            counts[last] += len(pending) - below
        else:
            ordered = sorted(pending)
            below = 0
            for i in range(first, last):
                at_most = bisect_right(ordered, bounds[i], below)
                counts[i] += at_most - below
                below = at_most
            counts[last] += len(ordered) - below
        # In order, from the running total: the sum adding each value in turn gives.
        self._total = sum(pending, self._total)
        pending.clear()

    @property
    def counts(self) -> list[int]:
        """How many values fell in each bucket (the last: above every bound)."""
        self.fold()
        return self._counts

    @property
    def total(self) -> float:
        """The sum of the values observed."""
        self.fold()
        return self._total

    @property
    def count(self) -> int:
        """How many values were observed."""
        return sum(self.counts)


class Sink(Protocol):
    """Where the framework appends one measurement's values."""

    def append(self, value: float, /) -> None:
        """Record ``value``."""


@dataclass(frozen=True, slots=True)
class ComponentTimes:
    """Where one component class's handler, render and diff times go: a
    page keeps it beside each component (from the component's mount, or the
    page's join), so timing any of them costs an append."""

    #: The class's name: its label.
    name: str
    #: The pending values of the class's render histogram.
    renders: list[float]
    #: The diff histogram's pending values (a ``_Forward`` when hooks take diffs).
    diffs: Sink
    #: The pending values of each of the class's handlers by event, filled
    #: as events are handled (``Telemetry.handler_times``): only events a
    #: handler took, so no more than the class has handlers.
    handlers: dict[str, list[float]] = field(default_factory=dict)


class _Forward:
    """Appends to another list and tells hooks each value: the diffs of one
    component class when a hook takes diffs (their histogram is unlabelled,
    the hook's call is not)."""

    __slots__ = ("_target", "_tell")

    def __init__(self, target: list[float], tell: Callable[[float], None]) -> None:
        self._target, self._tell = target, tell

    def append(self, value: float, /) -> None:
        self._target.append(value)
        self._tell(value)


class _Told(list[float]):
    """Pending values that tell hooks each value appended to them: how the
    framework's plain ``append`` reaches the hooks of a measurement."""

    __slots__ = ("_tell",)

    def __init__(self, tell: Callable[[float], None]) -> None:
        super().__init__()
        self._tell = tell

    def append(self, value: float, /) -> None:
        super().append(value)
        self._tell(value)


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
        hooks: called with every measurement as it is made; fixed once the
            telemetry is made.
        max_label_sets: distinct label sets one metric keeps; past it, new
            ones are counted under ``"other"``, and hooks are told ``"other"``
            too (an OpenTelemetry backend is spared the cardinality as well).
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
        self._hooks: tuple[TelemetryHooks, ...] = tuple(hooks)
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
        self.mailbox_lag = Histogram(self.seconds_buckets, self._pending("mailbox_waited"))
        # The pending lists of the labelled histograms by component class
        # (then event), found without a tuple: a label set past the cap is
        # not cached, and takes the slow path each time.
        self._handler_times: dict[str, dict[str, list[float]]] = {}
        self._component_times: dict[str, ComponentTimes] = {}
        self._encode_values = self.encodes.pending
        self._size_values = self.frame_bytes.pending
        self._frame_lists = (self._encode_values, self._size_values)
        self._frame_hooks = [
            hook.frame_sent for hook in self._hooks if _overrides(hook, "frame_sent")
        ]

    @property
    def hooks(self) -> tuple[TelemetryHooks, ...]:
        """What each measurement is forwarded to."""
        return self._hooks

    def _pending(self, method: str, *labels: str) -> list[float]:
        """A new histogram's pending list: one that tells the hooks which
        override ``method`` of each value (with ``labels`` first), or a
        plain list when none does."""
        tell = self._teller(method, labels)
        return [] if tell is None else _Told(tell)

    def _teller(self, method: str, labels: tuple[str, ...]) -> Callable[[float], None] | None:
        """What tells each hook overriding ``method`` of a value (None: no hook does)."""
        called = [getattr(hook, method) for hook in self._hooks if _overrides(hook, method)]
        if not called:
            return None

        def tell(value: float) -> None:
            for hook in called:
                hook(*labels, value)

        return tell

    # --- recording, called by the framework ---------------------------------

    def socket_opened(self) -> None:
        """Count an accepted websocket."""
        self.socket_connects += 1
        for hook in self._hooks:
            hook.socket_opened()

    def socket_closed(self, code: int | None) -> None:
        """Count a websocket that ended with ``code``."""
        label = self._label(self.socket_disconnects, "none" if code is None else str(code))
        self.socket_disconnects[label] = self.socket_disconnects.get(label, 0) + 1
        for hook in self._hooks:
            hook.socket_closed(code)

    def page_joined(self) -> None:
        """Count a page whose socket joined."""
        self.pages_connected += 1
        for hook in self._hooks:
            hook.page_joined()

    def page_left(self) -> None:
        """Count a connected page whose socket ended."""
        self.pages_connected -= 1
        for hook in self._hooks:
            hook.page_left()

    # The four below run for every event: the framework inlines the first
    # three (appending to ``handler_times`` and ``component_times``); a
    # value's hooks are told by what it is appended to.

    def event_handled(self, component: str, event: str, seconds: float) -> None:
        """Record a handler that ran for ``seconds``."""
        # No length check: every event is answered (an ack or an err) in a
        # frame, and a fold bins every list, so these hold at most the events
        # answered in FOLD_AT frames.
        self.handler_times(component, event).append(seconds)

    def rendered(self, component: str, seconds: float) -> None:
        """Record a component's render."""
        values = self.component_times(component).renders
        values.append(seconds)
        if len(values) >= FOLD_AT:
            self.fold()

    def diffed(self, component: str, seconds: float) -> None:
        """Record a component's diff."""
        # No length check: each diff follows a render, and a fold bins every
        # list, so this holds no more values than the render lists together.
        self.component_times(component).diffs.append(seconds)

    def frame_sent(
        self,
        messages: Sequence[ServerMessage],
        frame: str,
        seconds: float,
        size: int | None = None,
    ) -> None:
        """Record a frame sent to a client: its size in bytes (``size``, as
        the encoder knew it; None: measured here), its encoding time, its
        ``err``s."""
        if size is None:
            size = utf8_size(frame)
        self._encode_values.append(seconds)
        self._size_values.append(size)
        for hook in self._frame_hooks:
            hook(size, seconds)
        if frame_needs_more(self._encode_values, frame):
            self.frames_checked(messages, frame)

    @property
    def frame_lists(self) -> tuple[list[float], list[float]] | None:
        """The lists a frame's encoding time and size are appended to,
        for the session to record a frame with two appends and no call
        (then ``frames_checked`` when ``frame_needs_more``); None when a
        hook takes each frame: call ``frame_sent``."""
        if self._frame_hooks:
            return None
        return self._frame_lists

    def frames_checked(self, messages: Sequence[ServerMessage], frame: str) -> None:
        """What a frame appended to ``frame_lists`` may still need: the
        lists binned when full, its ``err``s counted."""
        if len(self._encode_values) >= FOLD_AT:
            self.fold()
        if len(frame) > SCANNED_FRAME or ERR_MARK in frame:
            self._errors_in(messages)

    def _errors_in(self, messages: Sequence[ServerMessage]) -> None:
        # A type test per message: cheaper than counting at each place an err is made.
        for message in messages:
            if type(message) is Err:
                self.error_replied(message)

    def error_replied(self, err: Err) -> None:
        """Count an ``err`` sent to a client."""
        code = str(err.code)
        self.error_replies[code] = self.error_replies.get(code, 0) + 1
        for hook in self._hooks:
            hook.error_replied(code, err.event, err.error_id)

    def resynced(self) -> None:
        """Count a client's resync."""
        self.resyncs += 1
        for hook in self._hooks:
            hook.resynced()

    def slow_client(self) -> None:
        """Count a client closed for not keeping up."""
        self.slow_clients += 1
        for hook in self._hooks:
            hook.slow_client()

    def mailbox_waited(self, seconds: float) -> None:
        """Record how long a server-side message waited for its turn."""
        values = self.mailbox_lag.pending
        values.append(seconds)
        if len(values) >= FOLD_AT:
            self.fold()

    # --- reading ------------------------------------------------------------

    def fold(self) -> None:
        """Bin every histogram's pending values (reading one bins it alone)."""
        for histogram in self.histograms():
            histogram.fold()

    def histograms(self) -> list[Histogram]:
        """Every histogram kept, labelled or not."""
        return [
            *self.handlers.values(),
            *self.renders.values(),
            self.diffs,
            self.encodes,
            self.frame_bytes,
            self.mailbox_lag,
        ]

    # --- label sets ---------------------------------------------------------

    def handler_times(self, component: str, event: str) -> list[float]:
        """What the times of ``component``'s ``event`` handler are appended
        to (past the label cap, the list of ``other``)."""
        try:
            return self._handler_times[component][event]
        except KeyError:
            pass
        if len(self.handlers) >= self.max_label_sets and (component, event) not in self.handlers:
            return self._histogram(
                self.handlers, (OTHER, OTHER), "event_handled", OTHER, OTHER
            ).pending
        key = (component, event)
        values = self._histogram(self.handlers, key, "event_handled", *key).pending
        self._handler_times.setdefault(component, {})[event] = values
        return values

    def component_times(self, component: str) -> ComponentTimes:
        """Where a component class's render and diff times go (past the
        label cap, renders go to the list of ``other``)."""
        found = self._component_times.get(component)
        if found is not None:
            return found
        if len(self.renders) >= self.max_label_sets and component not in self.renders:
            renders = self._histogram(self.renders, OTHER, "rendered", OTHER).pending
            return ComponentTimes(component, renders, self._diff_sink(OTHER))
        renders = self._histogram(self.renders, component, "rendered", component).pending
        found = self._component_times[component] = ComponentTimes(
            component, renders, self._diff_sink(component)
        )
        return found

    def _diff_sink(self, component: str) -> Sink:
        tell = self._teller("diffed", (component,))
        return self.diffs.pending if tell is None else _Forward(self.diffs.pending, tell)

    def _histogram(
        self, table: dict[_K, Histogram], key: _K, method: str, *labels: str
    ) -> Histogram:
        """``table``'s histogram of ``key``, made when missing; its hooks are
        told ``labels`` with each value (see ``_pending``)."""
        found = table.get(key)
        if found is None:
            found = table[key] = Histogram(self.seconds_buckets, self._pending(method, *labels))
        return found

    def _label(self, seen: dict[str, Any], value: str) -> str:
        return value if value in seen or len(seen) < self.max_label_sets else OTHER


def frame_needs_more(encode_values: list[float], frame: str) -> bool:
    """Whether a frame just recorded needs ``Telemetry.frames_checked``:
    the lists are full, or the frame is long or holds an ``err``'s mark (a
    search of its text, in C: most frames carry no err)."""
    return len(encode_values) >= FOLD_AT or len(frame) > SCANNED_FRAME or ERR_MARK in frame


def _overrides(hook: TelemetryHooks, name: str) -> bool:
    """Whether ``hook``'s method ``name`` does something: not the no-op of
    ``TelemetryHooks`` (a method set on the instance counts)."""
    method = getattr(hook, name)
    return getattr(method, "__func__", None) is not getattr(TelemetryHooks, name)


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
