"""A live chart: the server pushes samples every second, a client hook draws them.

The component keeps the last ``WINDOW`` samples in its state and renders only
their summary; every second a timer takes a sample and ``push_event`` sends
the window to the page's hooks. The ``Chart`` hook (plain JavaScript in the
page head, found at ``window.Hooks``) draws it into an SVG polyline, and
draws again when a patch or a reconnect rewrote the SVG.
"""

from __future__ import annotations

import math
import random

from pydantic import BaseModel
from quart import Quart

from livecomp import Component, LiveApp, on, on_message

#: How many samples the chart shows.
WINDOW = 30

#: The hook, passed to the page's <head>: trusted markup written here.
HEAD = """<style>
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; }
.chart svg { width: 100%; height: auto; border: 1px solid #ccc; color: #1565c0; }
</style>
<script>
window.Hooks = {
  Chart: {
    mounted() {
      this.values = [];
      this.handleEvent("samples", ({ values }) => {
        this.values = values;
        this.draw();
      });
    },
    // A patch or a rejoin may have rewritten the SVG: draw the last samples again.
    updated() { this.draw(); },
    reconnected() { this.draw(); },
    draw() {
      const width = 300, height = 100, step = width / (WINDOW - 1);
      const points = this.values
        .map((value, i) => `${(i * step).toFixed(1)},${(height - value).toFixed(1)}`)
        .join(" ");
      let line = this.el.querySelector("polyline");
      if (!line) {
        line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
        line.setAttribute("fill", "none");
        line.setAttribute("stroke", "currentColor");
        line.setAttribute("stroke-width", "2");
        this.el.append(line);
      }
      line.setAttribute("points", points);
    },
  },
};
</script>""".replace("WINDOW", str(WINDOW))


class Series(BaseModel):
    values: list[float] = []
    taken: int = 0


class LoadChart(Component[Series]):
    template = """
      <div class="chart">
        <svg live-hook="Chart" viewBox="0 0 300 100" role="img" aria-label="load"></svg>
        <p>Samples: {{ state.taken }}
          {%- if state.values %}, latest {{ state.values[-1] }}{% endif %}</p>
        <button live-click="reset">Reset</button>
      </div>"""

    async def mount(self) -> None:
        if self.connected:
            self._random = random.Random()
            self.every(1.0, "sample")
            # Sent after the join render: the hook is mounted by then.
            self.sample_now()

    def sample_now(self) -> None:
        """Take one sample (a wave with noise, 0 to 100) and push the window."""
        wave = 50 + 35 * math.sin(self.state.taken / 3)
        value = round(min(100.0, max(0.0, wave + self._random.uniform(-10, 10))), 1)
        self.state.values = [*self.state.values, value][-WINDOW:]
        self.state.taken += 1
        self.push_event("samples", {"values": self.state.values})

    @on_message("sample")
    async def sample(self) -> None:
        self.sample_now()

    @on("reset")
    async def reset(self) -> None:
        self.state.values = []
        self.state.taken = 0
        self.push_event("samples", {"values": []})


def create_app() -> Quart:
    """The Quart app serving the chart at ``/``."""
    app = Quart(__name__)
    LiveApp(app).page("/", LoadChart, title="Load chart", head=HEAD)
    return app
