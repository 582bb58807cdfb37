"""Every binding of the browser client, in Chromium, over a scripted socket.

Each test serves its own markup as a live page whose ``WebSocket`` is the
FakeSocket of ``test_client_patch``, joins it, acts as a user would (or
dispatches the DOM events a user cannot make headless: window focus, a
thousand keydowns a second) and checks the exact event messages the client
sends, the loading classes, and what the user sees.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, Route

from livecomp.names import BINDINGS, JOINED_EVENT, NO_FEEDBACK_CLASS, loading_class
from tests.e2e.harness import ORIGIN, deliver, join, live_page_html, serve_site

Open = Callable[[str], Page]

#: Markup of the page each path serves; tests register theirs.
PAGES: dict[str, str] = {}
#: The requests that reached the app's own routes (a real form post).
POSTS: list[Request] = []
_paths = itertools.count()


@pytest.fixture(scope="module")
def context(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context()

    def page_at(path: str) -> str | None:
        return live_page_html(PAGES[path]) if path in PAGES else None

    def post(route: Route, path: str) -> bool:
        if route.request.method != "POST":
            return False
        POSTS.append(route.request)
        route.fulfill(body="<p id=posted>posted</p>", content_type="text/html")
        return True

    serve_site(context, page_at, post)
    yield context
    context.close()


@pytest.fixture
def open_page(context: BrowserContext) -> Iterator[Open]:
    """Serve a component root as a live page, open it and join."""
    tabs: list[Page] = []

    def open_(root: str) -> Page:
        path = f"/page{next(_paths)}"
        PAGES[path] = root
        tab = context.new_page()
        tabs.append(tab)
        tab.goto(f"{ORIGIN}{path}")
        join(tab)
        return tab

    yield open_
    for tab in tabs:
        tab.close()
    POSTS.clear()


def events(page: Page) -> list[dict[str, Any]]:
    """The event messages the newest socket sent, in order."""
    sent: list[dict[str, Any]] = page.evaluate(
        "window.sockets.at(-1).sent.filter(m => m.t === 'event')"
    )
    return sent


def names(page: Page) -> list[str]:
    return [e["event"] for e in events(page)]


def wait_for_events(page: Page, count: int) -> None:
    """Wait (generously: the machine may be busy) until ``count`` events went out."""
    page.wait_for_function(
        "n => window.sockets.at(-1).sent.filter(m => m.t === 'event').length >= n",
        arg=count,
        timeout=5000,
    )


def ack(page: Page, *refs: int) -> None:
    deliver(page, [{"t": "ack", "ref": ref} for ref in refs])


def classes(page: Page, selector: str) -> list[str]:
    found: list[str] = page.evaluate("s => [...document.querySelector(s).classList]", selector)
    return found


def key_value(key: str, code: str, **flags: bool) -> dict[str, Any]:
    modifiers = {"alt": False, "ctrl": False, "meta": False, "shift": False, "repeat": False}
    return {"key": key, "code": code, **modifiers, **flags}


def console_warnings(page: Page) -> list[str]:
    warnings: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "warning":
            warnings.append(message.text)

    page.on("console", note)
    return warnings


# --- pointer ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("binding", "act"),
    [
        ("click", lambda page: page.click("#target")),
        ("contextmenu", lambda page: page.click("#target", button="right")),
        ("mousedown", lambda page: page.dispatch_event("#target", "mousedown")),
        ("mouseup", lambda page: page.dispatch_event("#target", "mouseup")),
    ],
)
def test_pointer_binding_sends_its_values_and_loads_until_ack(
    open_page: Open, binding: str, act: Callable[[Page], None]
) -> None:
    attr = BINDINGS[binding]
    page = open_page(
        f'<div live-cid="c0"><button id="target" {attr}="hit" live-value-row="7">'
        "<span>inside</span></button></div>"
    )
    act(page)
    assert events(page) == [
        {"t": "event", "ref": 1, "cid": "c0", "event": "hit", "value": {"row": "7"}}
    ]
    assert classes(page, "#target") == [loading_class(attr)]
    ack(page, 1)
    assert page.get_attribute("#target", "class") is None


def test_a_bound_contextmenu_keeps_the_browser_menu_closed(open_page: Open) -> None:
    page = open_page('<div live-cid="c0"><p id="box" live-contextmenu="menu">box</p></div>')
    prevented = page.evaluate(
        """() => {
            const event = new MouseEvent("contextmenu", {bubbles: true, cancelable: true});
            document.getElementById("box").dispatchEvent(event);
            return event.defaultPrevented;
        }"""
    )
    assert prevented is True


def test_capture_click_fires_before_the_handlers_inside(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0"><div id="outer" live-capture-click="outer">'
        '<button id="inner" live-click="inner">x</button></div></div>'
    )
    # A page script's own handler on the inner button, which stops the click.
    page.evaluate(
        """() => document.getElementById("inner").addEventListener("click", (event) => {
            window.seenBefore = window.sockets.at(-1).sent.filter(m => m.t === "event")
                .map(m => m.event);
            event.stopPropagation();
        })"""
    )
    page.click("#inner")
    assert page.evaluate("window.seenBefore") == ["outer"]
    assert names(page) == ["outer"]
    assert classes(page, "#outer") == [loading_class(BINDINGS["capture-click"])]


def test_capture_click_and_click_both_fire_outer_first(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0"><div live-capture-click="outer">'
        '<button id="inner" live-click="inner">x</button></div></div>'
    )
    page.click("#inner")
    assert names(page) == ["outer", "inner"]


# --- focus --------------------------------------------------------------------


def test_focus_and_blur_fire_on_the_element_itself(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0" live-focus="never"><input id="field" live-focus="editing" '
        'live-blur="idle" live-value-field="title"><button id="other">o</button></div>'
    )
    page.focus("#field")
    assert events(page) == [
        {"t": "event", "ref": 1, "cid": "c0", "event": "editing", "value": {"field": "title"}}
    ]
    assert classes(page, "#field") == [loading_class(BINDINGS["focus"])]
    page.focus("#other")
    assert names(page) == ["editing", "idle"]
    assert classes(page, "#field") == [
        loading_class(BINDINGS["focus"]),
        loading_class(BINDINGS["blur"]),
    ]
    ack(page, 1, 2)
    assert page.get_attribute("#field", "class") is None


@pytest.mark.parametrize("kind", ["focus", "blur"])
def test_window_focus_and_blur_mark_the_declaring_element(open_page: Open, kind: str) -> None:
    attr = BINDINGS[f"window-{kind}"]
    page = open_page(
        f'<div live-cid="c0"><p id="a" {attr}="{kind}-a" live-value-n="1">a</p>'
        f'<div live-cid="c1"><p id="b" {attr}="{kind}-b">b</p></div></div>'
    )
    # An element's focus never counts as the window's.
    page.evaluate(f"document.getElementById('a').dispatchEvent(new FocusEvent('{kind}'))")
    assert events(page) == []
    page.evaluate(f"window.dispatchEvent(new FocusEvent('{kind}'))")
    assert events(page) == [
        {"t": "event", "ref": 1, "cid": "c0", "event": f"{kind}-a", "value": {"n": "1"}},
        {"t": "event", "ref": 2, "cid": "c1", "event": f"{kind}-b", "value": {}},
    ]
    assert classes(page, "#a") == [loading_class(attr)]
    assert classes(page, "#b") == [loading_class(attr)]


# --- keys ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["keydown", "keyup"])
def test_key_binding_sends_key_code_and_modifiers(open_page: Open, kind: str) -> None:
    attr = BINDINGS[kind]
    page = open_page(
        f'<div live-cid="c0"><div id="box" {attr}="key" live-value-grid="g1">'
        '<input id="field"></div></div>'
    )
    page.focus("#field")
    page.keyboard.press("Shift+KeyA")
    sent = [e for e in events(page) if e["value"]["key"] == "A"]
    assert sent == [
        {
            "t": "event",
            "ref": sent[0]["ref"],
            "cid": "c0",
            "event": "key",
            "value": {"grid": "g1", **key_value("A", "KeyA", shift=True)},
        }
    ]
    assert loading_class(attr) in classes(page, "#box")
    ack(page, *(e["ref"] for e in events(page)))
    assert page.get_attribute("#box", "class") is None


def test_key_fields_cannot_be_overridden_by_live_values(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0"><input id="field" live-keydown="k" live-value-key="forged"></div>'
    )
    page.focus("#field")
    page.keyboard.press("x")
    assert events(page)[0]["value"]["key"] == "x"


def test_repeat_and_ctrl_reach_the_payload(open_page: Open) -> None:
    page = open_page('<div live-cid="c0"><input id="field" live-keydown="k"></div>')
    page.evaluate(
        """() => document.getElementById("field").dispatchEvent(new KeyboardEvent("keydown",
            {key: "s", code: "KeyS", ctrlKey: true, repeat: true, bubbles: true}))"""
    )
    assert events(page)[0]["value"] == key_value("s", "KeyS", ctrl=True, repeat=True)


@pytest.mark.parametrize("kind", ["keydown", "keyup"])
def test_window_key_binding_filters_by_live_key_case_insensitively(
    open_page: Open, kind: str
) -> None:
    attr = BINDINGS[f"window-{kind}"]
    page = open_page(
        f'<div live-cid="c0"><p id="up" {attr}="up" live-key="arrowup">0</p>'
        f'<p id="any" {attr}="any">any</p><p id="a" {attr}="a" live-key="A">a</p></div>'
    )
    page.keyboard.press("ArrowDown")
    assert names(page) == ["any"]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("a")
    assert names(page) == ["any", "up", "any", "any", "a"]
    assert events(page)[1]["value"] == key_value("ArrowUp", "ArrowUp")
    assert classes(page, "#up") == [loading_class(attr)]
    assert classes(page, "#a") == [loading_class(attr)]


def test_element_key_binding_honours_live_key(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0"><input id="search" live-keyup="go" live-key="Enter"></div>'
    )
    page.focus("#search")
    page.keyboard.type("ab")
    assert events(page) == []
    page.keyboard.press("Enter")
    assert names(page) == ["go"]


def test_a_keydown_without_a_key_is_no_key_press(open_page: Open) -> None:
    # Chrome's autofill dispatches these.
    page = open_page(
        '<div live-cid="c0"><input id="field" live-keydown="k"><p live-window-keyup="w">p</p></div>'
    )
    page.evaluate(
        """() => {
            const field = document.getElementById("field");
            field.dispatchEvent(new Event("keydown", {bubbles: true}));
            field.dispatchEvent(new Event("keyup", {bubbles: true}));
        }"""
    )
    assert events(page) == []


def test_loading_class_stays_until_every_event_in_flight_is_acked(open_page: Open) -> None:
    page = open_page('<div live-cid="c0"><p id="p" live-window-keydown="k">p</p></div>')
    for key in "abc":
        page.keyboard.press(key)
    assert [e["ref"] for e in events(page)] == [1, 2, 3]
    ack(page, 2, 1)
    assert classes(page, "#p") == [loading_class(BINDINGS["window-keydown"])]
    ack(page, 3)
    assert page.get_attribute("#p", "class") is None


# --- rate limits --------------------------------------------------------------


def test_debounce_coalesces_typing_into_one_change(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0"><form live-change="validate">'
        '<input id="q" name="q" live-debounce="1000"></form></div>'
    )
    page.focus("#q")
    page.keyboard.type("milk")
    assert events(page) == []
    wait_for_events(page, 1)
    page.wait_for_timeout(200)
    assert [e["value"] for e in events(page)] == [{"q": "milk"}]


def test_debounce_is_per_element(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0"><button id="a" live-click="a" live-debounce="200">a</button>'
        '<button id="b" live-click="b" live-debounce="200">b</button></div>'
    )
    # Clicks that move no focus (a blur would send what the button holds
    # back), all in one turn of the page, so no test round trip lies between.
    page.evaluate(
        """() => {
            for (const id of ["a", "b", "a", "b", "a"]) {
                const click = new MouseEvent("click", {bubbles: true});
                document.getElementById(id).dispatchEvent(click);
            }
        }"""
    )
    wait_for_events(page, 2)
    page.wait_for_timeout(400)
    assert sorted(names(page)) == ["a", "b"]
    # Each element is marked only once its own event goes out.
    assert classes(page, "#a") == [loading_class(BINDINGS["click"])]


def test_debounce_blur_sends_when_the_field_is_left(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0"><form live-change="validate">'
        '<input id="title" name="title" live-debounce="blur"><input id="next" name="next">'
        "</form></div>"
    )
    page.focus("#title")
    page.keyboard.type("eggs")
    page.wait_for_timeout(100)
    assert events(page) == []
    page.focus("#next")
    assert [e["value"] for e in events(page)] == [{"title": "eggs", "next": ""}]


def test_throttle_sends_at_once_then_once_per_period_ending_with_the_last(
    open_page: Open,
) -> None:
    page = open_page('<div live-cid="c0"><input id="k" live-keydown="k" live-throttle="100"></div>')
    # 1,000 keydowns in one second, one per millisecond as the clock goes.
    elapsed = page.evaluate(
        """async () => {
            const field = document.getElementById("k");
            const start = performance.now();
            let pressed = 0;
            while (pressed < 1000) {
                const due = Math.max(1, Math.min(1000, Math.ceil(performance.now() - start)));
                for (; pressed < due; pressed++) {
                    const key = String(pressed % 10);
                    field.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true}));
                }
                await new Promise((resolve) => setTimeout(resolve, 4));
            }
            return performance.now() - start;
        }"""
    )
    page.wait_for_timeout(250)
    sent = events(page)
    assert elapsed >= 990
    # At once, then at most one per 100 ms; the last one held back ends it.
    # (A busy machine stretches the second: the bound follows the real time.)
    assert 6 <= len(sent) <= elapsed // 100 + 2
    assert sent[0]["value"]["key"] == "0"
    assert sent[-1]["value"]["key"] == "9"


def test_throttle_is_per_element(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0"><button id="a" live-click="a" live-throttle="5000">a</button>'
        '<button id="b" live-click="b" live-throttle="5000">b</button></div>'
    )
    page.click("#a")
    page.click("#b")
    page.click("#a")
    assert names(page) == ["a", "b"]


def test_submit_flushes_pending_debounced_changes_first_in_order(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0"><form id="f" live-change="validate" live-submit="save">'
        '<input id="a" name="a" live-debounce="5000"><input id="b" name="b" live-debounce="5000">'
        "<button>Save</button></form></div>"
    )
    # Input events without moving focus: both changes stay held back.
    page.evaluate(
        """() => {
            for (const [id, text] of [["b", "1"], ["a", "2"]]) {
                const field = document.getElementById(id);
                field.value = text;
                field.dispatchEvent(new Event("input", {bubbles: true}));
            }
        }"""
    )
    page.focus("#a")
    page.keyboard.type("3")
    assert events(page) == []
    page.keyboard.press("Enter")
    sent = events(page)
    assert [(e["event"], e["value"]) for e in sent] == [
        ("validate", {"a": "23", "b": "1"}),
        ("validate", {"a": "23", "b": "1"}),
        ("save", {"a": "23", "b": "1"}),
    ]
    assert [e["ref"] for e in sent] == [1, 2, 3]
    # The timers were spent by the flush: nothing more goes out.
    page.wait_for_timeout(200)
    assert len(events(page)) == 3


@pytest.mark.parametrize(
    ("attr", "value"),
    [("live-debounce", "-5"), ("live-debounce", "soon"), ("live-throttle", "fast")],
)
def test_a_bad_rate_limit_warns_once_and_sends_without_limit(
    open_page: Open, attr: str, value: str
) -> None:
    page = open_page(
        f'<div live-cid="c0"><button id="x" live-click="x" {attr}="{value}">x</button>'
        '<button id="y" live-click="y" live-debounce="50">y</button></div>'
    )
    warnings = console_warnings(page)
    page.click("#x")
    page.click("#x")
    page.click("#y")
    wait_for_events(page, 3)
    assert names(page) == ["x", "x", "y"]
    assert len(warnings) == 1
    assert attr in warnings[0]
    assert value in warnings[0]


# --- key filter mistakes ----------------------------------------------------------


def test_a_live_key_naming_no_key_warns_once_and_the_page_works_on(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0"><p id="esc" live-window-keydown="close" live-key="Esc">x</p>'
        '<p live-window-keydown="other" live-key="Escape">y</p>'
        '<p live-window-keydown="f" live-key="F12">f</p>'
        '<p live-window-keydown="space" live-key=" ">s</p></div>'
    )
    warnings = console_warnings(page)
    for key in ["Escape", "Escape", "F12", "Space"]:
        page.keyboard.press(key)
    assert names(page) == ["other", "other", "f", "space"]
    assert len(warnings) == 1
    assert '"Esc"' in warnings[0]


@pytest.mark.parametrize(
    "name", ["a", "Z", "é", "Enter", "arrowleft", "F1", "f24", "MediaPlayPause", "Dead"]
)
def test_real_key_names_do_not_warn(open_page: Open, name: str) -> None:
    page = open_page(f'<div live-cid="c0"><p live-window-keydown="k" live-key="{name}">x</p></div>')
    warnings = console_warnings(page)
    page.keyboard.press("x")
    assert warnings == []


# --- feedback -----------------------------------------------------------------

FEEDBACK_FORM = (
    '<div live-cid="c0"><form id="f" live-change="validate" live-submit="save">'
    '<input id="title" name="title"><p id="title-error" live-feedback-for="title">'
    "title is required</p>"
    '<input id="due" name="due"><p id="due-error" live-feedback-for="due">due is required</p>'
    '<button id="save">Save</button></form></div>'
)


def test_feedback_hides_until_its_field_is_touched(open_page: Open) -> None:
    page = open_page(FEEDBACK_FORM)
    assert page.is_hidden("#title-error")
    assert page.is_hidden("#due-error")
    assert classes(page, "#due-error") == [NO_FEEDBACK_CLASS]
    page.focus("#title")
    page.keyboard.type("x")
    assert page.is_visible("#title-error")
    assert page.is_hidden("#due-error")
    # Leaving a field touches it too.
    page.focus("#due")
    page.focus("#title")
    assert page.is_visible("#due-error")


def test_feedback_state_survives_patches(open_page: Open) -> None:
    page = open_page(FEEDBACK_FORM)
    page.focus("#title")
    page.keyboard.type("x")
    deliver(
        page,
        {
            "t": "patch",
            "cid": "c0",
            "ops": [
                # The server restyles both messages and adds a third, for "due".
                ["attrs", [0, 1], "p", {"class": "error"}, []],
                ["attrs", [0, 3], "p", {"class": "error"}, []],
                ["insert", [0], "form", 4, '<p id="due-hint" live-feedback-for="due">hint</p>'],
            ],
        },
    )
    assert page.is_visible("#title-error")
    assert page.is_hidden("#due-error")
    assert page.is_hidden("#due-hint")
    assert classes(page, "#title-error") == ["error"]
    assert page.evaluate("window.livecomp.resyncs") == 0


def test_feedback_all_shows_after_a_submit(open_page: Open) -> None:
    page = open_page(FEEDBACK_FORM)
    page.click("#save")
    assert names(page) == ["save"]
    assert page.is_visible("#title-error")
    assert page.is_visible("#due-error")
    assert page.get_attribute("#due-error", "class") is None


# --- auto-recover -------------------------------------------------------------


def reconnect(page: Page, render: str) -> None:
    """Drop the socket, answer the new one's join with ``render`` (a server
    that forgot the page), then tell the page it rejoined."""
    page.evaluate("window.sockets.at(-1).shut(1011)")
    page.wait_for_function("window.sockets.length === 2", timeout=3000)
    join(page, render)
    # The socket dispatches this itself once it announces joins; before
    # that, the test stands in for it (and never twice).
    if not events(page):
        page.evaluate(
            "name => document.dispatchEvent(new CustomEvent(name, {detail: {rejoin: true}}))",
            JOINED_EVENT,
        )


def draft_page(recover: str) -> str:
    return (
        f'<div live-cid="c0"><form id="draft" live-change="validate"{recover}>'
        '<input name="title" value=""></form>'
        '<form live-change="anonymous"><input name="other"></form></div>'
    )


@pytest.mark.parametrize(
    ("recover", "expected"),
    [
        ("", "validate"),
        (' live-auto-recover="restore"', "restore"),
        (' live-auto-recover="ignore"', None),
    ],
)
def test_auto_recover_resends_what_a_form_held_after_a_reconnect(
    open_page: Open, recover: str, expected: str | None
) -> None:
    page = open_page(draft_page(recover))
    page.fill("input[name=title]", "half a thought")
    page.fill("input[name=other]", "lost")
    first, second = (e["ref"] for e in events(page))
    # The server keeps the value in its state and renders it.
    deliver(
        page,
        [
            {
                "t": "patch",
                "cid": "c0",
                "ops": [["attrs", [0, 0], "input", {"value": "half a thought"}, []]],
            },
            {"t": "ack", "ref": first},
            {"t": "ack", "ref": second},
        ],
    )
    # A restarted server lost it: its render resets the field.
    reconnect(page, draft_page(recover))
    assert page.input_value("input[name=title]") == ""
    sent = [(e["event"], e["value"]) for e in events(page)]
    assert sent == ([(expected, {"title": "half a thought"})] if expected else [])
    if expected:
        assert loading_class(BINDINGS["change"]) in classes(page, "#draft")


def test_auto_recover_sends_what_was_typed_while_offline(open_page: Open) -> None:
    page = open_page(draft_page(""))
    page.evaluate("window.sockets.at(-1).shut(1011)")
    page.fill("input[name=title]", "typed offline")
    page.wait_for_function("window.sockets.length === 2", timeout=3000)
    join(page)
    if not events(page):
        page.evaluate(
            "name => document.dispatchEvent(new CustomEvent(name, {detail: {rejoin: true}}))",
            JOINED_EVENT,
        )
    assert [(e["event"], e["value"]) for e in events(page)] == [
        ("validate", {"title": "typed offline"})
    ]


def test_a_first_join_recovers_nothing(open_page: Open) -> None:
    page = open_page(
        '<div live-cid="c0"><form id="draft" live-change="validate"><input name="t"></form></div>'
    )
    page.evaluate(
        "name => document.dispatchEvent(new CustomEvent(name, {detail: {rejoin: false}}))",
        JOINED_EVENT,
    )
    assert events(page) == []


# --- trigger-action -----------------------------------------------------------

LOGIN_FORM = (
    '<div live-cid="c0"><form id="login" action="/session" method="post" '
    'live-submit="login" live-trigger-action><input name="user">'
    '<input name="submit" value="shadowing form.submit">'
    '<button id="go">Log in</button></form></div>'
)


def test_trigger_action_posts_the_form_for_real_after_the_ack(open_page: Open) -> None:
    page = open_page(LOGIN_FORM)
    page.fill("input[name=user]", "ann")
    page.click("#go")
    (submit,) = events(page)
    assert submit["event"] == "login"
    assert POSTS == []
    with page.expect_navigation():
        ack(page, submit["ref"])
    assert [(r.method, r.url, r.post_data) for r in POSTS] == [
        ("POST", f"{ORIGIN}/session", "user=ann&submit=shadowing+form.submit")
    ]
    assert page.text_content("#posted") == "posted"


def test_trigger_action_waits_for_the_attribute_the_reply_renders(open_page: Open) -> None:
    page = open_page(LOGIN_FORM.replace(" live-trigger-action", ""))
    page.fill("input[name=user]", "ann")
    page.click("#go")
    (submit,) = events(page)
    with page.expect_navigation():
        deliver(
            page,
            [
                {
                    "t": "patch",
                    "cid": "c0",
                    "ops": [["attrs", [0], "form", {"live-trigger-action": ""}, []]],
                },
                {"t": "ack", "ref": submit["ref"]},
            ],
        )
    assert len(POSTS) == 1


def test_trigger_action_never_posts_after_an_error(open_page: Open) -> None:
    page = open_page(LOGIN_FORM)
    page.click("#go")
    (submit,) = events(page)
    deliver(
        page,
        {
            "t": "err",
            "ref": submit["ref"],
            "code": "invalid_payload",
            "event": "login",
            "reason": "user: required",
        },
    )
    page.wait_for_timeout(200)
    assert POSTS == []
    assert page.is_visible("#go")
