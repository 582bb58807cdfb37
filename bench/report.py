"""The results table: one row per scenario, as aligned plain text or markdown.

Below the table come a legend, the run's details (counts, errors, the
negotiated websocket extension) and the targets, each with the measured
value and whether it is met.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.idle import IdleMemory
from bench.inprocess import ServerTiming
from bench.load import LoadResult

MISSING = "-"


@dataclass
class ScenarioResult:
    """Everything measured for one scenario; parts not run stay None."""

    name: str
    server: ServerTiming | None = None
    load: LoadResult | None = None
    single: LoadResult | None = None
    idle: IdleMemory | None = None
    idle_deflate: IdleMemory | None = None


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
    Target(
        "thermostat",
        "<= 25 KiB per idle page without compression",
        lambda r: r.idle.kib_per_page if r.idle else None,
        operator.le,
        25,
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
