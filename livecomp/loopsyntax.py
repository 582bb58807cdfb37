"""Instrumenting a template: its top-level loops rewritten so that each
iteration can render alone (``livecomp.loops``).

The key idea: a loop ``{% for r in rows %}BODY{% endfor %}`` becomes three
statements. A macro holding a copy of BODY, taking the item and ``loop``
(so one iteration renders by calling it); the loop itself, its list passed
through the ``livecomp_loop`` filter (which records it, with the macro) and
each iteration opening with ``livecomp_item`` (which records the item and
marks where its HTML starts); and ``livecomp_end`` after it. The filters do
nothing but return their input, or an empty string, when no render records.

Only self-contained templates are instrumented: no include, import,
extends, macro, call or filter block, block ``set`` (which capture, repeat
or transform output, or bring in another template), and ``state`` or
``component`` never used whole. In them, the loops not nested in another
loop, with a plain name as target, no ``if`` filter, not recursive, and not
reading ``loop.previtem``, ``loop.nextitem`` or ``loop.changed`` (which tie
an iteration to its neighbours).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Final

from jinja2 import nodes

__all__ = ["instrument"]

# Statements whose output a template captures, repeats or transforms, or that
# bring in another template: a template holding one is not instrumented.
_NOT_SELF_CONTAINED: Final = (
    nodes.Include,
    nodes.Extends,
    nodes.Import,
    nodes.FromImport,
    nodes.FilterBlock,
    nodes.AssignBlock,
    nodes.CallBlock,
    nodes.Macro,
)
_NEIGHBOURLY: Final = frozenset({"previtem", "nextitem", "changed"})
_ROOTS: Final = frozenset({"state", "component"})


def instrument(template: nodes.Template) -> bool:
    """Rewrite the top-level loops of a self-contained template so their
    iterations can render alone; return whether any loop was rewritten."""
    if any(True for _ in template.find_all(_NOT_SELF_CONTAINED)):
        return False
    # ``state`` or ``component`` used whole (printed, compared, given to a
    # filter or a test) is read in ways no recording sees.
    reads: Iterator[nodes.Getattr | nodes.Getitem] = template.find_all(
        (nodes.Getattr, nodes.Getitem)
    )
    read_from = {id(read.node) for read in reads}
    for name in template.find_all(nodes.Name):
        if name.name in _ROOTS and name.ctx == "load" and id(name) not in read_from:
            return False
    counter = [0]
    _rewrite(template.body, counter)
    return counter[0] > 0


def _rewrite(body: list[nodes.Node], counter: list[int]) -> None:
    at = 0
    while at < len(body):
        node = body[at]
        if isinstance(node, nodes.For):
            if _fits(node):
                body[at : at + 1] = _fragmented(node, counter[0])
                counter[0] += 1
                at += 3
                continue
            # A loop that does not fit keeps its nested loops plain too.
        else:
            for field in ("body", "else_", "elif_"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    _rewrite(inner, counter)
        at += 1


def _fits(loop: nodes.For) -> bool:
    if loop.recursive or loop.test is not None or not isinstance(loop.target, nodes.Name):
        return False
    if any(True for _ in loop.find_all(nodes.Block)):
        return False  # a block is defined once: the body cannot be copied
    return not any(
        isinstance(read.node, nodes.Name) and read.node.name == "loop" and read.attr in _NEIGHBOURLY
        for read in loop.find_all(nodes.Getattr)
    )


def _fragmented(loop: nodes.For, number: int) -> list[nodes.Node]:
    """The loop as three statements: the body as a macro of (item, loop), the
    loop marking each iteration, the end marker."""
    assert isinstance(loop.target, nodes.Name)
    item = loop.target.name
    macro_name = f"__livecomp_loop_{number}"
    macro = nodes.Macro(
        macro_name,
        [nodes.Name(item, "param"), nodes.Name("loop", "param")],
        [],
        # The copy shares the environment the parser set on each node.
        copy.deepcopy(loop.body, {id(loop.environment): loop.environment}),
        lineno=loop.lineno,
    )
    lineno = loop.lineno
    loop.iter = nodes.Filter(
        loop.iter,
        "livecomp_loop",
        [nodes.Name(macro_name, "load", lineno=lineno)],
        [],
        None,
        None,
        lineno=lineno,
    )
    start = nodes.Filter(nodes.Name(item, "load"), "livecomp_item", [], [], None, None)
    loop.body = [nodes.Output([start], lineno=lineno), *loop.body]
    end = nodes.Output([nodes.Filter(nodes.Const(0), "livecomp_end", [], [], None, None)])
    return [macro, loop, end]
