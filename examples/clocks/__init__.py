"""World clocks: the main demo.

A form validated on every keystroke adds clock components at run time; each
clock ticks on its own server-side timer, aligned to the second, and removes
itself through its parent. Only the ticking clock re-renders on a tick, and
the patch is one text op. The page's shell and styles are a template file,
templates/clocks_page.html.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache

from pydantic import BaseModel, field_validator
from quart import Quart

from livecomp import Component, Form, LiveApp, on, on_message


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name this machine's tz database knows."""
    return frozenset(zoneinfo.available_timezones())


def local_time(zone: str) -> str:
    """The time now in ``zone``, as HH:MM:SS."""
    return datetime.now(zoneinfo.ZoneInfo(zone)).strftime("%H:%M:%S")


class NewClock(BaseModel):
    zone: str

    @field_validator("zone")
    @classmethod
    def zone_exists(cls, zone: str) -> str:
        zone = zone.strip()
        if zone not in known_zones():
            shown = zone if len(zone) <= 40 else zone[:40] + "…"
            raise ValueError(f"Timezone {shown} does not exist")
        return zone


class ClockState(BaseModel):
    zone: str
    time: str = ""


class Clock(Component[ClockState]):
    template = (
        '<li class="clock"><span class="zone">{{ state.zone }}</span> '
        "<time>{{ state.time }}</time> "
        '<button live-click="remove" aria-label="Remove {{ state.zone }}">Remove</button></li>'
    )

    async def mount(self) -> None:
        self.state.time = local_time(self.state.zone)
        if self.connected:
            self.every(1.0, "tick", align=True)

    @on_message("tick")
    async def tick(self) -> None:
        self.state.time = local_time(self.state.zone)

    @on("remove")
    async def remove(self) -> None:
        self.send_parent("remove_clock", self.key)


class ClocksState(BaseModel):
    zone: str = ""
    error: str = ""
    valid: bool = False
    clocks: dict[str, str] = {}
    next_key: int = 1


class WorldClocks(Component[ClocksState]):
    template = """
<main>
  <h1>World Clocks</h1>
  <p class="hint">Try Europe/London or America/New_York</p>
  <form live-change="validate" live-submit="add">
    <input type="text" name="zone" value="{{ state.zone }}" placeholder="Timezone"
           aria-label="Timezone" autocomplete="off">
    <button type="submit" live-disable-with="Adding..."
            {%- if not state.valid %} disabled{% endif %}>Add clock</button>
    <span class="error">{{ state.error }}</span>
  </form>
  <ul class="clocks">
    {%- for key, zone in state.clocks.items() %}{{ live(Clock, id=key, zone=zone) }}{% endfor -%}
  </ul>
</main>"""

    @on("validate")
    async def validate(self, form: Form[NewClock]) -> None:
        self.state.zone = form.field("zone")
        # Clearing the field is not an error; it just leaves nothing to add.
        blank = not self.state.zone.strip()
        self.state.error = "" if blank else form.errors.get("zone", "")
        self.state.valid = form.valid

    @on("add")
    async def add(self, form: Form[NewClock]) -> None:
        await self.validate(form)
        if form.value is None:
            return
        key = f"clock{self.state.next_key}"
        self.state.next_key += 1
        self.state.clocks[key] = form.value.zone
        self.state.zone = ""
        self.state.valid = False
        self.show_count()

    @on_message("remove_clock")
    async def remove_clock(self, key: str) -> None:
        self.state.clocks.pop(key, None)
        self.show_count()

    def show_count(self) -> None:
        """Put the number of clocks in the page's title (the browser's tab)."""
        count = len(self.state.clocks)
        self.set_title(f"World Clocks ({count})" if count else "World Clocks")


def create_app() -> Quart:
    """The Quart app serving the world clocks at ``/``."""
    app = Quart(__name__)
    # The page shell (its styles) is templates/clocks_page.html, which extends
    # livecomp's own; Quart finds it in this package's templates folder.
    LiveApp(app, shell="clocks_page.html").page("/", WorldClocks, title="World Clocks")
    return app
