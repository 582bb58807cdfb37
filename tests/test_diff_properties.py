"""Property: applying ``diff(a, b)`` to the DOM of ``a`` gives the DOM of ``b``.

Inputs are random component renders and random edits of them. The trees are
built from a small content model (flow, phrasing, lists, nested tables,
selects, text-only elements) so that every generated string parses the same
way in Lexbor and in a browser; the ground truth is always the parse of
``b``. The generator only asks its ``pick`` function for integers, so the
Chromium test drives the same generator from a seeded ``random.Random``.

With ``containers``, the generator also makes ``live-update`` containers
(``ignore``, ``append``, ``prepend``, keyed by a unique ``id``), edits their
items, and switches their mode. Their children belong to the client, so the
ground truth is then the client's render: ``livecomp.patching.morph`` of the DOM
of ``a`` into the parse of ``b``. Patching and rendering must leave the same
DOM, and no op may address a node inside such a container.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from livecomp.diff import TreeCache, diff
from livecomp.dom import Comment, Element, Node, Text, nodes_equal, parse_root, root_context
from livecomp.ops import InsertOp, MoveOp, Op, UpsertOp, op_from_json
from livecomp.patching import apply_patches, morph, update_mode
from tests.wire import wire

Pick = Callable[[int, int], int]
"""``pick(low, high)`` returns an integer in ``low..high`` (both included)."""

FLOW = "flow"  # block containers: div, section, li, td
PHRASING = "phrasing"  # p, span, b, pre
TEXT_ONLY = "text"  # option, textarea, script
EMPTY = "empty"  # SVG shapes
SVG = "svg"  # svg, g

MODELS = {
    "div": FLOW,
    "section": FLOW,
    "li": FLOW,
    "td": FLOW,
    "p": PHRASING,
    "span": PHRASING,
    "b": PHRASING,
    "pre": PHRASING,
    "ul": "ul",
    "table": "table",
    "tbody": "tbody",
    "tr": "tr",
    "select": "select",
    "option": TEXT_ONLY,
    "textarea": TEXT_ONLY,
    "script": TEXT_ONLY,
    "svg": SVG,
    "g": SVG,
    "circle": EMPTY,
    "rect": EMPTY,
    "foreignObject": FLOW,
}
# Containers whose text children must be whitespace (other text would be
# foster-parented out of tables, or would just be noise in lists).
WHITESPACE_ONLY = {"ul", "table", "tbody", "tr", "select", SVG}
ROOT_TAGS = ["div", "ul", "table", "tr", "td", "li", "p", "select", "option", "section", "svg", "g"]
WORDS = ["a", "hello", "x & y", "<b>", '"q"', "1 < 2 > 0", "\xa0", "é", "it's", "&amp;", "z"]
SPACES = [" ", "\n", "\n  ", "\t", "  "]
ATTR_VALUES = ["a", "b c", "x&y", '"q"', "<i>", "", "\xa0"]
ATTR_NAMES = ["class", "title", "data-n", "hidden"]
SVG_TAGS = {"svg", "g", "circle", "rect", "foreignObject"}
# Content models of the elements that may be live-update containers.
CONTAINER_MODELS = {FLOW, "ul", "tbody"}
MODES = ["ignore", "append", "prepend"]


class TreeGen:
    """Random component renders and edits, driven by ``pick``."""

    def __init__(self, pick: Pick, max_depth: int = 4, *, containers: bool = False) -> None:
        self.pick = pick
        self.max_depth = max_depth
        # Without containers no pick is spent on them, so the pairs stay
        # those the tests (and the Chromium test's seed) always had.
        self.containers = containers
        self.serial = 0
        self.cids: set[str] = set()  # child component ids in the current tree

    # -- choices --

    def chance(self, percent: int) -> bool:
        return self.pick(0, 99) < percent

    def choice(self, items: list[str]) -> str:
        return items[self.pick(0, len(items) - 1)]

    def fresh(self) -> str:
        self.serial += 1
        return str(self.serial)

    def text(self, model: str) -> str:
        if model in WHITESPACE_ONLY or self.chance(25):
            return self.choice(SPACES)
        parts = [self.choice(WORDS + SPACES) for _ in range(self.pick(1, 3))]
        return "".join(parts)

    def attrs(self) -> dict[str, str]:
        return {self.choice(ATTR_NAMES): self.choice(ATTR_VALUES) for _ in range(self.pick(0, 2))}

    # -- trees --

    def tree(self, like: Element | None = None) -> Element:
        """A random render; ``like`` limits the root to tags parsed in its context."""
        self.cids = set()
        tags = ROOT_TAGS
        if like is not None:
            tags = [t for t in ROOT_TAGS if root_context(t) == root_context(like.tag)]
        root = self.element(self.choice(tags), depth=0, key_attr=None)
        if self.chance(30):
            root.attrs["live-cid"] = "c0"  # the component's own id is diffed normally
        return root

    def element(self, tag: str, depth: int, key_attr: str | None) -> Element:
        namespace = "svg" if tag in SVG_TAGS else "html"
        element = Element(tag, self.attrs(), [], namespace)
        if key_attr is not None:
            # Mostly unique keys; now and then a duplicate, which must still work.
            element.attrs[key_attr] = "k" + (self.fresh() if self.chance(95) else "0")
        model = MODELS[tag]
        if model == EMPTY:
            return element
        if model == TEXT_ONLY:
            if self.chance(80):
                element.children.append(Text(self.text(model).replace("</", "< /")))
            return element
        owner = (
            self.containers
            and model in CONTAINER_MODELS
            and key_attr != "live-id"
            and self.chance(25)
        )
        if owner:
            self.own(element)
        child_key = self.choice(["id", "live-id"]) if owner or self.chance(40) else None
        # The root gets more children, so that lists are long enough to reorder.
        most = 8 if depth == 0 else 4 if depth < self.max_depth else 0
        for _ in range(self.pick(1 if depth == 0 else 0, most)):
            element.children.append(self.child(model, depth + 1, child_key))
        tidy(element)
        return element

    def own(self, element: Element) -> None:
        """Make ``element`` a live-update container, keyed by a unique id."""
        element.attrs["live-update"] = self.choice(MODES)
        element.attrs["id"] = "u" + self.fresh()

    def child(self, model: str, depth: int, key_attr: str | None) -> Node:
        """One random child that fits an element of content ``model``."""
        roll = self.pick(0, 99)
        if roll < 12:
            return Comment(self.choice(["", " note ", "a-b", "x"]))
        if roll < 35 or depth > self.max_depth:
            return Text(self.text(model))
        if model == "ul":
            return self.element("li", depth, key_attr)
        if model == "table":
            return self.element("tbody", depth, None)
        if model == "tbody":
            return self.element("tr", depth, key_attr)
        if model == "tr":
            return self.element("td", depth, None)
        if model == "select":
            return self.element("option", depth, key_attr)
        if model == PHRASING:
            return self.element(self.choice(["span", "b"]), depth, key_attr)
        if model == SVG:
            tags = ["g", "circle", "rect", "foreignObject"]
            return self.element(self.choice(tags), depth, key_attr)
        free = [f"c{n}" for n in range(1, 7) if f"c{n}" not in self.cids]
        if roll < 42 and free:
            # A child component placeholder: its content belongs to its own
            # component, so it is the same wherever this cid appears. A cid
            # is unique within a page.
            cid = self.choice(free)
            self.cids.add(cid)
            return Element("div", {"live-cid": cid}, [Text(f"child {cid}")])
        tags = ["div", "section", "p", "span", "ul", "table", "select", "pre", "textarea", "svg"]
        if roll < 46:
            tags = ["script"]
        return self.element(self.choice(tags), depth, key_attr)

    # -- edits --

    def edit(self, root: Element) -> Element:
        """A copy of ``root`` with random edits (at least one that shows)."""
        if self.chance(5):
            # An unrelated render; its root may differ, but (as in a page) it
            # sits in the same parent, so it is parsed in the same context.
            return self.tree(like=root)
        new = copy.deepcopy(root)
        self.cids = {e.attrs["live-cid"] for e in new.iter() if "live-cid" in e.attrs}
        before = root.outer_html()
        # Some edits are no-ops (removing from an empty list); retry those.
        for _ in range(10):
            for _ in range(self.pick(1, 5)):
                self.edit_once(new)
            for element in new.iter():
                tidy(element)
            if new.outer_html() != before:
                break
        return new

    def edit_once(self, root: Element) -> None:
        elements = [e for e in editable(root)]
        element = elements[self.pick(0, len(elements) - 1)]
        model = MODELS[element.tag]
        children = element.children
        kind = self.pick(0, 8)
        if kind == 0:  # text
            texts = [i for i, c in enumerate(children) if isinstance(c, Text)]
            if texts:
                i = texts[self.pick(0, len(texts) - 1)]
                children[i] = Text(self.text(model))
            elif model == TEXT_ONLY:
                children.append(Text("new"))
        elif kind == 1:  # attributes
            attrs = self.attrs()
            for name in list(element.attrs):
                if name != "live-cid" and self.chance(30):
                    del element.attrs[name]
            element.attrs.update(attrs)
            if self.containers and model in CONTAINER_MODELS and self.chance(30):
                # A new mode, replace included; a container without a key gets one.
                mode = self.choice(["replace", *MODES])
                element.attrs["live-update"] = mode
                if mode != "replace" and "id" not in element.attrs:
                    element.attrs["id"] = "u" + self.fresh()
        elif kind in (2, 3) and model not in (TEXT_ONLY, EMPTY):  # insert
            index = self.pick(0, len(children))
            keyed = next((k for c in children for k in key_names(c)), None)
            children.insert(index, self.child(model, depth_of(root, element) + 1, keyed))
        elif kind == 4 and children:  # remove
            del children[self.pick(0, len(children) - 1)]
        elif kind == 5 and len(children) >= 2:  # move
            node = children.pop(self.pick(0, len(children) - 1))
            children.insert(self.pick(0, len(children)), node)
        elif kind == 6 and children and model in (FLOW, PHRASING):  # element <-> text
            i = self.pick(0, len(children) - 1)
            if isinstance(children[i], Element):
                children[i] = Text(self.text(model))
            else:
                children[i] = self.child(model, depth_of(root, element) + 1, None)
        elif kind == 7:  # retag within one content model
            swaps = {"div": "section", "section": "div", "span": "b", "b": "span"}
            for i, child in enumerate(children):
                if (
                    isinstance(child, Element)
                    and child.tag in swaps
                    and "live-cid" not in child.attrs
                ):
                    children[i] = Element(swaps[child.tag], child.attrs, child.children)
                    break
        elif kind == 8:  # shuffle all children
            for i in range(len(children) - 1, 0, -1):
                j = self.pick(0, i)
                children[i], children[j] = children[j], children[i]


def tidy(element: Element) -> None:
    """Merge adjacent text nodes, as the parser would."""
    merged: list[Node] = []
    for child in element.children:
        if isinstance(child, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].data + child.data)
        elif not (isinstance(child, Text) and not child.data):
            merged.append(child)
    element.children = merged


def editable(root: Element) -> list[Element]:
    """Elements an edit may change: not inside child component placeholders."""
    found: list[Element] = []
    stack = [root]
    while stack:
        element = stack.pop()
        found.append(element)
        stack.extend(
            c for c in element.children if isinstance(c, Element) and "live-cid" not in c.attrs
        )
    return found


def key_names(node: Node) -> list[str]:
    if not isinstance(node, Element):
        return []
    return [name for name in ("id", "live-id") if name in node.attrs]


def depth_of(root: Element, target: Element) -> int:
    stack: list[tuple[Element, int]] = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if element is target:
            return depth
        stack.extend((c, depth + 1) for c in element.children if isinstance(c, Element))
    raise LookupError("element not in tree")


def random_pair(pick: Pick) -> tuple[str, str]:
    """Two renders of one component: a random tree and an edit of it."""
    gen = TreeGen(pick)
    old = gen.tree()
    return old.outer_html(), gen.edit(old).outer_html()


def random_owned_pair(pick: Pick) -> tuple[str, str]:
    """As ``random_pair``, with live-update containers in the trees."""
    gen = TreeGen(pick, containers=True)
    old = gen.tree()
    return old.outer_html(), gen.edit(old).outer_html()


@st.composite
def pairs(draw: st.DrawFn) -> tuple[str, str]:
    return random_pair(lambda low, high: draw(st.integers(low, high)))


@st.composite
def owned_pairs(draw: st.DrawFn) -> tuple[str, str]:
    return random_owned_pair(lambda low, high: draw(st.integers(low, high)))


def rendered(old: str, new: str) -> Element:
    """The client's DOM after a render of ``new`` over the DOM of ``old``."""
    dom = parse_root(old)
    morph(dom, parse_root(new))
    return dom


def addressed(root: Element, op: Op) -> list[Element]:
    """The elements whose children ``op`` reads or changes, found in ``root``
    before it is applied: the ancestors of its target, and for ``insert``
    and ``move`` the parent whose children they address."""
    if isinstance(op, InsertOp | MoveOp):
        path = op.path
    elif op.path:
        path = op.path[:-1]
    else:
        return []  # the root itself: nothing above it
    found = [root]
    for index in path:
        child = found[-1].children[index]
        assert isinstance(child, Element), f"{op!r} goes through a {type(child).__name__}"
        found.append(child)
    return found


def check_patch_is_render(old: str, new: str, *, fallback: bool) -> list[Op]:
    """Patching the DOM of ``old`` with ``diff(old, new)`` leaves the DOM a
    render of ``new`` would, never reaching inside a live-update container."""
    ops = diff(old, new, fallback=fallback)
    assert [op_from_json(op) for op in json.loads(json.dumps(ops))] == ops
    dom = parse_root(old)
    for op in ops:
        owners = [e.outer_html()[:60] for e in addressed(dom, op) if update_mode(e) is not None]
        assert not owners, f"\nold: {old!r}\nnew: {new!r}\n{op!r} reaches inside {owners}"
        apply_patches(dom, [op])
    expected = rendered(old, new)
    assert nodes_equal(dom, expected), (
        f"\nold: {old!r}\nnew: {new!r}\nops: {ops!r}\n"
        f"got:      {dom.outer_html()!r}\nexpected: {expected.outer_html()!r}"
    )
    return ops


def check_round_trip(old: str, new: str, *, fallback: bool) -> None:
    ops = diff(old, new, fallback=fallback)
    assert [op_from_json(op) for op in json.loads(json.dumps(ops))] == ops
    dom = parse_root(old)
    apply_patches(dom, ops)
    expected = parse_root(new)
    assert nodes_equal(dom, expected), (
        f"\nold: {old!r}\nnew: {new!r}\nops: {ops!r}\n"
        f"got:      {dom.outer_html()!r}\nexpected: {expected.outer_html()!r}"
    )


# No deadline: a slow example on a loaded machine is not a failure here.
QUICK = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(QUICK, max_examples=1000)
@given(pairs())
def test_fine_grained_ops_turn_old_dom_into_new(pair: tuple[str, str]) -> None:
    check_round_trip(*pair, fallback=False)


@settings(QUICK, max_examples=300)
@given(pairs())
def test_ops_with_size_fallback_turn_old_dom_into_new(pair: tuple[str, str]) -> None:
    check_round_trip(*pair, fallback=True)


@settings(QUICK, max_examples=300)
@given(pairs())
def test_ops_longer_than_the_new_html_and_only_those_become_a_replace(
    pair: tuple[str, str],
) -> None:
    old, new = pair
    ops = diff(old, new, fallback=False)
    source = new.strip(" \t\n\f\r")
    if ops and len(json.dumps(ops, ensure_ascii=False, separators=(",", ":"))) > len(source):
        assert wire(diff(old, new)) == [["replace", [], parse_root(old).tag.lower(), source]]
    else:
        assert diff(old, new) == ops


@settings(QUICK, max_examples=300)
@given(pairs())
def test_cached_parses_give_the_same_ops(pair: tuple[str, str]) -> None:
    old, new = pair
    assume(old != new)  # equal renders are not even parsed
    expected = diff(old, new, fallback=False, cache=None)
    cache = TreeCache()
    # As in a page: the diff before this one parsed old as its new render
    # (and read child lists of it), and this one finds it cached.
    diff(new, old, cache=cache)
    assert old in cache
    assert diff(old, new, fallback=False, cache=cache) == expected
    # new is cached now: the same ops with the new render's parse cached.
    assert new in cache
    assert diff(old, new, fallback=False, cache=cache) == expected


@settings(QUICK, max_examples=1000)
@given(owned_pairs())
def test_patching_a_page_with_live_update_containers_is_rendering_it(
    pair: tuple[str, str],
) -> None:
    check_patch_is_render(*pair, fallback=False)


@settings(QUICK, max_examples=300)
@given(owned_pairs())
def test_with_size_fallback_patching_live_update_containers_is_rendering_them(
    pair: tuple[str, str],
) -> None:
    check_patch_is_render(*pair, fallback=True)


def test_owned_pairs_exercise_every_live_update_path() -> None:
    """The generator is worth its cost: its containers take each path."""
    import random

    rng = random.Random(7)
    kinds: dict[str, int] = {}
    for _ in range(400):
        old, new = random_owned_pair(rng.randint)
        for op in diff(old, new, fallback=False):
            kind: str = op.op
            if isinstance(op, UpsertOp):
                kind = f"upsert {op.mode}"
            elif kind == "replace" and not op.path and "live-update" in new:
                kind = "root replace"
            kinds[kind] = kinds.get(kind, 0) + 1
        if "live-update" in old and old.count("live-update") != new.count("live-update"):
            kinds["mode change"] = kinds.get("mode change", 0) + 1
    for kind in ("upsert append", "upsert prepend", "root replace", "mode change"):
        assert kinds.get(kind, 0) >= 5, kinds
