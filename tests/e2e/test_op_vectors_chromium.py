"""The shared op vectors (tests/vectors/*.json) against the real client bundle.

The key idea: the vectors that tests/test_op_vectors.py runs through the
Python DOM run here through ``window.livecomp.applyPatches`` of
livecomp/js/dist/live.js in Chromium, so the server's model of the DOM and the
browser's cannot drift apart unnoticed. "before" is parsed inside a host
element of its root's context (``livecomp.html.root_context``), the ops are
applied to its root, and the host must then equal a host holding "after"
(``isEqualNode``, template contents included); a mismatch vector must throw
``window.livecomp.PatchMismatch``. All vectors run in one ``page.evaluate``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from livecomp.dom import parse_root
from livecomp.html import root_context
from tests.e2e.harness import bundle_page

TESTS = Path(__file__).resolve().parents[1]
VECTORS = TESTS / "vectors"

RUN_ALL = """
(vectors) => {
  const NS = { svg: "http://www.w3.org/2000/svg", math: "http://www.w3.org/1998/Math/MathML" };
  // The HTML elements from a <div> down to a context element.
  const CHAINS = {
    div: ["div"],
    table: ["table"],
    tbody: ["table", "tbody"],
    tr: ["table", "tbody", "tr"],
    colgroup: ["table", "colgroup"],
    select: ["select"],
  };
  // An element of the context kind, inside a throwaway box in the document.
  function host(context, namespace) {
    const box = document.createElement("div");
    document.body.append(box);
    if (namespace !== "html") {
      const element = document.createElementNS(NS[namespace], context);
      box.append(element);
      return [box, element];
    }
    const chain = CHAINS[context];
    if (!chain) throw new Error(`no host for context <${context}>: add it to CHAINS`);
    let element = box;
    for (const tag of chain) element = element.appendChild(document.createElement(tag));
    return [box, element];
  }
  // isEqualNode never looks inside a <template>: its content is a separate
  // fragment, not its children. Equal trees hold templates at the same places.
  function templatesIn(node) {
    return [...node.querySelectorAll("template")].filter((t) => t instanceof HTMLTemplateElement);
  }
  function same(a, b) {
    if (!a.isEqualNode(b)) return false;
    const inA = templatesIn(a);
    const inB = templatesIn(b);
    return inA.length === inB.length && inA.every((t, i) => same(t.content, inB[i].content));
  }
  const show = (html) => JSON.stringify(html);
  const failures = [];
  let ran = 0;
  for (const v of vectors) {
    const [box, actual] = host(v.context, v.namespace);
    const [expectedBox, expected] = host(v.context, v.namespace);
    let problem = null;
    actual.innerHTML = v.before;
    if (actual.childNodes.length !== 1 || !actual.firstElementChild) {
      problem = `before parsed to ${actual.childNodes.length} nodes: ${show(actual.innerHTML)}`;
    } else {
      ran++;
      let thrown = null;
      try {
        window.livecomp.applyPatches(actual.firstElementChild, v.ops);
      } catch (error) {
        thrown = error;
      }
      if (v.mismatch) {
        if (thrown === null) problem = `no PatchMismatch; left ${show(actual.innerHTML)}`;
        else if (!(thrown instanceof window.livecomp.PatchMismatch)) {
          problem = `threw ${thrown.name}: ${thrown.message}, not PatchMismatch`;
        }
      } else if (thrown !== null) {
        problem = `threw ${thrown.name}: ${thrown.message}`;
      } else {
        expected.innerHTML = v.after;
        if (!same(actual, expected)) {
          problem = `got ${show(actual.innerHTML)}, want ${show(expected.innerHTML)}`;
          // Markup hides namespaces: setAttribute("xlink:href") is no xlink attribute.
          if (actual.innerHTML === expected.innerHTML) problem += " (namespaces differ)";
        }
      }
    }
    if (problem !== null) failures.push(`${v.id}: ${problem}`);
    box.remove();
    expectedBox.remove();
  }
  return { ran, failures };
}
"""


def load_vectors() -> list[dict[str, Any]]:
    """Every vector, with its id (``file: name``) and its root's parsing context."""
    vectors: list[dict[str, Any]] = []
    for file in sorted(VECTORS.glob("*.json")):
        for vector in json.loads(file.read_text(encoding="utf-8")):
            context, namespace = root_context(parse_root(vector["before"]).tag)
            vectors.append(
                {
                    **vector,
                    "id": f"{file.stem}: {vector['name']}",
                    "context": context,
                    "namespace": namespace,
                }
            )
    return vectors


@pytest.fixture(scope="module")
def client(chromium: Browser) -> Iterator[Page]:
    """A blank page with the client bundle loaded (no [live-page], so idle)."""
    page = bundle_page(chromium)
    yield page
    page.context.close()


def test_client_applies_every_vector_as_the_python_dom_does(client: Page) -> None:
    vectors = load_vectors()
    result = client.evaluate(RUN_ALL, vectors)
    failures: list[str] = result["failures"]
    assert not failures, f"{len(failures)} of {len(vectors)} vectors failed in Chromium:\n" + (
        "\n".join(failures)
    )
    assert result["ran"] == len(vectors)
