"""A thermostat: one component, three buttons, a value bound from the markup.

The first example of jfyne/live, written with livecomp.
"""

from __future__ import annotations

from pydantic import BaseModel
from quart import Quart

from livecomp import Component, LiveApp, on


class Thermo(BaseModel):
    celsius: float = 19.5


class Thermostat(Component[Thermo]):
    template = """
      <div class="thermostat">
        <p>{{ "%.1f"|format(state.celsius) }} °C</p>
        <button live-click="down">-</button>
        <button live-click="up">+</button>
        <button live-click="set" live-value-celsius="21">21 °C</button>
      </div>"""

    @on("up")
    async def up(self) -> None:
        self.state.celsius = round(self.state.celsius + 0.1, 1)

    @on("down")
    async def down(self) -> None:
        self.state.celsius = round(self.state.celsius - 0.1, 1)

    @on("set")
    async def set(self, celsius: float) -> None:
        self.state.celsius = celsius


def create_app() -> Quart:
    """The Quart app serving the thermostat at ``/``."""
    app = Quart(__name__)
    LiveApp(app).page("/", Thermostat, title="Thermostat")
    return app
