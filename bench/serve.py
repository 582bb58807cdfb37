"""The benchmark server: every scenario as a live page, served by Hypercorn.

Run as ``python -m bench.serve --port N``: each scenario is served at its
route (``/thermostat``, ``/table``, ``/table-rows``) and the clocks page at
``/clocks?n=N`` by one ``LiveApp``, on Hypercorn
configured as ``livecomp.serve`` configures it, on 127.0.0.1 only. The bench
starts it as a separate process so the load generator does not compete with
it for one GIL, and stops it by PID (SIGTERM, which Hypercorn handles).

``GET /bench/gc`` answers the time the server's garbage collector has taken
so far (``GcTotals`` as JSON): with many pages connected a full collection
walks every live object, and its pauses show up as lag.

``GET /bench/profile/start`` starts the CPU sampler (``bench.profile``),
``GET /bench/profile/stop`` stops it and answers its ``CpuProfile`` as JSON,
and ``GET /bench/profile/stacks`` the last window's stacks, collapsed.

Started with ``BENCH_TRACEMALLOC=N`` in its environment, the server traces
its allocations from the start and serves ``/bench/memory/mark`` and
``/bench/memory/split`` (``bench.memsplit``); with ``BENCH_TELEMETRY=1``, its
app counts and times what the pages do (``bench.telemetry``), and
``GET /bench/telemetry/off`` and ``/on`` stop and restart the recording of
every page connected (``switch_telemetry``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from quart import Quart, Response

from bench import memsplit
from bench.profile import PROFILE_ROUTE, Sampler
from bench.scenarios import CLOCKS_ROUTE, SCENARIOS, ClockPage
from livecomp import LiveApp
from livecomp import serve as livecomp_serve
from livecomp.serving import run_on_loop


def raise_fd_limit(wanted: int = 65_536) -> int:
    """Raise this process's open-file soft limit towards ``wanted``; return it.

    Each idle page holds one socket, and the default soft limit (often 1,024)
    is below the thousand pages the memory benchmark opens.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


GC_ROUTE = "/bench/gc"
#: ``1`` in the server's environment: the app counts and times with telemetry on.
TELEMETRY_ENV = "BENCH_TELEMETRY"
TELEMETRY_ROUTE = "/bench/telemetry"


@dataclass
class GcTotals:
    """Collections and seconds spent collecting, per generation, so far:
    wall seconds (what a page waits) and CPU seconds (what they cost, even
    when other processes took the core meanwhile)."""

    collections: list[int] = field(default_factory=lambda: [0, 0, 0])
    seconds: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    longest: float = 0.0
    cpu_seconds: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])

    def since(self, earlier: GcTotals) -> GcTotals:
        """What happened between ``earlier`` and this reading (``longest``: this one's)."""
        return GcTotals(
            [a - b for a, b in zip(self.collections, earlier.collections, strict=True)],
            [a - b for a, b in zip(self.seconds, earlier.seconds, strict=True)],
            self.longest,
            [a - b for a, b in zip(self.cpu_seconds, earlier.cpu_seconds, strict=True)],
        )


class GcClock:
    """Times every collection through ``gc.callbacks``."""

    def __init__(self) -> None:
        self.totals = GcTotals()
        self._started = 0.0
        self._started_cpu = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            self._started_cpu = time.thread_time()
            return
        took = time.perf_counter() - self._started
        generation = int(info["generation"])
        self.totals.collections[generation] += 1
        self.totals.seconds[generation] += took
        self.totals.cpu_seconds[generation] += time.thread_time() - self._started_cpu
        self.totals.longest = max(self.totals.longest, took)

    def reset_longest(self) -> None:
        self.totals.longest = 0.0


def create_app(gc_clock: GcClock | None = None) -> Quart:
    """A Quart app serving every scenario at its route, the clocks page, and
    ``GC_ROUTE`` when given a ``gc_clock``."""
    app = Quart(__name__)
    # The single-client runs send faster than the default per-socket event
    # limit allows (it is meant for floods): no limit here.
    live = LiveApp(app, events_per_second=0, telemetry=os.environ.get(TELEMETRY_ENV) == "1")
    for scenario in SCENARIOS:
        live.page(scenario.route, scenario.component, title=scenario.name)
    live.page(CLOCKS_ROUTE, ClockPage, title="clocks")
    if gc_clock is not None:
        clock = gc_clock

        async def gc_totals() -> Response:
            # Each reading reports the longest pause since the one before.
            body = json.dumps(asdict(clock.totals))
            clock.reset_longest()
            return Response(body, content_type="application/json")

        app.add_url_rule(GC_ROUTE, "bench_gc", gc_totals)
    _add_profile_routes(app, Sampler())
    if live.telemetry is not None:

        async def switch(state: str) -> Response:
            if state not in ("on", "off"):
                return Response("on or off", status=404, content_type="text/plain")
            pages = switch_telemetry(live, on=state == "on")
            return Response(f"{state}: {pages} pages", content_type="text/plain")

        app.add_url_rule(f"{TELEMETRY_ROUTE}/<state>", "bench_telemetry", switch)
    return app


def switch_telemetry(live: LiveApp, *, on: bool) -> int:
    """Stop (``on=False``) or restart the recording of every connected page:
    its handlers, renders, diffs, frames, mailbox and resyncs. Returns how
    many pages it switched.

    What ``bench.telemetry`` compares under one load, in one process: the
    same pages, objects and connections with telemetry on and off, which two
    servers cannot give. It reaches into each session's parts, as only a
    benchmark should; the app's telemetry (and a new page's) stays on.
    """
    telemetry = live.telemetry if on else None
    sessions = list(live.sessions)
    for session in sessions:
        session._telemetry = telemetry
        session._frame_lists = None if telemetry is None else telemetry.frame_lists
        session.dispatcher._telemetry = telemetry
        if session.actor is not None:
            session.actor._telemetry = telemetry
        page = session.page
        if page is not None:
            if telemetry is None:
                page.telemetry = None
            else:
                page.time_with(telemetry)
    return len(sessions)


def _add_profile_routes(app: Quart, sampler: Sampler) -> None:
    async def start() -> Response:
        sampler.start()
        return Response("started", content_type="text/plain")

    async def stop() -> Response:
        body = json.dumps(sampler.stop().to_json())
        return Response(body, content_type="application/json")

    async def stacks() -> Response:
        return Response(sampler.collapsed(), content_type="text/plain; charset=utf-8")

    app.add_url_rule(f"{PROFILE_ROUTE}/start", "bench_profile_start", start)
    app.add_url_rule(f"{PROFILE_ROUTE}/stop", "bench_profile_stop", stop)
    app.add_url_rule(f"{PROFILE_ROUTE}/stacks", "bench_profile_stacks", stacks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    raise_fd_limit()
    # Before the app exists, so everything a page holds is traced.
    tracing = memsplit.start_tracing()
    gc_clock = GcClock()
    gc.callbacks.append(gc_clock)
    app = create_app(gc_clock)
    if tracing:
        memsplit.add_memory_routes(app)
    # The event loop ``livecomp.run`` serves on (uvloop when installed).
    run_on_loop(serve(app, args.port))


async def serve(app: Quart, port: int) -> None:
    """``livecomp.serve`` as users run it, minus the startup banner.

    Only the "Running on" line is logged at INFO; it would interleave with
    the bench's progress. Warnings and errors still reach stderr.
    """
    await livecomp_serve(app, port=port, log_level="WARNING")


if __name__ == "__main__":
    main()
