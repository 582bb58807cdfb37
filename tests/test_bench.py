"""The benchmark suite runs and measures sane things (``python -m bench``).

Nothing here asserts wall-clock limits: the machine is shared, so only the
shape and plausibility of the numbers are checked.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from bench.inprocess import measure_server
from bench.load import run_load
from bench.process import ServerProcess
from bench.report import COLUMNS, MISSING, Report, ScenarioResult
from bench.scenarios import SCENARIOS, TABLE, TABLE_ROWS, THERMOSTAT, Table
from bench.stats import median, percentile
from livecomp.component import PageContext


def test_the_table_scenario_renders_a_thousand_rows_of_four_cells() -> None:
    table = Table(key="root", cid="c0", context=PageContext(connected=True), props={})
    html = table.render()
    assert html.count("<tr id=") == TABLE_ROWS == 1_000
    assert html.count("<td>") == 4 * TABLE_ROWS
    assert {TABLE.value(i)["row"] for i in range(TABLE_ROWS)} == {
        str(i) for i in range(TABLE_ROWS)
    }, "the events should visit every row"


def test_percentiles_are_nearest_rank() -> None:
    samples = [float(x) for x in range(1, 101)]
    assert median(samples) == 50.5
    assert percentile(samples, 99) == 99.0
    assert percentile(samples, 100) == 100.0
    assert percentile([3.0], 99) == 3.0
    assert math.isnan(percentile([], 99)) and math.isnan(median([]))


async def test_in_process_numbers_are_sane_and_fill_the_table() -> None:
    results = []
    for scenario, events in ((THERMOSTAT, 8), (TABLE, 3)):
        timing = await measure_server(scenario, events, renders=3)
        assert timing.events == events
        assert 0 < timing.median_us <= timing.p99_us
        assert timing.render_us > 0 and timing.render_ratio > 0
        # Every event changes one thing on screen: one patch, plus the ack.
        assert timing.patches_per_event == 1
        # A one-cell change must travel as a small patch, never a replace of
        # the 160 KB table.
        assert 40 < timing.median_bytes < 400
        results.append(ScenarioResult(scenario.name, server=timing))

    report = Report(results)
    lines = report.plain().splitlines()
    headers = ["scenario", *(column.header for column in COLUMNS)]
    for header in headers:
        assert header in lines[0]
    assert set(lines[1]) == {"-", " "}
    rows = lines[2 : 2 + len(SCENARIOS)]
    assert [row.split()[0] for row in rows] == [s.name for s in SCENARIOS]
    # Load and memory were not run: their cells say so instead of a number.
    assert all(row.rstrip().endswith(MISSING) for row in rows)
    assert "Targets:" in lines and any("not measured" in line for line in lines)

    markdown = report.markdown().splitlines()
    assert markdown[0] == "| " + " | ".join(headers) + " |"
    assert markdown[1].count("|") == markdown[0].count("|") == len(headers) + 1
    assert markdown[2].startswith("| thermostat | ")


@pytest.fixture
def server() -> Iterator[ServerProcess]:
    with ServerProcess() as running:
        yield running


async def test_websocket_load_gets_every_event_acked(server: ServerProcess) -> None:
    result = await run_load(
        server.base, THERMOSTAT, clients=2, duration=1.0, warmup=0.2, server=server.probe
    )
    assert result.errors == 0
    assert result.events > 0 and len(result.latencies) == result.events
    assert 0 < result.p50_ms <= result.p99_ms
    # CPU readings come in clock ticks; a starved server may show none.
    assert result.server_cpu_s is not None and result.server_cpu_s >= 0
