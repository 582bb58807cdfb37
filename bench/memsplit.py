"""Where an idle page's memory goes: tracemalloc in the server, by who holds it.

The key idea: a server started with ``BENCH_TRACEMALLOC=N`` (``bench.serve``)
traces every Python allocation with its N innermost frames. The bench opens
warm-up pages, marks a snapshot, opens ``pages`` more idle pages, and asks
for the split: the snapshot difference, each allocation still alive given to
the innermost frame that says whose it is (``classify``), so a deque that
``asyncio.Event()`` allocates for ``PageActor`` is the session's:

- ``html``: the renders each page keeps to diff against (``_Mounted.html``,
  compressed while the page rests: ``LivePage.rest``),
  built by ``livecomp.splice`` or ``livecomp.loops`` (with what it keeps
  of a render's loops);
- ``state``: the components' pydantic state models, and what user code
  (``bench.scenarios``, ``examples``) built for them;
- ``components``: the ``Component`` instances, their props, the page's
  ``_Mounted`` records and dicts, what rendering left behind;
- ``cache``: the parse cache (``livecomp.diff``) and other parsing modules;
- ``session``: the session, the page actor, the ASGI transport, the server's
  socket route;
- ``connection``: Hypercorn's (and livecomp's Hypercorn hardening's), h11's,
  wsproto's and asyncio's per-connection objects: transport, streams,
  tasks, queues;
- ``other``: anything else.

What no trace shows (Lexbor's and other C libraries' heaps, the allocator's
slack) is the RSS growth per page of a server that does not trace (the idle
runs, ``bench.idle``) minus what is traced here: the tracing server's own
RSS grows by about as much again for tracemalloc's bookkeeping.

The parse cache holds no tree for a page before its first event (joining
renders, but diffs nothing); what one cached tree costs is measured apart,
in a fresh process (``python -m bench.memsplit --trees SCENARIO``): the RSS
growth over ``count`` pages that each took one event, per tree, against
``TreeCache``'s estimate.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import linecache
import os
import subprocess
import sys
import sysconfig
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from quart import Quart, Response

from bench.client import close_all, http_get, open_pages
from bench.process import ROOT, ServerProcess
from bench.scenarios import Scenario, by_name
from livecomp import diff as livecomp_diff
from livecomp.component import PageContext
from livecomp.page import LivePage

#: Frames per traced allocation; set in the server's environment to trace.
TRACE_ENV = "BENCH_TRACEMALLOC"
MEMORY_ROUTE = "/bench/memory"
CATEGORIES: tuple[str, ...] = (
    "html",
    "state",
    "components",
    "cache",
    "session",
    "connection",
    "other",
)
#: Seconds for the server to finish the joins, and for the pages to rest
#: (``SessionConfig.rest_after`` is 1 s, checked once a second), before
#: memory is read: what an idle page costs is a resting page's.
SETTLE = 2.5

_LIVECOMP = {
    "splice.py": "html",
    "loops.py": "html",
    "loopdiff.py": "html",
    "component.py": "components",
    "page.py": "components",
    "events.py": "components",
    "forms.py": "components",
    "template.py": "components",
    "diff.py": "cache",
    "html.py": "cache",
    "reconcile.py": "cache",
    "dom.py": "cache",
    "treecache.py": "cache",
    "textdiff.py": "cache",
    "patching.py": "cache",
    "hypercorn_hardening.py": "connection",
    "hypercorn_memory.py": "connection",
}


def _dir_of(module: Any) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(module.__file__)), "")


def _owners() -> list[tuple[str, str | None]]:
    """(path prefix, category) pairs, most specific first; None: look further out."""
    import h11
    import hypercorn
    import jinja2
    import markupsafe
    import pydantic
    import quart
    import wsproto

    import livecomp

    bench = os.path.join(ROOT, "bench", "")
    return [
        (_dir_of(livecomp), "livecomp"),
        (_dir_of(pydantic), "state"),
        (os.path.join(bench, "scenarios.py"), "state"),
        (os.path.join(ROOT, "examples", ""), "state"),
        (bench, None),  # the server's own main and routes: its callers decide
        (_dir_of(jinja2), "components"),
        (_dir_of(markupsafe), "components"),
        ("<template>", "components"),
        (_dir_of(hypercorn), "connection"),
        (_dir_of(wsproto), "connection"),
        (_dir_of(h11), "connection"),
        (_dir_of(quart), "connection"),
        (os.path.join(sysconfig.get_paths()["stdlib"], ""), None),
        (os.path.join(os.path.realpath(sysconfig.get_paths()["stdlib"]), ""), None),
        ("<", None),  # <frozen ...>, <string> (dataclass-made methods)
    ]


class Classifier:
    """Which category holds an allocation, from its traceback."""

    def __init__(self) -> None:
        self._owners = _owners()
        self._cache: dict[str, str | None] = {}

    def owner(self, filename: str) -> str | None:
        found = self._cache.get(filename, "")
        if found != "":
            return found
        owner: str | None = "other"
        for prefix, category in self._owners:
            if filename.startswith(prefix):
                owner = category
                if category == "livecomp":
                    owner = _LIVECOMP.get(os.path.basename(filename), "session")
                break
        self._cache[filename] = owner
        return owner

    def classify(self, frames: Sequence[tracemalloc.Frame]) -> tuple[str, str]:
        """(category, ``file:line`` of the frame that decided), innermost first."""
        for frame in frames:
            category = self.owner(frame.filename)
            if category is not None:
                return category, f"{frame.filename}:{frame.lineno}"
        # Only the standard library: what the event loop made for a new
        # connection (its transport, streams and socket).
        site = f"{frames[0].filename}:{frames[0].lineno}" if frames else "?"
        return "connection", site


def _source(site: str) -> str:
    filename, _, line = site.rpartition(":")
    text = linecache.getline(filename, int(line)).strip() if line.isdigit() else ""
    short = site
    for prefix in (os.path.join(ROOT, ""), *sysconfig.get_paths().values()):
        if filename.startswith(prefix):
            short = site[len(os.path.join(prefix, "")) :]
            break
    return f"{short} {text[:70]}".rstrip()


def _kept_html(app: Quart) -> int | None:
    """Bytes of every joined page's kept renders, counted exactly (None: the
    page no longer keeps them where this looks)."""
    live = app.extensions.get("livecomp")
    total = 0
    try:
        for session in list(getattr(live, "sessions", ())):
            page = session.page
            if page is not None:
                # Not m.html, which would wake a resting render.
                total += sum(
                    sys.getsizeof(m.kept) + (0 if m.packed is None else sys.getsizeof(m.packed))
                    for m in page._mounted.values()
                )
    except AttributeError:
        return None
    return total


class MemoryTracer:
    """The server side: a marked snapshot, then the split since the mark."""

    def __init__(self, app: Quart) -> None:
        self.app = app
        self.classifier = Classifier()
        self._mark: tracemalloc.Snapshot | None = None
        self._at_mark: dict[str, float] = {}

    def _readings(self) -> dict[str, float]:
        cache = livecomp_diff.TREE_CACHE
        html = _kept_html(self.app)
        live = self.app.extensions.get("livecomp")
        return {
            "overhead": tracemalloc.get_tracemalloc_memory(),
            "cache_size": cache.size,
            "cache_trees": len(cache),
            "kept_html": -1 if html is None else html,
            "sessions": len(getattr(live, "sessions", ())),
        }

    def _snapshot(self) -> tracemalloc.Snapshot:
        gc.collect()
        # The snapshots themselves are the measurement's, not the pages'.
        ours = tracemalloc.Filter(False, tracemalloc.__file__, all_frames=True)
        return tracemalloc.take_snapshot().filter_traces([ours])

    def mark(self) -> None:
        self._mark = None
        self._mark = self._snapshot()
        self._at_mark = self._readings()

    def split(self) -> dict[str, Any]:
        if self._mark is None:
            raise RuntimeError("mark first")
        now = self._snapshot()
        readings = self._readings()
        categories: Counter[str] = Counter()
        sites: Counter[tuple[str, str]] = Counter()
        for stat in now.compare_to(self._mark, "traceback"):
            category, site = self.classifier.classify(list(reversed(stat.traceback)))
            categories[category] += stat.size_diff
            sites[(category, site)] += stat.size_diff
        delta = {k: readings[k] - self._at_mark[k] for k in readings}
        if readings["kept_html"] < 0 or self._at_mark["kept_html"] < 0:
            delta["kept_html"] = -1
        top = [[category, _source(site), size] for (category, site), size in sites.most_common(60)]
        return {
            "categories": {c: categories.get(c, 0) for c in CATEGORIES},
            "readings": delta,
            "sites": top,
        }


def add_memory_routes(app: Quart) -> None:
    """``MEMORY_ROUTE``/mark and /split on ``app`` (tracemalloc must be tracing)."""
    tracer = MemoryTracer(app)

    async def mark() -> Response:
        tracer.mark()
        return Response("marked", content_type="text/plain")

    async def split() -> Response:
        return Response(json.dumps(tracer.split()), content_type="application/json")

    app.add_url_rule(f"{MEMORY_ROUTE}/mark", "bench_memory_mark", mark)
    app.add_url_rule(f"{MEMORY_ROUTE}/split", "bench_memory_split", split)


def start_tracing() -> bool:
    """Start tracemalloc if ``TRACE_ENV`` asks for it; whether it did."""
    frames = int(os.environ.get(TRACE_ENV, "0") or 0)
    if frames > 0:
        tracemalloc.start(frames)
    return frames > 0


# --- the bench side ---------------------------------------------------------


@dataclass(frozen=True)
class TreeMemory:
    """What one parsed render in the parse cache costs, measured by RSS."""

    trees: int
    rss_bytes: int  # RSS growth while they were cached
    estimate_bytes: int  # what TreeCache counted for them

    @property
    def kib_per_tree(self) -> float:
        return self.rss_bytes / self.trees / 1024 if self.trees else float("nan")

    @property
    def estimate_kib_per_tree(self) -> float:
        return self.estimate_bytes / self.trees / 1024 if self.trees else float("nan")


@dataclass(frozen=True)
class MemorySplit:
    """The memory of ``pages`` idle joined pages, by category."""

    scenario: str
    pages: int
    frames: int
    categories: dict[str, int]  # traced bytes still alive, over all pages
    overhead: int  # tracemalloc's own growth
    rss_before: int
    rss_after: int
    cache_bytes: int  # TreeCache's estimate of what the pages added to it
    cache_trees: int
    kept_html: int | None  # exact bytes of the kept renders, if readable
    sites: list[tuple[str, str, int]] = field(default_factory=list)
    tree: TreeMemory | None = None

    def kib(self, size: float) -> float:
        return size / self.pages / 1024

    @property
    def traced(self) -> int:
        return sum(self.categories.values())

    @property
    def rss_growth(self) -> int:
        return self.rss_after - self.rss_before


async def measure_memory_split(
    scenario: Scenario,
    *,
    pages: int,
    warm_pages: int,
    frames: int = 6,
    tree_count: int = 0,
) -> MemorySplit:
    """Open ``pages`` idle pages of ``scenario`` on a fresh tracing server and
    split their memory; with ``tree_count``, measure a cached tree too (in
    its own process, at the same time)."""
    tree_task = asyncio.create_task(measure_tree(scenario, tree_count)) if tree_count else None
    try:
        with ServerProcess(env={TRACE_ENV: str(frames)}) as server:
            warm = await open_pages(server.base, scenario.route, warm_pages)
            try:
                await asyncio.sleep(SETTLE)
                await http_get(server.base, f"{MEMORY_ROUTE}/mark")
                before = server.probe.rss()
                idle = await open_pages(server.base, scenario.route, pages)
                try:
                    await asyncio.sleep(SETTLE)
                    after = server.probe.rss()
                    data = json.loads(await http_get(server.base, f"{MEMORY_ROUTE}/split"))
                finally:
                    await close_all(idle)
            finally:
                await close_all(warm)
        tree = await tree_task if tree_task else None
    finally:
        if tree_task is not None and not tree_task.done():
            tree_task.cancel()
    readings = data["readings"]
    sessions = int(readings["sessions"])
    if sessions != pages:
        raise RuntimeError(f"{pages} pages opened, but the server counts {sessions} more sessions")
    kept = int(readings["kept_html"])
    return MemorySplit(
        scenario=scenario.name,
        pages=pages,
        frames=frames,
        categories={str(k): int(v) for k, v in data["categories"].items()},
        overhead=int(readings["overhead"]),
        rss_before=before,
        rss_after=after,
        cache_bytes=int(readings["cache_size"]),
        cache_trees=int(readings["cache_trees"]),
        kept_html=None if kept < 0 else kept,
        sites=[(str(c), str(s), int(n)) for c, s, n in data["sites"]],
        tree=tree,
    )


async def measure_tree(scenario: Scenario, count: int) -> TreeMemory:
    """``tree_memory`` in a fresh process, whose heap has no freed memory to reuse."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [
        sys.executable,
        "-m",
        "bench.memsplit",
        "--trees",
        scenario.name,
        "--count",
        str(count),
    ]
    child = await asyncio.create_subprocess_exec(
        *command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(child.communicate(), 300)
    finally:
        if child.returncode is None:  # cancelled or timed out: stop our child
            child.kill()
            await child.wait()
    if child.returncode != 0:
        raise RuntimeError(f"bench.memsplit --trees failed: {err.decode()[-2000:]}")
    data = json.loads(out.decode().strip().splitlines()[-1])
    return TreeMemory(int(data["trees"]), int(data["rss_bytes"]), int(data["estimate_bytes"]))


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def tree_memory(scenario: Scenario, count: int) -> TreeMemory:
    """RSS growth per tree the parse cache keeps: ``count`` pages of
    ``scenario`` take one event each, whose diff leaves the new render's tree
    cached. The cache is keyed by HTML and would share equal renders' trees:
    each page numbers its components from its own base, so no two pages
    render the same HTML."""
    cache = livecomp_diff.TREE_CACHE
    limit = cache.limit
    cache.limit = 1 << 40  # keep every tree: their memory is what is measured
    try:
        pages = []
        for j in range(count + 1):
            page = LivePage(scenario.component, PageContext(connected=True))
            if hasattr(page, "_next_id"):
                page._next_id = j * 100_000
            html = await page.mount()
            pages.append((page, scenario.targets(html)))
        # One event first, so one-off allocations (Lexbor's, Jinja's) are in
        # the baseline; then only the trees the events leave cached grow it.
        # Its tree stays cached: freed, its memory would be reused by the
        # next trees, which would then seem to take none.
        await _event(scenario, *pages[0], 0)
        gc.collect()
        before, size_before, trees_before = _rss(), cache.size, len(cache)
        for i, (page, targets) in enumerate(pages[1:], start=1):
            await _event(scenario, page, targets, i)
        gc.collect()
        after = _rss()
        return TreeMemory(len(cache) - trees_before, after - before, cache.size - size_before)
    finally:
        cache.clear()
        cache.limit = limit


async def _event(scenario: Scenario, page: LivePage, targets: list[str], i: int) -> None:
    # Without a learned shape (livecomp.shapes), the diff parses the new
    # render and caches the tree this measures: each page's first change
    # would otherwise take its class's shape and cache nothing.
    for mounted in page._mounted.values():
        mounted.book.clear()
    cid = scenario.event_cid(i, page.root_cid, targets)
    await page.dispatch(cid, scenario.event, scenario.value(i))
    await page.flush()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memsplit")
    parser.add_argument("--trees", required=True, help="scenario whose cached tree to measure")
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()
    tree = asyncio.run(tree_memory(by_name(args.trees), args.count))
    print(
        json.dumps(
            {
                "trees": tree.trees,
                "rss_bytes": tree.rss_bytes,
                "estimate_bytes": tree.estimate_bytes,
            }
        )
    )


if __name__ == "__main__":
    main()
