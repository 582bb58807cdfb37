"""Dev reload of template files against a page that is handling an event:
the reload waits for the event's turn, so no render shows half an event."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from pydantic import BaseModel
from quart import Quart

from livecomp import Component, LiveApp, on
from livecomp.devreload import changed_files, rerender_pages
from livecomp.protocol import Patch
from livecomp.testing import LiveTestClient


class Pair(BaseModel):
    a: int = 0
    b: int = 0


class Slow(Component[Pair]):
    template_file = "pair.html"

    @on("both")
    async def both(self) -> None:
        self.state.a += 1
        await asyncio.sleep(0.3)  # the template is edited and reloaded meanwhile
        self.state.b += 1


def make_app(folder: Path) -> tuple[Quart, LiveApp]:
    (folder / "templates").mkdir()
    (folder / "templates" / "pair.html").write_text("<p>{{ state.a }}-{{ state.b }}</p>")
    app = Quart(__name__, root_path=str(folder))
    live = LiveApp(app, secret_key="reload")
    live.page("/", Slow)
    return app, live


def shown(client: LiveTestClient) -> str:
    """Everything the client was sent in patches, as one text."""
    return " ".join(
        str(field) for m in client.received if isinstance(m, Patch) for op in m.ops for field in op
    )


async def test_a_template_reload_during_an_event_waits_for_it(tmp_path: Path) -> None:
    app, live = make_app(tmp_path)
    async with LiveTestClient(app) as client:
        assert client.text("p") == "0-0"
        event = asyncio.create_task(client.send_event("both"))
        await asyncio.sleep(0.1)  # the handler is between its two changes
        edited = tmp_path / "templates" / "pair.html"
        edited.write_text("<p>{{ state.a }}/{{ state.b }}</p>")
        later = time.time() + 10
        os.utime(edited, (later, later))
        assert changed_files(live) == [str(edited)]
        await rerender_pages(live)  # queued behind the event's turn
        reply = await event
        assert reply.error is None
        await client.settle()
        assert client.text("p") == "1/1"
        # The reload waited for the event: no patch ever showed a=1 with b=0.
        assert "1-0" not in shown(client) and "1/0" not in shown(client)
        assert shown(client)
