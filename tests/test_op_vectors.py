"""The shared op vectors (tests/vectors/*.json) against the Python DOM.

The key idea: one set of hand-written vectors pins down the patch op contract
of docs/protocol.md, and both appliers must pass every one of them:
``livecomp.patching.apply_patches`` here, the browser client's ``applyPatches`` in
tests/e2e/test_op_vectors_chromium.py. When the two disagree, a vector shows
exactly where.

Each file holds a list of vectors, each one of::

    {"name": str, "before": html, "ops": [wire op, ...], "after": html}
    {"name": str, "before": html, "ops": [wire op, ...], "mismatch": true}

"before" and "after" are one component root element each, parsed in the
context ``livecomp.html.root_context`` gives the root of "before" (a ``<tr>``
in a ``<tbody>``, a ``<circle>`` in an ``<svg>``); "after" is the tree the ops
must leave. A mismatch vector's ops must fail with ``PatchMismatch``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from livecomp.dom import nodes_equal, parse_root
from livecomp.html import root_context
from livecomp.ops import op_from_json
from livecomp.patching import PatchMismatch, apply_patches

VECTORS = Path(__file__).resolve().parent / "vectors"
OP_KINDS = {"text", "attrs", "insert", "remove", "move", "replace", "upsert", "stream"}


def load_vectors() -> list[tuple[str, dict[str, Any]]]:
    """Every vector as ``("file: name", vector)``, in file order."""
    vectors: list[tuple[str, dict[str, Any]]] = []
    for file in sorted(VECTORS.glob("*.json")):
        for vector in json.loads(file.read_text(encoding="utf-8")):
            vectors.append((f"{file.stem}: {vector.get('name')}", vector))
    return vectors


ALL = load_vectors()


def test_vector_files_exist_and_names_are_unique() -> None:
    assert len(ALL) >= 100, f"expected the vectors in {VECTORS}, found {len(ALL)}"
    names = [name for name, _ in ALL]
    repeated = sorted({name for name in names if names.count(name) > 1})
    assert not repeated, f"rename these repeated vectors: {repeated}"


@pytest.mark.parametrize(("name", "vector"), ALL, ids=[name for name, _ in ALL])
def test_vector_is_well_formed(name: str, vector: dict[str, Any]) -> None:
    outcome = {"mismatch"} if "mismatch" in vector else {"after"}
    assert set(vector) == {"name", "before", "ops"} | outcome, (
        f"{name}: a vector has exactly name, before, ops and either after or mismatch: true"
    )
    assert vector.get("mismatch", True) is True, f"{name}: write mismatch as true or leave it out"
    assert isinstance(vector["ops"], list) and vector["ops"], (
        f"{name}: ops must be a non-empty list"
    )
    for op in vector["ops"]:
        op_from_json(op)  # raises OpError, naming the op, when it is not a wire op
    before = parse_root(vector["before"])
    if "after" in vector:
        # The browser runner parses "after" where "before" stood.
        after = parse_root(vector["after"])
        assert root_context(after.tag) == root_context(before.tag), (
            f"{name}: <{after.tag}> cannot stand where <{before.tag}> stood; "
            "after must be parsed in the context of before"
        )


@pytest.mark.parametrize(("name", "vector"), ALL, ids=[name for name, _ in ALL])
def test_python_dom_applies_the_vector(name: str, vector: dict[str, Any]) -> None:
    root = parse_root(vector["before"])
    ops = [op_from_json(op) for op in vector["ops"]]
    if vector.get("mismatch"):
        with pytest.raises(PatchMismatch):
            apply_patches(root, ops)
        return
    apply_patches(root, ops)
    want = parse_root(vector["after"])
    assert nodes_equal(root, want), f"{name}: got {root.outer_html()!r}, want {want.outer_html()!r}"


def test_vectors_apply_and_refuse_every_op_kind() -> None:
    applied = {op[0] for _, v in ALL if "after" in v for op in v["ops"]}
    # The op that fails is the last of a mismatch vector.
    refused = {v["ops"][-1][0] for _, v in ALL if v.get("mismatch")}
    assert applied == OP_KINDS, f"add vectors applying {sorted(OP_KINDS - applied)}"
    assert refused == OP_KINDS, f"add mismatch vectors for {sorted(OP_KINDS - refused)}"


def test_vectors_cover_every_root_context() -> None:
    contexts = {root_context(parse_root(v["before"]).tag) for _, v in ALL}
    wanted = {
        ("div", "html"),
        ("tbody", "html"),
        ("tr", "html"),
        ("table", "html"),
        ("colgroup", "html"),
        ("select", "html"),
        ("svg", "svg"),
    }
    assert wanted <= contexts, f"add vectors whose root stands in {sorted(wanted - contexts)}"


def test_vectors_cover_templates_and_newline_eaters() -> None:
    html = " ".join(v["before"] + json.dumps(v["ops"]) for _, v in ALL)
    for needle in ("<template>", "<pre>\\n\\n", "<textarea>\\n\\n", "<foreignObject>"):
        assert needle in html, f"add a vector carrying {needle!r}"
