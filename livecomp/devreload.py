"""Dev reload of template files: open pages show an edited template at once.

With ``run(app, reload=True)`` the worker polls, every half second, the
files of the template files its app has loaded. When one changed, the
compiled templates are dropped (the next render reads the files again) and
every open page re-renders all its components; the patches go out as
those of any other turn, so the browser shows the change without a reload.
Development only: it re-renders every page, whatever template changed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from livecomp.page import LivePage
from livecomp.template import use_templates

if TYPE_CHECKING:
    from livecomp.actor import PageActor
    from livecomp.server import LiveApp

__all__ = ["rerender_pages", "watch_templates"]

log = logging.getLogger("livecomp.devreload")


async def watch_templates(live: LiveApp, interval: float = 0.5) -> None:
    """Re-render the open pages of ``live`` whenever a loaded template file changes."""
    # Tasks started from here (a page's mailman) render with the app's templates.
    with use_templates(live.templates):
        while True:
            await asyncio.sleep(interval)
            if changed_files(live):
                await rerender_pages(live)


def changed_files(live: LiveApp) -> list[str]:
    """The loaded template files changed on disk since they were compiled.

    Drops the compiled templates when one did, so the next render reads them again.
    """
    cache = live.templates.environment.cache
    if cache is None:
        return []
    changed = [
        template.filename or template.name or "?"
        for template in list(cache.values())
        if not template.is_up_to_date
    ]
    if changed:
        log.info("template files changed: %s", ", ".join(changed))
        cache.clear()
    return changed


async def rerender_pages(live: LiveApp) -> None:
    """Render every component of every open page again and send the patches.

    Each page's re-render is a turn of its own: it waits for the turn in
    progress (an event whose handler is still running) to end, so no page
    renders an event half-handled.
    """
    with use_templates(live.templates):
        for session in list(live.sessions):
            actor = session.actor
            if actor is not None and actor.page is not None:
                await actor.run(_rerender, actor)


async def _rerender(page: LivePage, actor: PageActor) -> None:
    for component in page.components():
        page.mark_dirty(component.cid)
    await actor.flush()
