"""livecomp: real-time, server-rendered web UIs from typed Python components.

A page is a tree of ``Component[StateT]`` instances. Each keeps its state on
the server as a pydantic model, renders HTML, and handles browser events
routed to it by ``@on``. When state changes, only the changed components
re-render; their HTML is diffed and the small patches stream to the browser
over a websocket.

Example:
    ```python
    from pydantic import BaseModel
    from quart import Quart
    from livecomp import Component, LiveApp, on, run

    class Count(BaseModel):
        n: int = 0

    class Counter(Component[Count]):
        template = '<button live-click="inc">{{ state.n }}</button>'

        @on("inc")
        async def inc(self) -> None:
            self.state.n += 1

    app = Quart(__name__)
    LiveApp(app).page("/", Counter)
    run(app)
    ```
"""

from __future__ import annotations

from livecomp.auth import Unauthorized
from livecomp.commands import JS, js
from livecomp.component import Component, PageContext
from livecomp.events import HandlerDefinitionError, on, on_message
from livecomp.failures import Failure
from livecomp.forms import Form
from livecomp.navigation import InvalidParams, UnsafeURL, check_url, on_params
from livecomp.page import RenderError
from livecomp.protocol import CloseCode, ErrorCode
from livecomp.pubsub import Broker, LocalBroker, Subscription
from livecomp.request import RequestInfo
from livecomp.server import LiveApp
from livecomp.serving import run, serve
from livecomp.telemetry import JsonLogFormatter, Telemetry, TelemetryHooks
from livecomp.template import Markup, TemplateFileNotFound, escape, raw

__all__ = [
    "JS",
    "Broker",
    "CloseCode",
    "Component",
    "ErrorCode",
    "Failure",
    "Form",
    "HandlerDefinitionError",
    "InvalidParams",
    "JsonLogFormatter",
    "LiveApp",
    "LocalBroker",
    "Markup",
    "PageContext",
    "RenderError",
    "RequestInfo",
    "Subscription",
    "Telemetry",
    "TelemetryHooks",
    "TemplateFileNotFound",
    "Unauthorized",
    "UnsafeURL",
    "check_url",
    "escape",
    "js",
    "on",
    "on_message",
    "on_params",
    "raw",
    "run",
    "serve",
]
