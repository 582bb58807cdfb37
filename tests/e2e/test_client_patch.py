"""The browser client (livecomp/js/dist/live.js) in Chromium, without a server.

The first half drives ``window.livecomp.applyPatches`` on DOM parsed in the
page. The second half loads a live page whose ``WebSocket`` is a scripted
stand-in, so every wire message of docs/protocol.md can be sent and checked
exactly: join, render, patch, resync, events, forms, reconnect, close codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from livecomp.names import ERROR_EVENT, JOINED_EVENT
from tests.e2e.harness import BUNDLE, ORIGIN, deliver, join, live_page_html, sent, serve_site


@pytest.fixture(scope="module")
def plain_context(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context()
    yield context
    context.close()


@pytest.fixture
def tab(plain_context: BrowserContext) -> Iterator[Page]:
    """A page with the bundle loaded and a ``#host`` to parse DOM into."""
    page = plain_context.new_page()
    page.set_content("<!doctype html><html><body><div id='host'></div></body></html>")
    page.add_script_tag(path=str(BUNDLE))
    yield page
    page.close()


def apply(page: Page, before: str, ops: list[Any]) -> str:
    """Parse ``before`` into #host, apply ``ops`` to its root; return #host's HTML."""
    result: str = page.evaluate(
        """([before, ops]) => {
            const host = document.getElementById("host");
            host.innerHTML = before;
            window.livecomp.applyPatches(host.firstElementChild, ops);
            return host.innerHTML;
        }""",
        [before, ops],
    )
    return result


def parsed(page: Page, html: str) -> str:
    """``html`` as the browser serialises it after parsing it in a div."""
    result: str = page.evaluate(
        "html => { const d = document.createElement('div'); d.innerHTML = html; "
        "return d.innerHTML; }",
        html,
    )
    return result


def mismatch(page: Page, before: str, ops: list[Any]) -> str:
    """Apply ops that must fail; return the PatchMismatch message."""
    result: str = page.evaluate(
        """([before, ops]) => {
            const host = document.getElementById("host");
            host.innerHTML = before;
            try {
                window.livecomp.applyPatches(host.firstElementChild, ops);
            } catch (error) {
                if (!(error instanceof window.livecomp.PatchMismatch)) throw error;
                return error.message;
            }
            throw new Error("no PatchMismatch");
        }""",
        [before, ops],
    )
    return result


# applyPatches: one op at a time.


def test_resync_counter_starts_at_zero(tab: Page) -> None:
    assert tab.evaluate("window.livecomp.resyncs") == 0


def test_text_sets_text_and_comment_data(tab: Page) -> None:
    after = apply(
        tab,
        "<p>old<!--c--></p>",
        [["text", [0], "#text", "new"], ["text", [1], "#comment", "d"]],
    )
    assert after == "<p>new<!--d--></p>"


def test_attrs_sets_and_removes(tab: Page) -> None:
    after = apply(
        tab,
        '<div class="a" title="t"><span hidden="">x</span></div>',
        [
            ["attrs", [], "div", {"class": "b", "data-x": "1"}, ["title"]],
            ["attrs", [0], "SPAN", {}, ["hidden"]],
        ],
    )
    assert after == '<div class="b" data-x="1"><span>x</span></div>'


def test_attrs_accepts_names_setattribute_rejects(tab: Page) -> None:
    after = apply(tab, "<div></div>", [["attrs", [], "div", {"@click": "go()"}, []]])
    assert after == '<div @click="go()"></div>'


def test_insert_tr_into_tbody_with_whitespace(tab: Page) -> None:
    before = "<table><tbody>\n  <tr><td>a</td></tr>\n</tbody></table>"
    after = apply(tab, before, [["insert", [0], "tbody", 2, "\n  <tr><td>b</td></tr>"]])
    assert after == parsed(
        tab, "<table><tbody>\n  <tr><td>a</td></tr>\n  <tr><td>b</td></tr>\n</tbody></table>"
    )


def test_insert_td_and_option_parse_in_context(tab: Page) -> None:
    after = apply(
        tab,
        "<div><table><tbody><tr><td>1</td></tr></tbody></table><select><option>a</option></select></div>",
        [
            ["insert", [0, 0, 0], "tr", 1, "<td>2</td>"],
            ["insert", [1], "select", 0, "<option>z</option>"],
        ],
    )
    assert after == (
        "<div><table><tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
        "<select><option>z</option><option>a</option></select></div>"
    )


def test_insert_into_svg_creates_svg_elements(tab: Page) -> None:
    apply(tab, "<svg></svg>", [["insert", [], "svg", 0, "<circle r='1'></circle>"]])
    namespace = tab.evaluate("document.querySelector('#host circle').namespaceURI")
    assert namespace == "http://www.w3.org/2000/svg"


def test_insert_does_not_run_scripts(tab: Page) -> None:
    apply(tab, "<div></div>", [["insert", [], "div", 0, "<script>window.ran = true</script>"]])
    assert tab.evaluate("window.ran === undefined")


def test_remove_takes_out_the_node(tab: Page) -> None:
    after = apply(
        tab, "<ul> <li>a</li> <li>b</li></ul>", [["remove", [1], "li"], ["remove", [1], "#text"]]
    )
    assert after == "<ul> <li>b</li></ul>"


def test_move_forward_and_back(tab: Page) -> None:
    before = "<ul><li>a</li><li>b</li><li>c</li></ul>"
    assert (
        apply(tab, before, [["move", [], "ul", 0, 2, "li"]])
        == "<ul><li>b</li><li>c</li><li>a</li></ul>"
    )
    assert (
        apply(tab, before, [["move", [], "ul", 2, 0, "li"]])
        == "<ul><li>c</li><li>a</li><li>b</li></ul>"
    )


def test_move_keeps_the_moved_node_and_its_focus(tab: Page) -> None:
    tab.evaluate("document.getElementById('host').innerHTML = '<div><p>x</p><input id=i></div>'")
    tab.focus("#i")
    tab.keyboard.type("hey")
    moved = tab.evaluate(
        """() => {
            const input = document.getElementById("i");
            const root = document.querySelector("#host > div");
            window.livecomp.applyPatches(root, [["move", [], "div", 1, 0, "input"]]);
            return [document.querySelector("#host > div").firstChild === input,
                    document.activeElement === input, input.value];
        }"""
    )
    assert moved == [True, True, "hey"]


def test_replace_swaps_in_nodes_parsed_in_context(tab: Page) -> None:
    after = apply(tab, "<div><p>a</p></div>", [["replace", [0], "p", "<span>b</span> <em>c</em>"]])
    assert after == "<div><span>b</span> <em>c</em></div>"


def test_replace_same_tag_morphs_and_keeps_focus_and_typing(tab: Page) -> None:
    tab.evaluate(
        "document.getElementById('host').innerHTML = '<div><form><input name=q></form></div>'"
    )
    tab.focus("input")
    tab.keyboard.type("typed")
    state = tab.evaluate(
        """() => {
            const input = document.querySelector("input");
            window.livecomp.applyPatches(document.querySelector("#host > div"),
                [["replace", [0], "form",
                  '<form class="f"><input name="q" value="server"><b>new</b></form>']]);
            return [document.querySelector("input") === input, document.activeElement === input,
                    input.value, input.getAttribute("value"),
                    document.getElementById("host").innerHTML];
        }"""
    )
    assert state == [
        True,
        True,
        "typed",
        "server",
        '<div><form class="f"><input name="q" value="server"><b>new</b></form></div>',
    ]


def test_replace_root_keeps_being_the_root(tab: Page) -> None:
    after = apply(
        tab,
        '<div live-cid="c1"><p>a</p></div>',
        [
            ["replace", [], "div", '<section live-cid="c1"><p>b</p></section>'],
            ["text", [0, 0], "#text", "c"],
        ],
    )
    assert after == '<section live-cid="c1"><p>c</p></section>'


def test_replace_root_with_same_tag_keeps_the_element(tab: Page) -> None:
    same = tab.evaluate(
        """() => {
            const host = document.getElementById("host");
            host.innerHTML = '<div live-cid="c1">a</div>';
            const root = host.firstElementChild;
            const html = '<div live-cid="c1" class="x">b</div>';
            window.livecomp.applyPatches(root, [["replace", [], "div", html]]);
            return [host.firstElementChild === root, host.innerHTML];
        }"""
    )
    assert same == [True, '<div live-cid="c1" class="x">b</div>']


def test_replace_morph_survives_repeated_ids(tab: Page) -> None:
    after = apply(
        tab,
        '<div><p id="x">1</p><b>k</b><p id="x">2</p></div>',
        [["replace", [], "div", '<div><b>k</b><p id="x">2</p><i id="x">3</i></div>']],
    )
    assert after == '<div><b>k</b><p id="x">2</p><i id="x">3</i></div>'


def test_morph_matches_live_id_siblings_by_key_keeping_each_node(tab: Page) -> None:
    # Keyed like the server diff (names.KEY_ATTRS): a reorder moves nodes, and
    # a live-id only matches an element of the same tag.
    state = tab.evaluate(
        """() => {
            const host = document.getElementById("host");
            host.innerHTML = '<ul><li live-id="a">A</li><li live-id="b">B</li>'
                + '<li live-id="c">C</li><p live-id="d">D</p></ul>';
            const before = [...host.querySelectorAll("[live-id]")];
            const html = '<ul><li live-id="c">C</li><li live-id="a">A!</li>'
                + '<li live-id="b">B</li><li live-id="d">D</li></ul>';
            window.livecomp.applyPatches(host.firstElementChild, [["replace", [], "ul", html]]);
            const after = [...host.querySelectorAll("[live-id]")];
            return [after.map((el) => before.indexOf(el)), host.innerHTML];
        }"""
    )
    assert state == [
        [2, 0, 1, -1],
        '<ul><li live-id="c">C</li><li live-id="a">A!</li><li live-id="b">B</li>'
        '<li live-id="d">D</li></ul>',
    ]


def test_morph_matches_a_live_cid_before_a_live_id_or_an_id(tab: Page) -> None:
    state = tab.evaluate(
        """() => {
            const host = document.getElementById("host");
            host.innerHTML = '<div><p live-cid="c2" live-id="x">1</p><p id="y">2</p></div>';
            const [child, other] = host.firstElementChild.children;
            const html = '<div><p id="y">2</p><p live-cid="c2" live-id="z">1</p></div>';
            window.livecomp.applyPatches(host.firstElementChild, [["replace", [], "div", html]]);
            const [first, second] = host.firstElementChild.children;
            return [first === other, second === child, host.innerHTML];
        }"""
    )
    assert state == [True, True, '<div><p id="y">2</p><p live-cid="c2" live-id="z">1</p></div>']


def test_morph_sets_changed_controls_to_their_markup_exactly(tab: Page) -> None:
    tab.evaluate(
        "document.getElementById('host').innerHTML = '<form><input type=checkbox "
        "checked=checked><select><option>a</option><option>b</option></select></form>'"
    )
    tab.uncheck("input")
    tab.select_option("select", "b")
    state = tab.evaluate(
        """() => {
            document.activeElement.blur();
            const html = '<form><input type="checkbox" checked="checked" name="c">'
                + '<select name="s"><option>a</option><option>b</option></select></form>';
            window.livecomp.applyPatches(document.querySelector("#host > form"),
                [["replace", [], "form", html]]);
            const $ = (selector) => document.querySelector(selector);
            return [$("#host").innerHTML, $("input").checked, $("select").value];
        }"""
    )
    assert state == [
        '<form><input type="checkbox" checked="checked" name="c">'
        '<select name="s"><option>a</option><option>b</option></select></form>',
        True,
        "a",
    ]


def test_ops_apply_in_order_against_the_current_dom(tab: Page) -> None:
    after = apply(
        tab,
        "<ul><li>a</li></ul>",
        [
            ["insert", [], "ul", 0, "<li>z</li>"],
            ["text", [1, 0], "#text", "A"],
            ["move", [], "ul", 1, 0, "li"],
            ["remove", [1], "li"],
        ],
    )
    assert after == "<ul><li>A</li></ul>"


@pytest.mark.parametrize(
    ("ops", "words"),
    [
        ([["text", [0], "#text", "x"]], "expected #text, found <b>"),
        ([["text", [0], "#comment", "x"]], "expected #comment, found <b>"),
        ([["attrs", [0], "i", {}, []]], "expected i, found <b>"),
        ([["remove", [5], "b"]], "no child 5"),
        ([["text", [0, 0, 0], "#text", "x"]], "no child 0 at depth 2"),
        ([["insert", [], "p", 9, "<i></i>"]], "index 9 is outside 0..1"),
        ([["move", [], "p", 0, 3, "b"]], "to 3 is outside 0..0"),
        ([["move", [], "p", 0, 0, "#text"]], "expected #text, found <b>"),
        ([["replace", [], "p", "<p></p><p></p>"]], "one element"),
        ([["bogus", []]], "unknown op"),
    ],
)
def test_mismatch_throws_patch_mismatch(tab: Page, ops: list[Any], words: str) -> None:
    assert words in mismatch(tab, "<p><b>x</b></p>", ops)


def test_mismatch_stops_at_the_failing_op(tab: Page) -> None:
    mismatch(
        tab,
        "<p>a</p>",
        [["text", [0], "#text", "b"], ["remove", [3], "i"], ["text", [0], "#text", "c"]],
    )
    assert tab.evaluate("document.getElementById('host').innerHTML") == "<p>b</p>"


def test_tag_check_is_case_insensitive(tab: Page) -> None:
    after = apply(
        tab,
        "<svg><foreignObject></foreignObject></svg>",
        [["attrs", [0], "foreignobject", {"x": "1"}, []]],
    )
    assert 'x="1"' in after


# Live values of form controls.


def test_value_attr_updates_the_value_of_an_unfocused_input(tab: Page) -> None:
    tab.evaluate(
        "document.getElementById('host').innerHTML = "
        "'<div><input value=a><textarea>t</textarea></div>'"
    )
    tab.fill("input", "user")
    tab.fill("textarea", "user")
    values = tab.evaluate(
        """() => {
            document.activeElement.blur();
            window.livecomp.applyPatches(document.querySelector("#host > div"), [
                ["attrs", [0], "input", {"value": "server"}, []],
                ["text", [1, 0], "#text", "server text"],
            ]);
            const $ = (selector) => document.querySelector(selector);
            return [$("input").value, $("textarea").value];
        }"""
    )
    assert values == ["server", "server text"]


def test_focused_input_the_user_typed_into_keeps_its_value_and_caret(tab: Page) -> None:
    tab.evaluate("document.getElementById('host').innerHTML = '<div><input value=a></div>'")
    tab.focus("input")
    tab.keyboard.press("End")
    tab.keyboard.type("bc")
    tab.keyboard.press("ArrowLeft")
    state = tab.evaluate(
        """() => {
            const input = document.querySelector("input");
            window.livecomp.applyPatches(document.querySelector("#host > div"),
                [["attrs", [0], "input", {"value": "server"}, []]]);
            return [input.value, input.getAttribute("value"), input.selectionStart];
        }"""
    )
    assert state == ["abc", "server", 2]


def test_focused_input_not_typed_into_follows_the_server_keeping_caret(tab: Page) -> None:
    tab.evaluate("document.getElementById('host').innerHTML = '<div><input value=abcdef></div>'")
    state = tab.evaluate(
        """() => {
            const input = document.querySelector("input");
            input.focus();
            input.setSelectionRange(2, 2);
            window.livecomp.applyPatches(document.querySelector("#host > div"),
                [["attrs", [0], "input", {"value": "ABCDEF"}, []]]);
            return [input.value, input.selectionStart, document.activeElement === input];
        }"""
    )
    assert state == ["ABCDEF", 2, True]


def test_checked_and_selected_follow_the_markup(tab: Page) -> None:
    tab.evaluate(
        "document.getElementById('host').innerHTML = "
        "'<div><input type=checkbox><select><option>a</option><option>b</option></select></div>'"
    )
    state = tab.evaluate(
        """() => {
            window.livecomp.applyPatches(document.querySelector("#host > div"), [
                ["attrs", [0], "input", {"checked": ""}, []],
                ["attrs", [1, 1], "option", {"selected": ""}, []],
            ]);
            const $ = (selector) => document.querySelector(selector);
            return [$("input").checked, $("select").value];
        }"""
    )
    assert state == [True, "b"]


# The live page, over a scripted socket.


LIVE_ROOT = (
    '<div live-cid="c0"><p>count: 0</p>'
    '<button id="inc" live-click="inc" live-value-by="1" live-value-unit="kg">+</button>'
    '<div live-cid="c1"><button id="child" live-click="ping">ping</button></div>'
    '<form id="f" live-change="validate" live-submit="save">'
    '<input name="title" value="">'
    '<button id="save" live-disable-with="Saving...">Save</button></form></div>'
)


@pytest.fixture(scope="module")
def live_context(chromium: Browser) -> Iterator[BrowserContext]:
    """Serves a live page at ORIGIN; every page's WebSocket is FAKE_SOCKET."""
    context = chromium.new_context()
    serve_site(context, {"/": live_page_html(LIVE_ROOT)}.get)
    yield context
    context.close()


@pytest.fixture
def live(live_context: BrowserContext) -> Iterator[Page]:
    """A fresh tab (and so fresh session storage) on the live page."""
    page = live_context.new_page()
    page.goto(f"{ORIGIN}/")
    yield page
    page.close()


def sockets(page: Page) -> int:
    count: int = page.evaluate("window.sockets.length")
    return count


def shut(page: Page, code: int) -> None:
    page.evaluate("code => window.sockets.at(-1).shut(code)", code)


def body_classes(page: Page) -> list[str]:
    classes: list[str] = page.evaluate(
        "[...document.body.classList].filter(c => c.startsWith('live-'))"
    )
    return classes


def root_html(page: Page) -> str:
    html: str = page.evaluate("document.querySelector('[live-page]').innerHTML")
    return html


def test_join_sends_the_token_to_the_socket_path(live: Page) -> None:
    assert live.evaluate("window.sockets[0].url") == "ws://livecomp.test/live/ws"
    assert body_classes(live) == ["live-disconnected"]
    live.evaluate("window.sockets[0].open()")
    assert sent(live) == [{"t": "join", "token": "TOKEN", "url": "/"}]


def test_an_unchanged_join_keeps_the_document_and_goes_live(live: Page) -> None:
    live.evaluate("window.sockets[0].open()")
    live.evaluate("window.kept = document.querySelector('[live-cid=c0]')")
    before = root_html(live)
    deliver(live, {"t": "unchanged", "cid": "c0"})
    assert body_classes(live) == ["live-connected"]
    assert root_html(live) == before
    assert live.evaluate("window.kept === document.querySelector('[live-cid=c0]')")
    # Live: a patch after it applies as after a render.
    deliver(live, {"t": "patch", "cid": "c0", "ops": [["attrs", [], "div", {"data-x": "1"}, []]]})
    assert live.evaluate("document.querySelector('[live-cid=c0]').dataset.x") == "1"
    assert live.evaluate("window.livecomp.resyncs") == 0


def test_join_render_morphs_the_root_keeping_typed_input(live: Page) -> None:
    live.evaluate("window.sockets[0].open()")
    live.focus("input[name=title]")
    live.keyboard.type("draft")
    html = live.evaluate("document.querySelector('[live-cid=c0]').outerHTML").replace(
        "count: 0", "count: 5"
    )
    deliver(live, {"t": "render", "cid": "c0", "html": html})
    assert "count: 5" in root_html(live)
    assert live.evaluate("document.activeElement.name") == "title"
    assert live.input_value("input[name=title]") == "draft"
    assert body_classes(live) == ["live-connected"]


def test_batched_patches_apply_in_order(live: Page) -> None:
    join(live)
    deliver(
        live,
        [
            {"t": "patch", "cid": "c0", "ops": [["text", [0, 0], "#text", "count: 1"]]},
            {"t": "patch", "cid": "c1", "ops": [["attrs", [0], "button", {"class": "x"}, []]]},
            {"t": "patch", "cid": "c0", "ops": [["text", [0, 0], "#text", "count: 2"]]},
        ],
    )
    assert "<p>count: 2</p>" in root_html(live)
    assert live.get_attribute("#child", "class") == "x"
    assert live.evaluate("window.livecomp.resyncs") == 0


def test_mismatched_patch_asks_for_a_resync(live: Page) -> None:
    join(live)
    deliver(live, {"t": "patch", "cid": "c0", "ops": [["text", [0], "#text", "x"]]})
    resync = sent(live)[-1]
    assert resync["t"] == "resync"
    assert resync["cid"] == "c0"
    assert "expected #text, found <p>" in resync["reason"]
    assert live.evaluate("window.livecomp.resyncs") == 1
    # Patches for it wait for the render that answers the resync.
    deliver(live, {"t": "patch", "cid": "c0", "ops": [["text", [0], "#text", "y"]]})
    assert live.evaluate("window.livecomp.resyncs") == 1
    deliver(live, {"t": "render", "cid": "c0", "html": '<div live-cid="c0"><p>fresh</p></div>'})
    assert root_html(live) == '<div live-cid="c0"><p>fresh</p></div>'


def test_render_reorders_live_id_items_keeping_their_nodes_and_typing(live: Page) -> None:
    join(live)

    def render(*ids: str) -> None:
        items = "".join(f'<li live-id="{i}">{i}<input name="{i}"></li>' for i in ids)
        deliver(
            live, {"t": "render", "cid": "c0", "html": f'<div live-cid="c0"><ul>{items}</ul></div>'}
        )

    render("a", "b", "c")
    live.fill("input[name=b]", "typed")
    live.evaluate("window.items = [...document.querySelectorAll('li')]")
    render("c", "b", "a")
    order = live.evaluate(
        "[...document.querySelectorAll('li')].map(li => window.items.indexOf(li))"
    )
    assert order == [2, 1, 0]
    assert live.input_value("input[name=b]") == "typed"
    assert live.evaluate("window.livecomp.resyncs") == 0


def test_patch_for_a_missing_component_asks_for_a_resync(live: Page) -> None:
    join(live)
    deliver(live, {"t": "patch", "cid": "c9", "ops": []})
    assert sent(live)[-1]["t"] == "resync"
    assert sent(live)[-1]["cid"] == "c9"
    assert live.evaluate("window.livecomp.resyncs") == 1


def test_click_sends_event_with_values_and_loads_until_ack(live: Page) -> None:
    join(live)
    live.click("#inc")
    live.click("#child")
    assert sent(live)[-2:] == [
        {"t": "event", "ref": 1, "cid": "c0", "event": "inc", "value": {"by": "1", "unit": "kg"}},
        {"t": "event", "ref": 2, "cid": "c1", "event": "ping", "value": {}},
    ]
    assert live.get_attribute("#inc", "class") == "live-click-loading"
    deliver(live, {"t": "ack", "ref": 1})
    assert live.get_attribute("#inc", "class") is None
    assert live.get_attribute("#child", "class") == "live-click-loading"
    deliver(live, {"t": "err", "ref": 2, "code": "unknown_event", "event": "ping", "reason": "no"})
    assert live.get_attribute("#child", "class") is None
    assert body_classes(live) == ["live-error"]
    live.click("#inc")
    deliver(live, {"t": "ack", "ref": 3})
    assert body_classes(live) == ["live-connected"]


def test_no_events_before_join(live: Page) -> None:
    live.evaluate("window.sockets[0].open()")
    live.click("#inc")
    assert sent(live) == [{"t": "join", "token": "TOKEN", "url": "/"}]
    assert live.get_attribute("#inc", "class") is None


def test_live_change_sends_the_form_on_every_input(live: Page) -> None:
    join(live)
    live.focus("input[name=title]")
    live.keyboard.type("ab")
    events = [m for m in sent(live) if m["t"] == "event"]
    assert [e["value"] for e in events] == [{"title": "a"}, {"title": "ab"}]
    assert {e["event"] for e in events} == {"validate"}
    assert "live-change-loading" in (live.get_attribute("#f", "class") or "")
    for event in events:
        deliver(live, {"t": "ack", "ref": event["ref"]})
    assert live.get_attribute("#f", "class") is None


def test_live_submit_sends_form_and_disables_until_ack(live: Page) -> None:
    join(live)
    live.fill("input[name=title]", "milk")
    live.click("#save")
    submit = sent(live)[-1]
    assert submit["event"] == "save"
    assert submit["value"] == {"title": "milk"}
    assert live.url == f"{ORIGIN}/"
    assert live.text_content("#save") == "Saving..."
    assert live.is_disabled("#save")
    assert "live-submit-loading" in (live.get_attribute("#f", "class") or "")
    # The server clears the field while handling the submit.
    deliver(
        live, {"t": "patch", "cid": "c0", "ops": [["attrs", [3, 0], "input", {"value": ""}, []]]}
    )
    deliver(live, {"t": "ack", "ref": submit["ref"]})
    assert live.input_value("input[name=title]") == ""
    assert live.text_content("#save") == "Save"
    assert not live.is_disabled("#save")
    assert "live-submit-loading" not in (live.get_attribute("#f", "class") or "")


def test_stale_patch_never_eats_keystrokes(live: Page) -> None:
    join(live)
    live.focus("input[name=title]")
    live.keyboard.type("a")
    live.keyboard.type("b")
    first, second = (m["ref"] for m in sent(live) if m["t"] == "event")
    # The server answers the first event (value "a") while "ab" is in flight.
    deliver(
        live, {"t": "patch", "cid": "c0", "ops": [["attrs", [3, 0], "input", {"value": "A"}, []]]}
    )
    deliver(live, {"t": "ack", "ref": first})
    assert live.input_value("input[name=title]") == "ab"
    deliver(
        live, {"t": "patch", "cid": "c0", "ops": [["attrs", [3, 0], "input", {"value": "AB"}, []]]}
    )
    deliver(live, {"t": "ack", "ref": second})
    assert live.input_value("input[name=title]") == "AB"


def test_form_serialisation_follows_formdata(live: Page) -> None:
    live.evaluate(
        """() => {
            const host = document.createElement("div");
            host.innerHTML = `<form live-change="x">
                <input name="tag" value="a"><input name="tag" value="b">
                <input type="checkbox" name="ok" value="yes" checked>
                <input type="checkbox" name="no" value="1">
                <input type="radio" name="size" value="s">
                <input type="radio" name="size" value="m" checked>
                <select name="pick" multiple><option selected>x</option><option>y</option></select>
                <select name="one"><option>p</option><option selected>q</option></select>
                <textarea name="note">hello</textarea>
                <input name="off" value="z" disabled>
                <input type="text" name="title" value="t" live-value-ignored="1"></form>`;
            document.querySelector("[live-cid=c0]").append(host);
        }"""
    )
    join(live)
    live.evaluate(
        "document.querySelector('form[live-change=x] textarea')"
        ".dispatchEvent(new Event('input', {bubbles: true}))"
    )
    event = sent(live)[-1]
    assert event["event"] == "x"
    assert event["value"] == {
        "tag": ["a", "b"],
        "ok": "yes",
        "size": "m",
        "pick": ["x"],
        "one": "q",
        "note": "hello",
        "title": "t",
    }


def test_reconnect_after_close_and_rejoin_keeps_typing(live: Page) -> None:
    join(live)
    live.focus("input[name=title]")
    shut(live, 1011)
    assert body_classes(live) == ["live-disconnected"]
    live.keyboard.type("offline")
    live.wait_for_function("window.sockets.length === 2", timeout=2000)
    join(live)
    # A rejoin: the DOM may have moved on, so the server must send the render.
    assert sent(live)[0] == {"t": "join", "token": "TOKEN", "url": "/", "rejoin": True}
    assert body_classes(live) == ["live-connected"]
    assert live.input_value("input[name=title]") == "offline"
    assert live.evaluate("document.activeElement.name") == "title"


def test_pending_events_end_when_the_socket_drops(live: Page) -> None:
    join(live)
    live.click("#inc")
    shut(live, 4008)
    assert live.get_attribute("#inc", "class") is None


def test_origin_forbidden_stops_reconnecting(live: Page) -> None:
    live.evaluate("window.sockets[0].open()")
    shut(live, 4003)
    assert body_classes(live) == ["live-error"]
    live.wait_for_timeout(800)
    assert sockets(live) == 1


def test_backoff_grows_with_full_jitter(live: Page) -> None:
    delays: list[float] = live.evaluate(
        """async () => {
            Math.random = () => 0.999;
            const delays = [];
            for (let i = 0; i < 3; i++) {
                const start = performance.now();
                window.sockets.at(-1).shut(1006);
                const count = window.sockets.length;
                while (window.sockets.length === count) await new Promise(r => setTimeout(r, 5));
                delays.push(performance.now() - start);
            }
            return delays;
        }"""
    )
    for delay, step in zip(delays, [250, 500, 1000], strict=True):
        assert step * 0.9 <= delay <= step + 150


def test_token_invalid_reloads_at_most_once_per_30_seconds(live: Page) -> None:
    with live.expect_navigation():
        shut(live, 4001)
    assert live.evaluate("window.loads") == 2
    shut(live, 4001)
    assert body_classes(live) == ["live-error"]
    live.wait_for_function("window.sockets.length === 2", timeout=2000)
    assert live.evaluate("window.loads") == 2


def test_unreadable_frames_are_ignored(live: Page) -> None:
    join(live)
    live.evaluate("window.sockets.at(-1).onmessage(new MessageEvent('message', {data: 'nope'}))")
    deliver(live, {"t": "patch", "cid": "c0", "ops": [["text", [0, 0], "#text", "still"]]})
    assert "<p>still</p>" in root_html(live)
    assert json.loads(json.dumps(sent(live)))[-1]["t"] == "join"


def test_a_join_refused_twice_the_same_way_stops_retrying(live: Page) -> None:
    live.evaluate("window.sockets[0].open()")
    shut(live, 4002)
    assert body_classes(live) == ["live-error"]
    live.wait_for_function("window.sockets.length === 2", timeout=2000)
    live.evaluate("window.sockets[1].open()")
    shut(live, 4002)
    assert body_classes(live) == ["live-error"]
    live.wait_for_timeout(800)
    assert sockets(live) == 2


def test_a_successful_join_forgets_an_earlier_refusal(live: Page) -> None:
    shut(live, 4002)
    live.wait_for_function("window.sockets.length === 2", timeout=2000)
    join(live)
    shut(live, 4002)
    live.wait_for_function("window.sockets.length === 3", timeout=2000)


def heartbeat_every(page: Page, ms: int) -> None:
    page.evaluate(f"document.querySelector('[live-page]').setAttribute('live-heartbeat', '{ms}')")


def test_heartbeats_go_out_while_pongs_come_back(live: Page) -> None:
    heartbeat_every(live, 100)
    join(live)
    # Answered in the page itself, as a server would, with no test round trip
    # between a ping and its pong.
    pings = live.evaluate(
        """async () => {
            const socket = window.sockets[0];
            let pings = 0;
            while (pings < 3) {
                await new Promise(r => setTimeout(r, 5));
                if (socket.sent.at(-1).t !== "ping") continue;
                pings++;
                socket.sent.push({t: "seen"});
                socket.deliver({t: "pong"});
            }
            return pings;
        }"""
    )
    assert pings == 3
    assert sockets(live) == 1
    assert body_classes(live) == ["live-connected"]


def test_a_heartbeat_without_pong_drops_the_socket_and_reconnects(live: Page) -> None:
    heartbeat_every(live, 100)
    join(live)
    live.wait_for_function("window.sockets[0].sent.at(-1).t === 'ping'", timeout=2000)
    # No pong: at the next beat the connection counts as dead.
    live.wait_for_function("window.sockets.length === 2", timeout=3000)
    assert sum(1 for m in sent(live) if m["t"] == "ping") == 0  # the new socket's
    join(live)
    assert body_classes(live) == ["live-connected"]


# Answers, errors and the document events of the socket.


def record_document_events(page: Page) -> None:
    """Collect the details of JOINED_EVENT and ERROR_EVENT in window.seen."""
    page.evaluate(
        """([joined, error]) => {
            window.seen = [];
            document.addEventListener(joined, (e) => window.seen.push([e.type, e.detail]));
            document.addEventListener(error, (e) => window.seen.push([e.type, e.detail]));
        }""",
        [JOINED_EVENT, ERROR_EVENT],
    )


def seen(page: Page) -> list[list[Any]]:
    events: list[list[Any]] = page.evaluate("window.seen")
    return events


@pytest.mark.parametrize("code", ["invalid_payload", "rate_limited"])
def test_an_err_answering_one_event_leaves_the_page_as_it_is(live: Page, code: str) -> None:
    join(live)
    live.click("#inc")
    deliver(live, {"t": "err", "ref": 1, "code": code, "event": "inc", "reason": "no"})
    assert body_classes(live) == ["live-connected"]
    assert live.get_attribute("#inc", "class") is None


def test_a_handler_error_shows_live_error_until_the_next_ack(live: Page) -> None:
    join(live)
    live.click("#inc")
    deliver(live, {"t": "err", "ref": 1, "code": "handler_error", "event": "inc", "reason": "x"})
    assert body_classes(live) == ["live-error"]
    live.click("#inc")
    deliver(live, {"t": "ack", "ref": 2})
    assert body_classes(live) == ["live-connected"]


def test_every_join_dispatches_joined_saying_whether_it_is_a_rejoin(live: Page) -> None:
    record_document_events(live)
    join(live)
    assert seen(live) == [[JOINED_EVENT, {"rejoin": False}]]
    shut(live, 1011)
    live.wait_for_function("window.sockets.length === 2", timeout=2000)
    join(live)
    assert seen(live) == [[JOINED_EVENT, {"rejoin": False}], [JOINED_EVENT, {"rejoin": True}]]


def test_every_err_dispatches_error_with_the_message(live: Page) -> None:
    join(live)
    record_document_events(live)
    errors = [
        {"t": "err", "ref": None, "code": "malformed", "event": None, "reason": "bad frame"},
        {"t": "err", "ref": 1, "code": "invalid_payload", "event": "inc", "reason": "by: no"},
    ]
    live.click("#inc")
    deliver(live, errors)
    assert seen(live) == [[ERROR_EVENT, error] for error in errors]


def test_a_push_without_hooks_is_ignored(live: Page) -> None:
    join(live)
    deliver(
        live,
        [
            {"t": "push", "event": "points", "data": [1, 2]},
            {"t": "patch", "cid": "c0", "ops": [["text", [0, 0], "#text", "after"]]},
        ],
    )
    assert "<p>after</p>" in root_html(live)
    assert body_classes(live) == ["live-connected"]
