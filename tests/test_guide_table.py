"""docs/guide.md's attribute table names every ``live-*`` name of livecomp/names.py.

Issue 7: the guide has a table of every attribute with a one-line example.
The key idea: the names come from livecomp/names.py, the one place the
server and the client take them from, so a binding, class or event added
there and forgotten in the guide fails here. A name counts when it is in
backticks in the first cell of a row of the table under "## Bindings" whose
example cell is not empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from livecomp import names

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide.md"
HEADER = "| attribute | example | what it does |"
# A live-* attribute or class, or a live:* DOM event.
LIVE_NAME = re.compile(r"^live[-:]")


def cells(row: str) -> list[str]:
    """The cells of a Markdown table row; a `|` inside backticks stays in its cell."""
    parts = re.split(r"\|(?=(?:[^`]*`[^`]*`)*[^`]*$)", row.strip().strip("|"))
    return [part.strip() for part in parts]


def table_rows() -> list[list[str]]:
    """The rows of the attribute table (header and separator left out)."""
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    section = lines.index("## Bindings")
    start = lines.index(HEADER, section)
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(cells(line))
    return rows


def documented() -> dict[str, list[str]]:
    """Each backticked name in a first cell, with its row."""
    found: dict[str, list[str]] = {}
    for row in table_rows():
        for name in re.findall(r"`([^`]+)`", row[0]):
            found[name] = row
    return found


def live_names() -> Iterator[tuple[str, str]]:
    """(constant, name) for every ``live-*`` or ``live:*`` string names.py holds,
    alone or in a mapping or tuple of them (BINDINGS, KEY_ATTRS)."""
    for constant, value in vars(names).items():
        if not constant.isupper():
            continue
        if isinstance(value, Mapping):
            items = list(value.values())
        elif isinstance(value, tuple | list | frozenset):
            items = list(value)
        else:
            items = [value]
        for item in items:
            if isinstance(item, str) and LIVE_NAME.match(item):
                yield constant, item


def test_the_table_has_rows_of_three_cells_each_with_an_example() -> None:
    rows = table_rows()
    assert len(rows) > 30
    for row in rows:
        assert len(row) == 3, f"not attribute | example | what it does: {row}"
        assert row[1].startswith("`") and row[2], f"a row without its one-line example: {row}"


def test_every_live_name_of_names_py_has_a_row() -> None:
    table = documented()
    seen = list(live_names())
    # The scan must see what names.py is known to hold.
    assert {("CID", names.CID), ("PAGE", names.PAGE), ("ERROR_EVENT", names.ERROR_EVENT)} <= set(
        seen
    )
    assert ("BINDINGS", names.BINDINGS["click"]) in seen
    missing = sorted(
        f"{constant} ({name})"
        for constant, name in seen
        if name not in table and not (constant == "VALUE_PREFIX" and f"{name}NAME" in table)
    )
    assert not missing, f"docs/guide.md's attribute table (under ## Bindings) lacks: {missing}"


def test_the_prefix_and_suffix_names_have_their_rows() -> None:
    table = documented()
    assert f"{names.VALUE_PREFIX}NAME" in table
    assert f"live-BINDING{names.LOADING_SUFFIX}" in table


def test_the_live_update_row_names_every_value() -> None:
    row = documented()[names.UPDATE]
    for value in ("replace", *names.KEPT_UPDATES):
        assert f"`{value}`" in row[2], f"the {names.UPDATE} row does not name `{value}`"
