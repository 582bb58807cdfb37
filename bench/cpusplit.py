"""The framework's own CPU per event, split into its steps, in-process.

Each event takes the steps the session takes for a client frame, on one
``LivePage`` mounted as a joined socket mounts it: ``decode_client`` of the
frame the client sends, ``dispatch`` (bind the payload, run the handler),
``flush`` (render, diff, and the page's own work around them) and
``encode`` of the patches and the ack. Each step is timed with
``perf_counter``; inside ``flush``, ``capture_render`` and ``diff`` are timed
by wrapping the names ``livecomp.page`` calls them by, for the length of the
measurement (and ``LivePage._diff``, which tries a text map first, and
``render_iterations`` and ``update_loops``, the counterparts when only
loop iterations render: ``livecomp.loops``), so
``page`` is ``flush`` minus render and diff: splicing children in,
reconciling them, expanding ops, building patches.

Every part is reported as its median over the events, and so is the
per-event total: the parts' medians sum close to it. What the session, the
actor, the event loop and Hypercorn add is not here; ``bench.profile``
splits the whole server's CPU under load.

A diff frees the replaced render's Lexbor document, a few hundred KiB. With
glibc's default settings, whether that memory goes back to the OS (and is
faulted in again by the next parse, 20-30 µs an event here) depends on what
else sits on the heap: a few floats more or less in the timing loop turned
it on and off. A busy server does not see it (0.01 page faults per event
under the 50-client load), so ``steady_heap`` keeps freed memory in this
process before anything is timed.
"""

from __future__ import annotations

import ctypes
import gc
import inspect
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import livecomp.page
from bench.scenarios import Scenario
from bench.stats import median
from livecomp.component import PageContext
from livecomp.page import LivePage
from livecomp.protocol import Ack, Event, decode_client, encode
from livecomp.security import DEFAULT_MAX_FRAME_BYTES

#: The parts of one event in-process, in the order they run.
PARTS: tuple[str, ...] = ("decode", "dispatch", "render", "diff", "page", "encode")


@dataclass(frozen=True)
class EventSplit:
    """Median µs of each part of one event, and of the whole."""

    events: int
    parts: dict[str, float]  # part -> median µs; NaN when it could not be timed
    total_us: float  # median of the per-event totals

    @property
    def parts_sum_us(self) -> float:
        return sum(self.parts.values())


class _Timed:
    """A function, with the time spent in it added up."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1


@contextmanager
def _timing(module: Any, name: str) -> Iterator[_Timed | None]:
    """``module.name`` replaced by a timed wrapper while inside; None when
    the module no longer calls anything by that name."""
    original = getattr(module, name, None)
    if original is None:
        yield None
        return
    # As stored (a class's staticmethod stays one when put back).
    stored = inspect.getattr_static(module, name)
    timed = _Timed(original)
    setattr(module, name, timed)
    try:
        yield timed
    finally:
        setattr(module, name, stored)


#: glibc's mallopt parameters.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


class _Sum:
    """Two timings read as one (a full render, or loop iterations alone)."""

    def __init__(self, *timings: Any) -> None:
        self.timings = [timing for timing in timings if timing]

    def __bool__(self) -> bool:
        return bool(self.timings)

    @property
    def seconds(self) -> float:
        return float(sum(timing.seconds for timing in self.timings))


def steady_heap() -> bool:
    """Have glibc keep freed memory in this process instead of returning it
    to the OS (no heap trimming, no per-chunk mmap below 32 MiB); False
    where that cannot be set (not glibc)."""
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_TRIM_THRESHOLD, 1 << 30)) and bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20))


def client_frame(scenario: Scenario, ref: int, cid: str) -> str:
    """The event frame a browser sends, as ``bench.client`` sends it."""
    message = {
        "t": "event",
        "ref": ref,
        "cid": cid,
        "event": scenario.event,
        "value": scenario.value(ref),
    }
    return json.dumps(message)


async def measure_split(scenario: Scenario, events: int) -> EventSplit:
    """Time ``events`` events of ``scenario`` step by step, in-process."""
    steady_heap()
    page = LivePage(scenario.component, PageContext(connected=True))
    html = await page.mount()
    samples: dict[str, list[float]] = {part: [] for part in PARTS}
    totals: list[float] = []
    now = time.perf_counter
    try:
        targets = scenario.targets(html)
        frames = [
            client_frame(scenario, ref, scenario.event_cid(ref, page.root_cid, targets))
            for ref in range(events + 10)
        ]
        with (
            _timing(livecomp.page, "capture_render") as whole,
            _timing(livecomp.page, "render_iterations") as alone,
            _timing(livecomp.page, "diff") as whole_diff,
            _timing(livecomp.page.LivePage, "_diff") as stored_diff,
            _timing(livecomp.page, "update_loops") as alone_diff,
        ):
            render = _Sum(whole, alone)
            differ = _Sum(whole_diff, stored_diff, alone_diff)
            for ref, frame in enumerate(frames):
                if ref == 10:  # the first ten warm up binders, Jinja and Lexbor
                    gc.collect()
                    for values in samples.values():
                        values.clear()
                    totals.clear()
                render_before = render.seconds if render else 0.0
                diff_before = differ.seconds if differ else 0.0
                t0 = now()
                message = decode_client(frame, DEFAULT_MAX_FRAME_BYTES)
                t1 = now()
                if not isinstance(message, Event):
                    raise RuntimeError(f"decoded {message!r} from an event frame")
                await page.dispatch(message.cid, message.event, message.value)
                t2 = now()
                patches = await page.flush()
                t3 = now()
                encode([*patches, Ack(ref=message.ref)])
                t4 = now()
                rendered = render.seconds - render_before if render else float("nan")
                diffed = differ.seconds - diff_before if differ else float("nan")
                inside = (rendered if render else 0.0) + (diffed if differ else 0.0)
                for part, seconds in (
                    ("decode", t1 - t0),
                    ("dispatch", t2 - t1),
                    ("render", rendered),
                    ("diff", diffed),
                    ("page", t3 - t2 - inside),
                    ("encode", t4 - t3),
                ):
                    samples[part].append(seconds)
                totals.append(t4 - t0)
    finally:
        await page.close()
    return EventSplit(
        events=events,
        parts={part: median(values) * 1e6 for part, values in samples.items()},
        total_us=median(totals) * 1e6,
    )
