"""Server time and wire bytes per event, measured in-process on the real page path.

One ``LivePage`` is mounted as a joined socket would mount it
(``connected=True``); each event then takes exactly the steps the session
takes for it: ``dispatch`` (bind the payload, run the handler), ``flush``
(render, diff) and ``encode`` of the patches plus the ack, which is the frame
the browser receives. No socket and no event loop hops are involved, so this
is the framework's own cost, free of transport noise.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass

from bench.scenarios import Scenario
from bench.stats import median, percentile
from livecomp.component import PageContext
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
    render_us: float  # the root template rendered alone, median

    @property
    def render_ratio(self) -> float:
        """Server time per event over the time of rendering the template alone."""
        return self.median_us / self.render_us if self.render_us else float("nan")


async def measure_server(scenario: Scenario, events: int, renders: int) -> ServerTiming:
    """Time ``events`` events of ``scenario`` and ``renders`` bare renders."""
    page = LivePage(scenario.component, PageContext(connected=True))
    await page.mount()
    try:
        cid = page.root_cid
        # A few untimed events first: lazy binders, Jinja and Lexbor warm-up.
        for i in range(min(10, events)):
            await page.dispatch(cid, scenario.event, scenario.value(i))
            await page.flush()
        times: list[float] = []
        sizes: list[int] = []
        patch_count = 0
        # A collection pass landing inside one sample would show up in p99 as
        # noise of this loop, not of the framework; collect before timing.
        gc.collect()
        for ref in range(events):
            value = scenario.value(ref)
            start = time.perf_counter()
            await page.dispatch(cid, scenario.event, value)
            patches = await page.flush()
            frame = encode([*patches, Ack(ref=ref)])
            times.append(time.perf_counter() - start)
            sizes.append(len(frame.encode()))
            patch_count += len(patches)
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
    )


def measure_render(page: LivePage, renders: int) -> float:
    """Median µs of the root component's ``render()`` alone: Jinja, no diff."""
    component = page.root
    component.render()
    times: list[float] = []
    for _ in range(renders):
        start = time.perf_counter()
        component.render()
        times.append(time.perf_counter() - start)
    return median(times) * 1e6
