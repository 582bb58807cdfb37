"""Client hooks (``live-hook``) in Chromium, over a scripted socket.

Each test serves a live page whose ``window.Hooks`` record every callback
they get, joins it through the FakeSocket of ``test_client_patch`` and sends
the server messages that add, change and remove hooked elements, checking
the exact callbacks, their order, and what ``pushEvent`` and
``handleEvent`` do. One test bundles ``src/live.ts`` as an app would and
passes the hooks to ``startLive``.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route

from livecomp.names import ERROR_EVENT, HOOK
from tests.e2e.harness import BUNDLE, ORIGIN, deliver, join, sent, serve_site

JS = BUNDLE.parents[1]

#: A hook for each name, logging "Name.callback id" for every callback, and
#: keeping each instance at window.hooks[id] so tests can call it.
RECORDING_HOOKS = """
window.log = [];
window.hooks = {};
window.got = [];
const recording = (hook) => {
  const made = {};
  for (const cb of ["mounted", "beforeUpdate", "updated", "beforeDestroy", "destroyed",
                    "disconnected", "reconnected"]) {
    made[cb] = function () {
      window.log.push(`${hook}.${cb} ${this.el.id}`);
      if (cb === "mounted") window.hooks[this.el.id] = this;
    };
  }
  return made;
};
window.Hooks = { Rec: recording("Rec"), Other: recording("Other") };
window.Hooks.Listen = {
  ...recording("Listen"),
  mounted() {
    window.hooks[this.el.id] = this;
    this.stop = this.handleEvent("points", (data) => window.got.push([this.el.id, data]));
  },
};
"""

#: Markup of the page each path serves (head, root); tests register theirs.
PAGES: dict[str, tuple[str, str]] = {}
_paths = itertools.count()

Open = Callable[..., Page]

ROOT = (
    '<div live-cid="c0">'
    f'<p id="a" {HOOK}="Rec">a</p>'
    f'<div id="b" {HOOK}="Rec"><span>b</span></div>'
    '<ul id="list"></ul>'
    "</div>"
)


def page_html(head: str, root: str) -> str:
    return (
        f"<!doctype html><html><head>{head}</head><body>"
        f"<div live-page live-token='TOKEN' live-socket='/live/ws'>{root}</div>"
        "</body></html>"
    )


def hooks_head(script: str = RECORDING_HOOKS) -> str:
    """The page's hooks, then the self-starting client, as an app's layout has them."""
    return f"<script>{script}</script><script src='/live.js'></script>"


@pytest.fixture(scope="module")
def module_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """src/live.ts bundled as an ES module, as an app's build would."""
    out = tmp_path_factory.mktemp("esm") / "live.mjs"
    subprocess.run(
        [
            str(JS / "node_modules" / ".bin" / "esbuild"),
            "src/live.ts",
            "--bundle",
            "--format=esm",
            f"--outfile={out}",
            "--log-level=warning",
        ],
        cwd=JS,
        check=True,
        timeout=120,
    )
    return out


@pytest.fixture(scope="module")
def context(chromium: Browser, module_bundle: Path) -> Iterator[BrowserContext]:
    context = chromium.new_context()

    def module(route: Route, path: str) -> bool:
        if path != "/live.mjs":
            return False
        route.fulfill(path=str(module_bundle), content_type="text/javascript")
        return True

    serve_site(context, lambda path: page_html(*PAGES[path]) if path in PAGES else None, module)
    yield context
    context.close()


@pytest.fixture
def open_page(context: BrowserContext) -> Iterator[Open]:
    """Serve ``root`` with ``head`` (default: the recording hooks); open it, not joined."""
    tabs: list[Page] = []

    def open_(root: str = ROOT, head: str | None = None) -> Page:
        path = f"/page{next(_paths)}"
        PAGES[path] = (hooks_head() if head is None else head, root)
        tab = context.new_page()
        tabs.append(tab)
        tab.goto(f"{ORIGIN}{path}")
        return tab

    yield open_
    for tab in tabs:
        tab.close()


def patch(page: Page, *ops: list[Any], cid: str = "c0") -> None:
    deliver(page, {"t": "patch", "cid": cid, "ops": list(ops)})


def log(page: Page) -> list[str]:
    """The callbacks logged since the last call."""
    entries: list[str] = page.evaluate("window.log.splice(0)")
    return entries


def console(page: Page, kind: str) -> list[str]:
    seen: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == kind:
            seen.append(message.text)

    page.on("console", note)
    return seen


# --- lifecycle ------------------------------------------------------------------


def test_hooks_mount_once_the_page_has_joined(open_page: Open) -> None:
    page = open_page()
    assert log(page) == []
    join(page)
    assert log(page) == ["Rec.mounted a", "Rec.mounted b"]


def test_a_patch_inside_a_hooked_element_updates_that_hook_alone(open_page: Open) -> None:
    page = open_page()
    join(page)
    log(page)
    patch(page, ["text", [1, 0, 0], "#text", "B"])
    assert log(page) == ["Rec.beforeUpdate b", "Rec.updated b"]


def test_an_attribute_change_updates_the_hook_once_per_patch(open_page: Open) -> None:
    page = open_page()
    join(page)
    log(page)
    patch(
        page,
        ["attrs", [0], "p", {"class": "x"}, []],
        ["text", [0, 0], "#text", "A"],
    )
    assert log(page) == ["Rec.beforeUpdate a", "Rec.updated a"]


def test_inserted_hooked_elements_are_mounted_after_the_patch(open_page: Open) -> None:
    page = open_page()
    join(page)
    log(page)
    patch(
        page,
        [
            "insert",
            [2],
            "ul",
            0,
            f'<li id="c" {HOOK}="Rec">c</li><li><i id="d" {HOOK}="Rec"></i></li>',
        ],
    )
    assert log(page) == ["Rec.mounted c", "Rec.mounted d"]


def test_a_removed_hooked_element_is_destroyed(open_page: Open) -> None:
    page = open_page()
    join(page)
    log(page)
    patch(page, ["remove", [0], "p"])
    assert log(page) == ["Rec.beforeDestroy a", "Rec.destroyed a"]


def test_removing_a_parent_destroys_the_hooks_inside_it(open_page: Open) -> None:
    page = open_page()
    join(page)
    patch(page, ["insert", [2], "ul", 0, f'<li><i id="d" {HOOK}="Rec"></i></li>'])
    log(page)
    patch(page, ["remove", [2, 0], "li"])
    assert log(page) == ["Rec.beforeDestroy d", "Rec.destroyed d"]


def test_replacing_with_another_tag_destroys_the_old_hook_and_mounts_the_new(
    open_page: Open,
) -> None:
    page = open_page()
    join(page)
    log(page)
    patch(page, ["replace", [0], "p", f'<section id="a2" {HOOK}="Rec">a</section>'])
    assert log(page) == ["Rec.beforeDestroy a", "Rec.destroyed a", "Rec.mounted a2"]


def test_a_same_tag_replace_morphs_and_updates_the_kept_hook(open_page: Open) -> None:
    page = open_page()
    join(page)
    log(page)
    patch(page, ["replace", [1], "div", f'<div id="b" {HOOK}="Rec"><span>new</span></div>'])
    assert log(page) == ["Rec.beforeUpdate b", "Rec.updated b"]


def test_a_render_morphs_hooks_in_and_out(open_page: Open) -> None:
    page = open_page()
    join(page)
    log(page)
    html = (
        '<div live-cid="c0">'
        f'<div id="b" {HOOK}="Rec"><span>B</span></div>'
        f'<ul id="list"><li id="e" {HOOK}="Rec">e</li></ul>'
        "</div>"
    )
    deliver(page, {"t": "render", "cid": "c0", "html": html})
    assert sorted(log(page)) == sorted(
        [
            "Rec.beforeDestroy a",
            "Rec.destroyed a",
            "Rec.beforeUpdate b",
            "Rec.updated b",
            "Rec.mounted e",
        ]
    )


def test_a_keyed_reorder_keeps_every_hook_mounted(open_page: Open) -> None:
    items = "".join(f'<li live-id="{i}" id="{i}" {HOOK}="Rec">{i}</li>' for i in "xyz")
    page = open_page(f'<div live-cid="c0"><ul>{items}</ul></div>')
    join(page)
    log(page)
    page.evaluate("window.items = [...document.querySelectorAll('li')]")
    reordered = "".join(f'<li live-id="{i}" id="{i}" {HOOK}="Rec">{i}</li>' for i in "zxy")
    deliver(
        page, {"t": "render", "cid": "c0", "html": f'<div live-cid="c0"><ul>{reordered}</ul></div>'}
    )
    entries = log(page)
    assert not [entry for entry in entries if "Destroy" in entry or "destroyed" in entry]
    assert not [entry for entry in entries if "mounted" in entry]
    assert page.evaluate(
        "[...document.querySelectorAll('li')].map(li => window.items.indexOf(li))"
    ) == [2, 0, 1]


def test_giving_an_element_another_hook_ends_the_old_one(open_page: Open) -> None:
    page = open_page()
    join(page)
    log(page)
    patch(page, ["attrs", [0], "p", {HOOK: "Other"}, []])
    assert log(page) == [
        "Rec.beforeUpdate a",
        "Rec.beforeDestroy a",
        "Rec.destroyed a",
        "Other.mounted a",
    ]
    patch(page, ["attrs", [2], "ul", {HOOK: "Rec"}, []])
    assert log(page) == ["Rec.mounted list"]


def test_hooks_hear_of_a_disconnect_and_of_the_rejoin(open_page: Open) -> None:
    page = open_page()
    join(page)
    log(page)
    page.evaluate("window.sockets.at(-1).shut(1011)")
    assert log(page) == ["Rec.disconnected a", "Rec.disconnected b"]
    page.wait_for_function("window.sockets.length === 2", timeout=3000)
    join(page)
    assert log(page) == ["Rec.reconnected a", "Rec.reconnected b"]


def test_a_hook_added_by_the_rejoin_render_is_mounted_not_reconnected(open_page: Open) -> None:
    page = open_page()
    join(page)
    page.evaluate("window.sockets.at(-1).shut(1011)")
    page.wait_for_function("window.sockets.length === 2", timeout=3000)
    log(page)
    page.evaluate("window.sockets.at(-1).open()")
    html = ROOT.replace('<ul id="list"></ul>', f'<ul id="list"><li id="n" {HOOK}="Rec"></li></ul>')
    deliver(page, {"t": "render", "cid": "c0", "html": html})
    assert sorted(log(page)) == ["Rec.mounted n", "Rec.reconnected a", "Rec.reconnected b"]


#: A hook keeping every `err` its `errored` gets, beside the page's ERROR_EVENT
#: listener, both in window.errs, in the order they heard of it.
ERRORED_HOOKS = RECORDING_HOOKS + (
    "window.errs = [];"
    "window.Hooks.Toast = {"
    "  errored(err) { window.errs.push(['hook', this.el.id, err]); },"
    "};"
    f"document.addEventListener({json.dumps(ERROR_EVENT)},"
    "  (event) => window.errs.push(['event', event.detail]));"
)


def test_an_err_reaches_the_errored_hooks_and_the_error_event(open_page: Open) -> None:
    page = open_page(
        ROOT.replace('<ul id="list"></ul>', f'<ul id="t" {HOOK}="Toast"></ul>'),
        hooks_head(ERRORED_HOOKS),
    )
    errors = console(page, "error")
    join(page)
    log(page)
    err = {
        "t": "err",
        "ref": None,
        "code": "handler_error",
        "event": "save",
        "reason": "the handler failed",
        "error_id": "e7f3a9",
    }
    deliver(page, err)
    # The page's listener first, then each hook defining `errored`, with the
    # message as it came (its error_id included), `this` being the hook's.
    assert page.evaluate("window.errs") == [["event", err], ["hook", "t", err]]
    # The Rec hooks define no `errored`: nothing runs for them and nothing fails.
    assert log(page) == []
    assert not [e for e in errors if "hook" in e]
    # The page keeps working: the next patch updates the hooks as usual.
    patch(page, ["text", [1, 0, 0], "#text", "B"])
    assert log(page) == ["Rec.beforeUpdate b", "Rec.updated b"]
    assert page.text_content("#b") == "B"


def test_an_unknown_hook_warns_once_per_element_and_the_rest_works(open_page: Open) -> None:
    page = open_page(
        ROOT.replace('<ul id="list"></ul>', f'<ul id="u" {HOOK}="Nope"><li>x</li></ul>')
    )
    warnings = console(page, "warning")
    join(page)
    patch(page, ["text", [2, 0, 0], "#text", "y"])
    patch(page, ["attrs", [2], "ul", {"class": "z"}, []])
    assert len([w for w in warnings if "Nope" in w]) == 1
    assert log(page) == ["Rec.mounted a", "Rec.mounted b"]
    assert page.text_content("#u") == "y"


def test_a_hook_that_throws_breaks_nothing_else(open_page: Open) -> None:
    script = RECORDING_HOOKS + "window.Hooks.Bad = { mounted() { throw new Error('boom'); } };"
    page = open_page(
        ROOT.replace('<ul id="list"></ul>', f'<ul id="list" {HOOK}="Bad"></ul>'), hooks_head(script)
    )
    errors = console(page, "error")
    join(page)
    patch(page, ["text", [1, 0, 0], "#text", "B"])
    assert any("Bad.mounted" in e for e in errors)
    assert log(page) == ["Rec.mounted a", "Rec.mounted b", "Rec.beforeUpdate b", "Rec.updated b"]


def test_this_holds_the_hooks_own_members_and_state(open_page: Open) -> None:
    script = RECORDING_HOOKS + (
        "window.Hooks.Counter = {"
        "  mounted() { this.count = 0; this.bump(); },"
        "  updated() { this.bump(); },"
        "  bump() { this.count++; this.el.dataset.count = String(this.count); },"
        "};"
    )
    page = open_page(
        f'<div live-cid="c0"><p id="k" {HOOK}="Counter">0</p></div>', hooks_head(script)
    )
    join(page)
    patch(page, ["text", [0, 0], "#text", "1"])
    patch(page, ["text", [0, 0], "#text", "2"])
    assert page.get_attribute("#k", "data-count") == "3"


# --- pushEvent ------------------------------------------------------------------


def outcome(page: Page, call: str) -> None:
    """Run ``call`` (a promise) and keep how it settles in window.outcome."""
    page.evaluate(
        f"""() => {{
            window.outcome = "pending";
            {call}.then(
                () => {{ window.outcome = "resolved"; }},
                (e) => {{ window.outcome = [e.name, e.message, e.reply && e.reply.code]; }},
            );
        }}"""
    )


def test_push_event_sends_to_the_elements_component_and_resolves_on_the_ack(
    open_page: Open,
) -> None:
    page = open_page()
    join(page)
    outcome(page, 'window.hooks.a.pushEvent("save", {n: 1, tags: ["x"]})')
    assert sent(page)[-1] == {
        "t": "event",
        "ref": 1,
        "cid": "c0",
        "event": "save",
        "value": {"n": 1, "tags": ["x"]},
    }
    assert page.evaluate("window.outcome") == "pending"
    deliver(page, {"t": "ack", "ref": 1})
    page.wait_for_function("window.outcome !== 'pending'")
    assert page.evaluate("window.outcome") == "resolved"


def test_push_event_rejects_when_the_server_refuses(open_page: Open) -> None:
    page = open_page()
    join(page)
    outcome(page, 'window.hooks.a.pushEvent("save")')
    deliver(
        page,
        {"t": "err", "ref": 1, "code": "invalid_payload", "event": "save", "reason": "n: required"},
    )
    page.wait_for_function("window.outcome !== 'pending'")
    assert page.evaluate("window.outcome") == [
        "EventRefused",
        "invalid_payload: n: required",
        "invalid_payload",
    ]


def test_push_event_rejects_when_the_socket_drops_or_is_not_joined(open_page: Open) -> None:
    page = open_page()
    join(page)
    outcome(page, 'window.hooks.a.pushEvent("save")')
    page.evaluate("window.sockets.at(-1).shut(1011)")
    page.wait_for_function("window.outcome !== 'pending'")
    assert page.evaluate("window.outcome") == ["EventRefused", "the connection was lost", None]
    outcome(page, 'window.hooks.a.pushEvent("save")')
    page.wait_for_function("window.outcome !== 'pending'")
    assert page.evaluate("window.outcome") == ["EventRefused", "not connected", None]


def test_push_event_to_targets_the_component_of_the_selected_element(open_page: Open) -> None:
    root = ROOT.replace('<ul id="list"></ul>', '<div live-cid="c1"><b id="kid">k</b></div>')
    page = open_page(root)
    join(page)
    outcome(page, 'window.hooks.a.pushEventTo("#kid", "ping", {at: 1})')
    assert sent(page)[-1] == {
        "t": "event",
        "ref": 1,
        "cid": "c1",
        "event": "ping",
        "value": {"at": 1},
    }
    outcome(page, 'window.hooks.a.pushEventTo("#nothing", "ping")')
    page.wait_for_function("window.outcome !== 'pending'")
    assert page.evaluate("window.outcome[1]").startswith("livecomp: pushEventTo: nothing matches")


def test_a_hook_may_push_from_mounted_on_the_join(open_page: Open) -> None:
    script = RECORDING_HOOKS + (
        "window.Hooks.Eager = { mounted() { this.pushEvent('ready', {id: this.el.id}); } };"
    )
    root = f'<div live-cid="c0"><p id="e1" {HOOK}="Eager"></p></div>'
    page = open_page(root, hooks_head(script))
    page.evaluate("window.sockets.at(-1).open()")
    # The join's render adds a second one, which the morph puts in.
    joined = root.replace("</div>", f'<p id="e2" {HOOK}="Eager"></p></div>')
    deliver(page, {"t": "render", "cid": "c0", "html": joined})
    ready = [(m["event"], m["value"]["id"]) for m in sent(page) if m["t"] == "event"]
    assert sorted(ready) == [("ready", "e1"), ("ready", "e2")]


# --- handleEvent ----------------------------------------------------------------

LISTENERS = (
    '<div live-cid="c0">'
    f'<p id="l1" {HOOK}="Listen">1</p><p id="l2" {HOOK}="Listen">2</p><ul id="list"></ul>'
    "</div>"
)


def got(page: Page) -> list[list[Any]]:
    received: list[list[Any]] = page.evaluate("window.got.splice(0)")
    return received


def test_a_push_reaches_every_handle_event_callback_for_its_name(open_page: Open) -> None:
    page = open_page(LISTENERS)
    join(page)
    deliver(
        page,
        [
            {"t": "push", "event": "points", "data": {"values": [1, 2]}},
            {"t": "push", "event": "other", "data": 1},
        ],
    )
    assert got(page) == [["l1", {"values": [1, 2]}], ["l2", {"values": [1, 2]}]]


def test_the_function_handle_event_returns_stops_it(open_page: Open) -> None:
    page = open_page(LISTENERS)
    join(page)
    page.evaluate("window.hooks.l1.stop()")
    deliver(page, {"t": "push", "event": "points", "data": 3})
    assert got(page) == [["l2", 3]]


def test_a_destroyed_hook_hears_no_more_pushes(open_page: Open) -> None:
    page = open_page(LISTENERS)
    join(page)
    patch(page, ["remove", [0], "p"])
    deliver(page, {"t": "push", "event": "points", "data": 4})
    assert got(page) == [["l2", 4]]


def test_a_push_after_the_patch_that_mounts_a_hook_reaches_it(open_page: Open) -> None:
    page = open_page(LISTENERS)
    join(page)
    deliver(
        page,
        [
            {
                "t": "patch",
                "cid": "c0",
                "ops": [["insert", [2], "ul", 0, f'<li id="l3" {HOOK}="Listen"></li>']],
            },
            {"t": "push", "event": "points", "data": 5},
            {"t": "ack", "ref": 1},
        ],
    )
    assert got(page) == [["l1", 5], ["l2", 5], ["l3", 5]]


# --- the module entry -----------------------------------------------------------


def test_an_app_bundling_the_client_passes_its_hooks_to_start_live(open_page: Open) -> None:
    head = (
        "<script type='module'>"
        "import { startLive } from '/live.mjs';"
        "window.log = [];"
        "window.started = startLive({ hooks: { Rec: {"
        "  mounted() { window.log.push('mounted ' + this.el.id);"
        "    this.handleEvent('points', (d) => window.log.push('points ' + d)); },"
        "} } });"
        "</script>"
    )
    page = open_page(ROOT, head)
    page.wait_for_function("window.started !== undefined")
    join(page)
    deliver(page, {"t": "push", "event": "points", "data": 9})
    assert log(page) == ["mounted a", "mounted b", "points 9", "points 9"]
    assert page.evaluate("window.livecomp === undefined")
