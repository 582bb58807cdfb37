"""Round-trip load over real websockets: N clients, each event waits for its ack.

Every client runs a closed loop (send one event, read until its ack, send
the next), so throughput is what the server sustains with N events in
flight and the latency is what one user would see under that load. The run
has a warm-up, after which every ack that arrives inside the measured
window counts. The server's CPU time over that window is read by
PID, and so is this process's own, which tells whether the server or the
load generator was the bottleneck. With ``profile``, the server's sampler
(``bench.profile``) runs over the same window, and its garbage collector's
time in it is read too.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from bisect import bisect_left
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from websockets.exceptions import ConnectionClosed

from bench.client import ClientError, LiveClient, close_all, http_get, open_pages
from bench.process import Probe
from bench.profile import PROFILE_ROUTE, CpuProfile
from bench.scenarios import Scenario
from bench.serve import GC_ROUTE
from bench.stats import median, percentile

#: Hard cap on events per run, in addition to the time bound.
MAX_EVENTS = 2_000_000
#: Seconds granted after the window for in-flight events to finish cleanly.
GRACE = 0.5


@dataclass(frozen=True)
class LoadResult:
    """What one load run measured."""

    clients: int
    seconds: float
    events: int
    errors: int
    latencies: list[float] = field(repr=False)
    server_cpu_s: float | None
    client_cpu_s: float
    #: Where the server's CPU went (only when asked for), sampled from just
    #: before the clients started to just after they stopped.
    profile: CpuProfile | None = None
    #: The server's CPU seconds over the sampled time.
    profiled_cpu_s: float | None = None
    #: CPU seconds the server spent collecting garbage over the sampled time.
    profiled_gc_s: float | None = None
    #: With ``phases``: each phase's acked events and server CPU seconds.
    phase_events: list[int] = field(default_factory=list)
    phase_cpu_s: list[float] = field(default_factory=list)

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        return median(self.latencies) * 1e3

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies, 99) * 1e3

    @property
    def server_cpu_us_per_event(self) -> float | None:
        """Server CPU time per acked event: its cost, whatever the client's speed."""
        if self.server_cpu_s is None or not self.events:
            return None
        return self.server_cpu_s / self.events * 1e6

    @property
    def server_cpu_share(self) -> float | None:
        """Server CPU time over wall time: well below 1.0 under load means it was
        starved (the machine is shared) or waiting on the clients."""
        if self.server_cpu_s is None or not self.seconds:
            return None
        return self.server_cpu_s / self.seconds

    @property
    def client_cpu_share(self) -> float:
        """This process's CPU time over wall time: near 1.0 means it was the bottleneck."""
        return self.client_cpu_s / self.seconds if self.seconds else 0.0

    def split_us(self, category: str) -> float | None:
        """Server CPU µs per event in one of the profile's categories: its
        share of the samples times the window's CPU per event, less the
        sampler's own share (its samples cannot see it)."""
        profile = self.profile
        if profile is None or not profile.total:
            return None
        return profile.share(category) * self.profiled_cpu_us_per_event

    def _profiled_share(self, seconds: float | None) -> float:
        """``seconds`` as a fraction of the server's CPU over the sampled time."""
        cpu = self.profiled_cpu_s
        return seconds / cpu if seconds is not None and cpu else math.nan

    @property
    def sampler_share(self) -> float:
        """The sampler's own time over the server's CPU while it sampled."""
        return self._profiled_share(self.profile.handler_seconds if self.profile else None)

    @property
    def gc_share(self) -> float:
        """Garbage collection's time over the server's CPU while sampled."""
        return self._profiled_share(self.profiled_gc_s)

    @property
    def profiled_cpu_us_per_event(self) -> float:
        """Server CPU µs per event in the window, without the sampler's own time."""
        cpu = self.server_cpu_us_per_event
        if cpu is None:
            return math.nan
        overhead = self.sampler_share
        return cpu * (1 - (0.0 if math.isnan(overhead) else min(overhead, 1.0)))


async def _gc_seconds(base: str) -> float | None:
    """The server's CPU seconds collecting garbage so far (None if it did not say)."""
    try:
        return float(sum(json.loads(await http_get(base, GC_ROUTE))["cpu_seconds"]))
    except (ClientError, OSError, TimeoutError, ValueError, TypeError, KeyError):
        return None


def _cpu_seconds(process: Probe | None) -> float | None:
    return process.cpu_seconds() if process is not None else None


async def run_load(
    base: str,
    scenario: Scenario,
    *,
    clients: int,
    duration: float,
    warmup: float,
    compression: str | None = None,
    server: Probe | None = None,
    profile: bool = False,
    phases: int = 1,
    between: Callable[[int], Awaitable[None]] | None = None,
) -> LoadResult:
    """Drive ``clients`` joined pages of ``scenario`` for ``warmup + duration`` seconds;
    with ``profile``, sample the server's CPU over the measured window.

    The window may be cut in ``phases`` of equal length, ``between(i)``
    awaited as phase ``i`` begins (to change something in the server under
    the same load); each phase's acked events and server CPU are then in
    ``phase_events`` and ``phase_cpu_s`` (the server's probe is needed)."""
    pages = await open_pages(
        base, scenario.route, clients, compression=compression, target_tag=scenario.target_tag
    )
    numbers = itertools.count()  # shared, so concurrent clients touch different rows
    latencies: list[float] = []
    arrivals: list[float] = []  # when each counted ack came, for the phases
    errors = 0
    now = time.perf_counter
    window_start = window_end = math.inf  # set once the clients start

    async def drive(page: LiveClient) -> None:
        nonlocal errors
        while True:
            began = now()
            if began >= window_end or len(latencies) >= MAX_EVENTS:
                return
            number = next(numbers)
            cid = scenario.event_cid(number, page.cid, page.targets)
            try:
                await page.event(scenario.event, scenario.value(number), cid)
            except ClientError:
                errors += 1
                continue
            except (ConnectionClosed, OSError, TimeoutError) as exc:
                # The socket itself failed: this client cannot go on.
                errors += 1
                raise ClientError(f"client stopped: {exc!r}") from exc
            ended = now()
            # Count acks by when they arrive: with round trips near the
            # window's length, counting only events that also began inside
            # it would drop one per client and quantise the rate.
            if window_start <= ended <= window_end:
                latencies.append(ended - began)
                arrivals.append(ended)

    cpu_profile: CpuProfile | None = None
    gc0 = gc1 = profiled0 = profiled1 = None
    tasks: list[asyncio.Task[None]] = []
    done: set[asyncio.Task[None]] = set()
    try:
        if profile:
            # Sampling starts before the clients do and stops once they
            # have: a request to the server waits behind the events in
            # flight, and could outlast a window under load. The samples'
            # shares are applied to the CPU per event of the measured window.
            gc0 = await _gc_seconds(base)
            await http_get(base, f"{PROFILE_ROUTE}/start")
            profiled0 = _cpu_seconds(server)
        window_start = now() + warmup
        window_end = window_start + duration
        tasks = [asyncio.create_task(drive(p)) for p in pages]
        # CPU of both processes over exactly the measured window.
        await asyncio.sleep(max(0.0, window_start - now()))
        if between is not None:
            await between(0)
        server_cpu0, client_cpu0 = _cpu_seconds(server), time.process_time()
        # Each phase begins once its change is made: its events and CPU are
        # counted from then (the change's own request is the phase before's).
        starts, cpus = [max(window_start, now())], [server_cpu0]
        for phase in range(1, phases):
            await asyncio.sleep(max(0.0, window_start + duration * phase / phases - now()))
            if between is not None:
                await between(phase)
            starts.append(now())
            cpus.append(_cpu_seconds(server))
        await asyncio.sleep(max(0.0, window_end - now()))
        server_cpu1, client_cpu1 = _cpu_seconds(server), time.process_time()
        # Events still in flight at the end of the window cannot count;
        # waiting for them would only stretch the run by one round trip.
        done, pending = await asyncio.wait(tasks, timeout=GRACE)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if profile:
            stopped = json.loads(await http_get(base, f"{PROFILE_ROUTE}/stop"))
            profiled1 = _cpu_seconds(server)
            cpu_profile = CpuProfile.from_json(stopped)
            gc1 = await _gc_seconds(base)
    finally:
        for task in tasks:
            task.cancel()
        await close_all(pages)
    errors += sum(
        1
        for task in done
        if (exc := task.exception()) is not None and not isinstance(exc, ClientError)
    )
    server_cpu = (
        server_cpu1 - server_cpu0 if server_cpu0 is not None and server_cpu1 is not None else None
    )
    phase_events: list[int] = []
    phase_cpu: list[float] = []
    if phases > 1:
        arrivals.sort()
        ends = [*starts[1:], window_end]
        phase_events = [
            bisect_left(arrivals, end) - bisect_left(arrivals, start)
            for start, end in zip(starts, ends, strict=True)
        ]
        taken = [*cpus, server_cpu1]
        phase_cpu = [
            after - before
            for before, after in itertools.pairwise(taken)
            if before is not None and after is not None
        ]
    return LoadResult(
        clients=clients,
        seconds=duration,
        events=len(latencies),
        errors=errors,
        latencies=latencies,
        server_cpu_s=server_cpu,
        client_cpu_s=client_cpu1 - client_cpu0,
        profile=cpu_profile,
        profiled_cpu_s=_difference(profiled0, profiled1),
        profiled_gc_s=_difference(gc0, gc1),
        phase_events=phase_events,
        phase_cpu_s=phase_cpu,
    )


def _difference(before: float | None, after: float | None) -> float | None:
    return after - before if before is not None and after is not None else None
