"""The benchmark suite runs and measures sane things (``python -m bench``).

Nothing here asserts wall-clock limits: the machine is shared, so only the
shape and plausibility of the numbers are checked.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterator

import pytest

from bench.client import close_all, http_get, open_page
from bench.clocks import ClockSetup, ClocksReport, measure_clocks, measure_tick_cost
from bench.cpusplit import PARTS, client_frame, measure_split
from bench.inprocess import measure_server
from bench.load import run_load
from bench.memsplit import CATEGORIES as MEMORY_CATEGORIES
from bench.memsplit import measure_memory_split
from bench.process import ServerProcess
from bench.profile import CATEGORIES as CPU_CATEGORIES
from bench.profile import PROFILE_ROUTE, Sampler
from bench.report import (
    COLUMNS,
    MISSING,
    ONE_CELL,
    CpuSplitReport,
    MemorySplitReport,
    Report,
    ScenarioResult,
)
from bench.scenarios import (
    SCENARIOS,
    TABLE,
    TABLE_ROWS,
    TABLE_ROWS_SCENARIO,
    THERMOSTAT,
    Table,
    child_cids,
)
from bench.stats import median, percentile
from bench.ticks import TickStats, named_second
from livecomp.component import PageContext
from livecomp.page import _FULL, LivePage
from livecomp.protocol import Ack, Event, decode_client, encode


def test_the_table_scenario_renders_a_thousand_rows_of_four_cells() -> None:
    table = Table(key="root", cid="c0", context=PageContext(connected=True), props={})
    html = table.render()
    assert html.count("<tr id=") == TABLE_ROWS == 1_000
    assert html.count("<td>") == 4 * TABLE_ROWS
    assert {TABLE.value(i)["row"] for i in range(TABLE_ROWS)} == {
        str(i) for i in range(TABLE_ROWS)
    }, "the events should visit every row"


async def test_the_rows_scenario_is_the_same_table_with_a_component_per_row() -> None:
    page = LivePage(TABLE_ROWS_SCENARIO.component, PageContext(connected=True))
    html = await page.mount()
    try:
        assert html.count("<tr ") == TABLE_ROWS and html.count("<td>") == 4 * TABLE_ROWS
        cids = TABLE_ROWS_SCENARIO.targets(html)
        assert len(set(cids)) == TABLE_ROWS and page.root_cid not in cids
        assert len(page.components()) == TABLE_ROWS + 1
        # The same cells as the plain table, in the same order.
        plain = Table(key="root", cid="c0", context=PageContext(connected=True), props={})
        cells = re.compile(r"<td>([^<]*)</td>")
        assert cells.findall(html) == cells.findall(plain.render())
        # Event i goes to row _spread(i), found by its position in the page.
        row = TABLE_ROWS_SCENARIO.target(7) if TABLE_ROWS_SCENARIO.target else -1
        cid = TABLE_ROWS_SCENARIO.event_cid(7, page.root_cid, cids)
        assert f'<tr live-cid="{cid}" id="row-{row}">' in html
        await page.dispatch(cid, "bump", {})
        [patch] = await page.flush()
        assert patch.cid == cid, "only the row's component re-renders"
    finally:
        await page.close()
    assert child_cids('<ul><li live-cid="c1"></li><LI class="x" live-cid="c2"></ul>', "li") == [
        "c1",
        "c2",
    ]


def test_percentiles_are_nearest_rank() -> None:
    samples = [float(x) for x in range(1, 101)]
    assert median(samples) == 50.5
    assert percentile(samples, 99) == 99.0
    assert percentile(samples, 100) == 100.0
    assert percentile([3.0], 99) == 3.0
    assert math.isnan(percentile([], 99)) and math.isnan(median([]))


async def test_in_process_numbers_are_sane_and_fill_the_table() -> None:
    results = []
    for scenario, events in ((THERMOSTAT, 8), (TABLE, 3), (TABLE_ROWS_SCENARIO, 8)):
        timing = await measure_server(scenario, events, renders=2, mounts=1)
        assert timing.events == events
        assert 0 < timing.median_us <= timing.p99_us
        assert timing.render_us > 0 and timing.render_ratio > 0 and timing.mount_us > 0
        # Every event changes one thing on screen: one patch, plus the ack.
        assert timing.patches_per_event == 1
        # A one-cell change must travel as a small patch, never a replace of
        # the 160 KB table.
        assert 40 < timing.median_bytes < 400
        results.append(ScenarioResult(scenario.name, server=timing))
    plain_table, rows_table = results[1].server, results[2].server
    assert plain_table is not None and rows_table is not None
    # "render µs" of the rows table is the whole table: the table and its
    # 1,000 row components, not the table's own template alone.
    assert rows_table.components == TABLE_ROWS + 1 and plain_table.components == 1
    assert rows_table.render_us > plain_table.render_us / 10

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
    summary = next(line for line in lines if ONE_CELL in line)
    assert "table-1000:" in summary and "table-1000-rows:" in summary

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
        server.base,
        THERMOSTAT,
        clients=2,
        duration=1.0,
        warmup=0.2,
        server=server.probe,
        profile=True,
    )
    assert result.errors == 0
    assert result.events > 0 and len(result.latencies) == result.events
    assert 0 < result.p50_ms <= result.p99_ms
    # CPU readings come in clock ticks; a starved server may show none.
    assert result.server_cpu_s is not None and result.server_cpu_s >= 0

    # The server sampled itself over the load: every sample in one category,
    # and the framework's steps all in it (a second of events is ~100 samples).
    profile = result.profile
    assert profile is not None and not profile.missing
    assert list(profile.samples) == list(CPU_CATEGORIES) and profile.total > 0
    assert profile.samples["render"] + profile.samples["diff"] > 0
    if result.server_cpu_s:
        parts = sum(result.split_us(c) or 0.0 for c in CPU_CATEGORIES)
        assert parts == pytest.approx(result.profiled_cpu_us_per_event)
        assert 0 <= result.sampler_share < 0.1 and result.gc_share >= 0
    stacks = (await http_get(server.base, f"{PROFILE_ROUTE}/stacks")).decode()
    assert "livecomp/page.py:LivePage._diff;" in stacks
    assert stacks.splitlines()[0].split()[-1].isdigit()


async def test_row_events_over_websockets_go_to_row_components(server: ServerProcess) -> None:
    page = await open_page(server.base, TABLE_ROWS_SCENARIO.route, target_tag="tr")
    try:
        # The client finds the rows' component ids in the joined render.
        assert len(set(page.targets)) == TABLE_ROWS and page.cid not in page.targets
        for i in (0, 1):
            await page.event("bump", {}, TABLE_ROWS_SCENARIO.event_cid(i, page.cid, page.targets))
    finally:
        await close_all([page])
    result = await run_load(
        server.base, TABLE_ROWS_SCENARIO, clients=1, duration=0.5, warmup=0.1, server=server.probe
    )
    assert result.errors == 0 and result.events > 0


def test_a_tick_names_the_second_nearest_its_arrival() -> None:
    midnight = 1_700_006_400  # 2023-11-15 00:00:00 UTC
    assert midnight % 86_400 == 0
    assert named_second(midnight + 0.25, "00:00:00") == midnight
    assert named_second(midnight + 0.25, "23:59:59") == midnight - 1  # the day before
    assert named_second(midnight - 0.5, "00:00:00") == midnight  # the day after
    assert named_second(midnight + 3_723.9, "01:02:03") == midnight + 3_723
    with pytest.raises(ValueError):
        named_second(midnight, "1:02:03")


def test_tick_stats_count_a_batch_by_the_second_each_tick_names() -> None:
    start = 1_700_006_400 + 10  # 00:00:10
    stats = TickStats(pages=1, start=start, duration=2)
    tick = '{"t":"patch","cid":"c%d","ops":[["text",[2,0],"#text","00:00:%02d"]]}'
    batch = "[" + ",".join(tick % (i, 10) for i in range(3)) + "]"
    stats.record(batch, start + 0.125)
    stats.record(tick % (1, 11), start + 1.5)
    stats.record(tick % (1, 9), start + 0.5)  # names a second before the window
    stats.record('{"t":"ack","ref":1}', start + 0.5)
    assert stats.ticks == 4 and stats.frames == 2 and stats.ticks_per_frame == [3, 1]
    assert stats.lags == [[0.125] * 3, [0.5]]
    one = len(tick % (1, 10))
    assert stats.message_bytes == [one, one]
    assert stats.frame_bytes == len(batch) + one


async def test_clock_pages_tick_on_time_over_websockets(server: ServerProcess) -> None:
    setup = ClockSetup("5 pages x 2 clocks", pages=5, clocks=2, seconds=2, processes=1)
    run = await measure_clocks(server.base, server.probe, setup, settle=0.2, grace=0.5)
    assert run.setup.expected_per_s == 10
    assert run.stats.pages == 5 and run.stats.closed == 0
    # A noisy machine may delay a tick past its second, never lose most of them.
    assert 0.5 * 10 * 2 <= run.ticks <= 10 * 2
    assert all(0 <= lag < 2.0 for lag in run.lags)
    assert run.lag_ms(50) < 1_000
    # A frame carries at most the ticks of one page's two clocks.
    assert max(run.stats.ticks_per_frame) <= 2 and run.stats.frames >= run.ticks / 2
    assert 50 < median(run.stats.message_bytes) < 100
    assert len(run.server_cpu_s) == 2 and all(cpu >= 0 for cpu in run.server_cpu_s)
    assert run.rss_after > 0 and len(run.client_cpu_s) == 1
    assert run.gc is not None and all(n >= 0 for n in run.gc.collections)
    # /proc/stat counts in 10 ms ticks: this light a run on a quiet machine
    # can read as zero busy time (or a float's -0.0), never really less.
    assert run.machine_busy_s > -0.05
    assert run.server_cpu_share <= run.machine_busy_share + 0.1

    cost = await measure_tick_cost(20)
    assert 0 < cost.render_us < cost.flush_us < cost.total_us
    report = ClocksReport([run], cost)
    lines = report.plain().splitlines()
    assert lines[0].split()[:2] == ["clocks", "run"]
    assert lines[2].startswith("5 pages x 2 clocks")
    assert any("one tick in-process" in line for line in lines)
    verdicts = [line for line in lines if line.startswith("  5 pages x 2 clocks: ")][-1]
    heads = ("kept up and on time: ", "kept up but LATE: ", "FELL BEHIND: ")
    assert any(f"5 pages x 2 clocks: {head}" in verdicts for head in heads)
    assert report.markdown().startswith("| clocks run |")


async def test_the_cpu_split_in_process_adds_up_to_the_event() -> None:
    for scenario, events in ((THERMOSTAT, 20), (TABLE, 3), (TABLE_ROWS_SCENARIO, 20)):
        split = await measure_split(scenario, events)
        assert split.events == events and list(split.parts) == list(PARTS)
        assert all(us > 0 for us in split.parts.values()), split.parts
        # Medians of the parts against the median of their sums.
        assert split.parts_sum_us == pytest.approx(split.total_us, rel=0.5)
    frame = json.loads(client_frame(TABLE, 7, "c0"))
    assert frame == {"t": "event", "ref": 7, "cid": "c0", "event": "bump", "value": TABLE.value(7)}


async def test_the_sampler_puts_in_process_events_in_the_framework_steps() -> None:
    sampler = Sampler()
    assert sampler.missing == []
    page = LivePage(Table, PageContext(connected=True))
    await page.mount()
    # The table rendered whole at each event, not its changed row alone.
    page._render_iterations = lambda mounted, reads: _FULL  # type: ignore[method-assign]
    sampler.start()
    try:
        # Half a second of CPU: about a hundred samples at a 250 Hz tick.
        deadline = time.process_time() + 0.5
        ref = 0
        while time.process_time() < deadline:
            message = decode_client(client_frame(TABLE, ref, page.root_cid), 65_536)
            assert isinstance(message, Event)
            await page.dispatch(message.cid, message.event, message.value)
            encode([*(await page.flush()), Ack(ref=ref)])
            ref += 1
    finally:
        profile = sampler.stop()
        await page.close()
    assert not sampler.running and profile.total > 10
    # A 1,000-row table: rendering and diffing it is nearly all the work.
    assert profile.samples["render"] + profile.samples["diff"] > profile.total / 2
    assert profile.samples["ws in"] == profile.samples["send"] == 0
    assert sum(profile.share(c) for c in CPU_CATEGORIES) == pytest.approx(1.0)
    assert profile.top and profile.top[0][2] <= profile.total
    assert sampler.collapsed().count("\n") >= 1


async def test_the_memory_split_finds_who_holds_an_idle_page() -> None:
    # Six trees: their RSS growth (~30 KiB each) stands well above the noise
    # of a process whose pages the kernel may reclaim meanwhile (two gave
    # -12 KiB in one run of five).
    memory = await measure_memory_split(THERMOSTAT, pages=3, warm_pages=1, tree_count=6)
    assert memory.pages == 3 and list(memory.categories) == list(MEMORY_CATEGORIES)
    kib = {c: memory.kib(size) for c, size in memory.categories.items()}
    # Every idle page holds a socket, a session and its kept render.
    assert kib["connection"] > 5 and kib["session"] > 1 and kib["html"] > 0.1, kib
    assert memory.kept_html is not None and memory.kept_html > 0
    assert memory.cache_trees == 0, "joining a page diffs nothing"
    assert memory.rss_after > 0 and memory.overhead > 0 and memory.sites
    assert memory.tree is not None and memory.tree.trees == 6
    assert memory.tree.kib_per_tree > 0 and memory.tree.estimate_kib_per_tree > 100


async def test_the_split_tables_show_what_was_measured() -> None:
    result = ScenarioResult(THERMOSTAT.name, split=await measure_split(THERMOSTAT, 5))
    cpu = CpuSplitReport([result, ScenarioResult(TABLE.name)]).plain().splitlines()
    assert cpu[0].split()[:5] == ["CPU", "µs", "per", "event", "measured"]
    for category in CPU_CATEGORIES:
        assert category in cpu[0]
    # One row: the in-process split; the socket's steps were not measured there.
    assert cpu[2].startswith("thermostat") and "in-process p50" in cpu[2]
    assert cpu[2].split()[-1] == MISSING and cpu[3] == ""
    markdown = CpuSplitReport([result]).markdown().splitlines()
    assert markdown[2].startswith("| thermostat | in-process p50 |")

    memory = MemorySplitReport([result]).plain().splitlines()
    assert memory[0].startswith("KiB per idle page") and memory[2] == ""
