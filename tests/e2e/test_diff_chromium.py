"""The diff property in real Chromium, through the real client bundle.

For every pair ``(a, b)``: Chromium parses ``a`` in its context, the client's
``applyPatches`` applies ``diff(a, b)``, and the result must equal (by
``isEqualNode``, template contents included) what Chromium parses from ``b``.
The pairs come from the same generator as the Python property test, driven by
a seeded ``random.Random``, plus hand-picked cases; all of them run in one
``page.evaluate`` call.

Pairs with ``live-update`` containers (the generator's ``containers``) have
the client's render as their ground truth: the DOM of ``a`` patched with
``diff(a, b)`` must equal the DOM of ``a`` after a ``replace`` of the root
by ``b`` (the morph of a render), and both must equal what the Python DOM
predicts (``livecomp.patching.morph``).
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from playwright.sync_api import Browser, Page

from livecomp.diff import diff
from livecomp.dom import parse_root, root_context
from livecomp.patching import morph
from tests.e2e.harness import bundle_page

TESTS = Path(__file__).resolve().parents[1]
RANDOM_PAIRS = 500
OWNED_PAIRS = 400
SEED = 20240601

# Pairs that exercise the parsing corners a browser and Lexbor must agree on.
HAND_PICKED = [
    ("<div><pre>\n\nx</pre></div>", "<div><p>a</p><pre>\n\nx</pre><pre>\ny</pre></div>"),
    ("<div><textarea></textarea></div>", "<div><textarea>\nb &amp; <i></textarea></div>"),
    ("<div><!-- a --></div>", "<div><!--  b  --><!----></div>"),
    ("<div><template><b>a</b></template></div>", "<div><template><i>b</i></template></div>"),
    (
        "<div><section><template><b>a</b></template></section></div>",
        "<div><section><template><b>a</b>!</template></section></div>",
    ),
    ("<ul><li live-id=a>a</li><li live-id=b>b</li></ul>", "<ul><li live-id=b>b</li></ul>"),
    ("<tr><td>1</td></tr>", "<tr>\n<td>1</td>\n<td>2</td>\n</tr>"),
    ("<td>a</td>", '<td colspan="2">b<table><tbody><tr><td>x</td></tr></tbody></table></td>'),
    ("<option>a</option>", '<option value="x" selected>b &amp; c</option>'),
    ("<div><script>a < b</script></div>", "<div><script>if (a && b) {}</script></div>"),
    ("<p>&lt;script&gt;</p>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;<b>&amp;</b></p>"),
    (
        "<svg><g></g></svg>",
        '<svg viewBox="0 0 1 1"><circle r="1"></circle><g><rect></rect></g></svg>',
    ),
    (
        "<svg><foreignObject></foreignObject></svg>",
        "<svg><foreignObject><p>x</p></foreignObject></svg>",
    ),
    ('<circle r="1"></circle>', '<circle r="2" cx="1"></circle>'),
    (
        '<svg><g><use></use><rect width="1"></rect></g><text>t</text></svg>',
        '<svg><g><use xlink:href="#a"></use><rect width="1"></rect></g><text>t</text></svg>',
    ),
    ("<ul><li>a</li></ul>", "<ol><li>a</li></ol>"),
    ("<div>a<b>b</b>c</div>", "<div><b>b</b>x</div>"),
    ("<div>\xa0</div>", "<div>&nbsp;x&nbsp;<br></div>"),
]

APPLY_ALL = """
(cases) => {
  const SVG = "http://www.w3.org/2000/svg";
  const CHAINS = {
    tbody: ["table", "tbody"],
    tr: ["table", "tbody", "tr"],
    table: ["table"],
    colgroup: ["table", "colgroup"],
    select: ["select"],
    div: ["div"],
  };
  // An element of the context kind, inside a throwaway box in the document.
  function host(context, namespace) {
    const box = document.createElement("div");
    document.body.append(box);
    if (namespace === "svg") {
      const svg = document.createElementNS(SVG, "svg");
      box.append(svg);
      return [box, svg];
    }
    let element = box;
    for (const tag of CHAINS[context]) {
      const child = document.createElement(tag);
      element.append(child);
      element = child;
    }
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
  const failures = [];
  let mismatches = 0;
  for (const c of cases) {
    const [box, actual] = host(c.context, c.namespace);
    const [expectedBox, expected] = host(c.context, c.namespace);
    actual.innerHTML = c.a;
    expected.innerHTML = c.b;
    let error = null;
    try {
      if (actual.childNodes.length !== 1) throw new Error("a did not parse to one node");
      window.livecomp.applyPatches(actual.firstChild, c.ops);
    } catch (e) {
      error = `${e.name}: ${e.message}`;
      if (e.name === "PatchMismatch") mismatches++;
    }
    if (error !== null || !same(actual, expected)) {
      failures.push({
        index: c.index, a: c.a, b: c.b, ops: c.ops, error,
        got: actual.innerHTML, want: expected.innerHTML,
      });
    }
    box.remove();
    expectedBox.remove();
  }
  return { failures: failures.slice(0, 3), failed: failures.length, mismatches,
           resyncs: window.livecomp.resyncs };
}
"""


@pytest.fixture
def client_page(browser: Browser) -> Iterator[Page]:
    """A blank page with the client bundle loaded (no [live-page], so idle)."""
    page = bundle_page(browser)
    yield page
    page.context.close()


def load_random_pair(
    name: str = "random_pair",
) -> Callable[[Callable[[int, int], int]], tuple[str, str]]:
    """A generator of the Python property test, loaded by file path because
    tests/ is not a package (a package import would confuse mypy)."""
    spec = importlib.util.spec_from_file_location("diff_trees", TESTS / "test_diff_properties.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return cast(Callable[[Callable[[int, int], int]], tuple[str, str]], getattr(module, name))


def pairs() -> list[tuple[str, str]]:
    random_pair = load_random_pair()
    rng = random.Random(SEED)
    return HAND_PICKED + [random_pair(rng.randint) for _ in range(RANDOM_PAIRS)]


def case(index: int, old: str, new: str, *, fallback: bool) -> dict[str, Any]:
    context, namespace = root_context(parse_root(old).tag)
    return {
        "index": index,
        "a": old,
        "b": new,
        "ops": diff(old, new, fallback=fallback),
        "context": context,
        "namespace": namespace,
    }


def run_cases(page: Page, fallback: bool) -> None:
    cases = [case(i, a, b, fallback=fallback) for i, (a, b) in enumerate(pairs())]
    assert sum(1 for c in cases if c["ops"]) >= 200
    result = page.evaluate(APPLY_ALL, cases)
    assert result["mismatches"] == 0, result["failures"]
    assert result["failed"] == 0, result["failures"]
    assert result["resyncs"] == 0


def test_client_turns_dom_of_a_into_dom_of_b_with_fine_grained_ops(client_page: Page) -> None:
    run_cases(client_page, fallback=False)


def test_client_turns_dom_of_a_into_dom_of_b_with_size_fallback(client_page: Page) -> None:
    run_cases(client_page, fallback=True)


APPLY_OWNED = """
(cases) => {
  const SVG = "http://www.w3.org/2000/svg";
  const CHAINS = {
    tbody: ["table", "tbody"],
    tr: ["table", "tbody", "tr"],
    table: ["table"],
    select: ["select"],
    div: ["div"],
  };
  function host(context, namespace, html) {
    const box = document.createElement("div");
    document.body.append(box);
    let element = box;
    if (namespace === "svg") {
      element = box.appendChild(document.createElementNS(SVG, "svg"));
    } else {
      for (const tag of CHAINS[context]) element = element.appendChild(document.createElement(tag));
    }
    element.innerHTML = html;
    return [box, element];
  }
  const failures = [];
  let failed = 0;
  for (const c of cases) {
    const [patchedBox, patched] = host(c.context, c.namespace, c.a);
    const [renderedBox, rendered] = host(c.context, c.namespace, c.a);
    const [expectedBox, expected] = host(c.context, c.namespace, c.expected);
    let error = null;
    try {
      window.livecomp.applyPatches(patched.firstChild, c.ops);
      window.livecomp.applyPatches(rendered.firstChild, [["replace", [], c.tag, c.b]]);
    } catch (e) {
      error = `${e.name}: ${e.message}`;
    }
    if (error !== null || !patched.isEqualNode(expected) || !rendered.isEqualNode(expected)) {
      failed++;
      if (failures.length < 3) {
        failures.push({ a: c.a, b: c.b, ops: c.ops, error, patched: patched.innerHTML,
                        rendered: rendered.innerHTML, want: expected.innerHTML });
      }
    }
    for (const box of [patchedBox, renderedBox, expectedBox]) box.remove();
  }
  return { failed, failures, resyncs: window.livecomp.resyncs };
}
"""


def owned_case(old: str, new: str, *, fallback: bool) -> dict[str, Any]:
    dom = parse_root(old)
    context, namespace = root_context(dom.tag)
    morph(dom, parse_root(new))
    return {
        "a": old,
        "b": new,
        "tag": parse_root(old).tag.lower(),
        "ops": diff(old, new, fallback=fallback),
        "expected": dom.outer_html(),
        "context": context,
        "namespace": namespace,
    }


@pytest.mark.parametrize("fallback", [False, True], ids=["fine-grained", "size-fallback"])
def test_client_patches_live_update_containers_as_it_renders_them(
    client_page: Page, fallback: bool
) -> None:
    random_owned_pair = load_random_pair("random_owned_pair")
    rng = random.Random(SEED)
    cases = [
        owned_case(*random_owned_pair(rng.randint), fallback=fallback) for _ in range(OWNED_PAIRS)
    ]
    assert sum(1 for c in cases for op in c["ops"] if op[0] == "upsert") >= 25
    result = client_page.evaluate(APPLY_OWNED, cases)
    assert result["failed"] == 0, result["failures"]
    assert result["resyncs"] == 0
