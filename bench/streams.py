"""A stream's page keeps flat memory however many items it has shown.

The key idea: a feed appends 100 items per event to a stream
(``livecomp.streams``) up to 100,000 items, in process, on one ``LivePage``
driven as the actor drives it (``dispatch``, then ``flush``; the patches are
encoded as the session would send them, then dropped). At 1k, 10k and 100k
items the bench reads what the page holds: its stored render, the parse
cache's trees, and the Python memory still allocated (tracemalloc, after a
collection) against the page just after it mounted. A page that kept its
items would grow by their HTML at least, ~7 MB at 100k.

Run it alone with ``python -m bench.streams`` (``--items N`` for a shorter
run), or as a section of ``python -m bench --streams``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
import tracemalloc
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import BaseModel

from bench.report import markdown_table, plain_table
from livecomp import Component, on
from livecomp.component import PageContext
from livecomp.diff import TREE_CACHE
from livecomp.page import LivePage
from livecomp.protocol import ServerMessage, encode

#: Items appended per event.
BATCH = 100
#: Where the memory is read.
CHECKPOINTS = (1_000, 10_000, 100_000)


class FeedState(BaseModel):
    """What the page keeps: a counter, never the items."""

    next: int = 0


class Feed(Component[FeedState]):
    """A feed whose ``more`` event appends ``BATCH`` items to its stream."""

    template = """<main>
  <h1>Feed, {{ state.next }} items</h1>
  <ol id="feed" live-update="stream">
    {%- for key, item in streams.feed %}
    <li live-id="{{ key }}"><b>{{ item.author }}</b> {{ item.text }}</li>
    {%- endfor %}
  </ol>
</main>"""

    async def mount(self) -> None:
        self.stream("feed", [])

    @on("more")
    async def more(self) -> None:
        start = self.state.next
        items = [
            {"id": n, "author": f"user{n % 97}", "text": f"message number {n}, some words"}
            for n in range(start, start + BATCH)
        ]
        self.stream("feed", items)
        self.state.next = start + BATCH


@dataclass(frozen=True)
class Reading:
    """What the page holds after ``items`` items."""

    items: int
    stored_html: int
    cached_trees: int
    traced_bytes: int
    wire_bytes: int
    ms_per_batch: float


@dataclass
class StreamReport:
    """The readings as a table of the bench's output."""

    readings: list[Reading] = field(default_factory=list)
    baseline: int = 0

    HEADERS: ClassVar[list[str]] = [
        "stream feed: items",
        "stored render B",
        "parse cache trees",
        "traced KiB (vs mounted)",
        "wire B/batch",
        "ms/batch",
    ]

    def _rows(self) -> list[list[str]]:
        return [
            [
                f"{r.items:,}",
                f"{r.stored_html:,}",
                f"{r.cached_trees}",
                f"{(r.traced_bytes - self.baseline) / 1024:+,.1f}",
                f"{r.wire_bytes:,}",
                f"{r.ms_per_batch:.2f}",
            ]
            for r in self.readings
        ]

    def _sections(self) -> list[tuple[str, list[str]]]:
        return [
            (
                "streams",
                [
                    f"{BATCH} items appended per event to one page's stream, in process; "
                    "traced: Python memory still allocated after a collection (tracemalloc), "
                    "against the page just after it mounted; the patches are encoded and dropped",
                ],
            )
        ]

    def plain(self) -> str:
        """The table in aligned columns."""
        return plain_table(self.HEADERS, self._rows(), self._sections())

    def markdown(self) -> str:
        """The table as markdown."""
        return markdown_table(self.HEADERS, self._rows(), self._sections())


async def measure_streams(total: int = CHECKPOINTS[-1]) -> StreamReport:
    """Append ``total`` items, ``BATCH`` per event; read the page at each checkpoint."""
    TREE_CACHE.clear()
    tracemalloc.start()
    try:
        page = LivePage(Feed, PageContext(connected=True))
        await page.mount()
        cid = page.root_cid
        gc.collect()
        report = StreamReport(baseline=tracemalloc.get_traced_memory()[0])
        wire = 0
        started = time.perf_counter()
        done = 0
        while done < total:
            await page.dispatch(cid, "more", {})
            patches = await page.flush()
            wire = len(encode(list[ServerMessage](patches)))
            done += BATCH
            if done in CHECKPOINTS or done == total:
                elapsed = time.perf_counter() - started
                gc.collect()
                report.readings.append(
                    Reading(
                        items=done,
                        stored_html=len(page.full_html(cid)),
                        cached_trees=len(TREE_CACHE),
                        traced_bytes=tracemalloc.get_traced_memory()[0],
                        wire_bytes=wire,
                        ms_per_batch=elapsed * 1e3 * BATCH / done,
                    )
                )
        await page.close()
        return report
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.streams", description=__doc__)
    parser.add_argument("--items", type=int, default=CHECKPOINTS[-1], help="items in all")
    parser.add_argument("--markdown", action="store_true", help="also print the markdown table")
    args = parser.parse_args()
    report = asyncio.run(measure_streams(args.items))
    print(report.plain())
    if args.markdown:
        print()
        print(report.markdown())


if __name__ == "__main__":
    main()
