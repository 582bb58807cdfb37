"""Micro-benchmark: ``diff`` against the template render it follows.

The key idea: a diff is worth it only if it costs about as much as the render
that produced its input. A Jinja2 template renders a 1,000-row, 4-column
table; each scenario changes it in one way and reports the median time of
``diff(old, new)`` (and of ``Differ.diff(new)``, which reuses the parse of
``old``) next to the median time of ``template.render()`` alone.

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

from jinja2 import Environment

from livecomp.diff import Differ, diff

ROWS = 1000
REPEAT = 101
TARGET = 2.0  # diff time at most this many render times, for one changed cell

TEMPLATE = Environment(autoescape=True).from_string(
    """<table live-cid="c0" class="{{ css }}"><tbody>
{% for row in rows %}<tr id="r{{ row.id }}"><td>{{ row.id }}</td><td>{{ row.name }}</td>\
<td>{{ row.email }}</td><td>{{ row.score }}</td></tr>
{% endfor %}</tbody></table>"""
)


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    email: str
    score: int


def render(rows: list[Row], css: str = "grid") -> str:
    return TEMPLATE.render(rows=rows, css=css)


@dataclass
class Timing:
    """Median milliseconds of the render and of the two ways to diff it."""

    render: float
    diff: float
    differ: float


def measure(rows: list[Row], css: str, old: str, new: str) -> Timing:
    # The three jobs run alternately, so that all of them see the same load.
    times: dict[str, list[float]] = {"render": [], "diff": [], "differ": []}
    for _ in range(REPEAT):
        differ = Differ(old)
        differ.diff(old + " ")  # same tree, other string: the old parse is now held
        jobs: dict[str, Callable[[], object]] = {
            "render": partial(render, rows, css),
            "diff": partial(diff, old, new),
            "differ": partial(differ.diff, new),
        }
        for name, job in jobs.items():
            start = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    return Timing(**medians)


def scenarios(rows: list[Row]) -> dict[str, tuple[list[Row], str]]:
    changed = list(rows)
    changed[ROWS // 2] = replace(changed[ROWS // 2], name="changed")
    fresh = Row(-1, "new", "new@example.com", 0)
    swapped = list(rows)
    swapped[10], swapped[900] = swapped[900], swapped[10]
    shuffled = list(rows)
    random.Random(1).shuffle(shuffled)
    return {
        "one changed cell": (changed, "grid"),
        "row inserted at top": ([fresh, *rows], "grid"),
        "row removed": (rows[:300] + rows[301:], "grid"),
        "two rows swapped": (swapped, "grid"),
        "10 rows appended": (rows + [replace(fresh, id=ROWS + n) for n in range(10)], "grid"),
        "root class changed": (rows, "grid wide"),
        "rows reversed": (rows[::-1], "grid"),
        "rows shuffled": (shuffled, "grid"),
    }


def main() -> None:
    rows = [Row(n, f"name {n}", f"user{n}@example.com", n * 7 % 100) for n in range(ROWS)]
    old = render(rows)
    print(f"{ROWS}-row table, {len(old):,} bytes of HTML, medians of {REPEAT} runs")
    print("diff: the pure function; Differ: keeps the parse of the last render\n")
    print(
        f"{'scenario':20} {'render':>7} {'diff':>6} {'ratio':>6} {'Differ':>7} {'ratio':>6} "
        f"{'ops':>5} {'bytes':>7}  op kinds"
    )
    ratios = {}
    for name, (new_rows, css) in scenarios(rows).items():
        new = render(new_rows, css)
        ops = diff(old, new)
        timing = measure(new_rows, css, old, new)
        ratios[name] = timing.diff / timing.render
        kinds = ",".join(sorted({op[0] for op in ops}))
        size = len(json.dumps(ops, separators=(",", ":")))
        print(
            f"{name:20} {timing.render:7.2f} {timing.diff:6.2f} {ratios[name]:5.2f}x "
            f"{timing.differ:7.2f} {timing.differ / timing.render:5.2f}x "
            f"{len(ops):5} {size:7,}  {kinds}"
        )
    verdict = "met" if ratios["one changed cell"] <= TARGET else "MISSED"
    print(f"\ntimes in ms; target: one changed cell, diff <= {TARGET}x render: {verdict}")


if __name__ == "__main__":
    main()
