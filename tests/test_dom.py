"""Specification of ``livecomp.dom``: parsing, serialisation and patch ops."""

from __future__ import annotations

import pytest

from livecomp.dom import (
    SVG_NS,
    Comment,
    Element,
    RootError,
    Text,
    find_by_cid,
    nodes_equal,
    parse_fragment,
    parse_root,
)
from livecomp.patching import PatchMismatch, apply_patches

# --- parsing -----------------------------------------------------------------


def test_parse_root_keeps_whitespace_text_and_comments() -> None:
    root = parse_root("<div>\n  <p>a</p><!-- c -->\n</div>")
    assert [(type(c), c.outer_html()) for c in root.children] == [
        (Text, "\n  "),
        (Element, "<p>a</p>"),
        (Comment, "<!-- c -->"),
        (Text, "\n"),
    ]


def test_parse_root_ignores_whitespace_around_the_root() -> None:
    assert parse_root("\n <p>a</p> \n").outer_html() == "<p>a</p>"


def test_parse_root_decodes_entities() -> None:
    (text,) = parse_root("<p>a &amp; b &lt; &copy;</p>").children
    assert isinstance(text, Text)
    assert text.data == "a & b < ©"


def test_tr_root_is_parsed_in_table_body_context() -> None:
    root = parse_root("<tr><td>1</td></tr>")
    assert root.tag == "tr"
    assert [c.tag for c in root.children if isinstance(c, Element)] == ["td"]


def test_td_root_is_parsed_in_row_context() -> None:
    assert parse_root("<td>1</td>").outer_html() == "<td>1</td>"


def test_option_root_is_parsed_in_select_context() -> None:
    assert parse_root('<option value="1">One</option>').outer_html() == (
        '<option value="1">One</option>'
    )


def test_svg_children_are_in_the_svg_namespace_but_foreign_object_content_is_html() -> None:
    root = parse_root("<svg><g></g><foreignObject><p>x</p></foreignObject></svg>")
    g, foreign = root.children
    assert isinstance(g, Element) and isinstance(foreign, Element)
    assert (root.namespace, g.namespace, foreign.namespace) == (SVG_NS, SVG_NS, SVG_NS)
    assert isinstance(foreign.children[0], Element)
    assert foreign.children[0].namespace == "html"


@pytest.mark.parametrize("html", ["", "text", "<p>a</p><p>b</p>", "<p>a</p>x", "<!--c--><p></p>"])
def test_parse_root_refuses_anything_but_one_root_element(html: str) -> None:
    with pytest.raises(RootError):
        parse_root(html)


def test_parse_fragment_uses_the_context_element() -> None:
    cells = parse_fragment("<td>1</td><td>2</td>", "tr")
    assert [c.outer_html() for c in cells] == ["<td>1</td>", "<td>2</td>"]
    # Outside a row, the parser drops the cell tags and keeps the text.
    assert [c.outer_html() for c in parse_fragment("<td>1</td>", "div")] == ["1"]


def test_template_content_is_its_content_not_its_children() -> None:
    root = parse_root("<div><template><b>x</b></template></div>")
    assert root.outer_html() == "<div><template><b>x</b></template></div>"
    template = root.children[0]
    assert isinstance(template, Element)
    # As in the DOM: no patch path reaches into a template's content.
    assert template.children == []
    assert [node.outer_html() for node in template.content or []] == ["<b>x</b>"]


# --- serialisation -------------------------------------------------------------


def test_text_escapes_ampersand_angle_brackets_and_nbsp() -> None:
    element = Element("p", {}, [Text('a & <b> "q" \xa0')])
    assert element.outer_html() == '<p>a &amp; &lt;b&gt; "q" &nbsp;</p>'


def test_attributes_escape_ampersand_quote_and_nbsp() -> None:
    element = Element("p", {"title": 'a & "b" <c>\xa0'})
    assert element.outer_html() == '<p title="a &amp; &quot;b&quot; <c>&nbsp;"></p>'


def test_void_elements_have_no_end_tag() -> None:
    assert parse_root("<div><br><input disabled><img src=x></div>").outer_html() == (
        '<div><br><input disabled=""><img src="x"></div>'
    )


def test_script_and_style_text_is_not_escaped() -> None:
    html = "<div><script>if (a < b && c) {}</script><style>a > b {}</style></div>"
    assert parse_root(html).outer_html() == html


def test_leading_newline_of_pre_and_textarea_survives_a_round_trip() -> None:
    html = "<div><pre>\n\nx</pre><textarea>\n\ny</textarea></div>"
    root = parse_root(html)
    assert root.outer_html() == html
    assert nodes_equal(parse_root(root.outer_html()), root)


def test_escaped_script_text_stays_text_through_a_round_trip() -> None:
    root = parse_root("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
    (text,) = parse_root(root.outer_html()).children
    assert isinstance(text, Text)
    assert text.data == "<script>alert(1)</script>"


def test_deep_trees_parse_serialise_and_compare_without_recursion() -> None:
    html = "<div>" * 2000 + "x" + "</div>" * 2000
    root = parse_root(html)
    assert nodes_equal(root, parse_root(root.outer_html()))


# --- equality and lookup -----------------------------------------------------


def test_nodes_equal_ignores_attribute_order() -> None:
    assert nodes_equal(parse_root('<p a="1" b="2"></p>'), parse_root('<p b="2" a="1"></p>'))


def test_nodes_equal_sees_text_comment_and_attribute_differences() -> None:
    base = parse_root('<p a="1">x<!--c--></p>')
    for other in ['<p a="2">x<!--c--></p>', '<p a="1">y<!--c--></p>', '<p a="1">x<!--d--></p>']:
        assert not nodes_equal(base, parse_root(other))


def test_find_by_cid_finds_the_root_and_nested_components() -> None:
    root = parse_root('<div live-cid="c0"><p><span live-cid="c1">x</span></p></div>')
    assert find_by_cid(root, "c0") is root
    child = find_by_cid(root, "c1")
    assert child is not None and child.tag == "span"
    assert find_by_cid(root, "c9") is None


# --- patch ops -----------------------------------------------------------------


def patched(html: str, *ops: list[object]) -> str:
    root = parse_root(html)
    apply_patches(root, list(ops))
    return root.outer_html()


def test_text_op_sets_text_data() -> None:
    assert patched("<p>a</p>", ["text", [0], "#text", "<b>"]) == "<p>&lt;b&gt;</p>"


def test_text_op_sets_comment_data() -> None:
    assert patched("<p><!--a--></p>", ["text", [0], "#comment", "b"]) == "<p><!--b--></p>"


def test_attrs_op_sets_and_removes() -> None:
    html = '<p a="1" b="2"></p>'
    assert patched(html, ["attrs", [], "p", {"a": "9", "c": "3"}, ["b"]]) == ('<p a="9" c="3"></p>')


def test_insert_op_parses_in_the_parent_context() -> None:
    html = "<table><tbody><tr><td>1</td></tr></tbody></table>"
    assert patched(html, ["insert", [0], "tbody", 0, "<tr><td>0</td></tr>"]) == (
        "<table><tbody><tr><td>0</td></tr><tr><td>1</td></tr></tbody></table>"
    )


def test_insert_op_at_the_child_count_appends() -> None:
    assert patched("<ul><li>a</li></ul>", ["insert", [], "ul", 1, "<li>b</li>"]) == (
        "<ul><li>a</li><li>b</li></ul>"
    )


def test_insert_into_a_textarea_parses_its_text_as_rcdata() -> None:
    assert patched("<textarea></textarea>", ["insert", [], "textarea", 0, "a &amp; <b>"]) == (
        "<textarea>a &amp; &lt;b&gt;</textarea>"
    )


def test_remove_op_removes_one_node() -> None:
    assert patched("<p>a<b>b</b></p>", ["remove", [1], "b"]) == "<p>a</p>"


def test_move_op_index_counts_children_after_taking_the_node_out() -> None:
    html = "<ul><li>0</li><li>1</li><li>2</li></ul>"
    assert (
        patched(html, ["move", [], "ul", 0, 2, "li"]) == "<ul><li>1</li><li>2</li><li>0</li></ul>"
    )
    assert (
        patched(html, ["move", [], "ul", 2, 0, "li"]) == "<ul><li>2</li><li>0</li><li>1</li></ul>"
    )


def test_replace_op_replaces_a_node_with_parsed_nodes() -> None:
    assert patched("<div><b>x</b></div>", ["replace", [0], "b", "y<i>z</i>"]) == (
        "<div>y<i>z</i></div>"
    )


def test_replace_of_the_root_updates_the_root_object_in_place() -> None:
    root = parse_root('<div live-cid="c0">a</div>')
    apply_patches(root, [["replace", [], "div", '<section live-cid="c0">b</section>']])
    assert root.outer_html() == '<section live-cid="c0">b</section>'


def test_check_is_compared_case_insensitively() -> None:
    html = "<svg><foreignObject></foreignObject></svg>"
    assert patched(html, ["attrs", [0], "foreignobject", {"x": "1"}, []]) == (
        '<svg><foreignObject x="1"></foreignObject></svg>'
    )


@pytest.mark.parametrize(
    "op",
    [
        ["text", [0], "#comment", "x"],  # a text node is there
        ["text", [5], "#text", "x"],  # no such child
        ["text", [0, 0], "#text", "x"],  # a text node has no children
        ["attrs", [], "div", {}, []],  # the root is a <p>
        ["insert", [], "p", 3, "x"],  # past the end
        ["remove", [], "p"],  # the root cannot be removed
        ["remove", [1], "#text"],  # child 1 is a <b>
        ["move", [], "p", 0, 2, "#text"],  # only two children: `to` at most 1
        ["move", [], "p", 0, 1, "b"],  # child 0 is text
        ["replace", [], "p", "<p>a</p><p>b</p>"],  # the root must stay one element
        ["frobnicate", [], "p"],  # not an op
    ],
)
def test_patch_mismatch_when_the_target_is_missing_or_different(op: list[object]) -> None:
    with pytest.raises(PatchMismatch):
        patched("<p>a<b>b</b></p>", op)


def test_ops_before_a_mismatch_stay_applied() -> None:
    root = parse_root("<p>a</p>")
    with pytest.raises(PatchMismatch):
        apply_patches(root, [["text", [0], "#text", "b"], ["remove", [3], "#text"]])
    assert root.outer_html() == "<p>b</p>"
