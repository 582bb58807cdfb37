"""Telemetry: what a running app counts and times, scraped as Prometheus text,
forwarded through hooks, and written as JSON log lines."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import sys
import urllib.error
import urllib.request
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import BaseModel
from quart import Quart
from websockets.asyncio.client import connect
from websockets.typing import Origin

from bench.scenarios import THERMOSTAT
from bench.serve import switch_telemetry
from bench.telemetry import (
    SWITCH_PATTERN,
    _Harness,
    measure_server_telemetry,
    measure_telemetry,
)
from conftest import serving
from livecomp import (
    CloseCode,
    Component,
    ErrorCode,
    JsonLogFormatter,
    LiveApp,
    Telemetry,
    TelemetryHooks,
    on,
    on_message,
)
from livecomp.metrics import TelemetryCollector
from livecomp.protocol import Ack, Err, Patch, Push, Render, ServerMessage, encode, encode_sized
from livecomp.telemetry import (
    ERR_MARK,
    FOLD_AT,
    OTHER,
    SCANNED_FRAME,
    SECONDS_BUCKETS,
    Histogram,
)
from livecomp.testing import LiveEventError, LiveTestClient

USER, PASSWORD = "scraper", "s3cret"


class Count(BaseModel):
    n: int = 0


class Badge(Component[Count]):
    template = "<span>{{ state.n }}</span>"

    @on("bump")
    async def bump(self) -> None:
        self.state.n += 1


class Counter(Component[Count]):
    template = '<div><p>{{ state.n }}</p>{{ live(Badge, id="badge") }}</div>'

    @on("inc")
    async def inc(self, by: int = 1) -> None:
        self.state.n += by

    @on("boom")
    async def boom(self) -> None:
        raise RuntimeError("the handler broke")

    @on_message("tick")
    async def tick(self) -> None:
        self.state.n += 10


class Elsewhere(Component[Count]):
    template = "<div><p>{{ state.n }}</p></div>"

    @on("inc")
    async def inc(self) -> None:
        self.state.n += 1


class Leaving(Component[Count]):
    template = "<div><p>{{ state.n }}</p></div>"

    @on("inc")
    async def inc(self) -> None:
        self.state.n += 1

    @on("leave")
    async def leave(self) -> None:
        self.navigate("/elsewhere")


def counter_app(**options: Any) -> Quart:
    app = Quart(__name__)
    LiveApp(app, secret_key="telemetry", **options).page("/", Counter)
    return app


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def scrape(app: Quart, path: str = "/metrics", *, auth: bool = False) -> dict[str, float]:
    """The samples of the metrics route, by name and sorted labels."""
    headers = basic(USER, PASSWORD) if auth else {}
    response = await app.test_client().get(path, headers=headers)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(await response.get_data(as_text=True)):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples


async def trigger_everything(client: LiveTestClient) -> None:
    """Three events, an invalid payload, a handler error, a resync and a tick."""
    for _ in range(3):
        await client.send_event("inc", {"by": "2"})
    reply = await client.send_event("inc", {"by": "lots"}, check=False)
    assert reply.error is not None and reply.error.code is ErrorCode.INVALID_PAYLOAD
    with pytest.raises(RuntimeError):
        await client.send_event("boom")
    await client.send_event("bump", cid=client.component("span").cid)
    await client.send_raw(json.dumps({"t": "resync", "cid": client.root.cid, "reason": "test"}))
    assert any(isinstance(m, Render) for m in await client.receive())
    await client.send_message(client.root.cid, "tick")


async def test_the_metrics_route_counts_events_errors_resyncs_and_sockets() -> None:
    app = counter_app(metrics_path="/metrics", metrics_auth=(USER, PASSWORD))
    async with LiveTestClient(app) as client:
        await trigger_everything(client)
        assert client.state.n == 16
        during = await scrape(app, auth=True)
    after = await scrape(app, auth=True)

    assert during["livecomp_pages_connected{}"] == 1
    assert during["livecomp_websocket_connects_total{}"] == 1
    assert during["livecomp_events_total{component=Counter,event=inc}"] == 3
    # The handler that raised ran: it is an event handled, and an err.
    assert during["livecomp_events_total{component=Counter,event=boom}"] == 1
    assert during["livecomp_events_total{component=Badge,event=bump}"] == 1
    assert during["livecomp_handler_seconds_count{component=Counter,event=inc}"] == 3
    assert during["livecomp_handler_seconds_sum{component=Counter,event=inc}"] > 0
    assert during["livecomp_error_replies_total{code=invalid_payload}"] == 1
    assert during["livecomp_error_replies_total{code=handler_error}"] == 1
    assert during["livecomp_resyncs_total{}"] == 1
    assert during["livecomp_mailbox_lag_seconds_count{}"] == 1
    assert during["livecomp_slow_client_closes_total{}"] == 0
    # The incs, the boom and the tick re-render the counter (its badge
    # unchanged); the bump, the badge alone. Each changed render is diffed:
    # the boom changed nothing.
    assert during["livecomp_render_seconds_count{component=Counter}"] == 5
    assert during["livecomp_render_seconds_count{component=Badge}"] == 1
    assert during["livecomp_diff_seconds_count{}"] == 5
    # The join's render, one frame per event, the resync and the tick.
    frames = during["livecomp_frame_bytes_count{}"]
    assert frames == 1 + 6 + 1 + 1
    assert during["livecomp_encode_seconds_count{}"] == frames
    assert during["livecomp_frame_bytes_sum{}"] > 100
    assert during["livecomp_frame_bytes_bucket{le=+Inf}"] == frames

    assert after["livecomp_pages_connected{}"] == 0
    disconnects = {k: v for k, v in after.items() if k.startswith("livecomp_websocket_disc")}
    assert sum(disconnects.values()) == 1


async def test_events_after_a_navigate_count_under_the_new_pages_classes() -> None:
    app = Quart(__name__)
    live = LiveApp(app, secret_key="telemetry", metrics_path="/metrics")
    live.page("/", Leaving)
    live.page("/elsewhere", Elsewhere)
    async with LiveTestClient(app) as client:
        await client.send_event("inc")
        await client.send_event("leave")
        assert isinstance(client.root, Elsewhere)
        await client.send_event("inc")
        await client.send_event("inc")
    samples = await scrape(app)
    assert samples["livecomp_events_total{component=Leaving,event=inc}"] == 1
    assert samples["livecomp_events_total{component=Leaving,event=leave}"] == 1
    assert samples["livecomp_events_total{component=Elsewhere,event=inc}"] == 2


async def test_histogram_buckets_are_cumulative_and_end_with_the_count() -> None:
    app = counter_app(metrics_path="/metrics")
    async with LiveTestClient(app) as client:
        for _ in range(5):
            await client.send_event("inc")
    samples = await scrape(app)
    buckets = [
        value
        for name, value in samples.items()
        if name.startswith("livecomp_handler_seconds_bucket{component=Counter,event=inc")
    ]
    assert buckets == sorted(buckets) and buckets[-1] == 5


async def test_a_server_closed_socket_is_counted_by_its_close_code() -> None:
    app = counter_app(metrics_path="/metrics", outbox_size=4, send_timeout=0.3)
    async with LiveTestClient(app) as client:
        client.pause_reading()
        for ref in range(1, 20):
            frame = {"t": "event", "ref": ref, "cid": client.root.cid, "event": "inc", "value": {}}
            await client.send_raw(json.dumps(frame))
        await client.wait_closed(5)
        assert client.closed is not None and client.closed[0] == CloseCode.SLOW_CLIENT
    samples = await scrape(app)
    assert samples["livecomp_slow_client_closes_total{}"] == 1
    assert samples[f"livecomp_websocket_disconnects_total{{code={CloseCode.SLOW_CLIENT}}}"] == 1


async def test_the_metrics_route_refuses_a_scraper_without_the_credentials() -> None:
    app = counter_app(metrics_path="/metrics", metrics_auth=(USER, PASSWORD))
    test_client = app.test_client()
    for headers in (
        {},
        basic(USER, "wrong"),
        basic("someone", PASSWORD),
        basic(USER, PASSWORD + "x"),
        {"Authorization": "Basic not-base64!"},
        {"Authorization": f"Bearer {PASSWORD}"},
    ):
        response = await test_client.get("/metrics", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith('Basic realm="livecomp metrics"')
        assert b"livecomp_" not in await response.get_data()
    response = await test_client.get("/metrics", headers=basic(USER, PASSWORD))
    assert response.status_code == 200
    assert b"livecomp_pages_connected 0.0" in await response.get_data()


async def test_there_is_no_metrics_route_unless_the_app_asks_for_one() -> None:
    app = counter_app(telemetry=True)
    response = await app.test_client().get("/metrics")
    assert response.status_code == 404


def test_credentials_without_a_metrics_route_are_a_mistake() -> None:
    with pytest.raises(TypeError, match="pass metrics_path"):
        LiveApp(Quart(__name__), metrics_auth=(USER, PASSWORD))


async def test_telemetry_is_off_by_default() -> None:
    live = LiveApp(Quart(__name__))
    live.page("/", Counter)
    assert live.telemetry is None
    async with LiveTestClient(live) as client:
        await client.send_event("inc")
        page = client.session.page
        assert page is not None and page.telemetry is None


async def test_two_apps_in_one_process_count_apart() -> None:
    first, second = counter_app(metrics_path="/m"), counter_app(metrics_path="/m")
    async with LiveTestClient(first) as client:
        await client.send_event("inc")
    assert (await scrape(first, "/m"))["livecomp_events_total{component=Counter,event=inc}"] == 1
    assert "livecomp_events_total{component=Counter,event=inc}" not in await scrape(second, "/m")


class Recorder(TelemetryHooks):
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def socket_opened(self) -> None:
        self.calls.append(("socket_opened",))

    def socket_closed(self, code: int | None) -> None:
        self.calls.append(("socket_closed", code))

    def page_joined(self) -> None:
        self.calls.append(("page_joined",))

    def page_left(self) -> None:
        self.calls.append(("page_left",))

    def event_handled(self, component: str, event: str, seconds: float) -> None:
        assert 0 <= seconds < 5
        self.calls.append(("event_handled", component, event))

    def rendered(self, component: str, seconds: float) -> None:
        self.calls.append(("rendered", component))

    def diffed(self, component: str, seconds: float) -> None:
        self.calls.append(("diffed", component))

    def frame_sent(self, size: int, encode_seconds: float) -> None:
        assert size > 0
        self.calls.append(("frame_sent",))

    def error_replied(self, code: str, event: str | None, error_id: str | None) -> None:
        self.calls.append(("error_replied", code, event, error_id))

    def resynced(self) -> None:
        self.calls.append(("resynced",))

    def mailbox_waited(self, seconds: float) -> None:
        assert 0 <= seconds < 5
        self.calls.append(("mailbox_waited",))


async def test_hooks_get_each_measurement_as_it_is_made() -> None:
    hooks = Recorder()
    app = counter_app(telemetry=Telemetry(hooks=[hooks]))
    async with LiveTestClient(app) as client:
        assert hooks.calls == [("socket_opened",), ("page_joined",), ("frame_sent",)]
        hooks.calls.clear()
        await client.send_event("inc")
        assert hooks.calls == [
            ("event_handled", "Counter", "inc"),
            ("rendered", "Counter"),
            ("diffed", "Counter"),
            ("frame_sent",),
        ]
        hooks.calls.clear()
        with pytest.raises(RuntimeError):
            await client.send_event("boom")
        assert client.last.error is not None
        error_id = client.last.error.error_id
        assert ("error_replied", "handler_error", "boom", error_id) in hooks.calls
        hooks.calls.clear()
        await client.send_message(client.root.cid, "tick")
        assert hooks.calls[0] == ("mailbox_waited",)
        hooks.calls.clear()
    assert hooks.calls[0] == ("page_left",)
    assert hooks.calls[-1][0] == "socket_closed"


class Timings(TelemetryHooks):
    """Each phase's seconds, in the order they were measured."""

    def __init__(self) -> None:
        self.phases: list[tuple[str, float]] = []

    def event_handled(self, component: str, event: str, seconds: float) -> None:
        self.phases.append((f"handler {component}", seconds))

    def rendered(self, component: str, seconds: float) -> None:
        self.phases.append((f"render {component}", seconds))

    def diffed(self, component: str, seconds: float) -> None:
        self.phases.append((f"diff {component}", seconds))

    def frame_sent(self, size: int, encode_seconds: float) -> None:
        self.phases.append(("encode", encode_seconds))


class TickingClock:
    """A clock one second later at each read, and slow app code that moves it on."""

    def __init__(self) -> None:
        self.now = 0.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        self.now += 1.0
        return self.now


class SlowMount(Component[Count]):
    template = "<em>{{ state.n }}</em>"

    async def mount(self) -> None:
        CLOCK.now += 100.0  # a mount that waits on I/O for 100 s


class Grows(Component[Count]):
    template = (
        '<div><p>{{ state.n }}</p>{% if state.n %}{{ live(SlowMount, id="slow") }}{% endif %}</div>'
    )

    @on("inc")
    async def inc(self) -> None:
        self.state.n += 1

    @on_message("tick")
    async def tick(self) -> None:
        CLOCK.now += 100.0  # a message handler is not timed
        self.state.n += 1


CLOCK = TickingClock()


async def test_a_turns_phases_follow_one_another_with_one_clock_read_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    timings = Timings()
    app = Quart(__name__)
    LiveApp(app, secret_key="telemetry", telemetry=Telemetry(hooks=[timings])).page("/", Grows)
    async with LiveTestClient(app) as client:
        clock = TickingClock()
        monkeypatch.setattr(sys.modules[__name__], "CLOCK", clock)
        monkeypatch.setattr("livecomp.page.perf_counter", clock)
        monkeypatch.setattr("livecomp.session.perf_counter", clock)
        timings.phases.clear()
        await client.send_event("inc")
        # Each phase starts where the one before it ended: the handler's two
        # reads, then one read at the end of each phase after it. A mount
        # that waited is in no phase: the child's render reads afresh (7
        # reads in all, where timing each phase apart took 10).
        assert timings.phases == [
            ("handler Grows", 1.0),
            ("render Grows", 1.0),
            ("render SlowMount", 1.0),
            ("diff Grows", 1.0),
            ("encode", 1.0),
        ]
        assert clock.reads == 7
        timings.phases.clear()
        clock.reads = 0
        await client.send_message(client.root.cid, "tick")
        assert [p for p in timings.phases if not p[0].startswith("mailbox")] == [
            ("render Grows", 1.0),
            ("diff Grows", 1.0),
            ("encode", 1.0),
        ]
        # The turn's render reads afresh after the message handler (one read
        # more), and its frame's encoding too: a mailbox turn sends from the
        # actor, not from the reader that times from the turn's last phase.
        assert clock.reads == 5


def test_label_sets_past_the_cap_are_counted_as_other() -> None:
    telemetry = Telemetry(max_label_sets=2)
    for event in ("a", "b", "c", "d", "a"):
        telemetry.event_handled("Widget", event, 0.001)
    for component in ("A", "B", "C"):
        telemetry.rendered(component, 0.001)
    for code in (1000, 4000, 4001, 4002):
        telemetry.socket_closed(code)
    assert {key: h.count for key, h in telemetry.handlers.items()} == {
        ("Widget", "a"): 2,
        ("Widget", "b"): 1,
        (OTHER, OTHER): 2,
    }
    assert {key: h.count for key, h in telemetry.renders.items()} == {"A": 1, "B": 1, OTHER: 1}
    assert telemetry.socket_disconnects == {"1000": 1, "4000": 1, OTHER: 2}
    families = {family.name: family for family in TelemetryCollector(telemetry).collect()}
    labels = {tuple(s.labels.values()) for s in families["livecomp_events"].samples}
    assert labels == {("Widget", "a"), ("Widget", "b"), (OTHER, OTHER)}


def test_a_value_on_a_bucket_bound_counts_in_that_bucket() -> None:
    histogram = Histogram((0.1, 1.0))
    for value in (0.1, 0.5, 1.0, 2.0):
        histogram.observe(value)
    assert histogram.counts == [1, 2, 1]
    assert histogram.count == 4 and histogram.total == pytest.approx(3.6)


@pytest.mark.parametrize(
    "values",
    [
        [0.00001, 0.00002, 0.00004],  # one bucket, the first
        [0.00004, 0.00005, 0.00006, 0.0001, 0.0002],  # a few, bounds among them
        [0.00001, 0.003, 0.3, 7.0, 11.0, 0.00005, 2.5],  # wide: sorted and bisected
        [20.0, 30.0],  # above every bound
        [64, 65, 256, 300, 1, 2_000_000],  # integers, as frame sizes are
    ],
)
def test_a_batch_is_binned_as_each_value_alone_would_be(values: list[float]) -> None:
    bounds = (64, 256, 1024) if isinstance(values[0], int) else SECONDS_BUCKETS
    histogram = Histogram(bounds)
    for value in values:
        histogram.observe(value)
    assert histogram.pending == values  # nothing binned yet: under FOLD_AT
    expected = [0] * (len(bounds) + 1)
    for value in values:
        expected[sum(1 for bound in bounds if bound < value)] += 1
    assert histogram.counts == expected
    assert histogram.pending == []
    assert histogram.total == pytest.approx(sum(values))
    # Binned again with more: the counts add up.
    histogram.observe(values[0])
    expected[sum(1 for bound in bounds if bound < values[0])] += 1
    assert histogram.counts == expected and histogram.count == len(values) + 1


def test_unbinned_values_stay_bounded_when_nothing_reads_them() -> None:
    telemetry = Telemetry()
    for n in range(3 * FOLD_AT + 7):
        telemetry.event_handled("Widget", "inc", 0.0001)
        telemetry.rendered("Widget", 0.0002)
        telemetry.diffed("Widget", 0.0003)
        telemetry.mailbox_waited(0.0004)
        telemetry.frame_sent([Ack(ref=n)], f'{{"t":"ack","ref":{n}}}', 0.00001)
        pending = [histogram.pending for histogram in telemetry.histograms()]
        assert max(map(len, pending)) < FOLD_AT
    events = 3 * FOLD_AT + 7
    assert telemetry.handlers["Widget", "inc"].count == events
    assert telemetry.handlers["Widget", "inc"].total == pytest.approx(events * 0.0001)
    assert telemetry.renders["Widget"].count == events
    assert telemetry.diffs.count == telemetry.mailbox_lag.count == events
    assert telemetry.encodes.count == telemetry.frame_bytes.count == events


def test_frame_sizes_are_bytes_whether_the_encoder_told_them_or_not() -> None:
    short = encode([Patch(cid="c0", ops=[]), Ack(ref=1)]).replace("c0", "c°")
    long = "[" + ",".join([encode([Ack(ref=n)]) for n in range(200)]) + ',"°"]'
    telemetry = Telemetry()
    telemetry.frame_sent([], short, 0.001)
    telemetry.frame_sent([], long, 0.001)
    telemetry.frame_sent([], "[]", 0.001)
    sizes = [len(short.encode()), len(long.encode()), 2]
    assert telemetry.frame_bytes.total == sum(sizes)
    assert telemetry.frame_bytes.count == 3
    # What the session does: the size the encoder knew.
    told = Telemetry()
    batches: list[list[ServerMessage]] = [
        [Patch(cid="c°", ops=[]), Ack(ref=1)],
        [Ack(ref=n) for n in range(200)],
    ]
    for messages in batches:
        frame, size = encode_sized(messages)
        assert frame == encode(messages) and size == len(frame.encode())
        told.frame_sent(messages, frame, 0.001, size)
    assert told.frame_bytes.count == 2

    class Sizes(TelemetryHooks):
        def __init__(self) -> None:
            self.sizes: list[int] = []

        def frame_sent(self, size: int, encode_seconds: float) -> None:
            self.sizes.append(size)

    hook = Sizes()
    hooked = Telemetry(hooks=[hook])
    for frame in (short, long, "[]"):
        hooked.frame_sent([], frame, 0.001)
    assert hook.sizes == sizes
    assert hooked.frame_bytes.total == sum(sizes)


def test_every_err_is_found_in_its_frame_short_or_long() -> None:
    errs = [Err(code, "no", ref=1, event="e", error_id="x") for code in ErrorCode]
    for err in errs:
        assert ERR_MARK in encode([err]) and ERR_MARK in encode([Ack(ref=1), err])
    data = json.dumps({"t": "err", "text": '"t":"err"'}, separators=(",", ":"))
    push = Push(event="e", data_json=data)
    assert ERR_MARK in encode([push])  # a look at the messages, and no err counted
    telemetry = Telemetry()
    padding = Patch(cid="c0", ops=[])
    for err in errs:
        telemetry.frame_sent([padding, err], encode([padding, err]), 0.001)
    many: list[ServerMessage] = [Ack(ref=n) for n in range(200)]
    many.append(errs[0])
    assert len(encode(many)) > SCANNED_FRAME
    telemetry.frame_sent(many, encode(many), 0.001)
    telemetry.frame_sent([push], encode([push]), 0.001)
    telemetry.frame_sent([Ack(ref=1)], encode([Ack(ref=1)]), 0.001)
    assert telemetry.error_replies == {
        str(code): 2 if code is errs[0].code else 1 for code in ErrorCode
    }


def test_only_the_measurements_a_hook_takes_tell_hooks() -> None:
    class Events(TelemetryHooks):
        def __init__(self) -> None:
            self.events: list[tuple[str, str]] = []
            self.diffs: list[str] = []

        def event_handled(self, component: str, event: str, seconds: float) -> None:
            self.events.append((component, event))

        def diffed(self, component: str, seconds: float) -> None:
            self.diffs.append(component)

    hook = Events()
    telemetry = Telemetry(hooks=[hook, TelemetryHooks()], max_label_sets=1)
    bare = Telemetry()
    # What no hook takes goes to plain lists: an append, and nothing else.
    assert type(telemetry.component_times("Widget").renders) is list
    assert type(telemetry.mailbox_lag.pending) is list
    assert type(bare.handler_times("Widget", "inc")) is list
    assert bare.component_times("Widget").diffs is bare.diffs.pending
    # The framework appends as it does with no hook; the hook is told.
    telemetry.handler_times("Widget", "inc").append(0.001)
    telemetry.event_handled("Widget", "dec", 0.001)  # past the cap of one label set
    telemetry.component_times("Widget").diffs.append(0.002)
    telemetry.component_times("Gadget").diffs.append(0.002)
    telemetry.rendered("Widget", 0.001)
    assert hook.events == [("Widget", "inc"), (OTHER, OTHER)]
    assert hook.diffs == ["Widget", OTHER]
    assert telemetry.handlers["Widget", "inc"].count == 1
    assert telemetry.handlers[OTHER, OTHER].count == 1
    assert telemetry.diffs.count == 2 and telemetry.diffs.total == pytest.approx(0.004)
    assert telemetry.hooks[0] is hook


async def test_a_failure_log_line_formats_as_json_with_the_ids_the_browser_got(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="livecomp"):
        async with LiveTestClient(counter_app()) as client:
            with pytest.raises(RuntimeError):
                await client.send_event("boom")
            err = client.last.error
            page_id, cid = client.session.page_id, client.root.cid
    assert err is not None
    [record] = [r for r in caplog.records if getattr(r, "livecomp_error_id", None)]
    line = JsonLogFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["error_id"] == err.error_id
    assert entry["page"] == page_id and page_id
    assert entry["component"] == cid
    assert entry["event"] == "boom"
    assert entry["what"] == "handler of event 'boom' failed"
    assert entry["level"] == "ERROR" and entry["logger"] == "livecomp"
    assert entry["exception"] == "RuntimeError"
    assert "the handler broke" in entry["traceback"]
    assert err.error_id in entry["message"]


async def test_a_refused_event_is_an_err_but_not_an_event_handled() -> None:
    app = counter_app(metrics_path="/metrics")
    async with LiveTestClient(app) as client:
        with pytest.raises(LiveEventError):
            await client.send_event("nope")
    samples = await scrape(app)
    assert samples["livecomp_error_replies_total{code=unknown_event}"] == 1
    assert not any(name.startswith("livecomp_events_total") for name in samples)


async def test_the_bench_harness_records_every_event_with_telemetry_on() -> None:
    telemetry = Telemetry()
    harness = _Harness(THERMOSTAT, telemetry)
    await harness.mount(10)
    try:
        assert len(await harness.run(10)) == 10
    finally:
        await harness.close()
    assert sum(h.count for h in telemetry.handlers.values()) == 10
    assert telemetry.frame_bytes.count == 10
    cost = await measure_telemetry(THERMOSTAT, events=25, rounds=1)
    assert cost.off_us > 0 and cost.on_us > 0


async def test_a_pages_recording_switches_off_and_on_while_it_is_connected() -> None:
    app = counter_app(telemetry=True)
    live = app.extensions["livecomp"]
    telemetry = live.telemetry
    assert telemetry is not None

    def events() -> int:
        return sum(h.count for h in telemetry.handlers.values())

    async with LiveTestClient(live) as client:
        # The bench's server switches the pages of its sockets; this one's
        # session is the test client's.
        live.sessions.add(client.session)
        await client.send_event("inc")
        frames = telemetry.frame_bytes.count
        assert events() == 1 and telemetry.renders["Counter"].count == 1
        assert switch_telemetry(live, on=False) == 1
        await client.send_event("inc")
        await client.send_event("inc")
        assert events() == 1 and telemetry.renders["Counter"].count == 1
        assert telemetry.frame_bytes.count == frames
        assert switch_telemetry(live, on=True) == 1
        await client.send_event("inc")
        assert events() == 2 and telemetry.renders["Counter"].count == 2
        assert telemetry.frame_bytes.count == frames + 1
        assert client.text("p") == "4"
        live.sessions.discard(client.session)


async def test_one_server_switched_under_load_measures_both_sides() -> None:
    cost = await measure_server_telemetry(THERMOSTAT, phases=3, seconds=0.3, clients=2)
    # Whole blocks of the pattern (on, off, off, on): the last phase records.
    assert cost.rounds == len(SWITCH_PATTERN) and cost.where == "server @2"
    assert cost.off_us > 0 and cost.on_us > 0 and cost.events > 0


async def test_a_real_server_serves_the_metrics_of_a_real_socket() -> None:
    app = counter_app(metrics_path="/metrics", metrics_auth=(USER, PASSWORD))
    async with serving(app) as base:

        def get(path: str, headers: dict[str, str]) -> tuple[int, str]:
            request = urllib.request.Request(base + path, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as exc:
                return exc.code, ""

        async def samples() -> dict[str, float]:
            status, text = await asyncio.to_thread(get, "/metrics", basic(USER, PASSWORD))
            assert status == 200
            return {
                s.name + json.dumps(s.labels, sort_keys=True): s.value
                for family in text_string_to_metric_families(text)
                for s in family.samples
            }

        assert (await asyncio.to_thread(get, "/metrics", {}))[0] == 401
        _, html = await asyncio.to_thread(get, "/", {})
        token = re.search(r'live-token="([^"]+)"', html)
        assert token is not None
        ws_url = base.replace("http://", "ws://") + "/live/ws"
        async with connect(ws_url, origin=Origin(base)) as ws:
            await ws.send(json.dumps({"t": "join", "token": token.group(1)}))
            await ws.recv()
            for ref in (1, 2):
                frame: dict[str, Any] = {"t": "event", "ref": ref, "cid": "c0", "event": "inc"}
                await ws.send(json.dumps({**frame, "value": {}}))
                await ws.recv()
            during = await samples()
        for _ in range(100):
            after = await samples()
            if any(name.startswith("livecomp_websocket_disconnects") for name in after):
                break
            await asyncio.sleep(0.05)
    assert during["livecomp_pages_connected{}"] == 1
    assert during['livecomp_events_total{"component": "Counter", "event": "inc"}'] == 2
    assert after["livecomp_pages_connected{}"] == 0
    assert after["livecomp_websocket_connects_total{}"] == 1
    disconnects = {k: v for k, v in after.items() if k.startswith("livecomp_websocket_disc")}
    # One, under the code Hypercorn reported for the client's close.
    assert list(disconnects.values()) == [1]
