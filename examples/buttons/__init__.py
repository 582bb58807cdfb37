"""Buttons: a counter with buttons and keys, and every other element binding.

jfyne/live's buttons example, written with livecomp, and then some:

- the counter steps with its ``-``/``+`` buttons (``live-click``) and with
  ArrowDown/ArrowUp anywhere on the page (``live-window-keydown`` with
  ``live-key``); Shift+Arrow steps by ten, read from the key event's
  ``shift`` field;
- a field says "editing" while it has focus (``live-focus``/``live-blur``);
- a box lists what the mouse last did on it: pressed, released, opened the
  context menu (``live-mousedown``, ``live-mouseup``, ``live-contextmenu``);
- a search runs once the typing pauses (``live-debounce="300"``), or at
  once on Enter; the page counts the searches the server ran.
"""

from __future__ import annotations

from pydantic import BaseModel
from quart import Quart

from livecomp import Component, LiveApp, on

STYLE = """<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; }
.count { font-size: 3rem; font-variant-numeric: tabular-nums; margin: .5rem 0; }
.box { border: 2px dashed #888; padding: 1.5rem; user-select: none; margin: 1rem 0; }
.box.live-mousedown-loading, button.live-click-loading { opacity: .6; }
</style>"""

FRUIT = (
    "apple",
    "apricot",
    "banana",
    "blackberry",
    "blueberry",
    "cherry",
    "coconut",
    "fig",
    "grape",
    "kiwi",
    "lemon",
    "lime",
    "mango",
    "melon",
    "orange",
    "peach",
    "pear",
    "plum",
    "raspberry",
    "strawberry",
)


class Board(BaseModel):
    count: int = 0
    field: str = "idle"
    #: What the mouse did on the box, latest last (a right click is pressed, menu, released).
    box: list[str] = []
    query: str = ""
    results: list[str] = []
    searches: int = 0


class Buttons(Component[Board]):
    template = """
<main class="buttons">
  <h1>Buttons</h1>
  <section class="counter">
    <p class="count">{{ state.count }}</p>
    <button live-click="step" live-window-keydown="step" live-key="ArrowDown"
            live-value-by="-1">-</button>
    <button live-click="step" live-window-keydown="step" live-key="ArrowUp"
            live-value-by="1">+</button>
    <p class="hint">ArrowUp / ArrowDown anywhere; with Shift, by ten.</p>
  </section>
  <section>
    <label>Nickname <input name="nickname" live-focus="editing" live-blur="idle"></label>
    <span class="field-state">{{ state.field }}</span>
  </section>
  <div class="box" live-mousedown="pressed" live-mouseup="released"
       live-contextmenu="menu">{{ state.box[-3:]|join(", ") or "untouched" }}</div>
  <form class="search" live-change="search" live-submit="search">
    <input type="search" name="q" value="{{ state.query }}" aria-label="Search fruit"
           placeholder="Search fruit" live-debounce="300" autocomplete="off">
  </form>
  <p class="searches">{{ state.searches }} searches</p>
  <ul class="results">
    {%- for fruit in state.results %}<li>{{ fruit }}</li>{% endfor -%}
  </ul>
</main>"""

    @on("step")
    async def step(self, by: int, shift: bool = False) -> None:
        # A click carries only live-value-by; a key event adds the key's fields.
        self.state.count += by * (10 if shift else 1)

    @on("editing")
    async def editing(self) -> None:
        self.state.field = "editing"

    @on("idle")
    async def idle(self) -> None:
        self.state.field = "idle"

    @on("pressed")
    async def pressed(self) -> None:
        self.state.box = [*self.state.box[-2:], "pressed"]

    @on("released")
    async def released(self) -> None:
        self.state.box = [*self.state.box[-2:], "released"]

    @on("menu")
    async def menu(self) -> None:
        self.state.box = [*self.state.box[-2:], "menu"]

    @on("search")
    async def search(self, q: str) -> None:
        self.state.query = q
        needle = q.strip().lower()
        self.state.results = [fruit for fruit in FRUIT if needle and needle in fruit]
        self.state.searches += 1


def create_app() -> Quart:
    """The Quart app serving the buttons at ``/``."""
    app = Quart(__name__)
    LiveApp(app).page("/", Buttons, title="Buttons", head=STYLE)
    return app
