"""The results tables: one row per scenario, as aligned plain text or markdown.

Below the main table come a legend, the run's details (counts, errors, the
negotiated websocket extension) and the targets, each with the measured
value and whether it is met. Two more tables split the costs: the server's
CPU per event by step (``CpuSplitReport``) and an idle page's memory by
holder (``MemorySplitReport``).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bench.cpusplit import PARTS, EventSplit
from bench.idle import IdleMemory
from bench.inprocess import ServerTiming
from bench.load import LoadResult
from bench.memsplit import CATEGORIES as MEMORY_CATEGORIES
from bench.memsplit import MemorySplit
from bench.profile import CATEGORIES as CPU_CATEGORIES

MISSING = "-"


class Table(Protocol):
    """A section of the bench's output."""

    def plain(self) -> str: ...

    def markdown(self) -> str: ...


@dataclass
class ScenarioResult:
    """Everything measured for one scenario; parts not run stay None."""

    name: str
    server: ServerTiming | None = None
    load: LoadResult | None = None
    single: LoadResult | None = None
    idle: IdleMemory | None = None
    idle_deflate: IdleMemory | None = None
    split: EventSplit | None = None
    memory: MemorySplit | None = None


@dataclass(frozen=True)
class Column:
    header: str
    legend: str
    value: Callable[[ScenarioResult], float | None]
    fmt: str = "{:,.0f}"

    def cell(self, result: ScenarioResult) -> str:
        number = self.value(result)
        if number is None or math.isnan(number):
            return MISSING
        return self.fmt.format(number)


def _server(pick: Callable[[ServerTiming], float]) -> Callable[[ScenarioResult], float | None]:
    return lambda r: pick(r.server) if r.server else None


def _load(pick: Callable[[LoadResult], float | None]) -> Callable[[ScenarioResult], float | None]:
    return lambda r: pick(r.load) if r.load else None


COLUMNS: tuple[Column, ...] = (
    Column(
        "srv µs p50",
        "server time per event in-process (dispatch + render + diff + encode), median",
        _server(lambda s: s.median_us),
    ),
    Column("srv µs p99", "the same, 99th percentile", _server(lambda s: s.p99_us)),
    Column(
        "B/event",
        "bytes per event on the wire: the encoded frame (patches + ack), median",
        _server(lambda s: s.median_bytes),
    ),
    Column(
        "render µs",
        "the whole page rendered alone: every component's render() once, Jinja only, median "
        "(table-1000-rows: the table and its 1,000 row components)",
        _server(lambda s: s.render_us),
    ),
    Column(
        "srv/render",
        "server time per event over the whole-page render time",
        _server(lambda s: s.render_ratio),
        "{:.2g}x",
    ),
    Column(
        "ev/s @50",
        "events/s acked over websockets with 50 concurrent clients, server in its own process",
        _load(lambda x: x.events_per_s),
    ),
    Column(
        "rtt p50 ms",
        "round trip send -> ack under that load, median",
        _load(lambda x: x.p50_ms),
        "{:,.2f}",
    ),
    Column("rtt p99 ms", "the same, 99th percentile", _load(lambda x: x.p99_ms), "{:,.2f}"),
    Column(
        "rtt p50 ms @1",
        "round trip median with a single client alone",
        lambda r: r.single.p50_ms if r.single else None,
        "{:,.2f}",
    ),
    Column(
        "srv CPU µs/ev",
        "server process CPU time per acked event under the 50-client load",
        _load(lambda x: x.server_cpu_us_per_event),
    ),
    Column(
        "KiB/page",
        "server RSS growth per joined idle page, client offers no compression",
        lambda r: r.idle.kib_per_page if r.idle else None,
        "{:,.1f}",
    ),
    Column(
        "KiB/page defl",
        "the same, client offers permessage-deflate (websockets' default)",
        lambda r: r.idle_deflate.kib_per_page if r.idle_deflate else None,
        "{:,.1f}",
    ),
)


@dataclass(frozen=True)
class Target:
    """A goal for one scenario's measured value; ``claim`` groups the goals
    that together check one design claim."""

    scenario: str
    text: str
    value: Callable[[ScenarioResult], float | None]
    compare: Callable[[float, float], bool]
    limit: float
    fmt: str = "{:,.0f}"
    claim: str = ""

    def verdict(self, results: list[ScenarioResult]) -> tuple[str, str]:
        """(measured value, "met" / "MISSED" / "not measured")."""
        result = next((r for r in results if r.name == self.scenario), None)
        number = self.value(result) if result else None
        if number is None or math.isnan(number):
            return MISSING, "not measured"
        return self.fmt.format(number), "met" if self.compare(number, self.limit) else "MISSED"


ONE_CELL = "one changed cell in a 1,000-row table"


def _one_cell_targets(scenario: str) -> tuple[Target, ...]:
    """The table targets, asked of both ways of writing the table."""
    return (
        Target(
            scenario,
            "<= 200 bytes per event",
            _server(lambda s: s.median_bytes),
            operator.le,
            200,
            claim=ONE_CELL,
        ),
        Target(
            scenario,
            ">= 300 events/s with 50 clients",
            _load(lambda x: x.events_per_s),
            operator.ge,
            300,
            claim=ONE_CELL,
        ),
        Target(
            scenario,
            "server time <= 3x render-alone",
            _server(lambda s: s.render_ratio),
            operator.le,
            3,
            "{:.2g}x",
            claim=ONE_CELL,
        ),
    )


TARGETS: tuple[Target, ...] = (
    Target(
        "thermostat",
        ">= 4,500 events/s with 50 clients",
        _load(lambda x: x.events_per_s),
        operator.ge,
        4_500,
    ),
    # Half of pyview 0.9.0's idle counter page on the peers harness (~30 KiB).
    Target(
        "thermostat",
        "<= 15 KiB per idle page without compression",
        lambda r: r.idle.kib_per_page if r.idle else None,
        operator.le,
        15,
        "{:,.1f}",
    ),
    *_one_cell_targets("table-1000"),
    *_one_cell_targets("table-1000-rows"),
)


def claim_summary(
    results: list[ScenarioResult], targets: tuple[Target, ...] = TARGETS
) -> list[str]:
    """For each claim: which scenarios meet every one of its targets."""
    lines = []
    for claim in dict.fromkeys(t.claim for t in targets if t.claim):
        # scenario -> the verdicts of its targets for this claim
        verdicts: dict[str, list[str]] = {}
        for target in targets:
            if target.claim == claim:
                verdicts.setdefault(target.scenario, []).append(target.verdict(results)[1])
        parts = [
            f"{name}: {v.count('met')} of {len(v)} met"
            + (f", {v.count('not measured')} not measured" if "not measured" in v else "")
            for name, v in verdicts.items()
        ]
        winners = [name for name, v in verdicts.items() if all(x == "met" for x in v)]
        verdict = "met by " + " and ".join(winners) if winners else "met by no scenario in full"
        lines.append(f'"{claim}": {verdict} ({"; ".join(parts)})')
    return lines


@dataclass
class Report:
    """The results of one run and what to say about them."""

    results: list[ScenarioResult]
    details: list[str] = field(default_factory=list)

    def cells(self) -> tuple[list[str], list[list[str]]]:
        headers = ["scenario", *(c.header for c in COLUMNS)]
        rows = [[r.name, *(c.cell(r) for c in COLUMNS)] for r in self.results]
        return headers, rows

    def footnotes(self) -> tuple[list[str], list[str], list[str]]:
        """(legend lines, detail lines, target lines)."""
        legend = [f"{c.header}: {c.legend}" for c in COLUMNS]
        targets = []
        for target in TARGETS:
            measured, verdict = target.verdict(self.results)
            targets.append(f"{target.scenario}: {target.text}: {measured} ({verdict})")
        targets += claim_summary(self.results)
        return legend, self.details, targets

    def plain(self) -> str:
        """Aligned columns: text left-aligned, numbers right-aligned."""
        legend, details, targets = self.footnotes()
        return plain_table(
            *self.cells(), [("Columns", legend), ("Run", details), ("Targets", targets)]
        )

    def markdown(self) -> str:
        """The same table and footnotes as GitHub-flavoured markdown."""
        legend, details, targets = self.footnotes()
        return markdown_table(
            *self.cells(), [("Columns", legend), ("Run", details), ("Targets", targets)]
        )


Section = tuple[str, list[str]]


def plain_table(headers: list[str], rows: list[list[str]], sections: list[Section]) -> str:
    """A table in aligned columns (first left, others right), then each
    non-empty ``(title, lines)`` section as an indented list."""
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]
    for title, lines in sections:
        if lines:
            out += ["", f"{title}:", *(f"  {x}" for x in lines)]
    return "\n".join(out)


def markdown_table(headers: list[str], rows: list[list[str]], sections: list[Section]) -> str:
    """The same as GitHub-flavoured markdown."""
    out = [
        "| " + " | ".join(headers) + " |",
        "| --- |" + " ---: |" * (len(headers) - 1),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    for title, lines in sections:
        if lines:
            out += ["", f"{title}:", "", *(f"- {x}" for x in lines)]
    return "\n".join(out)


# --- where the CPU goes -------------------------------------------------------

CPU_LEGEND: dict[str, str] = {
    "total": "in-process: median µs of one whole event (decode to encode); "
    "server: the server process's CPU time per acked event, less the sampler's own",
    "ws in": "Hypercorn, h11, wsproto and asyncio reading the socket, unframing the "
    "message and handing it to the session (AsgiTransport.frame_of)",
    "decode": "livecomp.protocol.decode_client: JSON and the message model",
    "dispatch": "LivePage.dispatch: finding the handler, binding the payload, the handler",
    "render": "capture_render: Component.render, Jinja",
    "diff": "livecomp.diff.diff: parsing (Lexbor), the parse cache, the walk",
    "page": "the rest of LivePage.flush: splicing children, reconciling them, "
    "expanding ops, building patches",
    "encode": "livecomp.protocol.encode: the reply frame's JSON",
    "send": "LiveSession.send_replies and all below it: the outbox, the send watch, "
    "Hypercorn and wsproto framing the message, the socket write",
    "rest": "everything else: the actor's turn, the session's read loop, the event loop, "
    "the garbage collections that fell outside the steps above",
}


def _us(number: float | None) -> str:
    if number is None or math.isnan(number):
        return MISSING
    return f"{number:,.1f}" if abs(number) < 100 else f"{number:,.0f}"


@dataclass
class CpuSplitReport:
    """Where one event's server CPU goes: per scenario, the framework's steps
    timed in-process, then the whole server sampled under the 50-client load."""

    results: list[ScenarioResult]

    def cells(self) -> tuple[list[str], list[list[str]]]:
        headers = ["CPU µs per event", "measured", "total", *CPU_CATEGORIES]
        rows = []
        for result in self.results:
            split = result.split
            if split is not None:
                parts = [_us(split.parts[c]) if c in PARTS else MISSING for c in CPU_CATEGORIES]
                rows.append([result.name, "in-process p50", _us(split.total_us), *parts])
            load = result.load
            if load is not None and load.profile is not None and load.profile.total:
                row = [result.name, f"server @{load.clients}", _us(load.profiled_cpu_us_per_event)]
                rows.append(row + [_us(load.split_us(c)) for c in CPU_CATEGORIES])
        return headers, rows

    def sections(self) -> list[tuple[str, list[str]]]:
        legend = [f"{name}: {text}" for name, text in CPU_LEGEND.items()]
        how = [
            "in-process p50: bench.cpusplit runs each event's steps on one mounted page "
            "(no socket, no event loop hop) and times each with perf_counter; render and "
            "diff are timed inside flush by wrapping the names livecomp.page calls; each "
            "cell is the median over the events, and the parts' medians sum close to the "
            "total",
            "server @N: bench.profile samples the server process with SIGPROF (one sample "
            "per kernel tick of CPU used, period in Run) over the 50-client load of the main "
            "table; each sample goes to the innermost step on its stack; a cell is the "
            "step's share of the samples times the CPU per event measured over its window",
            "a sample is seen at the next Python call or loop turn, so the time of a C call "
            "or a deallocation that ends a function lands in the code that runs next: freeing "
            "the replaced tree's Lexbor document as diff returns counts as page under load "
            "(in-process, it counts as diff)",
            "the machine is shared: both rows move with other processes' load; compare the "
            "steps within a row, and rows of one run",
        ]
        details = []
        for result in self.results:
            details += _describe_split(result)
        return [("Columns", legend), ("How", how), ("Run", details)]

    def plain(self) -> str:
        return plain_table(*self.cells(), self.sections())

    def markdown(self) -> str:
        return markdown_table(*self.cells(), self.sections())


def _describe_split(result: ScenarioResult) -> list[str]:
    lines = []
    split = result.split
    if split is not None:
        lines.append(
            f"{result.name} in-process: {split.events:,} events; the parts' medians sum to "
            f"{_us(split.parts_sum_us)} µs, the median event takes {_us(split.total_us)} µs"
        )
    load = result.load
    profile = load.profile if load is not None else None
    if load is None or profile is None or not profile.total:
        return lines
    shares = ", ".join(
        f"{c} {profile.share(c):.0%} ±{profile.error(c):.0%}"
        for c in CPU_CATEGORIES
        if profile.samples.get(c)
    )
    period = (load.profiled_cpu_s or math.nan) / profile.total * 1e3
    lines.append(
        f"{result.name} server @{load.clients}: {profile.total:,} samples, one per "
        f"{period:.1f} ms of CPU, from just before the warm-up to the last ack ({shares}); "
        f"the sampler's own time, {load.sampler_share:.1%} of the CPU, is left out of the cells"
    )
    if split is not None:
        extra = {c: (load.split_us(c) or 0.0) - split.parts[c] for c in PARTS}
        most = max(extra, key=lambda c: abs(extra[c]))
        outside = sum(load.split_us(c) or 0.0 for c in ("ws in", "send", "rest"))
        lines.append(
            f"{result.name}: server @{load.clients} minus in-process: "
            f"{_us(load.profiled_cpu_us_per_event - split.parts_sum_us)} µs per event; as "
            f"sampled, the framework's steps take {_us(sum(extra.values()))} µs more under "
            f"load (largest change: {most} {extra[most]:+,.1f} µs), and the socket, the "
            f"session and the loop (ws in + send + rest) take {_us(outside)} µs"
        )
    if not math.isnan(load.gc_share):
        lines.append(
            f"{result.name} server @{load.clients}: garbage collection took "
            f"{load.gc_share:.1%} of the CPU, {_us(load.gc_share * load.profiled_cpu_us_per_event)}"
            " µs per event, counted in whichever step allocated when it ran"
        )
    top = ", ".join(
        f"{function} ({category}) {count / profile.total:.0%}"
        for category, function, count in profile.top[:5]
    )
    lines.append(f"{result.name} server @{load.clients}: most sampled functions: {top}")
    if profile.missing:
        lines.append(
            f"{result.name}: entry points not found, their samples went elsewhere: "
            + ", ".join(profile.missing)
        )
    return lines


# --- where an idle page's memory goes -----------------------------------------

MEMORY_LEGEND: dict[str, str] = {
    "pages": "idle pages joined on a server tracing its allocations (tracemalloc)",
    "html": "the renders the page keeps to diff against (_Mounted.html)",
    "state": "the components' pydantic state, and what user code built for it",
    "components": "Component instances, their props, the page's records and dicts",
    "cache": "the parse cache (livecomp.diff.TREE_CACHE): nothing until the page's "
    "first event, as joining diffs nothing",
    "session": "LiveSession, PageActor, AsgiTransport, the socket route's frames",
    "connection": "Hypercorn's (with livecomp's hardening), h11's, wsproto's and "
    "asyncio's per-connection objects: transport, streams, tasks, queues",
    "other": "traced allocations held by anything else",
    "traced": "the sum of the above: Python objects, as tracemalloc counts them",
    "untraced": "RSS minus traced: Lexbor's and other C heaps, the allocator's slack",
    "RSS": "the server's RSS growth per idle page without tracing (KiB/page in the main table)",
    "tree KiB": "RSS growth per render the parse cache keeps after an event, measured in "
    "a fresh process: one such tree per component diffed, until evicted",
    "tree est": "TreeCache's estimate of the same, which its 32 MiB limit counts",
}


def _kib(number: float | None) -> str:
    if number is None or math.isnan(number):
        return MISSING
    return f"{number:,.1f}" if abs(number) < 1000 else f"{number:,.0f}"


@dataclass
class MemorySplitReport:
    """KiB per idle joined page, by what holds it."""

    results: list[ScenarioResult]

    def cells(self) -> tuple[list[str], list[list[str]]]:
        headers = ["KiB per idle page", "pages", *MEMORY_CATEGORIES, "traced", "untraced"]
        headers += ["RSS", "tree KiB", "tree est"]
        rows = []
        for result in self.results:
            memory = result.memory
            if memory is None:
                continue
            rss = result.idle.kib_per_page if result.idle else None
            traced = memory.kib(memory.traced)
            tree = memory.tree
            rows.append(
                [
                    result.name,
                    f"{memory.pages:,}",
                    *(_kib(memory.kib(memory.categories.get(c, 0))) for c in MEMORY_CATEGORIES),
                    _kib(traced),
                    _kib(rss - traced if rss is not None else None),
                    _kib(rss),
                    _kib(tree.kib_per_tree if tree else None),
                    _kib(tree.estimate_kib_per_tree if tree else None),
                ]
            )
        return headers, rows

    def sections(self) -> list[tuple[str, list[str]]]:
        legend = [f"{name}: {MEMORY_LEGEND[name]}" for name in self.cells()[0][1:]]
        how = [
            "bench.memsplit: a fresh server started with BENCH_TRACEMALLOC=N traces every "
            "allocation with its N innermost frames; after warm-up pages, a snapshot is "
            "marked, the idle pages are joined, and each allocation alive since the mark "
            "goes to the innermost frame that says whose it is (asyncio's deque inside "
            "PageActor's Event is the session's)",
            "RSS comes from the untraced server of the idle runs: tracing's own memory "
            "makes the tracing server's RSS useless for this",
            "the machine is shared, but memory barely moves with load; RSS moves with "
            "what the allocator reuses, hence warm-up pages and a fresh server per run",
        ]
        details = []
        for result in self.results:
            if result.memory is not None:
                details += _describe_memory(result.memory)
        return [("Columns", legend), ("How", how), ("Run", details)]

    def plain(self) -> str:
        return plain_table(*self.cells(), self.sections())

    def markdown(self) -> str:
        return markdown_table(*self.cells(), self.sections())


def _describe_memory(memory: MemorySplit) -> list[str]:
    name = memory.scenario
    kept = (
        f"{memory.kib(memory.kept_html):,.1f} KiB/page counted exactly (sys.getsizeof)"
        if memory.kept_html is not None
        else "not readable"
    )
    lines = [
        f"{name}: {memory.pages:,} pages, {memory.frames} frames per allocation; kept HTML "
        f"{kept}; the parse cache grew by {memory.cache_trees} trees "
        f"({memory.cache_bytes / 1024:,.0f} KiB estimated); the tracing server's RSS grew "
        f"{memory.kib(memory.rss_growth):,.1f} KiB/page, tracemalloc's own "
        f"{memory.kib(memory.overhead):,.1f}",
    ]
    if memory.tree is not None:
        tree = memory.tree
        lines.append(
            f"{name}: {tree.trees} cached trees grew a fresh process's RSS by "
            f"{tree.rss_bytes / 2**20:,.1f} MiB, TreeCache counted "
            f"{tree.estimate_bytes / 2**20:,.1f} MiB"
        )
    top = ", ".join(
        f"{site} ({category}) {memory.kib(size):,.1f}" for category, site, size in memory.sites[:6]
    )
    lines.append(f"{name}: biggest holders, KiB/page: {top}")
    return lines
