"""A page that shows which worker process served it, for ``tests/test_workers.py``.

``python -m tests.workers_app`` serves it with two workers on ``$PORT``.
"""

from __future__ import annotations

import asyncio
import os

from pydantic import BaseModel, Field
from quart import Quart

from livecomp import Component, LiveApp, on, run


class Served(BaseModel):
    #: The process that mounted the page (the GET's worker, then the socket's).
    pid: int = Field(default_factory=os.getpid)
    clicks: int = 0
    #: The module of the event loop that mounted it (``run`` picks it).
    loop: str = Field(default_factory=lambda: type(asyncio.get_running_loop()).__module__)


class WhoServes(Component[Served]):
    template = (
        "<div><p>pid={{ state.pid }} clicks={{ state.clicks }} loop={{ state.loop }}</p>"
        '<button live-click="up">+</button></div>'
    )

    @on("up")
    async def up(self) -> None:
        self.state.pid = os.getpid()
        self.state.clicks += 1


def create_app() -> Quart:
    """The Quart app: ``WhoServes`` at ``/``."""
    app = Quart(__name__)
    LiveApp(app).page("/", WhoServes, title="Who serves")
    return app


if __name__ == "__main__":
    run("tests.workers_app:create_app()", workers=2)
