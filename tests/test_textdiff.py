"""The text-only diff (``livecomp.textdiff``): one text node changed, one op,
the kept parse edited instead of a new one made.

The property: for random renders and chains of text edits, ``diff`` with the
old render's parse cached gives the ops it gives with no cache at all, and
the edited parse it keeps serialises and diffs as a fresh parse would.
"""

from __future__ import annotations

import random
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from livecomp.diff import TreeCache, diff
from livecomp.dom import Text
from livecomp.html import outer_html
from livecomp.ops import TextOp
from livecomp.textdiff import TextMap, parsed_text_change, text_change
from livecomp.treecache import Tree
from tests.test_diff_properties import MODELS, QUICK, WHITESPACE_ONLY, TreeGen


def _text_edits(seed: int, steps: int, *, canonical: bool = False) -> list[str]:
    """A random render, then ``steps`` renders each changing one text node;
    ``canonical``: each written as Lexbor writes it back (as a template's
    output mostly is), so that the text path is the one taken."""
    pick = random.Random(seed).randint
    gen = TreeGen(pick)
    root = gen.tree()
    renders = [root.outer_html()]
    for _ in range(steps):
        texts = [
            (element, i)
            for element in root.iter()
            for i, child in enumerate(element.children)
            if isinstance(child, Text) and element.tag not in ("script", "style")
        ]
        if not texts:
            break
        element, i = texts[pick(0, len(texts) - 1)]
        model = MODELS[element.tag]
        if model not in WHITESPACE_ONLY and pick(0, 9) < 7:
            # What most events change: a number, a word (the text path).
            text = f"{gen.choice(['n', 'total ', 'é', 'x y'])}{pick(0, 999)}"
        else:
            text = gen.text(model)  # markup characters, entities, whitespace
        element.children[i] = Text(text)
        renders.append(root.outer_html())
    if canonical:
        renders = [outer_html(Tree(render).root) for render in renders]
    return renders


@settings(QUICK, max_examples=600)
@given(seed=st.integers(0, 2**32), steps=st.integers(1, 6), canonical=st.booleans())
def test_cached_text_edits_give_the_ops_of_a_fresh_diff(
    seed: int, steps: int, canonical: bool
) -> None:
    renders = _text_edits(seed, steps, canonical=canonical)
    cache = TreeCache()
    cache.put(renders[0], Tree(renders[0]))
    for old, new in pairwise(renders):
        expected = diff(old, new, cache=None)
        # Only the new render parsed (found in it), and the old one's kept (edited).
        assert diff(old, new, cache=TreeCache()) == expected, (old, new)
        assert diff(old, new, cache=cache) == expected, (old, new)
        kept = cache.get(new)
        assert kept is not None
        assert kept.root.html == Tree(new).root.html == kept.root_html()


def test_most_canonical_text_edits_take_the_text_path() -> None:
    taken = tried = 0
    for seed in range(200):
        renders = _text_edits(seed, 3, canonical=True)
        for old, new in pairwise(renders):
            tried += 1
            taken += text_change(Tree(old), old, new) is not None
    # Whitespace-only text, markup characters and entities take the full diff.
    assert taken > tried / 3, (taken, tried)


def test_a_number_in_a_paragraph_is_one_text_op_and_no_parse() -> None:
    old = '<div live-cid="c0"><p>19.5 °C</p><button live-click="up">+</button></div>'
    new = old.replace("19.5", "19.6")
    tree = Tree(old)
    root = tree.root
    assert text_change(tree, old, new) == TextOp("text", [0, 0], "#text", "19.6 °C")
    assert tree.root is root and root.html == new


def test_without_the_old_parse_the_text_node_is_found_in_the_new_one() -> None:
    old = "<tr><td>7</td><td>alder</td></tr>"
    new = "<tr><td>8</td><td>alder</td></tr>"
    tree = Tree(new)
    assert parsed_text_change(tree, old, new) == TextOp("text", [0, 0], "#text", "8")
    # Text where there was none is a new node, not a text op.
    assert parsed_text_change(Tree(new), "<tr><td></td><td>alder</td></tr>", new) is None


def test_text_next_to_an_entity_reads_back_decoded() -> None:
    old = "<p>fish &amp; chips: 3</p>"
    new = "<p>fish &amp; chips: 4</p>"
    assert text_change(Tree(old), old, new) == TextOp("text", [0], "#text", "fish & chips: 4")


def test_changes_that_are_not_one_text_node_take_the_full_diff() -> None:
    cases = [
        ("<p>a</p>", "<p><b>a</b></p>"),  # markup appears
        ('<p class="a">x</p>', '<p class="b">x</p>'),  # an attribute
        ("<div><p>a</p><p>b</p></div>", "<div><p>a</p>x<p>b</p></div>"),  # a new node
        ("<div><p>1</p><p>2</p></div>", "<div><p>3</p><p>4</p></div>"),  # two nodes
        ("<p>a</p>", "<p></p>"),  # the node goes away
        ("<table><tbody> </tbody></table>", "<table><tbody>  </tbody></table>"),  # a table
        ("<div><script>var a = 1</script></div>", "<div><script>var a = 2</script></div>"),
        ("<div><pre>a</pre></div>", "<div><pre>\na</pre></div>"),  # the parser eats it
        ("<p>a &lt; b</p>", "<p>a &#60; b</p>"),  # an entity Lexbor writes otherwise
        ("<p>a</p>", "<p>a\r</p>"),  # the parser rewrites a carriage return
        (
            '<ul live-update="ignore" id="u"><li>a</li></ul>',
            '<ul live-update="ignore" id="u"><li>b</li></ul>',
        ),
    ]
    for old, new in cases:
        assert text_change(Tree(old), old, new) is None, (old, new)


def test_a_tag_that_does_not_read_back_exactly_is_not_trusted() -> None:
    old = "<p class=a>1</p>"  # Lexbor writes class="a"
    assert text_change(Tree(old), old, "<p class=a>2</p>") is None


def test_the_kept_childrens_html_follows_the_edit() -> None:
    old = "<div><section><p>one</p><p>two</p></section><i>x</i></div>"
    new = old.replace("two", "three")
    tree = Tree(old)
    root = tree.root
    # The diff before read these lists; the edit must keep them true.
    tree.child_html(root, tree.children(root))
    assert diff(old, new, cache=_cached(old, tree)) == [TextOp("text", [0, 1, 0], "#text", "three")]
    section = tree.children(root)[0]
    assert tree.child_html(root, tree.children(root))[0] == section.html


def _cached(html: str, tree: Tree) -> TreeCache:
    cache = TreeCache()
    cache.put(html, tree)
    return cache


@settings(QUICK, max_examples=600)
@given(seed=st.integers(0, 2**32), steps=st.integers(1, 6), canonical=st.booleans())
def test_a_text_map_gives_the_ops_of_a_fresh_diff_and_stays_true(
    seed: int, steps: int, canonical: bool
) -> None:
    renders = _text_edits(seed, steps, canonical=canonical)
    texts = TextMap.build(Tree(renders[0]), renders[0])
    for old, new in pairwise(renders):
        op = None if texts is None else texts.change(old, new)
        if op is not None:
            assert [op] == diff(old, new, fallback=False, cache=None), (old, new)
        if op is None:
            texts = TextMap.build(Tree(new), new)
        else:
            # Edited, every entry is still a text node of the new render, at
            # its path, whose HTML is the render's at its offsets.
            assert texts is not None
            _check_map(texts, new)


def _check_map(texts: TextMap, html: str) -> None:
    tree = Tree(html)
    for start, end, path in zip(texts.starts, texts.ends, texts.paths, strict=True):
        node = tree.root
        for index in path:
            node = tree.children(node)[index]
        assert node.tag == "-text" and node.html == html[start:end], (html, path)


def test_a_text_map_finds_a_row_cell_and_shifts_the_cells_after_it() -> None:
    row = '<tr live-cid="c6"><td>5</td><td>fir-0005</td><td>3</td><td>24.38</td></tr>'
    texts = TextMap.build(Tree(row), row)
    assert texts is not None and texts.paths == [(0, 0), (1, 0), (2, 0), (3, 0)]
    longer = row.replace("<td>3</td>", "<td>314</td>")
    assert texts.change(row, longer) == TextOp("text", [2, 0], "#text", "314")
    last = longer.replace("24.38", "25.00")
    assert texts.change(longer, last) == TextOp("text", [3, 0], "#text", "25.00")
    # Not a text change: no op, and the map is left as it was.
    assert texts.change(last, last.replace("<td>5</td>", "<td><b>5</b></td>")) is None
