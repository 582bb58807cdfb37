"""The Prometheus route: an app's ``Telemetry`` in Prometheus' text format.

The key idea: ``prometheus_client`` does the exposition, but none of the
recording. A custom collector reads the plain numbers ``Telemetry`` keeps
when the route is scraped (binning the histogram values recorded since the
last scrape first) and yields metric families from them, so the
event path never takes ``prometheus_client``'s per-observation lock. Each
app has its own ``CollectorRegistry`` (never the global one): two apps in
one process report apart. The route may require HTTP Basic credentials;
they are compared in constant time.

With ``run(app, workers=N)`` each worker process counts its own pages, and
a scrape reaches whichever worker accepts it.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Awaitable, Callable, Iterator, Mapping

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from quart import Response, request

from livecomp.telemetry import Histogram, Telemetry

__all__ = ["TelemetryCollector", "metrics_registry", "metrics_view"]

#: What a scraper without the right credentials is told to send.
REALM = 'Basic realm="livecomp metrics", charset="UTF-8"'


class TelemetryCollector:
    """A Prometheus collector reading one ``Telemetry`` at each scrape."""

    def __init__(self, telemetry: Telemetry) -> None:
        self.telemetry = telemetry

    def collect(self) -> Iterator[Metric]:
        """The metric families of every number the telemetry keeps."""
        t = self.telemetry
        # The values recorded since the last scrape are binned now, all at once.
        t.fold()
        yield GaugeMetricFamily(
            "livecomp_pages_connected", "Pages whose socket is joined.", t.pages_connected
        )
        yield CounterMetricFamily(
            "livecomp_websocket_connects", "Websockets accepted.", t.socket_connects
        )
        yield _counter(
            "livecomp_websocket_disconnects",
            "Websockets ended, by close code (none: no code given).",
            "code",
            t.socket_disconnects,
        )
        events = CounterMetricFamily(
            "livecomp_events",
            "Events handled, by component class and event.",
            labels=["component", "event"],
        )
        handlers = HistogramMetricFamily(
            "livecomp_handler_seconds",
            "Time in @on handlers, by component class and event.",
            labels=["component", "event"],
        )
        for (component, event), histogram in t.handlers.items():
            events.add_metric([component, event], histogram.count)
            _add_histogram(handlers, [component, event], histogram)
        yield events
        yield handlers
        renders = HistogramMetricFamily(
            "livecomp_render_seconds",
            "Time rendering a component (its children apart), from the end of the"
            " turn's phase before it, by component class.",
            labels=["component"],
        )
        for component, histogram in t.renders.items():
            _add_histogram(renders, [component], histogram)
        yield renders
        yield _histogram(
            "livecomp_diff_seconds",
            "Time diffing a component's renders, from the end of the turn's phase before it.",
            t.diffs,
        )
        yield _histogram(
            "livecomp_encode_seconds",
            "Time encoding a frame to clients, from the end of its turn's last phase.",
            t.encodes,
        )
        yield _histogram(
            "livecomp_frame_bytes",
            "Bytes of each frame sent to clients (patches, acks and errs).",
            t.frame_bytes,
        )
        yield CounterMetricFamily(
            "livecomp_resyncs", "Components resynced: a patch did not fit.", t.resyncs
        )
        yield _counter(
            "livecomp_error_replies", "err replies sent, by error code.", "code", t.error_replies
        )
        yield CounterMetricFamily(
            "livecomp_slow_client_closes",
            "Clients closed for not keeping up with their replies.",
            t.slow_clients,
        )
        yield _histogram(
            "livecomp_mailbox_lag_seconds",
            "Time a server-side message (timer, broadcast) waited for its turn.",
            t.mailbox_lag,
        )


def _counter(name: str, documentation: str, label: str, values: Mapping[str, int]) -> Metric:
    family = CounterMetricFamily(name, documentation, labels=[label])
    for value, count in values.items():
        family.add_metric([value], count)
    return family


def _histogram(name: str, documentation: str, histogram: Histogram) -> Metric:
    family = HistogramMetricFamily(name, documentation, labels=[])
    _add_histogram(family, [], histogram)
    return family


def _add_histogram(family: HistogramMetricFamily, labels: list[str], histogram: Histogram) -> None:
    # Prometheus buckets are cumulative, ending with +Inf.
    buckets: list[tuple[str, float]] = []
    running = 0
    for bound, count in zip(histogram.bounds, histogram.counts, strict=False):
        running += count
        buckets.append((_bound(bound), running))
    buckets.append(("+Inf", running + histogram.counts[-1]))
    family.add_metric(labels, buckets, histogram.total)


def _bound(bound: float) -> str:
    return repr(float(bound))


def metrics_registry(telemetry: Telemetry) -> CollectorRegistry:
    """A registry of its own holding ``telemetry``'s collector."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(TelemetryCollector(telemetry))
    return registry


def metrics_view(
    registry: CollectorRegistry, auth: tuple[str, str] | None
) -> Callable[[], Awaitable[Response]]:
    """The Quart view serving ``registry``; with ``auth`` (user, password),
    only to a request carrying them as HTTP Basic credentials."""

    async def serve_metrics() -> Response:
        if auth is not None and not _authorized(request.headers.get("Authorization"), auth):
            return Response(
                "metrics need credentials\n",
                status=401,
                content_type="text/plain; charset=utf-8",
                headers={"WWW-Authenticate": REALM},
            )
        return Response(
            generate_latest(registry),
            content_type=CONTENT_TYPE_LATEST,
            headers={"Cache-Control": "no-store"},
        )

    return serve_metrics


def _authorized(header: str | None, auth: tuple[str, str]) -> bool:
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    user, sep, password = decoded.partition(b":")
    # Both compared, in constant time, whatever the first gives: the answer's
    # timing tells nothing of either.
    user_ok = hmac.compare_digest(user, auth[0].encode())
    password_ok = hmac.compare_digest(password, auth[1].encode())
    return bool(sep) and user_ok and password_ok
