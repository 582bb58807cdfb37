"""The benchmark scenarios: which component, which route, which event.

Three pages bracket livecomp's costs:

- ``thermostat``: the README's example, a tiny render where fixed per-event
  overhead (binding, Jinja, diff setup, JSON, the socket) dominates.
- ``table-1000``: a 1,000-row, 4-column table written as one template loop,
  whose event changes a single cell. The server re-renders and diffs the
  whole table for it; the wire frame should still be small.
- ``table-1000-rows``: the same table with each row a child component
  (``live(TableRow, ...)`` inside the ``<tbody>``). The event goes to one
  row's component, so only that row re-renders: the design claim that cost
  follows the size of the change.

The clocks section (``bench.clocks``) serves ``ClockPage`` at
``CLOCKS_ROUTE``: ``/clocks?n=100`` is one page of 100 ticking clocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

# Clock is used by ClockPage's template only, which finds it in this module.
from examples.clocks import Clock  # noqa: F401
from examples.thermostat import Thermostat
from livecomp import Component, on

TABLE_ROWS = 1_000

_NAMES = ("alder", "birch", "cedar", "dogwood", "elm", "fir", "ginkgo", "hazel", "ivy", "juniper")


class Row(BaseModel):
    """One table row: a key, a name and two numbers."""

    id: int
    name: str
    count: int
    price: float


def _initial_rows() -> list[Row]:
    return [
        Row(
            id=i,
            name=f"{_NAMES[i % len(_NAMES)]}-{i:04d}",
            count=i % 7,
            price=round(1.25 + (i * 37 % 1000) / 8, 2),
        )
        for i in range(TABLE_ROWS)
    ]


class TableState(BaseModel):
    """The whole table: every row lives in the component's state."""

    rows: list[Row] = Field(default_factory=_initial_rows)


class Table(Component[TableState]):
    """A 1,000-row table written the way a user would, whitespace and all."""

    template = """
      <table class="inventory">
        <tbody>
        {% for row in state.rows %}
          <tr id="row-{{ row.id }}">
            <td>{{ row.id }}</td>
            <td>{{ row.name }}</td>
            <td>{{ row.count }}</td>
            <td>{{ "%.2f"|format(row.price) }}</td>
          </tr>
        {% endfor %}
        </tbody>
      </table>"""

    @on("bump")
    async def bump(self, row: int) -> None:
        self.state.rows[row].count += 1


class RowState(BaseModel):
    """One row component's own state (``row``, as ``id`` is ``live()``'s key)."""

    row: int
    name: str
    count: int
    price: float


class TableRow(Component[RowState]):
    """One ``<tr>`` of ``RowTable``, rendered from its own state."""

    template = """
          <tr id="row-{{ state.row }}">
            <td>{{ state.row }}</td>
            <td>{{ state.name }}</td>
            <td>{{ state.count }}</td>
            <td>{{ "%.2f"|format(state.price) }}</td>
          </tr>"""

    @on("bump")
    async def bump(self) -> None:
        self.state.count += 1


class RowTable(Component[TableState]):
    """``Table`` again, each row a ``TableRow`` child keyed by the row's id."""

    template = """
      <table class="inventory">
        <tbody>
        {% for row in state.rows %}
          {{ live(TableRow, id=row.id, row=row.id, name=row.name, count=row.count,
                  price=row.price) }}
        {% endfor %}
        </tbody>
      </table>"""


@dataclass(frozen=True)
class Scenario:
    """One row of the benchmark table.

    ``value(i)`` is the payload of the ``i``-th event, as the browser would
    send it (``live-value-*`` attributes are strings). Events go to the root
    component, unless ``target_tag`` is set: then the ``i``-th event goes to
    child number ``target(i)`` among the elements with that tag carrying a
    ``live-cid`` in the joined page's HTML, which is how a browser finds the
    component an event belongs to.
    """

    name: str
    component: type[Component[Any]]
    route: str
    event: str
    value: Callable[[int], dict[str, Any]]
    target_tag: str | None = None
    target: Callable[[int], int] | None = None

    def targets(self, html: str) -> list[str]:
        """The component ids events may go to, in page order (none: the root)."""
        return child_cids(html, self.target_tag) if self.target_tag else []

    def event_cid(self, i: int, root: str, targets: Sequence[str]) -> str:
        """The component id the ``i``-th event goes to."""
        if self.target is None:
            return root
        return targets[self.target(i) % len(targets)]


def child_cids(html: str, tag: str) -> list[str]:
    """The ``live-cid`` of every ``<tag>`` element in ``html``, in document order."""
    pattern = re.compile(rf'<{re.escape(tag)}\b[^>]*?\slive-cid="([^"]+)"', re.IGNORECASE)
    return pattern.findall(html)


def _no_value(i: int) -> dict[str, Any]:
    return {}


def _spread(i: int) -> int:
    # A stride coprime with the row count visits every row, spread out, so
    # no two consecutive events touch the same region of the table.
    return i * 389 % TABLE_ROWS


def _row_value(i: int) -> dict[str, Any]:
    return {"row": str(_spread(i))}


THERMOSTAT = Scenario("thermostat", Thermostat, "/thermostat", "up", _no_value)
TABLE = Scenario("table-1000", Table, "/table", "bump", _row_value)
TABLE_ROWS_SCENARIO = Scenario(
    "table-1000-rows", RowTable, "/table-rows", "bump", _no_value, target_tag="tr", target=_spread
)
SCENARIOS: tuple[Scenario, ...] = (THERMOSTAT, TABLE, TABLE_ROWS_SCENARIO)


def by_name(name: str) -> Scenario:
    """The scenario called ``name``."""
    for scenario in SCENARIOS:
        if scenario.name == name:
            return scenario
    raise KeyError(f"no scenario {name!r}; known: {[s.name for s in SCENARIOS]}")


# --- clocks ------------------------------------------------------------------

CLOCKS_ROUTE = "/clocks"
#: The most clocks one page will show, whatever ``?n=`` asks for.
MAX_CLOCKS = 1_000


class ClockPageState(BaseModel):
    """How many clocks the page shows, and in which zone."""

    n: int = 1
    zone: str = "UTC"


class ClockPage(Component[ClockPageState]):
    """``n`` clocks of the world-clocks demo (``?n=`` in the URL), all in UTC.

    Each ``Clock`` ticks on its own aligned one-second timer, as in the demo.
    UTC makes the ``HH:MM:SS`` a tick shows name a wall-clock second
    directly, so a client can tell how late the tick arrived.
    """

    template = (
        '<ul class="clocks">'
        "{% for i in range(state.n) %}{{ live(Clock, id=i, zone=state.zone) }}{% endfor %}"
        "</ul>"
    )

    async def mount(self) -> None:
        try:
            n = int(self.params.get("n", "1"))
        except ValueError:
            n = 1
        self.state.n = max(1, min(MAX_CLOCKS, n))
