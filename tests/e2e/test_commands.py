"""JS commands in Chromium: what each does, and what survives a patch.

Each test serves a live page over the FakeSocket of ``test_client_patch``,
joins it, runs a command list on an element (``window.livecomp.execJS``, or
a binding a user clicks) and then sends the patches and renders a server
would, checking the rule of docs/guide.md: what a command set stays until
the server's markup changes that same attribute, class or style property.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

from livecomp import js
from livecomp.names import BINDINGS
from livecomp.template import compile_template
from tests.e2e.harness import ORIGIN, deliver, live_page_html, serve_site

ROOT = (
    '<div live-cid="c0">'
    '<p id="done" class="note">done</p>'
    '<div id="panel" style="color: red;">panel</div>'
    '<input id="field" name="q">'
    '<section id="css-hidden">hidden by a stylesheet</section>'
    "</div>"
)
STYLE = "<style>#css-hidden { display: none }</style>"

PAGES: dict[str, str] = {}
_paths = itertools.count()
Open = Callable[..., Page]


@pytest.fixture(scope="module")
def context(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context()
    serve_site(context, lambda path: live_page_html(PAGES[path], STYLE) if path in PAGES else None)
    yield context
    context.close()


@pytest.fixture
def open_page(context: BrowserContext) -> Iterator[Open]:
    """Serve ``root`` as a live page, open it and join."""
    tabs: list[Page] = []

    def open_(root: str = ROOT) -> Page:
        path = f"/page{next(_paths)}"
        PAGES[path] = root
        tab = context.new_page()
        tabs.append(tab)
        tab.goto(f"{ORIGIN}{path}")
        tab.evaluate("window.sockets.at(-1).open()")
        render(tab, root)
        return tab

    yield open_
    for tab in tabs:
        tab.close()


def render(page: Page, html: str) -> None:
    deliver(page, {"t": "render", "cid": "c0", "html": html})


def patch(page: Page, *ops: list[Any]) -> None:
    deliver(page, {"t": "patch", "cid": "c0", "ops": list(ops)})


def run(page: Page, commands: object, on: str = "#done") -> None:
    """Run ``commands`` (a JS chain, or anything JSON) as if ``on`` carried them."""
    text = str(commands) if not isinstance(commands, list) else json.dumps(commands)
    page.evaluate(
        "([on, text]) => window.livecomp.execJS(document.querySelector(on), text)", [on, text]
    )


def visible(page: Page, selector: str) -> bool:
    shown: bool = page.is_visible(selector)
    return shown


def attr(page: Page, selector: str, name: str) -> str | None:
    value: str | None = page.get_attribute(selector, name)
    return value


def events(page: Page) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = page.evaluate(
        "window.sockets.at(-1).sent.filter(m => m.t === 'event')"
    )
    return sent


def warnings(page: Page) -> list[str]:
    seen: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "warning":
            seen.append(message.text)

    page.on("console", note)
    return seen


# --- each command ---------------------------------------------------------------


def test_hide_show_and_toggle_set_the_inline_display(open_page: Open) -> None:
    page = open_page()
    run(page, js.hide())
    assert not visible(page, "#done")
    run(page, js.show())
    assert visible(page, "#done")
    assert attr(page, "#done", "style") == ""
    run(page, js.toggle("#done").toggle("#panel"))
    assert not visible(page, "#done")
    assert not visible(page, "#panel")
    run(page, js.show("#panel", display="flex"))
    assert page.evaluate("getComputedStyle(document.querySelector('#panel')).display") == "flex"


def test_show_wins_over_a_stylesheet_that_hides(open_page: Open) -> None:
    page = open_page()
    run(page, js.show("#css-hidden"))
    assert visible(page, "#css-hidden")
    run(page, js.toggle("#css-hidden"))
    assert not visible(page, "#css-hidden")


def test_classes_and_attributes_on_every_element_to_selects(open_page: Open) -> None:
    page = open_page()
    run(page, js.add_class("open big", to="p, #panel").set_attr("aria-expanded", "true", to="p"))
    assert attr(page, "#done", "class") == "note open big"
    assert attr(page, "#panel", "class") == "open big"
    assert attr(page, "#done", "aria-expanded") == "true"
    run(page, js.remove_class("note big").remove_attr("aria-expanded"))
    assert attr(page, "#done", "class") == "open"
    assert attr(page, "#done", "aria-expanded") is None


def test_focus_focuses_the_element(open_page: Open) -> None:
    page = open_page()
    run(page, js.focus("#field"))
    assert page.evaluate("document.activeElement.id") == "field"


def test_dispatch_sends_a_dom_event_with_its_detail(open_page: Open) -> None:
    page = open_page()
    page.evaluate(
        "window.heard = []; document.addEventListener('copied', "
        "(e) => window.heard.push([e.target.id, e.detail, e.bubbles]))"
    )
    run(page, js.dispatch("copied", detail={"n": 1}))
    run(page, js.dispatch("copied", to="#panel", bubbles=False))
    # A non-bubbling event on #panel never reaches the document.
    assert page.evaluate("window.heard") == [["done", {"n": 1}, True]]


def test_push_sends_an_event_to_the_component_of_its_target(open_page: Open) -> None:
    root = ROOT.replace("</div>", '<div live-cid="c1"><b id="kid">k</b></div></div>', 1)
    page = open_page(root.replace('<div id="panel" style="color: red;">panel', '<div id="panel">'))
    run(page, js.push("save", value={"id": 3}).push("ping", to="#kid"))
    assert events(page) == [
        {"t": "event", "ref": 1, "cid": "c0", "event": "save", "value": {"id": 3}},
        {"t": "event", "ref": 2, "cid": "c1", "event": "ping", "value": {}},
    ]


def test_commands_run_in_order(open_page: Open) -> None:
    page = open_page()
    run(page, js.add_class("a").remove_class("a").add_class("b"))
    assert attr(page, "#done", "class") == "note b"


def test_an_unknown_command_warns_once_and_the_others_run(open_page: Open) -> None:
    page = open_page()
    seen = warnings(page)
    run(page, [["hide", {}], ["explode", {}], ["add_class", {"names": "x"}]])
    assert not visible(page, "#done")
    assert attr(page, "#done", "class") == "note x"
    assert len(seen) == 1
    assert "explode" in seen[0]


def test_a_command_with_bad_arguments_warns_and_the_others_run(open_page: Open) -> None:
    page = open_page()
    seen = warnings(page)
    run(page, [["add_class", {"names": 3}], ["hide", {"to": "##"}], ["add_class", {"names": "y"}]])
    assert attr(page, "#done", "class") == "note y"
    assert len(seen) == 2


def test_malformed_json_warns_once_and_runs_nothing(open_page: Open) -> None:
    page = open_page()
    seen = warnings(page)
    page.evaluate("window.livecomp.execJS(document.querySelector('#done'), '[[\"hide\", {]')")
    assert visible(page, "#done")
    assert len(seen) == 1
    assert "not a JSON list of commands" in seen[0]


def test_the_python_builder_survives_a_double_quoted_attribute(open_page: Open) -> None:
    chain = js.hide("#done").add_class('it\'s "quoted" <b>', to="#panel")
    button = compile_template('<button id="go" data-js="{{ chain }}">go</button>').render(
        chain=chain
    )
    page = open_page(ROOT.replace("</div>", button + "</div>", 1))
    assert json.loads(attr(page, "#go", "data-js") or "") == chain.commands
    page.evaluate(
        "const go = document.querySelector('#go');"
        "window.livecomp.execJS(go, go.getAttribute('data-js'))"
    )
    assert not visible(page, "#done")
    assert attr(page, "#panel", "class") == 'it\'s "quoted" <b>'


# --- what survives a patch --------------------------------------------------------


def test_a_hidden_element_stays_hidden_through_patches_that_leave_display_alone(
    open_page: Open,
) -> None:
    page = open_page()
    run(page, js.hide("#done").hide("#panel"))
    patch(
        page,
        ["text", [0, 0], "#text", "still done"],
        ["attrs", [0], "p", {"class": "note new"}, []],
        ["attrs", [1], "div", {"style": "color: blue;"}, []],
    )
    assert page.text_content("#done") == "still done"
    assert attr(page, "#done", "class") == "note new"
    assert not visible(page, "#done")
    assert not visible(page, "#panel")
    assert page.evaluate("document.querySelector('#panel').style.color") == "blue"


def test_a_hidden_element_stays_hidden_through_a_re_render(open_page: Open) -> None:
    page = open_page()
    run(page, js.hide().add_class("seen").set_attr("aria-hidden", "true"))
    page.evaluate("window.done = document.querySelector('#done')")
    render(page, ROOT.replace(">done<", ">done again<"))
    assert page.evaluate("document.querySelector('#done') === window.done")
    assert page.text_content("#done") == "done again"
    assert not visible(page, "#done")
    assert attr(page, "#done", "class") == "note seen"
    assert attr(page, "#done", "aria-hidden") == "true"


def test_the_server_wins_once_it_changes_what_a_command_set(open_page: Open) -> None:
    page = open_page()
    run(page, js.hide().add_class("open").set_attr("title", "mine"))
    render(
        page,
        ROOT.replace(
            '<p id="done" class="note">',
            '<p id="done" class="note" style="display: block" title="server">',
        ),
    )
    assert visible(page, "#done")
    assert attr(page, "#done", "title") == "server"
    # The class the server did not touch is still the command's.
    assert attr(page, "#done", "class") == "note open"
    # Forgotten: the server's later markup is taken as it is.
    render(page, ROOT)
    assert visible(page, "#done")
    assert attr(page, "#done", "title") is None


def test_a_class_the_server_adds_itself_becomes_the_servers(open_page: Open) -> None:
    page = open_page()
    run(page, js.add_class("open"))
    patch(page, ["attrs", [0], "p", {"class": "note open"}, []])
    assert attr(page, "#done", "class") == "note open"
    patch(page, ["attrs", [0], "p", {"class": "note"}, []])
    assert attr(page, "#done", "class") == "note"


def test_an_element_the_server_hides_stays_shown_until_the_server_changes_display(
    open_page: Open,
) -> None:
    root = ROOT.replace('<p id="done" class="note">', '<p id="done" style="display: none">')
    page = open_page(root)
    run(page, js.show())
    render(page, root.replace(">done<", ">changed<"))
    assert visible(page, "#done")
    patch(page, ["attrs", [0], "p", {"style": "display: none; color: red"}, []])
    assert visible(page, "#done")
    patch(page, ["attrs", [0], "p", {"style": "display: inline"}, []])
    patch(page, ["attrs", [0], "p", {"style": "display: none"}, []])
    assert not visible(page, "#done")


def test_setting_back_the_servers_value_forgets_the_command(open_page: Open) -> None:
    page = open_page()
    run(page, js.hide().show())
    patch(page, ["attrs", [0], "p", {"style": "display: none"}, []])
    assert not visible(page, "#done")


# --- from a binding ---------------------------------------------------------------


def test_a_click_binding_holding_commands_runs_them_and_pushes(open_page: Open) -> None:
    click = BINDINGS["click"]
    button = f'<button id="go" {click}="{js.hide("#done").push("save").__html__()}" ' + (
        'live-value-id="7">go</button>'
    )
    page = open_page(ROOT.replace("</div>", button + "</div>", 1))
    page.click("#go")
    assert not visible(page, "#done")
    assert [(e["event"], e["value"]) for e in events(page)] == [("save", {"id": "7"})]


def test_a_plain_event_name_is_still_sent_as_one(open_page: Open) -> None:
    click = BINDINGS["click"]
    page = open_page(ROOT.replace("</div>", f'<button id="go" {click}="save">go</button></div>', 1))
    page.click("#go")
    assert [e["event"] for e in events(page)] == ["save"]
