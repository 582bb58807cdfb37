"""Errors: a page whose parts fail on purpose, and that keeps working.

What a user sees when app code raises, and what the operator finds:

- "Break the handler" runs a handler that raises. The server logs the
  traceback with an error id; the browser gets an ``err`` carrying the same
  id, worded by the app's error handler (``@live.error_handler``), and a
  small script in the page shows it as a toast (the ``live:error`` event).
- "Break the gauge" makes a component's render raise. Its panel is an
  error boundary (``fallback_template``): the panel shows its fallback with
  the error id, and everything outside it stays live. "Retry" renders the
  panel's own template again.
- ``/broken`` is a page whose ``mount`` raises on the first render: the
  app's error handler answers with its own 500 page, with the error id.

The counter goes on counting through all of it.
"""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from pydantic import BaseModel
from quart import Quart

from livecomp import Component, Failure, LiveApp, on

#: The page's <head>: trusted markup written here. The toast script listens
#: for every ``err`` the socket receives (``live:error`` on ``document``).
HEAD = """<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; }
.panel { border: 1px solid #888; padding: .5rem 1rem; margin: 1rem 0; }
.panel.failed { border-color: #b00020; }
#toasts { position: fixed; right: 1rem; bottom: 1rem; }
.toast { background: #b00020; color: white; padding: .5rem 1rem; margin-top: .5rem; }
</style>
<script>
document.addEventListener("live:error", (event) => {
  const err = event.detail;
  if (err.code !== "handler_error") return;
  const toast = document.createElement("div");
  toast.className = "toast";
  toast.setAttribute("role", "alert");
  toast.dataset.errorId = err.error_id || "";
  toast.textContent = err.reason;
  document.getElementById("toasts").append(toast);
  setTimeout(() => toast.remove(), 10000);
});
</script>"""


class GaugeState(BaseModel):
    broken: bool = False
    reading: int = 42


class Gauge(Component[GaugeState]):
    template = """<p class="gauge">Reading: <b>{{ component.reading() }}</b>
<button live-click="break">Break the gauge</button></p>"""

    def reading(self) -> int:
        if self.state.broken:
            raise ValueError("the gauge's sensor returned nothing")
        return self.state.reading

    @on("break")
    async def break_gauge(self) -> None:
        self.state.broken = True


class PanelState(BaseModel):
    retries: int = 0


class GaugePanel(Component[PanelState]):
    template = """<section class="panel"><h2>Gauge</h2>{{ live(Gauge, id="gauge") }}</section>"""
    # An error boundary: a failed render in here shows this, not a broken page.
    fallback_template = """<section class="panel failed"><h2>Gauge</h2>
<p class="fallback">The gauge failed to render (error <code class="error-id">{{
failure.error_id }}</code>).</p>
<button live-click="retry">Retry</button></section>"""

    @on("retry")
    async def retry(self) -> None:
        self.state.retries += 1


class Tally(BaseModel):
    clicks: int = 0


class ErrorDemo(Component[Tally]):
    template = """<main>
<h1>Errors</h1>
<p><button live-click="count">Count</button> <span class="clicks">{{ state.clicks }}</span></p>
<p><button live-click="explode">Break the handler</button></p>
{{ live(GaugePanel, id="panel") }}
<div id="toasts" live-update="ignore" aria-live="assertive"></div>
</main>"""

    @on("count")
    async def count(self) -> None:
        self.state.clicks += 1

    @on("explode")
    async def explode(self) -> None:
        raise RuntimeError("the payment service is down")


class Broken(Component[Tally]):
    template = "<main>never shown</main>"

    async def mount(self) -> None:
        raise ConnectionError("the database is unreachable")


async def answer_failure(failure: Failure) -> Any:
    """What a failure shows: on the socket, the toast's words; on a first
    render, a 500 page of the app's own. Both name the error id, never the
    exception."""
    if failure.on_socket:
        return f"Something went wrong. Quote error {failure.error_id} if you report it."
    page = (
        "<!doctype html><title>Something went wrong</title>"
        "<h1>Something went wrong</h1>"
        f'<p>Quote error <code class="error-id">{escape(failure.error_id)}</code>'
        " if you report it.</p>"
    )
    return page, 500


def create_app() -> Quart:
    """The error example's app: ``/`` and ``/broken``."""
    app = Quart(__name__)
    live = LiveApp(app)
    live.page("/", ErrorDemo, title="Errors", head=HEAD)
    live.page("/broken", Broken, title="Broken")
    live.error_handler(answer_failure)
    return app
