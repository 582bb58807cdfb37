"""Run the benchmark suite and print the results table.

Usage, from the repository root::

    .venv/bin/python -m bench              # the full run, about three minutes
    .venv/bin/python -m bench --quick      # fewer events, shorter loads, about a minute
    .venv/bin/python -m bench --markdown   # the tables again as markdown
    .venv/bin/python -m bench --no-clocks  # no clocks section
    .venv/bin/python -m bench --no-telemetry  # no telemetry on/off section
    .venv/bin/python -m bench --no-streams # no streams section (bench.streams)

Progress goes to stderr; the tables go to stdout: the scenarios, where one
event's server CPU goes (``bench.cpusplit``, ``bench.profile``), where an
idle page's memory goes (``bench.memsplit``), then the ticking clocks
(``bench.clocks``) and what telemetry costs per event (``bench.telemetry``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from dataclasses import dataclass

from bench import clocks
from bench.client_size import describe_client_size
from bench.cpusplit import measure_split, steady_heap
from bench.idle import IdleMemory, measure_idle
from bench.inprocess import measure_server
from bench.load import LoadResult, run_load
from bench.memsplit import measure_memory_split
from bench.process import ServerProcess
from bench.report import CpuSplitReport, MemorySplitReport, Report, ScenarioResult, Table
from bench.scenarios import SCENARIOS, Scenario
from bench.serve import raise_fd_limit
from bench.streams import measure_streams
from bench.telemetry import DEFAULT_SCENARIOS as TELEMETRY_SCENARIOS
from bench.telemetry import measure_section as measure_telemetry

LOAD_CLIENTS = 50


@dataclass(frozen=True)
class Settings:
    """How much to measure; ``FULL`` is the reference run, ``QUICK`` a smoke run."""

    events: dict[str, int]
    renders: dict[str, int]
    load_seconds: float
    load_warmup: float
    single_seconds: float
    idle_pages: dict[str, int]
    idle_warm_pages: int
    mounts: int
    clocks: clocks.ClockSettings
    #: Events of the in-process CPU split (``bench.cpusplit``).
    split_events: dict[str, int]
    #: Idle pages of the memory split, on a server tracing allocations.
    traced_pages: dict[str, int]
    traced_warm_pages: int
    #: Pages whose cached trees are measured (``bench.memsplit --trees``).
    trees: dict[str, int]


FULL = Settings(
    events={"thermostat": 2_000, "table-1000": 300, "table-1000-rows": 2_000},
    renders={"thermostat": 2_000, "table-1000": 100, "table-1000-rows": 30},
    load_seconds=10.0,
    load_warmup=2.0,
    single_seconds=3.0,
    # A table page holds its 1,000 rows and ~160 KB of HTML: a hundred pages
    # measure that per-page cost as well as a thousand would, in a tenth of
    # the time and memory.
    idle_pages={"thermostat": 1_000, "table-1000": 100, "table-1000-rows": 100},
    idle_warm_pages=20,
    mounts=5,
    clocks=clocks.FULL,
    split_events={"thermostat": 3_000, "table-1000": 200, "table-1000-rows": 3_000},
    # Tracing slows every allocation: a table page mounts 1,000 rows twice
    # (the GET and the join). Per-page costs are the same for few pages.
    traced_pages={"thermostat": 200, "table-1000": 2, "table-1000-rows": 2},
    traced_warm_pages=2,
    trees={"thermostat": 200, "table-1000": 8, "table-1000-rows": 50},
)
QUICK = Settings(
    events={"thermostat": 300, "table-1000": 30, "table-1000-rows": 300},
    renders={"thermostat": 300, "table-1000": 20, "table-1000-rows": 5},
    load_seconds=3.0,
    load_warmup=0.5,
    single_seconds=1.0,
    idle_pages={"thermostat": 300, "table-1000": 10, "table-1000-rows": 10},
    idle_warm_pages=5,
    mounts=2,
    clocks=clocks.QUICK,
    split_events={"thermostat": 300, "table-1000": 20, "table-1000-rows": 300},
    traced_pages={"thermostat": 30, "table-1000": 1, "table-1000-rows": 1},
    traced_warm_pages=1,
    trees={"thermostat": 20, "table-1000": 2, "table-1000-rows": 5},
)


_STARTED = time.monotonic()


def progress(message: str) -> None:
    elapsed = time.monotonic() - _STARTED
    print(f"[bench {elapsed:5.1f} s] {message}", file=sys.stderr, flush=True)


async def run(settings: Settings, scenarios: list[Scenario], *, load: bool, idle: bool) -> Report:
    """Measure every part for every scenario; return the report."""
    results = {s.name: ScenarioResult(s.name) for s in scenarios}
    details = [
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} at start (the machine is shared)"
    ]
    if steady_heap():
        details.append(
            "in-process timings keep freed memory in the heap (glibc mallopt), as a busy "
            "server's heap does: see bench.cpusplit"
        )

    for scenario in scenarios:
        events = settings.events[scenario.name]
        progress(f"in-process: {scenario.name}, {events} events")
        timing = await measure_server(
            scenario, events, settings.renders[scenario.name], settings.mounts
        )
        results[scenario.name].server = timing
        details.append(
            f"{scenario.name} in-process: {events:,} events, "
            f"{timing.patches_per_event:.2f} patches/event; "
            f"{settings.renders[scenario.name]:,} renders of the whole page "
            f"({timing.components:,} component{'s' if timing.components > 1 else ''}); "
            f"a fresh mount to full HTML {timing.mount_us / 1e3:,.1f} ms"
        )
        split_events = settings.split_events[scenario.name]
        progress(f"in-process CPU split: {scenario.name}, {split_events} events")
        results[scenario.name].split = await measure_split(scenario, split_events)

    if load:
        with ServerProcess() as server:
            for scenario in scenarios:
                progress(
                    f"load: {scenario.name}, {LOAD_CLIENTS} clients, "
                    f"{settings.load_warmup:g} s warm-up + {settings.load_seconds:g} s"
                )
                many = await run_load(
                    server.base,
                    scenario,
                    clients=LOAD_CLIENTS,
                    duration=settings.load_seconds,
                    warmup=settings.load_warmup,
                    server=server.probe,
                    profile=True,
                )
                progress(f"load: {scenario.name}, 1 client, {settings.single_seconds:g} s")
                one = await run_load(
                    server.base,
                    scenario,
                    clients=1,
                    duration=settings.single_seconds,
                    warmup=min(1.0, settings.load_warmup),
                    server=server.probe,
                )
                results[scenario.name].load = many
                results[scenario.name].single = one
                details += [_describe_load(scenario, many), _describe_load(scenario, one)]

    if idle:
        for scenario in scenarios:
            pages = settings.idle_pages[scenario.name]
            for compression in (None, "deflate"):
                progress(f"idle memory: {scenario.name}, {pages} pages, compression={compression}")
                # A fresh server each time: memory freed by an earlier run
                # would be reused and hide the per-page cost.
                with ServerProcess() as server:
                    memory = await measure_idle(
                        server.base,
                        scenario,
                        server.probe,
                        pages=pages,
                        compression=compression,
                        warm_pages=settings.idle_warm_pages,
                    )
                if compression is None:
                    results[scenario.name].idle = memory
                else:
                    results[scenario.name].idle_deflate = memory
                details.append(_describe_idle(scenario, memory))
            traced = settings.traced_pages[scenario.name]
            progress(
                f"memory split: {scenario.name}, {traced} pages on a tracing server, "
                f"{settings.trees[scenario.name]} cached trees"
            )
            results[scenario.name].memory = await measure_memory_split(
                scenario,
                pages=traced,
                warm_pages=settings.traced_warm_pages,
                tree_count=settings.trees[scenario.name],
            )
        deflate = next((r.idle_deflate for r in results.values() if r.idle_deflate), None)
        if deflate is not None:
            answer = deflate.extensions
            details.append(
                "permessage-deflate offered by the client: Hypercorn "
                + (f"negotiates it by default (answered {answer!r})" if answer else "declined it")
            )

    details.append(describe_client_size())
    details.append(f"load average {os.getloadavg()[0]:.2f} at end")
    return Report([results[s.name] for s in scenarios], details)


def _describe_load(scenario: Scenario, result: LoadResult) -> str:
    cpu, share = result.server_cpu_us_per_event, result.server_cpu_share
    if cpu is None or share is None or cpu <= 0:
        server = "server CPU unknown"
    else:
        # What one full core would sustain at this cost: comparable across
        # runs even when other work starved the server of CPU.
        server = (
            f"server busy {share:.0%} of one core at {cpu:,.0f} µs CPU/event "
            f"(a full core: ~{1e6 / cpu:,.0f} events/s)"
        )
    return (
        f"{scenario.name} @{result.clients}: {result.events:,} events acked in "
        f"{result.seconds:g} s, {result.errors} errors; {server}; "
        f"load generator CPU {result.client_cpu_share:.0%} of one core"
    )


def _describe_idle(scenario: Scenario, memory: IdleMemory) -> str:
    mib = 1024 * 1024
    offered = "permessage-deflate offered" if memory.compression else "no compression offered"
    return (
        f"{scenario.name} idle ({offered}): {memory.pages:,} pages after "
        f"{memory.warm_pages} warm-up, "
        f"server RSS {memory.rss_before / mib:,.1f} -> {memory.rss_after / mib:,.1f} MiB, "
        f"extensions answered: {memory.extensions or 'none'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="livecomp benchmarks")
    parser.add_argument("--quick", action="store_true", help="a short smoke run (about a minute)")
    parser.add_argument("--markdown", action="store_true", help="also print the table as markdown")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=[s.name for s in SCENARIOS],
        help="run only this scenario (repeatable)",
    )
    parser.add_argument("--no-load", action="store_true", help="skip the websocket load runs")
    parser.add_argument("--no-idle", action="store_true", help="skip the idle-memory runs")
    parser.add_argument("--no-clocks", action="store_true", help="skip the clocks section")
    parser.add_argument(
        "--no-telemetry", action="store_true", help="skip the telemetry on/off section"
    )
    parser.add_argument(
        "--no-streams", action="store_true", help="skip the streams section (bench.streams)"
    )
    args = parser.parse_args()

    raise_fd_limit()
    scenarios = [s for s in SCENARIOS if not args.scenario or s.name in args.scenario]
    settings = QUICK if args.quick else FULL
    report = asyncio.run(run(settings, scenarios, load=not args.no_load, idle=not args.no_idle))
    ticking = None
    if not args.no_clocks:
        ticking = asyncio.run(clocks.measure_section(settings.clocks, progress))
    streamed = None
    if not args.no_streams:
        progress("streams: a feed appended 100 items at a time (bench.streams)")
        streamed = asyncio.run(measure_streams(10_000 if args.quick else 100_000))
    telemetry = None
    if not args.no_telemetry:
        chosen = tuple(s for s in scenarios if s in TELEMETRY_SCENARIOS) or tuple(scenarios)
        events, rounds = (500, 3) if args.quick else (2_000, 7)
        # A whole server under load too, unless load runs are off.
        server_phases, server_seconds = (
            (0, 0.0) if args.no_load else (8, 1.5) if args.quick else (16, 2.0)
        )
        telemetry = asyncio.run(
            measure_telemetry(
                chosen,
                events=events,
                rounds=rounds,
                server_phases=server_phases,
                server_seconds=server_seconds,
                progress=progress,
            )
        )
    progress("done")
    tables: list[Table] = [report, CpuSplitReport(report.results)]
    if not args.no_idle:
        tables.append(MemorySplitReport(report.results))
    if ticking is not None:
        tables.append(ticking)
    if telemetry is not None:
        tables.append(telemetry)
    if streamed is not None:
        tables.append(streamed)
    print("\n\n".join(table.plain() for table in tables))
    if args.markdown:
        print()
        print("\n\n".join(table.markdown() for table in tables))


if __name__ == "__main__":
    main()
