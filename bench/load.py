"""Round-trip load over real websockets: N clients, each event waits for its ack.

Every client runs a closed loop (send one event, read until its ack, send
the next), so throughput is what the server sustains with N events in
flight and the latency is what one user would see under that load. The run
has a warm-up, after which every ack that arrives inside the measured
window counts. The server's CPU time over that window is read by
PID, and so is this process's own, which tells whether the server or the
load generator was the bottleneck.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

from websockets.exceptions import ConnectionClosed

from bench.client import ClientError, LiveClient, close_all, open_pages
from bench.process import Probe
from bench.scenarios import Scenario
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
) -> LoadResult:
    """Drive ``clients`` joined pages of ``scenario`` for ``warmup + duration`` seconds."""
    pages = await open_pages(
        base, scenario.route, clients, compression=compression, target_tag=scenario.target_tag
    )
    numbers = itertools.count()  # shared, so concurrent clients touch different rows
    latencies: list[float] = []
    errors = 0
    now = time.perf_counter
    start = now()
    window_start = start + warmup
    window_end = window_start + duration

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

    tasks = [asyncio.create_task(drive(p)) for p in pages]
    done: set[asyncio.Task[None]] = set()
    try:
        # CPU of both processes over exactly the measured window.
        await asyncio.sleep(max(0.0, window_start - now()))
        server_cpu0, client_cpu0 = _cpu_seconds(server), time.process_time()
        await asyncio.sleep(max(0.0, window_end - now()))
        server_cpu1, client_cpu1 = _cpu_seconds(server), time.process_time()
        # Events still in flight at the end of the window cannot count;
        # waiting for them would only stretch the run by one round trip.
        done, pending = await asyncio.wait(tasks, timeout=GRACE)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
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
    return LoadResult(
        clients=clients,
        seconds=duration,
        events=len(latencies),
        errors=errors,
        latencies=latencies,
        server_cpu_s=server_cpu,
        client_cpu_s=client_cpu1 - client_cpu0,
    )
