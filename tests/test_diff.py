"""Specification of ``livecomp.diff.diff``: which ops two renders give.

Most tests call ``diff(..., fallback=False)`` so that small examples show the
fine-grained ops; the size fallback has its own tests. Every example is also
checked end to end: the ops applied to the DOM of ``old`` give the DOM of
``new``.
"""

from __future__ import annotations

import json
import uuid
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livecomp.diff import TREE_CACHE, Op, RootError, TreeCache, _encode_json, _json_bound, diff
from livecomp.dom import nodes_equal, parse_root
from livecomp.ops import AttrsOp, TextOp, op_from_json
from livecomp.patching import apply_patches
from tests.wire import wire


def fine(old: str, new: str) -> list[Op]:
    """The fine-grained ops, after checking that they turn old into new."""
    ops = diff(old, new, fallback=False)
    dom = parse_root(old)
    apply_patches(dom, ops)
    assert nodes_equal(dom, parse_root(new)), dom.outer_html()
    return ops


def keyed_list(keys: list[int], sep: str = "") -> str:
    items = sep.join(f'<li id="k{k}">item {k}</li>' for k in keys)
    return f"<ul>{sep}{items}{sep}</ul>"


# --- the basics ---------------------------------------------------------------


def test_identical_renders_give_no_ops() -> None:
    assert diff("<p>hi</p>", "<p>hi</p>") == []


def test_whitespace_around_the_root_is_ignored() -> None:
    assert diff("<p>hi</p>", "\n  <p>hi</p>\n") == []


def test_text_change_is_one_text_op_naming_the_text_node() -> None:
    assert wire(fine("<div><p>Hello</p></div>", "<div><p>World</p></div>")) == [
        ["text", [0, 0], "#text", "World"]
    ]


def test_text_op_carries_decoded_text() -> None:
    assert wire(fine("<p>a</p>", "<p>x &amp; &lt;y&gt;</p>")) == [["text", [0], "#text", "x & <y>"]]


def test_attribute_changes_on_one_element_are_one_attrs_op() -> None:
    old = '<div><a href="/a" class="x" title="t">a</a></div>'
    new = '<div><a href="/b" class="x" data-n="1">a</a></div>'
    assert wire(fine(old, new)) == [["attrs", [0], "a", {"href": "/b", "data-n": "1"}, ["title"]]]


def test_valueless_attribute_is_set_to_the_empty_string() -> None:
    assert wire(fine("<input>", "<input disabled>")) == [
        ["attrs", [], "input", {"disabled": ""}, []]
    ]


def test_root_attributes_are_diffed_even_when_the_root_carries_live_cid() -> None:
    old = '<div live-cid="c0" class="a"><p>x</p></div>'
    new = '<div live-cid="c0" class="b"><p>y</p></div>'
    assert wire(fine(old, new)) == [
        ["attrs", [], "div", {"class": "b"}, []],
        ["text", [0, 0], "#text", "y"],
    ]


def test_ops_survive_a_json_round_trip() -> None:
    ops = fine('<ul><li id="a">1</li></ul>', '<ul><li id="b">2</li><li id="a">1</li></ul>')
    assert [op_from_json(op) for op in json.loads(json.dumps(ops))] == ops


# --- paths count every node the browser keeps -------------------------------


def test_whitespace_text_nodes_count_in_paths() -> None:
    old = "<div>\n  <p>a</p>\n  <p>b</p>\n</div>"
    new = "<div>\n  <p>a</p>\n  <p>c</p>\n</div>"
    assert wire(fine(old, new)) == [["text", [3, 0], "#text", "c"]]


def test_comments_count_in_paths() -> None:
    old = "<div><!-- one --><p>a</p><!-- two --><p>b</p></div>"
    new = "<div><!-- one --><p>a</p><!-- two --><p>c</p></div>"
    assert wire(fine(old, new)) == [["text", [3, 0], "#text", "c"]]


def test_comment_change_is_a_text_op_checking_for_a_comment() -> None:
    assert wire(fine("<div><!--a--></div>", "<div><!-- b --></div>")) == [
        ["text", [0], "#comment", " b "]
    ]


# --- keyed children -----------------------------------------------------------


def test_keyed_insert_at_the_top_of_1000_items_is_one_insert() -> None:
    old = keyed_list(list(range(1000)))
    new = keyed_list([-1, *range(1000)])
    assert wire(diff(old, new)) == [["insert", [], "ul", 0, '<li id="k-1">item -1</li>']]


def test_keyed_insert_between_whitespace_is_one_insert_of_item_and_whitespace() -> None:
    old = keyed_list(list(range(1000)), sep="\n")
    new = keyed_list([-1, *range(1000)], sep="\n")
    assert wire(diff(old, new)) == [["insert", [], "ul", 1, '<li id="k-1">item -1</li>\n']]


def test_keyed_removal_is_one_remove() -> None:
    old = keyed_list(list(range(1000)))
    new = keyed_list([k for k in range(1000) if k != 500])
    assert wire(diff(old, new)) == [["remove", [500], "li"]]


def test_keyed_removal_between_whitespace_removes_the_item_and_one_whitespace_node() -> None:
    old = keyed_list(list(range(10)), sep="\n")
    new = keyed_list([k for k in range(10) if k != 5], sep="\n")
    assert wire(fine(old, new)) == [["remove", [12], "#text"], ["remove", [11], "li"]]


def test_moving_one_keyed_item_is_one_move() -> None:
    old = keyed_list([1, 2, 3, 4, 5])
    new = keyed_list([2, 3, 4, 5, 1])
    assert wire(fine(old, new)) == [["move", [], "ul", 0, 4, "li"]]


def test_reversing_keyed_items_moves_all_but_one() -> None:
    ops = fine(keyed_list([1, 2, 3, 4, 5]), keyed_list([5, 4, 3, 2, 1]))
    assert [op[0] for op in ops] == ["move"] * 4


def test_keyed_item_that_moved_and_changed_is_moved_then_patched_in_place() -> None:
    old = '<ul><li id="a">A</li><li id="b">B</li></ul>'
    new = '<ul><li id="b">B2</li><li id="a">A</li></ul>'
    assert wire(fine(old, new)) == [["move", [], "ul", 0, 1, "li"], ["text", [0, 0], "#text", "B2"]]


def test_live_id_takes_priority_over_id() -> None:
    old = '<ul><li live-id="1" id="x">a</li></ul>'
    new = '<ul><li live-id="1" id="y">a</li></ul>'
    assert wire(fine(old, new)) == [["attrs", [0], "li", {"id": "y"}, []]]


def test_different_keys_in_the_same_place_are_a_replace() -> None:
    old = '<ul><li id="a">same</li></ul>'
    new = '<ul><li id="b">same</li></ul>'
    assert wire(fine(old, new)) == [["replace", [0], "li", '<li id="b">same</li>']]


def test_duplicate_keys_fall_back_to_positional_matching() -> None:
    old = '<ul><li id="d">1</li><li id="d">2</li></ul>'
    new = '<ul><li id="d">1</li><li id="d">3</li></ul>'
    assert wire(fine(old, new)) == [["text", [1, 0], "#text", "3"]]


# --- unkeyed children ---------------------------------------------------------


def test_unkeyed_children_are_matched_by_position() -> None:
    old = "<ul><li>a</li><li>b</li><li>c</li></ul>"
    new = "<ul><li>x</li><li>y</li><li>c</li></ul>"
    assert wire(fine(old, new)) == [["text", [0, 0], "#text", "x"], ["text", [1, 0], "#text", "y"]]


def test_appending_several_children_is_one_insert() -> None:
    assert wire(fine("<ul><li>a</li></ul>", "<ul><li>a</li><li>b</li><li>c</li></ul>")) == [
        ["insert", [], "ul", 1, "<li>b</li><li>c</li>"]
    ]


def test_tag_change_is_a_replace() -> None:
    assert wire(fine("<div><p>a</p></div>", "<div><section>a</section></div>")) == [
        ["replace", [0], "p", "<section>a</section>"]
    ]


def test_element_to_text_swap_is_a_replace() -> None:
    assert wire(fine("<div><b>bold</b></div>", "<div>plain</div>")) == [
        ["replace", [0], "b", "plain"]
    ]


def test_text_to_element_swap_is_a_replace() -> None:
    assert wire(fine("<div>plain</div>", "<div><b>bold</b></div>")) == [
        ["replace", [0], "#text", "<b>bold</b>"]
    ]


def test_root_tag_change_replaces_the_root() -> None:
    assert wire(diff('<div id="x">a</div>', "<section>a</section>")) == [
        ["replace", [], "div", "<section>a</section>"]
    ]


# --- roots that need a parsing context ---------------------------------------


def test_tr_root_is_parsed_inside_a_tbody() -> None:
    old = '<tr live-cid="c1"><td>1</td><td>a</td></tr>'
    new = '<tr live-cid="c1"><td>1</td><td>b</td></tr>'
    assert wire(fine(old, new)) == [["text", [1, 0], "#text", "b"]]


def test_td_root_is_parsed_inside_a_tr() -> None:
    assert wire(fine("<td>a</td>", '<td class="on">a</td>')) == [
        ["attrs", [], "td", {"class": "on"}, []]
    ]


def test_li_root() -> None:
    assert wire(fine("<li>a <b>x</b></li>", "<li>a <b>y</b></li>")) == [
        ["text", [1, 0], "#text", "y"]
    ]


def test_option_root_is_parsed_inside_a_select() -> None:
    assert wire(
        fine('<option value="1">One</option>', '<option value="1" selected>One</option>')
    ) == [["attrs", [], "option", {"selected": ""}, []]]


def test_rows_inserted_into_a_tbody_carry_row_html() -> None:
    old = "<table><tbody><tr><td>1</td></tr></tbody></table>"
    new = "<table><tbody><tr><td>1</td></tr><tr><td>2</td></tr></tbody></table>"
    assert wire(fine(old, new)) == [["insert", [0], "tbody", 1, "<tr><td>2</td></tr>"]]


def test_svg_child_root_is_parsed_inside_an_svg() -> None:
    assert wire(fine('<circle r="1"></circle>', '<circle r="2"></circle>')) == [
        ["attrs", [], "circle", {"r": "2"}, []]
    ]


def test_svg_check_names_are_lowercase() -> None:
    old = "<svg><foreignObject><p>a</p></foreignObject></svg>"
    new = "<svg><foreignObject><p>a</p></foreignObject><g></g></svg>"
    assert wire(fine(old, new)) == [["insert", [], "svg", 1, "<g></g>"]]
    assert wire(fine(new, old)) == [["remove", [1], "g"]]
    assert wire(fine(old, old.replace("<p>a", "<p>b"))) == [["text", [0, 0, 0], "#text", "b"]]


# --- child components -------------------------------------------------------


def test_child_placeholder_with_the_same_cid_gives_no_ops() -> None:
    old = '<div><div live-cid="c1" class="x">old child</div></div>'
    new = '<div><div live-cid="c1" class="y">new child</div></div>'
    assert diff(old, new, fallback=False) == []


def test_new_child_placeholder_is_inserted_as_found() -> None:
    old = "<div><p>a</p></div>"
    new = '<div><p>a</p><section live-cid="c2"><b>child</b></section></div>'
    assert wire(fine(old, new)) == [
        ["insert", [], "div", 1, '<section live-cid="c2"><b>child</b></section>']
    ]


def test_child_placeholders_are_matched_by_cid_and_moved() -> None:
    old = '<div><i live-cid="c1"></i><i live-cid="c2"></i><i live-cid="c3"></i></div>'
    new = '<div><i live-cid="c3"></i><i live-cid="c1"></i><i live-cid="c2"></i></div>'
    assert wire(fine(old, new)) == [["move", [], "div", 2, 0, "i"]]


def test_a_placeholder_replacing_another_one_is_a_replace() -> None:
    old = '<div><i live-cid="c1">one</i></div>'
    new = '<div><i live-cid="c2">two</i></div>'
    assert wire(fine(old, new)) == [["replace", [0], "i", '<i live-cid="c2">two</i>']]


# --- special elements ---------------------------------------------------------


def test_template_content_is_opaque_and_replaced_when_it_changes() -> None:
    old = "<div><template><b>a</b></template></div>"
    new = "<div><template><b>b</b></template></div>"
    assert wire(fine(old, new)) == [["replace", [0], "template", "<template><b>b</b></template>"]]


def test_textarea_text_is_diffed_as_a_text_node() -> None:
    ops = fine("<div><textarea>a</textarea></div>", "<div><textarea>b &amp; c</textarea></div>")
    assert wire(ops) == [["text", [0, 0], "#text", "b & c"]]


def test_leading_newline_of_pre_survives_an_insert() -> None:
    old = "<div></div>"
    new = "<div><pre>\n\nindented</pre></div>"
    ops = fine(old, new)
    assert wire(ops) == [["insert", [], "div", 0, "<pre>\n\nindented</pre>"]]


def test_script_like_text_stays_escaped_text_through_the_round_trip() -> None:
    old = "<div><p>safe</p></div>"
    new = "<div><p>safe</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p></div>"
    ops = fine(old, new)
    assert wire(ops) == [["insert", [], "div", 1, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"]]
    dom = parse_root(old)
    apply_patches(dom, ops)
    assert [e.tag for e in dom.iter()] == ["div", "p", "p"]


def test_script_like_text_in_a_text_op_is_plain_data() -> None:
    ops = fine("<p>a</p>", "<p>&lt;script&gt;x&lt;/script&gt;</p>")
    assert wire(ops) == [["text", [0], "#text", "<script>x</script>"]]


# --- size fallback and cost ---------------------------------------------------


def test_ops_longer_than_the_new_html_become_one_replace_of_the_root() -> None:
    old = "<ul><li>a</li><li>b</li></ul>"
    new = "<ul><li>c</li><li>d</li></ul>"
    assert wire(diff(old, new)) == [["replace", [], "ul", new]]


def test_the_fallback_replace_carries_the_new_html_without_surrounding_whitespace() -> None:
    assert wire(diff("<p>a</p>", "\n<p>b</p>\n")) == [["replace", [], "p", "<p>b</p>"]]


def test_one_changed_cell_in_a_1000_row_table_is_one_text_op() -> None:
    def table(cell: str) -> str:
        rows = "".join(
            f'<tr id="r{i}"><td>{i}</td><td>{cell if i == 700 else "x"}</td></tr>\n'
            for i in range(1000)
        )
        return f'<table live-cid="c0"><tbody>\n{rows}</tbody></table>'

    assert wire(diff(table("x"), table("y"))) == [["text", [0, 1401, 1, 0], "#text", "y"]]


def test_deeply_nested_markup_does_not_hit_the_recursion_limit() -> None:
    def nested(leaf: str) -> str:
        return "<div>" + "<div><i></i>" * 900 + leaf + "</div>" * 900 + "</div>"

    ops = fine(nested("x"), nested("y"))
    assert wire(ops) == [["text", [0, *[1] * 899, 1], "#text", "y"]]


# --- shortcuts: the ops the general reconciler would give --------------------


def test_whitespace_around_a_lone_element_is_skipped_on_the_way_down() -> None:
    def table(cell: str) -> str:
        rows = "".join(f"\n    <tr><td>{cell if i == 3 else i}</td></tr>" for i in range(5))
        return f'<table live-cid="c0">\n  <tbody>{rows}\n  </tbody>\n</table>'

    assert wire(fine(table("3"), table("x"))) == [["text", [1, 7, 0, 0], "#text", "x"]]


def test_a_lone_element_among_equal_text_is_still_compared_when_its_parent_changes() -> None:
    old = '<div class="a"> <template><b>x</b></template> <!--c--></div>'
    new = '<div class="b"> <template><b>x</b></template> <!--c--></div>'
    assert wire(fine(old, new)) == [["attrs", [], "div", {"class": "b"}, []]]
    # A child component's content is its own diff's business.
    old = '<div class="a"> <i live-cid="c1">x</i> </div>'
    new = '<div class="b"> <b live-cid="c1">y</b> </div>'
    assert wire(diff(old, new, fallback=False)) == [["attrs", [], "div", {"class": "b"}, []]]


def test_one_changed_text_among_equal_siblings_is_one_text_op() -> None:
    assert wire(fine("<p>a<!--c-->b</p>", "<p>a<!--c-->x</p>")) == [["text", [2], "#text", "x"]]
    assert wire(fine("<p>a<!--c-->b</p>", "<p>a<!--d-->b</p>")) == [["text", [1], "#comment", "d"]]


def test_one_old_and_one_new_node_between_equal_siblings() -> None:
    def middle(node: str) -> str:
        return f"<div><p>a</p>{node}<p>z</p></div>"

    assert wire(fine(middle('<b id="k">1</b>'), middle('<b id="k">2</b>'))) == [
        ["text", [1, 0], "#text", "2"]
    ]
    assert wire(fine(middle('<b id="k">1</b>'), middle('<b id="j">1</b>'))) == [
        ["replace", [1], "b", '<b id="j">1</b>']
    ]
    assert wire(fine(middle("<b>1</b>"), middle('<b id="j">1</b>'))) == [
        ["replace", [1], "b", '<b id="j">1</b>']
    ]
    assert wire(fine(middle("<b>1</b>"), middle("<i>1</i>"))) == [["replace", [1], "b", "<i>1</i>"]]
    assert wire(fine(middle("<b>1</b>"), middle("1"))) == [["replace", [1], "b", "1"]]
    old, new = middle('<b live-cid="c1">1</b>'), middle('<i live-cid="c1">2</i>')
    assert diff(old, new, fallback=False) == []


def test_only_new_nodes_between_equal_siblings_are_one_insert() -> None:
    assert wire(
        fine("<ul><li>a</li><li>d</li></ul>", "<ul><li>a</li><li>b</li>c<li>d</li></ul>")
    ) == [["insert", [], "ul", 1, "<li>b</li>c"]]


def test_only_old_nodes_between_equal_siblings_are_removes_from_the_last() -> None:
    assert wire(
        fine("<ul><li>a</li><li>b</li>c<li>d</li></ul>", "<ul><li>a</li><li>d</li></ul>")
    ) == [
        ["remove", [2], "#text"],
        ["remove", [1], "li"],
    ]


# --- the cache of parsed renders ---------------------------------------------


def test_the_previous_new_render_is_found_in_the_cache_and_gives_the_same_ops() -> None:
    renders = [keyed_list(keys) for keys in ([1, 2, 3], [0, 1, 2, 3], [3, 0, 1], [3, 1])]
    cache = TreeCache()
    diff("<ul></ul>", renders[0], cache=cache)
    for old, new in pairwise(renders):
        assert old in cache
        assert diff(old, new, fallback=False, cache=cache) == diff(
            old, new, fallback=False, cache=None
        )
        # The old render is diffed once; only the new one is kept.
        assert old not in cache
        assert new in cache


def test_the_default_cache_keeps_the_new_render() -> None:
    # Not a text change alone, whose parse is kept only if it evicts nothing.
    new = f'<p class="b">{uuid.uuid4()}</p>'
    diff('<p class="a">a</p>', new)
    assert new in TREE_CACHE


def test_a_render_with_no_single_root_leaves_the_cache_as_it_was() -> None:
    cache = TreeCache()
    diff("<p>a</p>", "<p>b</p>", cache=cache)
    with pytest.raises(RootError):
        diff("<p>b</p>", "<p>a</p><p>b</p>", cache=cache)
    assert "<p>b</p>" in cache
    assert len(cache) == 1


def test_a_cached_tree_is_never_changed_by_a_diff() -> None:
    old = keyed_list([1, 2, 3], sep="\n")
    news = [keyed_list([3, 1, 2], sep="\n"), keyed_list([1, 4, 3], sep=" "), "<ol></ol>"]
    cache = TreeCache()
    diff("<ul></ul>", old, cache=cache)
    tree = cache.get(old)
    assert tree is not None
    before = tree.root.html
    for new in news:
        cache.put(old, tree)  # the same parse of old, for every new render
        assert diff(old, new, fallback=False, cache=cache) == diff(
            old, new, fallback=False, cache=None
        )
        # The cached parse of new serves as the new side too.
        assert diff("<ul></ul>", new, cache=cache) == diff("<ul></ul>", new, cache=None)
    assert tree.root.html == before


def test_the_cache_evicts_the_oldest_renders_beyond_its_memory_limit() -> None:
    renders = [f'<p class="n{n}">{n}</p>' for n in range(6)]
    empty = TreeCache()
    diff("<p>x</p>", renders[0], cache=empty)
    one = empty.size  # the estimated memory of one small render
    cache = TreeCache(limit=3 * one)
    for render in renders:
        diff("<p>x</p>", render, cache=cache)
        assert cache.size <= cache.limit
    assert [r in cache for r in renders] == [False, False, False, True, True, True]
    # A render estimated above the limit is not kept at all.
    big = "<p>" + "x" * (3 * one) + "</p>"
    diff("<p>x</p>", big, cache=cache)
    assert big not in cache
    assert len(cache) == 3


def test_a_text_change_found_in_the_new_parse_alone_evicts_nothing() -> None:
    # Each render's old parse is gone (rows, say): the new parse is kept
    # only while that costs no other entry.
    renders = [f"<p>{n}</p>" for n in range(6)]
    empty = TreeCache()
    diff("<p>x</p>", renders[0], cache=empty)
    cache = TreeCache(limit=3 * empty.size)
    for render in renders:
        ops = diff("<p>x</p>", render, fallback=False, cache=cache)
        assert ops == [TextOp("text", [0], "#text", render[3])]
    assert [r in cache for r in renders] == [True, True, True, False, False, False]
    cache.clear()
    assert (len(cache), cache.size) == (0, 0)


def test_a_cache_with_no_room_keeps_nothing_and_changes_no_ops() -> None:
    cache = TreeCache(limit=0)
    old, new = keyed_list([1, 2]), keyed_list([2, 1])
    assert diff(old, new, cache=cache) == diff(old, new, cache=None)
    assert len(cache) == 0


# --- root errors --------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("", "found 0 element(s): nothing"),
        ("   \n", "found 0 element(s): nothing"),
        ("just text", "text 'just text'"),
        ("<p>a</p><p>b</p>", "found 2 element(s): <p>, <p>"),
        ("<p>a</p> tail", "text ' tail'"),
        ("<!-- c --><p>a</p>", "a comment '<!-- c -->'"),
    ],
)
def test_render_without_exactly_one_root_element_is_a_root_error(html: str, found: str) -> None:
    with pytest.raises(RootError, match="exactly one root element") as error:
        diff("<p>ok</p>", html)
    assert found in str(error.value)


def test_root_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        diff("<p>a</p><p>b</p>", "<p>ok</p>")


@given(
    st.lists(st.text(), max_size=4),
    st.lists(st.integers(-1, 10**9), max_size=6),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)
def test_the_json_bound_of_ops_is_never_below_their_json(
    texts: list[str], path: list[int], attrs: dict[str, str]
) -> None:
    ops: list[Op] = [TextOp("text", path, "#text", text) for text in texts]
    ops.append(AttrsOp("attrs", path, "p", attrs, list(attrs)))
    assert _json_bound(ops) >= len(_encode_json(ops))
