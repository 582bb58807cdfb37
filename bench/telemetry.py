"""What telemetry costs per event: the session's path timed with it on and off.

Each event takes the path a client frame takes in the server, minus the
network: a turn of the page's ``PageActor`` running the session's
``FrameDispatcher`` (decode, budget, handler, render, diff), then the
session's send of the turn's outbox (encode, the frame to the transport,
here a no-op). That is every place telemetry records, so the difference
between the two runs is its whole cost. Each round mounts a page with
telemetry on and one with it off, side by side, and runs their events in
interleaved chunks of ``CHUNK``, so the drift of a shared machine falls on
both alike. Each round gives a median µs per event for each page; the
report is the median over the rounds and the overhead of on over off.
Times are the thread's CPU time, which a neighbour's work on a shared
machine does not inflate (its cache use still does, on both sides).

Telemetry appends each value to its histogram's list and bins the lists
later (``Telemetry.fold``): when one holds ``FOLD_AT`` values, or at a
scrape. That work lands on one event in hundreds, which a median leaves
out; so the harness times every fold, takes it out of the event it
happened in, bins what is left at the end of the round, and adds the
round's folding time divided by its events to the round's median: the
binning is paid in full, evenly, as a server pays it. The figures on a
whole server need no such step: a server's CPU time includes it.

The in-process figure is the framework's own cost, precisely; a server
pays more for the same work. Its event runs among Hypercorn's, wsproto's
and asyncio's, and there each clock read costs about 0.7 µs against 0.05
in a loop (measured by swapping the page's clock for a constant under
load): the server figure (``measure_server_telemetry``), one server whose
pages' recording is switched off and on under one load, is the one to
judge by.

The harness builds the session by hand (no token, no join): a join's
checks cost nothing per event and need a whole HTTP round trip to set up.

Run it alone: ``python -m bench.telemetry [--events N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import cast

from bench.client import http_get
from bench.cpusplit import client_frame, steady_heap
from bench.load import run_load
from bench.process import ServerProcess
from bench.report import markdown_table, plain_table
from bench.scenarios import SCENARIOS, TABLE_ROWS_SCENARIO, THERMOSTAT, Scenario
from bench.serve import TELEMETRY_ENV, TELEMETRY_ROUTE
from bench.stats import median
from livecomp.actor import PageActor
from livecomp.component import PageContext
from livecomp.join import Site
from livecomp.page import LivePage
from livecomp.pubsub import LocalBroker
from livecomp.security import SessionConfig
from livecomp.session import LiveSession
from livecomp.telemetry import Telemetry

#: Scenarios measured by default: the smallest event (where a fixed cost
#: weighs most) and one event among a thousand child components.
DEFAULT_SCENARIOS: tuple[Scenario, ...] = (THERMOSTAT, TABLE_ROWS_SCENARIO)


class _NullTransport:
    """A socket that takes every frame and never delivers one."""

    async def receive(self) -> str | bytes:
        raise ConnectionError("the benchmark sends no frames this way")

    def arrival(self) -> Awaitable[object]:
        return self.receive()

    def frame_of(self, arrived: object) -> str | bytes | None:
        raise ConnectionError("the benchmark sends no frames this way")

    async def send(self, frame: str) -> None:
        return None

    async def close(self, code: int, reason: str) -> None:
        return None


class TimedFolds(Telemetry):
    """Telemetry that times its folds: ``seconds``, the CPU time of them all."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0

    def fold(self) -> None:
        start = time.thread_time()
        super().fold()
        self.seconds += time.thread_time() - start


class _Harness:
    """One mounted page behind a session, driven frame by frame."""

    def __init__(self, scenario: Scenario, telemetry: Telemetry | None) -> None:
        self.scenario = scenario
        # No rate limit: the benchmark sends faster than any browser.
        config = SessionConfig(events_per_second=0)
        # The site is read by the join only, which this harness does without.
        self.session = LiveSession(
            _NullTransport(),
            site=cast(Site, None),
            scope={},
            origin=None,
            host=None,
            config=config,
            broker=LocalBroker(),
            telemetry=telemetry,
        )
        self.telemetry = telemetry
        # Where fold times are kept: a stand-in when the telemetry does not
        # time its folds (none, or a plain one as a test passes).
        self.folds = telemetry if isinstance(telemetry, TimedFolds) else TimedFolds()
        self.actor: PageActor | None = None
        self.page: LivePage | None = None
        self.frames: list[str] = []
        self.sent = 0

    async def mount(self, events: int) -> None:
        actor = self.actor = self.session._new_actor("bench")
        page = self.page = LivePage(
            self.scenario.component, PageContext(connected=True, runtime=actor)
        )
        html = await page.mount()
        actor.page = page
        if self.telemetry is not None:
            page.time_with(self.telemetry)
        actor.start(page)
        targets = self.scenario.targets(html)
        self.frames = [
            client_frame(self.scenario, ref, self.scenario.event_cid(ref, page.root_cid, targets))
            for ref in range(events)
        ]

    async def run(self, count: int) -> list[float]:
        """CPU seconds of each of ``count`` events, as the session's reader runs them."""
        actor, session, handle = self.actor, self.session, self.session.dispatcher.handle
        folds = self.folds
        assert actor is not None
        # CPU time of this thread: what another process on a shared machine
        # takes while an event runs is not counted against it.
        now = time.thread_time
        times: list[float] = []
        frames = self.frames
        for _ in range(count):
            frame = frames[self.sent % len(frames)]
            self.sent += 1
            folded = folds.seconds
            start = now()
            await actor.turn(handle, frame)
            # As the session's reader sends: encoding times from the turn's last phase.
            page = actor.page
            await session.send_replies(page.lap if page is not None else 0.0)
            # A fold is counted apart, not in the one event it fell in.
            times.append(now() - start - (folds.seconds - folded))
        return times

    def folded_per_event(self, events: int) -> float:
        """CPU seconds of binning per event over the last ``events`` (0 with
        telemetry off): what is still pending binned now, and the count
        started again."""
        if self.telemetry is None:
            return 0.0
        self.telemetry.fold()
        seconds, self.folds.seconds = self.folds.seconds, 0.0
        return seconds / max(1, events)

    async def close(self) -> None:
        if self.actor is not None:
            await self.actor.close()


@dataclass(frozen=True)
class TelemetryCost:
    """Median µs per event of one scenario with telemetry off and on,
    ``where`` measured: ``in-process`` (the framework's code only) or
    ``server @50`` (a whole server's CPU under the 50-client load)."""

    scenario: str
    events: int
    rounds: int
    off_us: float
    on_us: float
    where: str = "in-process"

    @property
    def overhead(self) -> float:
        """The extra time with telemetry on, as a fraction of the time with it off."""
        return self.on_us / self.off_us - 1


#: Events run on one page before the other page's turn: short enough that a
#: shared machine's drift (CPU frequency, a neighbour's cache use) is the
#: same for both pages, long enough that switching pages costs nothing.
CHUNK = 25


async def measure_telemetry(scenario: Scenario, events: int, rounds: int) -> TelemetryCost:
    """``rounds`` rounds of ``events`` events on a page with telemetry off and
    as many on one with it on, interleaved; the medians of the rounds' medians
    (with telemetry on, each plus the round's binning per event)."""
    steady_heap()
    medians: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(rounds):
        # A fresh pair each round: where in memory a page happens to live
        # (cache, allocator) then favours neither side for the whole run.
        off, on = _Harness(scenario, None), _Harness(scenario, TimedFolds())
        times: dict[bool, list[float]] = {False: [], True: []}
        try:
            for harness in (off, on):
                await harness.mount(events)
                await harness.run(min(20, events))  # warm-up: binders, Jinja, Lexbor
                harness.folded_per_event(1)  # the warm-up's values: binned, not counted
            gc.collect()
            order = [off, on]
            for _ in range(max(1, events // CHUNK)):
                order.reverse()
                for harness in order:
                    times[harness.telemetry is not None] += await harness.run(CHUNK)
            # The binning the timed events left to folds, shared out evenly.
            folding = {
                harness.telemetry is not None: harness.folded_per_event(
                    len(times[harness.telemetry is not None])
                )
                for harness in (off, on)
            }
        finally:
            await off.close()
            await on.close()
        for telemetry_on, samples in times.items():
            medians[telemetry_on].append((median(samples) + folding[telemetry_on]) * 1e6)
    return TelemetryCost(
        scenario=scenario.name,
        events=events,
        rounds=rounds,
        off_us=median(medians[False]),
        on_us=median(medians[True]),
    )


#: Whether telemetry records in each phase of a switched run, in blocks of
#: four (on, off, off, on): a drift over the run (the machine warming, a
#: neighbour starting) falls on both sides alike.
SWITCH_PATTERN = (True, False, False, True)


async def measure_server_telemetry(
    scenario: Scenario, phases: int, seconds: float, clients: int = 50
) -> TelemetryCost:
    """A whole server's CPU per event under ``clients`` clients, with
    telemetry's recording switched off and on every ``seconds`` under the
    same load: one server, the same pages and connections, ``phases``
    phases (``SWITCH_PATTERN``); the median CPU per acked event of each
    side's phases.

    What the in-process figure leaves out (websocket framing, the event
    loop, Hypercorn) costs the same either way, so this is the overhead a
    production server pays. Two servers, one with telemetry and one
    without, differ by several percent either way with telemetry off in
    both (their memory, their connections): too much to tell 5% by."""
    # Whole blocks: the last phase records, so pages leave counted as they joined.
    blocks = max(1, -(-phases // len(SWITCH_PATTERN)))
    states = list(SWITCH_PATTERN) * blocks
    phases = len(states)
    with ServerProcess(env={TELEMETRY_ENV: "1"}) as server:

        async def switch(phase: int) -> None:
            await http_get(server.base, f"{TELEMETRY_ROUTE}/{'on' if states[phase] else 'off'}")

        load = await run_load(
            server.base,
            scenario,
            clients=clients,
            duration=seconds * phases,
            warmup=1.0,
            server=server.probe,
            phases=phases,
            between=switch,
        )
    if load.errors or len(load.phase_cpu_s) != phases or not all(load.phase_events):
        raise RuntimeError(f"telemetry load on {scenario.name}: {load.errors} errors")
    samples: dict[bool, list[float]] = {False: [], True: []}
    for on, cpu, events in zip(states, load.phase_cpu_s, load.phase_events, strict=True):
        samples[on].append(cpu / events * 1e6)
    return TelemetryCost(
        scenario=scenario.name,
        events=load.events // phases,
        rounds=phases,
        off_us=median(samples[False]),
        on_us=median(samples[True]),
        where=f"server @{clients}",
    )


@dataclass(frozen=True)
class TelemetryReport:
    """The bench's telemetry section: one row per scenario."""

    costs: list[TelemetryCost]

    def cells(self) -> tuple[list[str], list[list[str]]]:
        headers = ["telemetry µs per event", "measured", "off", "on", "overhead"]
        rows = [
            [c.scenario, c.where, f"{c.off_us:,.1f}", f"{c.on_us:,.1f}", f"{c.overhead:+.1%}"]
            for c in self.costs
        ]
        return headers, rows

    def notes(self) -> list[tuple[str, list[str]]]:
        runs = [
            f"{c.scenario}: {c.rounds} rounds of {c.events:,} events each way, "
            f"interleaved in chunks of {CHUNK}"
            if c.where == "in-process"
            else f"{c.scenario} {c.where}: one server, its recording switched off and on "
            f"{c.rounds} times under the load, about {c.events:,} events a phase"
            for c in self.costs
        ]
        return [
            (
                "Columns",
                [
                    "off/on in-process: median over the rounds of each round's median CPU µs "
                    "per event, through the session's dispatcher, actor and send: the "
                    "framework's code only (on: plus the round's binning, per event); "
                    "it leaves out how much dearer each clock read and append is on a "
                    "server busy with everything else",
                    "off/on server @50: one server under the 50-client load, every page's "
                    "recording switched off and on in turn (on, off, off, on...); the median "
                    "over each side's phases of the server process's CPU per acked event: "
                    "what a production server pays",
                    "overhead: on over off (target: under 5%)",
                ],
            ),
            ("Run", runs),
        ]

    def plain(self) -> str:
        return plain_table(*self.cells(), self.notes())

    def markdown(self) -> str:
        return markdown_table(*self.cells(), self.notes())


async def measure_section(
    scenarios: tuple[Scenario, ...] = DEFAULT_SCENARIOS,
    *,
    events: int = 2_000,
    rounds: int = 7,
    server_phases: int = 0,
    server_seconds: float = 2.0,
    progress: Callable[[str], None] | None = None,
) -> TelemetryReport:
    """The telemetry section for ``scenarios``: in-process, and with
    ``server_phases``, on a whole server under load."""
    costs = []
    for scenario in scenarios:
        if progress is not None:
            progress(f"telemetry on/off: {scenario.name}, {rounds} x {events} events each way")
        in_process = await measure_telemetry(scenario, events, rounds)
        costs.append(in_process)
        if server_phases:
            if progress is not None:
                progress(
                    f"telemetry on/off: {scenario.name}, one server switched {server_phases} times"
                )
            server = await measure_server_telemetry(scenario, server_phases, server_seconds)
            costs.append(server)
    return TelemetryReport(costs)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.telemetry")
    parser.add_argument("--events", type=int, default=2_000, help="events per round and page")
    parser.add_argument("--rounds", type=int, default=7, help="rounds, each a fresh pair of pages")
    parser.add_argument(
        "--server-phases",
        type=int,
        default=16,
        help="phases of a server under load, recording switched in each (0: none)",
    )
    parser.add_argument(
        "--scenario", action="append", choices=[s.name for s in SCENARIOS], help="repeatable"
    )
    args = parser.parse_args()
    chosen = tuple(s for s in SCENARIOS if s.name in args.scenario) if args.scenario else None
    report = asyncio.run(
        measure_section(
            chosen or DEFAULT_SCENARIOS,
            events=args.events,
            rounds=args.rounds,
            server_phases=args.server_phases,
        )
    )
    print(report.plain())


if __name__ == "__main__":
    main()
