"""Micro-benchmark: ``diff`` against the template render it follows.

The key idea: a diff is worth it only if it costs about as much as the render
that produced its input. A Jinja2 template renders a 1,000-row, 4-column
table; each scenario changes it in one way and reports the median time of
``diff(old, new)`` two ways: ``cold``, parsing both renders, and ``cached``,
with the parse of ``old`` in the tree cache, as a page finds it when the
diff before parsed it. Both are set against ``template.render()`` alone.
The last scenario writes the table indented, as users do, so whitespace
text surrounds every row and the ``<tbody>``.

Usage, from the repository root::

    .venv/bin/python -m bench.bench_diff
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from jinja2 import Environment, Template

from livecomp.diff import TreeCache, diff

ROWS = 1000
REPEAT = 101
TARGET = 2.0  # cached diff time at most this many render times, for one changed cell

_ENV = Environment(autoescape=True)
TEMPLATE = _ENV.from_string(
    """<table live-cid="c0" class="{{ css }}"><tbody>
{% for row in rows %}<tr id="r{{ row.id }}"><td>{{ row.id }}</td><td>{{ row.name }}</td>\
<td>{{ row.email }}</td><td>{{ row.score }}</td></tr>
{% endfor %}</tbody></table>"""
)
INDENTED = _ENV.from_string(
    """
      <table live-cid="c0" class="{{ css }}">
        <tbody>
        {% for row in rows %}
          <tr id="r{{ row.id }}">
            <td>{{ row.id }}</td>
            <td>{{ row.name }}</td>
            <td>{{ row.email }}</td>
            <td>{{ row.score }}</td>
          </tr>
        {% endfor %}
        </tbody>
      </table>"""
)


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    email: str
    score: int


def render(rows: list[Row], css: str = "grid", template: Template = TEMPLATE) -> str:
    return template.render(rows=rows, css=css)


@dataclass
class Timing:
    """Median milliseconds of the render and of the two ways to diff it."""

    render: float
    cold: float
    cached: float


def cached_diff(old: str, new: str) -> Callable[[], object]:
    """``diff(old, new)`` with ``old`` parsed (and its rows read) beforehand."""
    cache = TreeCache()
    diff(old + " ", old, cache=cache)  # the same tree: the diff reads it all
    return partial(diff, old, new, cache=cache)


def measure(rows: list[Row], css: str, template: Template, old: str, new: str) -> Timing:
    # The three jobs run alternately, so that all of them see the same load.
    times: dict[str, list[float]] = {"render": [], "cold": [], "cached": []}
    for _ in range(REPEAT):
        jobs: dict[str, Callable[[], object]] = {
            "render": partial(render, rows, css, template),
            "cold": partial(diff, old, new, cache=None),
            "cached": cached_diff(old, new),
        }
        for name, job in jobs.items():
            start = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    return Timing(**medians)


Scenario = tuple[list[Row], str, Template]


def scenarios(rows: list[Row]) -> dict[str, Scenario]:
    changed = list(rows)
    changed[ROWS // 2] = replace(changed[ROWS // 2], name="changed")
    fresh = Row(-1, "new", "new@example.com", 0)
    swapped = list(rows)
    swapped[10], swapped[900] = swapped[900], swapped[10]
    shuffled = list(rows)
    random.Random(1).shuffle(shuffled)
    return {
        "one changed cell": (changed, "grid", TEMPLATE),
        "row inserted at top": ([fresh, *rows], "grid", TEMPLATE),
        "row removed": (rows[:300] + rows[301:], "grid", TEMPLATE),
        "two rows swapped": (swapped, "grid", TEMPLATE),
        "10 rows appended": (
            rows + [replace(fresh, id=ROWS + n) for n in range(10)],
            "grid",
            TEMPLATE,
        ),
        "root class changed": (rows, "grid wide", TEMPLATE),
        "rows reversed": (rows[::-1], "grid", TEMPLATE),
        "rows shuffled": (shuffled, "grid", TEMPLATE),
        "indented, one cell": (changed, "grid", INDENTED),
    }


def main() -> None:
    rows = [Row(n, f"name {n}", f"user{n}@example.com", n * 7 % 100) for n in range(ROWS)]
    size = len(render(rows))
    print(f"{ROWS}-row table, {size:,} bytes of HTML, medians of {REPEAT} runs")
    print("cold: diff parses both renders; cached: the parse of the old render is cached\n")
    print(
        f"{'scenario':20} {'render':>7} {'cold':>6} {'ratio':>6} {'cached':>7} {'ratio':>6} "
        f"{'ops':>5} {'bytes':>7}  op kinds"
    )
    ratios = {}
    for name, (new_rows, css, template) in scenarios(rows).items():
        old = render(rows, "grid", template)
        new = render(new_rows, css, template)
        ops = diff(old, new, cache=None)
        timing = measure(new_rows, css, template, old, new)
        ratios[name] = timing.cached / timing.render
        kinds = ",".join(sorted({op[0] for op in ops}))
        size = len(json.dumps(ops, separators=(",", ":")))
        print(
            f"{name:20} {timing.render:7.2f} {timing.cold:6.2f} "
            f"{timing.cold / timing.render:5.2f}x {timing.cached:7.2f} {ratios[name]:5.2f}x "
            f"{len(ops):5} {size:7,}  {kinds}"
        )
    verdict = "met" if ratios["one changed cell"] <= TARGET else "MISSED"
    print(f"\ntimes in ms; target: one changed cell, cached diff <= {TARGET}x render: {verdict}")


if __name__ == "__main__":
    main()
