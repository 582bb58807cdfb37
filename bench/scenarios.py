"""The benchmark scenarios: which component, which route, which event.

Two pages bracket livecomp's costs:

- ``thermostat``: the README's example, a tiny render where fixed per-event
  overhead (binding, Jinja, diff setup, JSON, the socket) dominates.
- ``table-1000``: a 1,000-row, 4-column table whose event changes a single
  cell. It checks the design claim that cost follows the size of the change:
  the server still re-renders the whole template, but the diff and the wire
  frame should stay small.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

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


@dataclass(frozen=True)
class Scenario:
    """One row of the benchmark table.

    ``value(i)`` is the payload of the ``i``-th event, as the browser would
    send it (``live-value-*`` attributes are strings).
    """

    name: str
    component: type[Component[Any]]
    route: str
    event: str
    value: Callable[[int], dict[str, Any]]


def _no_value(i: int) -> dict[str, Any]:
    return {}


def _row_value(i: int) -> dict[str, Any]:
    # A stride coprime with the row count visits every row, spread out, so
    # no two consecutive events touch the same region of the table.
    return {"row": str(i * 389 % TABLE_ROWS)}


THERMOSTAT = Scenario("thermostat", Thermostat, "/thermostat", "up", _no_value)
TABLE = Scenario("table-1000", Table, "/table", "bump", _row_value)
SCENARIOS: tuple[Scenario, ...] = (THERMOSTAT, TABLE)


def by_name(name: str) -> Scenario:
    """The scenario called ``name``."""
    for scenario in SCENARIOS:
        if scenario.name == name:
            return scenario
    raise KeyError(f"no scenario {name!r}; known: {[s.name for s in SCENARIOS]}")
