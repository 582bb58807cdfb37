"""Server time and wire bytes per event, measured in-process on the real page path.

One ``LivePage`` is mounted as a joined socket would mount it
(``connected=True``); each event then takes exactly the steps the session
takes for it: ``dispatch`` (bind the payload, run the handler), ``flush``
(render, diff) and ``encode`` of the patches plus the ack, which is the frame
the browser receives. No socket and no event loop hops are involved, so this
is the framework's own cost, free of transport noise.

The reference an event is compared with is the whole page rendered: every
mounted component's ``render()`` (Jinja only, no diff). For a page of one
component that is its template; for ``table-1000-rows`` it is the table and
its 1,000 rows, so ``srv/render`` compares one event with a full-table
render in both table scenarios. A fresh mount of the page (components
created, rendered and expanded to full HTML) is timed as well.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from typing import Any

from bench.scenarios import Scenario
from bench.stats import median, percentile
from livecomp.component import Component, PageContext, capture_render
from livecomp.page import LivePage
from livecomp.protocol import Ack, encode


@dataclass(frozen=True)
class ServerTiming:
    """Per-event server cost of one scenario."""

    events: int
    median_us: float
    p99_us: float
    median_bytes: float
    patches_per_event: float
    render_us: float  # every component of the page rendered once, median
    components: int  # mounted components on the page
    mount_us: float  # a fresh LivePage mount, full HTML included, median

    @property
    def render_ratio(self) -> float:
        """Server time per event over the time of rendering the whole page."""
        return self.median_us / self.render_us if self.render_us else float("nan")


async def measure_server(
    scenario: Scenario, events: int, renders: int, mounts: int = 3
) -> ServerTiming:
    """Time ``events`` events of ``scenario``, ``renders`` whole-page renders and
    ``mounts`` fresh mounts."""
    page = LivePage(scenario.component, PageContext(connected=True))
    html = await page.mount()
    try:
        root = page.root_cid
        targets = scenario.targets(html)
        if scenario.target_tag and not targets:
            raise RuntimeError(f"{scenario.name}: no <{scenario.target_tag} live-cid> in the page")
        # A few untimed events first: lazy binders, Jinja and Lexbor warm-up.
        for i in range(min(10, events)):
            cid = scenario.event_cid(i, root, targets)
            await page.dispatch(cid, scenario.event, scenario.value(i))
            await page.flush()
        times: list[float] = []
        sizes: list[int] = []
        patch_count = 0
        # A collection pass landing inside one sample would show up in p99 as
        # noise of this loop, not of the framework; collect before timing.
        gc.collect()
        for ref in range(events):
            cid = scenario.event_cid(ref, root, targets)
            value = scenario.value(ref)
            start = time.perf_counter()
            await page.dispatch(cid, scenario.event, value)
            patches = await page.flush()
            frame = encode([*patches, Ack(ref=ref)])
            times.append(time.perf_counter() - start)
            sizes.append(len(frame.encode()))
            patch_count += len(patches)
        components = len(page.components())
        render_us = measure_render(page, renders)
    finally:
        await page.close()
    return ServerTiming(
        events=events,
        median_us=median(times) * 1e6,
        p99_us=percentile(times, 99) * 1e6,
        median_bytes=median(sizes),
        patches_per_event=patch_count / events,
        render_us=render_us,
        components=components,
        mount_us=await measure_mount(scenario, mounts),
    )


def render_all(components: list[Component[Any]]) -> None:
    """Render every component once, as the page would (children become markers)."""
    for component in components:
        capture_render(component, "000000000000")


def measure_render(page: LivePage, renders: int) -> float:
    """Median µs of rendering every component of the page once: Jinja, no diff."""
    components = page.components()
    render_all(components)
    times: list[float] = []
    for _ in range(renders):
        start = time.perf_counter()
        render_all(components)
        times.append(time.perf_counter() - start)
    return median(times) * 1e6


async def measure_mount(scenario: Scenario, mounts: int) -> float:
    """Median µs of mounting a fresh page of ``scenario`` to its full HTML."""
    times: list[float] = []
    for _ in range(mounts):
        page = LivePage(scenario.component, PageContext(connected=True))
        start = time.perf_counter()
        await page.mount()
        times.append(time.perf_counter() - start)
        await page.close()
    return median(times) * 1e6
