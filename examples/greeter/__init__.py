"""Two greeters on one page: one component class, two instances, separate state."""

from __future__ import annotations

from pydantic import BaseModel
from quart import Quart

from livecomp import Component, LiveApp, on


class Greeting(BaseModel):
    name: str = "World"


class Greeter(Component[Greeting]):
    template = """
      <div class="greeter">
        <h2>Hello, {{ state.name }}!</h2>
        <button live-click="greet" live-value-name="World">World</button>
        <button live-click="greet" live-value-name="Alice">Alice</button>
        <button live-click="greet" live-value-name="Bob">Bob</button>
      </div>"""

    @on("greet")
    async def greet(self, name: str) -> None:
        self.state.name = name


class Empty(BaseModel):
    pass


class GreeterPage(Component[Empty]):
    template = """
      <main>
        <h1>Greeters</h1>
        {{ live(Greeter, id="left") }}
        {{ live(Greeter, id="right", name="Livecomp") }}
      </main>"""


def create_app() -> Quart:
    """The Quart app serving the greeter page at ``/``."""
    app = Quart(__name__)
    LiveApp(app).page("/", GreeterPage, title="Greeter")
    return app
