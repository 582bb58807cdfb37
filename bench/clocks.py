"""Ticking clocks: are server-pushed updates on time, and what do they cost?

Two runs against ``bench.serve`` in its own process, each on a fresh server,
with pages of ``ClockPage`` (``/clocks?n=N``: N clocks of the world-clocks
demo, in UTC, each on its own ``every(1.0, "tick", align=True)`` timer):

- one page of 100 clocks, one client: the server's CPU per second of
  ticking, the frames and bytes a second of ticks takes, and whether the
  100 ticks of one second travel batched in fewer frames;
- many pages of 5 clocks (1,000 pages: 5,000 ticks/s): whether ticks stay on
  time, as the lag from the second a tick names to its arrival, the ticks
  received per second against the number expected, and the server's CPU
  and memory.

The clients run in separate processes (``bench.ticks``), so their parsing
does not share a GIL with the bench or the server; they still share the
machine's two cores with the server, which is why their CPU is reported.
Every run measures a window of whole seconds and counts each tick by the
second its text names: a tick skipped, or rendered only after its second
ended, shows up as a missing tick; a lag above a second means a tick
rendered in time waited that long to be sent or read.

Run alone as ``python -m bench.clocks`` (``--quick``, ``--markdown``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.client import ClientError, http_get
from bench.inprocess import render_all
from bench.process import ROOT, Probe, ServerProcess, machine_busy_seconds
from bench.report import MISSING, markdown_table, plain_table
from bench.scenarios import CLOCKS_ROUTE, ClockPage
from bench.serve import GC_ROUTE, GcTotals, raise_fd_limit
from bench.stats import median, percentile
from bench.ticks import TickStats
from livecomp.component import PageContext
from livecomp.page import LivePage
from livecomp.protocol import encode

#: Seconds granted to the load processes to open and join their pages, per page.
OPEN_SECONDS_PER_PAGE = 0.25
#: Seconds to wait after the last join before the window: the joins' work
#: and the garbage it left are behind the server (with 2 s, the first seconds
#: of a 1,000-page window still ran hotter than the rest).
SETTLE = 5.0
#: Seconds after the window during which late ticks still count.
GRACE = 2.0
MIB = 1024 * 1024
#: The longest line a load process may print (its result).
RESULT_LIMIT = 256 * MIB


@dataclass(frozen=True)
class ClockSetup:
    """One clocks run: ``pages`` pages of ``clocks`` clocks for ``seconds``."""

    label: str
    pages: int
    clocks: int
    seconds: int
    processes: int

    @property
    def expected_per_s(self) -> int:
        return self.pages * self.clocks


@dataclass
class ClockRun:
    """What one clocks run measured over its window of whole seconds."""

    setup: ClockSetup
    stats: TickStats  # every load process's, merged
    client_cpu_s: list[float]  # per load process, over the window
    server_cpu_s: list[float]  # per second of the window
    rss_before: int  # before any page was opened
    rss_after: int  # at the end of the window
    open_seconds: float
    #: Busy CPU seconds of the whole machine (every core, every process) in the window.
    machine_busy_s: float = math.nan
    #: The server's garbage collections in the window, if it could say.
    gc: GcTotals | None = None
    cores: int = field(default_factory=lambda: os.cpu_count() or 1)

    @property
    def ticks(self) -> int:
        return self.stats.ticks

    @property
    def lags(self) -> list[float]:
        return [lag for second in self.stats.lags for lag in second]

    @property
    def ticks_per_s(self) -> float:
        return self.ticks / self.setup.seconds

    @property
    def delivered(self) -> float:
        """Ticks received over ticks expected in the window."""
        expected = self.setup.expected_per_s * self.setup.seconds
        return self.ticks / expected if expected else math.nan

    def lag_ms(self, pct: float) -> float:
        return percentile(self.lags, pct) * 1e3

    @property
    def frames_per_s(self) -> float:
        return self.stats.frames / self.setup.seconds

    @property
    def server_cpu_share(self) -> float:
        """Server CPU seconds per wall second (1.0 = one core, its ceiling)."""
        return sum(self.server_cpu_s) / self.setup.seconds

    @property
    def server_us_per_tick(self) -> float:
        return sum(self.server_cpu_s) / self.ticks * 1e6 if self.ticks else math.nan

    @property
    def client_cpu_share(self) -> float:
        return sum(self.client_cpu_s) / self.setup.seconds

    @property
    def machine_busy_share(self) -> float:
        """Busy core-seconds of the whole machine per wall second (at most ``cores``)."""
        return self.machine_busy_s / self.setup.seconds

    @property
    def others_share(self) -> float:
        """What processes other than the server and the load used, in cores."""
        return max(0.0, self.machine_busy_share - self.server_cpu_share - self.client_cpu_share)

    @property
    def complete_seconds(self) -> int:
        """Seconds of the window whose every tick arrived."""
        return sum(len(second) >= self.setup.expected_per_s for second in self.stats.lags)

    def second_lags_ms(self, pct: float) -> list[float]:
        """The ``pct`` lag percentile of each second of the window."""
        return [percentile(second, pct) * 1e3 for second in self.stats.lags]


async def _gc_totals(base: str) -> GcTotals | None:
    """The server's garbage collector totals so far (None if it did not say)."""
    try:
        return GcTotals(**json.loads(await http_get(base, GC_ROUTE)))
    except (ClientError, OSError, TimeoutError, ValueError, TypeError):
        return None


async def _sleep_until(wall: float) -> None:
    await asyncio.sleep(max(0.0, wall - time.time()))


def _split(total: int, parts: int) -> list[int]:
    """``total`` split into at most ``parts`` near-equal positive shares."""
    parts = max(1, min(parts, total))
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


async def _read_json(child: asyncio.subprocess.Process, timeout: float) -> dict[str, object]:
    assert child.stdout is not None
    line = await asyncio.wait_for(child.stdout.readline(), timeout)
    if not line:
        raise RuntimeError(f"load process {child.pid} exited with code {await child.wait()}")
    data = json.loads(line)
    if not isinstance(data, dict):
        raise RuntimeError(f"load process {child.pid} said {line!r:.200}")
    if "error" in data:
        raise RuntimeError(f"load process {child.pid}: {data['error']}")
    return data


async def _stop(children: list[asyncio.subprocess.Process]) -> None:
    """Let each load process close its sockets and exit; stop it by PID if not."""
    for child in children:
        if child.stdin is not None and not child.stdin.is_closing():
            child.stdin.close()
    for child in children:
        try:
            await asyncio.wait_for(child.wait(), 30)
        except TimeoutError:
            child.terminate()
            try:
                await asyncio.wait_for(child.wait(), 5)
            except TimeoutError:
                child.kill()
                await child.wait()


async def measure_clocks(
    base: str, server: Probe, setup: ClockSetup, *, settle: float = SETTLE, grace: float = GRACE
) -> ClockRun:
    """Open ``setup.pages`` clock pages from load processes and measure a window.

    ``settle`` seconds pass between the last join and the window; ticks
    still count ``grace`` seconds after it.
    """
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    path = f"{CLOCKS_ROUTE}?n={setup.clocks}"
    rss_before = server.rss()
    children: list[asyncio.subprocess.Process] = []
    try:
        opened = time.monotonic()
        for share in _split(setup.pages, setup.processes):
            command = ["-m", "bench.ticks", "--base", base, "--path", path, "--pages", str(share)]
            children.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    *command,
                    cwd=ROOT,
                    env=env,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    # The result line holds every lag: megabytes, not the 64 KiB default.
                    limit=RESULT_LIMIT,
                )
            )
        open_timeout = 30 + OPEN_SECONDS_PER_PAGE * setup.pages
        for child in children:
            await _read_json(child, open_timeout)
        open_seconds = time.monotonic() - opened
        await asyncio.sleep(settle)
        # A whole second far enough ahead for every process to have the
        # window before it starts.
        start = math.ceil(time.time() + 0.5)
        window = {"start": start, "duration": setup.seconds, "grace": grace}
        for child in children:
            assert child.stdin is not None
            child.stdin.write((json.dumps(window) + "\n").encode())
            await child.stdin.drain()
        await _sleep_until(start)
        cpu = [server.cpu_seconds()]
        busy = machine_busy_seconds()
        gc_before = asyncio.create_task(_gc_totals(base))
        for second in range(1, setup.seconds + 1):
            await _sleep_until(start + second)
            cpu.append(server.cpu_seconds())
        busy = machine_busy_seconds() - busy
        rss_after = server.rss()
        gc_after = await _gc_totals(base)
        earlier = await gc_before
        gc = gc_after.since(earlier) if gc_after and earlier else None
        parts = [TickStats.from_json(await _read_json(child, grace + 60)) for child in children]
    finally:
        await _stop(children)
    merged = TickStats(pages=0, start=start, duration=setup.seconds)
    for part in parts:
        merged.pages += part.pages
        for offset, lags in enumerate(part.lags):
            merged.lags[offset] += lags
        merged.frames += part.frames
        merged.frame_bytes += part.frame_bytes
        merged.ticks_per_frame += part.ticks_per_frame
        merged.message_bytes += part.message_bytes
        merged.closed += part.closed
        merged.close_reasons += part.close_reasons
    return ClockRun(
        setup=setup,
        stats=merged,
        client_cpu_s=[part.cpu_seconds for part in parts],
        server_cpu_s=[b - a for a, b in itertools.pairwise(cpu)],
        rss_before=rss_before,
        rss_after=rss_after,
        open_seconds=open_seconds,
        machine_busy_s=busy,
        gc=gc,
    )


async def run_clocks(setups: list[ClockSetup]) -> list[ClockRun]:
    """Each setup on a fresh server, so memory and CPU readings are its own."""
    runs = []
    for setup in setups:
        with ServerProcess() as server:
            runs.append(await measure_clocks(server.base, server.probe, setup))
    return runs


@dataclass(frozen=True)
class TickCost:
    """The framework's own cost of one clock tick, in-process, medians in µs."""

    ticks: int
    handler_us: float  # the @on_message handler: reads the clock into state
    render_us: float  # the clock's render() alone (Jinja)
    flush_us: float  # the page's flush: render, then diff into a patch
    encode_us: float  # the patch encoded as its frame

    @property
    def total_us(self) -> float:
        return self.handler_us + self.flush_us + self.encode_us


async def measure_tick_cost(ticks: int, clocks: int = 5) -> TickCost:
    """Time ``ticks`` ticks of a page of ``clocks`` clocks, without timers or socket.

    Before each timed tick the clock is shown a made-up time (untimed), so the
    tick changes its text as a real tick does once a second.
    """
    page = LivePage(ClockPage, PageContext(connected=False, params={"n": str(clocks)}))
    await page.mount()
    try:
        children = [c for c in page.components() if c.cid != page.root_cid]
        parts: dict[str, list[float]] = {"handler": [], "render": [], "flush": [], "encode": []}
        now = time.perf_counter
        for i in range(ticks + 10):
            clock = children[i % len(children)]
            clock.state.time = "00:00:00"
            page.mark_dirty(clock.cid)
            await page.flush()
            start = now()
            render_all([clock])
            rendered = now()
            await page.deliver(clock.cid, "tick", None)
            handled = now()
            patches = await page.flush()
            flushed = now()
            encode(list(patches))
            encoded = now()
            if len(patches) != 1:
                raise RuntimeError(f"a tick made {len(patches)} patches, not one")
            if i >= 10:  # the first few warm Jinja and Lexbor up
                parts["render"].append(rendered - start)
                parts["handler"].append(handled - rendered)
                parts["flush"].append(flushed - handled)
                parts["encode"].append(encoded - flushed)
    finally:
        await page.close()
    us = {name: median(samples) * 1e6 for name, samples in parts.items()}
    return TickCost(ticks, us["handler"], us["render"], us["flush"], us["encode"])


# --- the report ---------------------------------------------------------------


@dataclass(frozen=True)
class ClockColumn:
    header: str
    legend: str
    fmt: str

    def cell(self, number: float | None) -> str:
        if number is None or math.isnan(number):
            return MISSING
        return self.fmt.format(number)


CLOCK_COLUMNS: tuple[tuple[ClockColumn, str], ...] = (
    (ClockColumn("ticks/s want", "ticks expected per second: pages x clocks", "{:,.0f}"), "want"),
    (
        ClockColumn(
            "ticks/s got",
            "ticks received per second, each counted by the second its text names",
            "{:,.0f}",
        ),
        "got",
    ),
    (
        ClockColumn(
            "lag p50 ms",
            "receive time minus the start of the second the tick names, median",
            "{:,.1f}",
        ),
        "p50",
    ),
    (ClockColumn("lag p99 ms", "the same, 99th percentile", "{:,.1f}"), "p99"),
    (ClockColumn("lag max ms", "the same, the largest", "{:,.1f}"), "max"),
    (ClockColumn("frames/s", "websocket frames carrying ticks, per second", "{:,.0f}"), "frames"),
    (ClockColumn("ticks/frame", "ticks per such frame, median", "{:,.0f}"), "batch"),
    (
        ClockColumn(
            "B/tick",
            "bytes of one tick's patch message, median (JSON text; a batch's "
            "brackets and commas and the websocket header excluded)",
            "{:,.0f}",
        ),
        "bytes",
    ),
    (
        ClockColumn(
            "srv CPU %",
            "server process CPU seconds per wall second (100% = one core, the "
            "most one process can use)",
            "{:.0%}",
        ),
        "cpu",
    ),
    (ClockColumn("srv µs/tick", "server CPU time per received tick", "{:,.0f}"), "us"),
    (ClockColumn("srv RSS MiB", "server resident memory at the end", "{:,.1f}"), "rss"),
    (
        ClockColumn(
            "clients CPU %",
            "the load processes' CPU, summed, per wall second (they share the "
            "two cores with the server)",
            "{:.0%}",
        ),
        "clients",
    ),
)


def _values(run: ClockRun) -> dict[str, float]:
    stats = run.stats
    return {
        "want": run.setup.expected_per_s,
        "got": run.ticks_per_s,
        "p50": run.lag_ms(50),
        "p99": run.lag_ms(99),
        "max": run.lag_ms(100),
        "frames": run.frames_per_s,
        "batch": median(stats.ticks_per_frame),
        "bytes": median(stats.message_bytes),
        "cpu": run.server_cpu_share,
        "us": run.server_us_per_tick,
        "rss": run.rss_after / MIB,
        "clients": run.client_cpu_share,
    }


def _ms_list(values: list[float]) -> str:
    return ", ".join(MISSING if math.isnan(v) else f"{v:,.0f}" for v in values)


def describe_cost(cost: TickCost) -> str:
    return (
        f"one tick in-process ({cost.ticks:,} ticks, medians): handler {cost.handler_us:,.0f} µs, "
        f"render + diff {cost.flush_us:,.0f} µs (the render alone {cost.render_us:,.0f} µs), "
        f"encode {cost.encode_us:,.0f} µs: {cost.total_us:,.0f} µs of framework work per tick"
    )


def describe(run: ClockRun, cost: TickCost | None = None) -> list[str]:
    """The run's details and verdict, as report lines."""
    setup, stats = run.setup, run.stats
    wire = stats.frame_bytes / stats.frames if stats.frames else math.nan
    clients = " + ".join(f"{cpu / setup.seconds:.0%}" for cpu in run.client_cpu_s)
    lines = [
        f"{setup.label}: {setup.pages:,} page(s) x {setup.clocks} clocks, "
        f"{setup.processes} load process(es), no compression offered; pages opened in "
        f"{run.open_seconds:.1f} s; window {setup.seconds} s; {run.ticks:,} of "
        f"{setup.expected_per_s * setup.seconds:,} ticks received ({run.delivered:.1%}); "
        f"{stats.frames:,} frames, {wire:,.0f} B per frame on average; "
        f"sockets closed by the server: {stats.closed}"
        + (f" ({'; '.join(stats.close_reasons)})" if stats.close_reasons else ""),
        f"{setup.label}: server RSS {run.rss_before / MIB:,.1f} -> {run.rss_after / MIB:,.1f} "
        f"MiB{_per_page(run)}; server CPU per second of the window: "
        + ", ".join(f"{cpu:.0%}" for cpu in run.server_cpu_s)
        + f"; load processes' CPU: {clients} of one core each; the machine's "
        f"{run.cores} cores were {run.machine_busy_share / run.cores:.0%} busy (other "
        f"processes: {run.others_share:.0%} of one core)",
        f"{setup.label}: server garbage collector in the window: {_describe_gc(run)}",
        f"{setup.label}: lag min {min(run.lags, default=math.nan) * 1e3:,.1f} ms; "
        "lag p50 / p99 ms per second of the window: "
        f"{_ms_list(run.second_lags_ms(50))} / {_ms_list(run.second_lags_ms(99))}; "
        f"ticks per second: {', '.join(f'{len(s):,}' for s in stats.lags)}",
        f"{setup.label}: {verdict(run, cost)}",
    ]
    return lines


def _per_page(run: ClockRun) -> str:
    # The growth includes what the first page loads once (imports, caches):
    # only over many pages does it say something per page.
    if run.setup.pages < 100:
        return " (the first page's one-off loading included)"
    growth = (run.rss_after - run.rss_before) / run.setup.pages / 1024
    return f" (~{growth:,.1f} KiB per page, the first page's one-off loading included)"


def _describe_gc(run: ClockRun) -> str:
    if run.gc is None:
        return "unknown"
    counts = "/".join(f"{n:,}" for n in run.gc.collections)
    total = sum(run.gc.seconds)
    return (
        f"{counts} collections of generation 0/1/2, {total * 1e3:,.0f} ms in all "
        f"({total / run.setup.seconds * 1e3:,.0f} ms per second; generation 2: "
        f"{run.gc.seconds[2] * 1e3:,.0f} ms), the longest {run.gc.longest * 1e3:,.0f} ms"
    )


#: A tick later than this after its second began is visibly late on a clock.
LATE_MS = 100.0


def verdict(run: ClockRun, cost: TickCost | None = None) -> str:
    """Whether the ticks kept up and were on time, by how much not, and why."""
    setup = run.setup
    want = setup.expected_per_s
    share, us = run.server_cpu_share, run.server_us_per_tick
    p50, p99, low = run.lag_ms(50), run.lag_ms(99), run.lag_ms(0)
    kept_up = run.delivered >= 0.99
    if kept_up and p99 <= LATE_MS:
        head = "kept up and on time"
    elif kept_up:
        head = "kept up but LATE"
    else:
        head = "FELL BEHIND"
    third = max(1, setup.seconds // 3)
    firsts, lasts = run.second_lags_ms(50)[:third], run.second_lags_ms(50)[-third:]
    parts = [
        f"{head}: {run.ticks_per_s:,.0f} of {want:,} ticks/s arrived "
        f"({run.complete_seconds} of {setup.seconds} seconds complete"
        + (f", {want - run.ticks_per_s:,.0f} ticks/s short" if not kept_up else "")
        + f"); lag p50 {p50:,.0f} ms, p99 {p99:,.0f} ms, min {low:,.0f} ms; median lag "
        f"{median(firsts):,.0f} ms in the first {third} s, {median(lasts):,.0f} ms in the last "
        f"{third} s"
    ]
    # CPU time is read in clock ticks (10 ms): a short run can measure none.
    if not math.isnan(us) and us > 0:
        spent = (
            f"the server used {share:.0%} of one core, {us:,.0f} µs CPU per tick "
            f"(a whole core would do ~{1e6 / us:,.0f} ticks/s)"
        )
        if cost is not None:
            spent += (
                f", ~{cost.total_us:,.0f} µs of it the tick's handler, render, diff and encode "
                f"(in-process) and ~{max(0.0, us - cost.total_us):,.0f} µs the rest: timer, "
                "session tasks, websocket send, garbage collection"
            )
        parts.append(spent)
    reasons = []
    if share >= 0.9:
        reasons.append(
            f"CPU-bound: the server is one process, one core at most, and {want:,} ticks/s "
            f"at {us:,.0f} µs need {want * us / 1e6:.0%} of one"
        )
    if run.machine_busy_share >= 0.9 * run.cores:
        reasons.append(
            f"the machine was saturated: its {run.cores} cores were "
            f"{run.machine_busy_share / run.cores:.0%} busy (server {share:.0%}, load "
            f"processes {run.client_cpu_share:.0%}, other processes {run.others_share:.0%} "
            "of one core), so the server waited for a core"
        )
    elif run.others_share >= 0.25:
        reasons.append(
            f"other processes used {run.others_share:.0%} of one core meanwhile (the "
            "machine is shared)"
        )
    if run.gc is not None and sum(run.gc.seconds) >= 0.03 * setup.seconds:
        reasons.append(
            f"the server's garbage collector took {sum(run.gc.seconds) / setup.seconds * 1e3:,.0f}"
            f" ms per second, in pauses of up to {run.gc.longest * 1e3:,.0f} ms "
            f"({run.gc.collections[2]} full collections)"
        )
    if low >= LATE_MS and not math.isnan(us):
        reasons.append(
            f"every tick of a second falls due at the same instant and the {want:,} of them "
            f"take ~{want * us / 1e3:,.0f} ms of server CPU, so even the first frame out left "
            f"{low:,.0f} ms after the boundary"
        )
    if reasons and head != "kept up and on time":
        parts.append("why: " + "; ".join(reasons))
    return "; ".join(parts)


@dataclass
class ClocksReport:
    """The clocks section: one row per run, then legend and details."""

    runs: list[ClockRun]
    cost: TickCost | None = None

    def cells(self) -> tuple[list[str], list[list[str]]]:
        headers = ["clocks run", *(c.header for c, _ in CLOCK_COLUMNS)]
        rows = []
        for run in self.runs:
            values = _values(run)
            rows.append([run.setup.label, *(c.cell(values[key]) for c, key in CLOCK_COLUMNS)])
        return headers, rows

    def sections(self) -> list[tuple[str, list[str]]]:
        legend = [f"{c.header}: {c.legend}" for c, _ in CLOCK_COLUMNS]
        details = [describe_cost(self.cost)] if self.cost else []
        details += [line for run in self.runs for line in describe(run, self.cost)]
        notes = [
            "every clock has its own timer aligned to the wall-clock second, so all of a "
            "second's ticks fall due at the same instant: the lags show how long the server "
            "takes to work through that burst, plus the trip to the load processes (a lag "
            "min close to the p50 means even the first frame out waited for most of the burst)",
            "the load processes and the server share the machine's 2 cores; a busy load "
            "process adds its own delay to the lags it records",
        ]
        return [("Columns", legend), ("Runs", details), ("Notes", notes)]

    def plain(self) -> str:
        return plain_table(*self.cells(), self.sections())

    def markdown(self) -> str:
        return markdown_table(*self.cells(), self.sections())


@dataclass(frozen=True)
class ClockSettings:
    """The clocks section of one bench run."""

    setups: list[ClockSetup]
    cost_ticks: int


FULL = ClockSettings(
    setups=[
        ClockSetup("100 clocks x 1 page", pages=1, clocks=100, seconds=10, processes=1),
        ClockSetup("5 clocks x 1,000 pages", pages=1_000, clocks=5, seconds=15, processes=2),
    ],
    cost_ticks=2_000,
)
QUICK = ClockSettings(
    setups=[
        ClockSetup("100 clocks x 1 page", pages=1, clocks=100, seconds=5, processes=1),
        ClockSetup("5 clocks x 200 pages", pages=200, clocks=5, seconds=5, processes=2),
    ],
    cost_ticks=300,
)


async def measure_section(
    settings: ClockSettings, progress: Callable[[str], None] = lambda _: None
) -> ClocksReport:
    """The in-process tick cost, then every setup on its own fresh server."""
    progress(f"clocks: in-process tick cost, {settings.cost_ticks:,} ticks")
    cost = await measure_tick_cost(settings.cost_ticks)
    runs = []
    for setup in settings.setups:
        progress(
            f"clocks: {setup.pages:,} page(s) x {setup.clocks} clocks from "
            f"{setup.processes} load process(es), {setup.seconds} s window"
        )
        runs += await run_clocks([setup])
    return ClocksReport(runs, cost)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.clocks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs, 200 pages")
    parser.add_argument("--markdown", action="store_true", help="also print as markdown")
    args = parser.parse_args()
    raise_fd_limit()
    report = asyncio.run(measure_section(QUICK if args.quick else FULL))
    print(report.plain())
    if args.markdown:
        print()
        print(report.markdown())


if __name__ == "__main__":
    main()
