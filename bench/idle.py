"""Server memory per connected idle page, read from the server's RSS by PID.

A few warm-up pages are opened first and kept, so what the first
connection loads once (imports, caches, the deflate module) is in the
baseline; then ``pages`` more are opened and joined, and the RSS growth is
divided among them. Each run should use a fresh server process, so memory
freed by an earlier run cannot be reused and hide the cost.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bench.client import close_all, open_pages
from bench.process import Probe
from bench.scenarios import Scenario

WARM_PAGES = 20
#: Seconds for the server to finish the joins, and for the pages to rest
#: (``SessionConfig.rest_after`` is 1 s, checked once a second), before
#: memory is read: what an idle page costs is a resting page's.
SETTLE = 2.5


@dataclass(frozen=True)
class IdleMemory:
    """The RSS growth of the server for ``pages`` joined idle pages."""

    pages: int
    warm_pages: int
    compression: str | None
    rss_before: int
    rss_after: int
    #: The server's ``Sec-WebSocket-Extensions`` answer (None: none negotiated).
    extensions: str | None

    @property
    def kib_per_page(self) -> float:
        return (self.rss_after - self.rss_before) / self.pages / 1024


async def measure_idle(
    base: str,
    scenario: Scenario,
    server: Probe,
    *,
    pages: int,
    compression: str | None,
    warm_pages: int = WARM_PAGES,
) -> IdleMemory:
    """Open ``pages`` idle pages of ``scenario`` and measure the server's RSS growth."""
    warm = await open_pages(base, scenario.route, warm_pages, compression=compression)
    try:
        await asyncio.sleep(SETTLE)
        before = server.rss()
        idle = await open_pages(base, scenario.route, pages, compression=compression)
        try:
            await asyncio.sleep(SETTLE)
            after = server.rss()
        finally:
            await close_all(idle)
    finally:
        await close_all(warm)
    return IdleMemory(
        pages=pages,
        warm_pages=warm_pages,
        compression=compression,
        rss_before=before,
        rss_after=after,
        extensions=warm[0].extensions if warm else None,
    )
