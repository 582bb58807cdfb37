"""The test client: it drives the app's own routes and socket, and fills forms as a browser."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict
from quart import Quart

from conftest import ROOT
from livecomp import CloseCode, Component, ErrorCode, LiveApp, on, on_message
from livecomp.testing import LiveTestClient

# --- the app, its routes and its socket -------------------------------------------


class Count(BaseModel):
    n: int = 0
    who: str = ""


class Counter(Component[Count]):
    template = '<div><p>{{ state.n }} {{ state.who }}</p><button live-click="inc">+</button></div>'

    async def mount(self) -> None:
        self.state.who = self.params.get("who", "")

    @on("inc")
    async def inc(self) -> None:
        self.state.n += 1

    @on("boom")
    async def boom(self) -> None:
        raise RuntimeError("secret database password in this message")

    @on_message("bump")
    async def bump(self) -> None:
        self.state.n += 10

    @on_message("fail")
    async def fail(self) -> None:
        raise KeyError("from a message")


def counter_app(**options: Any) -> Quart:
    app = Quart(__name__)
    LiveApp(app, **options).page("/counter", Counter)
    return app


async def test_the_page_is_fetched_and_joined_through_the_app_s_routes() -> None:
    app = counter_app()
    async with LiveTestClient(app, "/counter?who=ada") as client:
        assert client.text("p") == "0 ada"
        await client.click("button")
        assert client.state.n == 1 and client.text("p") == "1 ada"
        assert client.session in app.extensions["livecomp"].sessions


async def test_the_socket_path_is_read_from_the_page() -> None:
    async with LiveTestClient(counter_app(socket_path="/elsewhere/ws"), "/counter") as client:
        assert client.socket_path == "/elsewhere/ws"
        await client.click("button")
        assert client.state.n == 1


async def test_a_path_that_is_not_a_page_fails_naming_the_status() -> None:
    with pytest.raises(AssertionError, match="GET /nothing answered 404"):
        async with LiveTestClient(counter_app(), "/nothing"):
            pass


async def test_an_app_without_live_app_is_refused() -> None:
    with pytest.raises(TypeError, match=r"call LiveApp\(app\)"):
        LiveTestClient(Quart(__name__))


async def test_a_foreign_origin_is_refused_by_the_app_not_left_hanging() -> None:
    client = LiveTestClient(counter_app(), "/counter", origin="http://evil.example")
    with pytest.raises(ConnectionError, match="4003"):
        await client.open()
    assert client.closed == (
        CloseCode.ORIGIN_FORBIDDEN,
        "origin 'http://evil.example' is not allowed",
    )


async def test_an_allowed_origin_joins() -> None:
    app = counter_app(allowed_origins={"https://other.example"})
    async with LiveTestClient(app, "/counter", origin="https://other.example") as client:
        assert client.closed is None


async def test_headers_go_with_the_get_and_the_socket_handshake() -> None:
    headers = {"Host": "shop.example"}
    app = counter_app()
    async with LiveTestClient(app, "/counter", headers=headers, origin="https://shop.example"):
        pass
    client = LiveTestClient(app, "/counter", headers=headers)  # Origin: http://localhost
    with pytest.raises(ConnectionError):
        await client.open()
    assert client.closed is not None and client.closed[0] == CloseCode.ORIGIN_FORBIDDEN


async def test_a_forged_token_is_refused_by_the_app() -> None:
    client = LiveTestClient(counter_app(), "/counter")
    await client.connect()
    with pytest.raises(ConnectionError):
        await client.join(client.token[:-4] + "AAAA")
    assert client.closed == (CloseCode.TOKEN_INVALID, "page token signature is invalid")
    await client.close()


async def test_a_live_app_is_driven_through_the_app_it_was_given() -> None:
    app = Quart(__name__)
    live = LiveApp(app)
    live.page("/", Counter)
    async with LiveTestClient(live) as client:
        assert client.app is app
        await client.click("button")


async def test_startup_and_shutdown_run_once_for_the_clients_open_together() -> None:
    app = counter_app()
    events: list[str] = []

    @app.before_serving
    async def start() -> None:
        events.append("start")

    @app.after_serving
    async def stop() -> None:
        events.append("stop")

    async with LiveTestClient(app, "/counter"), LiveTestClient(app, "/counter"):
        assert events == ["start"]
    assert events == ["start", "stop"]
    async with LiveTestClient(app, "/counter", lifespan=False):
        pass
    assert events == ["start", "stop"]


# --- failures re-raise in the test -------------------------------------------------


async def test_a_handler_error_re_raises_and_the_browser_gets_only_an_error_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with LiveTestClient(counter_app(), "/counter") as client:
        with pytest.raises(RuntimeError, match="secret database password"):
            await client.send_event("boom")
        err = client.last.error
        assert err is not None and err.code is ErrorCode.HANDLER_ERROR
        assert "'boom'" in err.reason and "error id" in err.reason
        assert "password" not in err.reason
        [record] = [r for r in caplog.records if r.name == "livecomp"]
        assert record.livecomp_error_id in err.reason  # type: ignore[attr-defined]
        await client.click("button")
        assert client.state.n == 1


async def test_a_message_handler_error_re_raises_from_send_message() -> None:
    async with LiveTestClient(counter_app(), "/counter") as client:
        reply = await client.send_message(client.root.cid, "bump")
        assert client.state.n == 10 and reply.patches
        with pytest.raises(KeyError, match="from a message"):
            await client.send_message(client.root.cid, "fail")


async def test_a_failure_of_another_page_is_not_raised_here() -> None:
    app = counter_app()
    async with LiveTestClient(app, "/counter") as mine, LiveTestClient(app, "/counter") as other:
        with pytest.raises(RuntimeError):
            await other.send_event("boom")
        await mine.settle()
        await mine.click("button")


async def test_a_tick_that_fails_re_raises_from_next_patch() -> None:
    class Ticking(Component[Count]):
        template = "<p>{{ state.n }}</p>"

        async def mount(self) -> None:
            if self.connected:
                self.send_self("tick", delay=0.01)

        @on_message("tick")
        async def tick(self) -> None:
            raise ValueError("tick failed")

    async with LiveTestClient(Ticking) as client:
        with pytest.raises(ValueError, match="tick failed"):
            await client.next_patch(timeout=2)


async def test_a_patched_dom_that_differs_from_the_server_s_render_fails() -> None:
    async with LiveTestClient(Counter) as client:
        assert client.dom is not None
        client.dom.attrs["class"] = "tampered"
        with pytest.raises(AssertionError, match="the patched DOM differs"):
            await client.click("button")


async def test_the_client_leaves_no_log_handler_behind() -> None:
    handlers = list(logging.getLogger("livecomp").handlers)
    async with LiveTestClient(Counter):
        pass
    assert logging.getLogger("livecomp").handlers == handlers


# --- forms, serialised by the browser's rules ---------------------------------------


class Payload(BaseModel):
    model_config = ConfigDict(extra="allow")


class Seen(BaseModel):
    event: str = ""
    data: dict[str, Any] = {}


def form_page(fields: str, form_attrs: str = 'live-submit="save" live-change="edit"') -> Any:
    class FormPage(Component[Seen]):
        template = f"<div><form {form_attrs}>{fields}</form></div>"

        @on("save")
        async def save(self, form: Payload) -> None:
            self.state.event, self.state.data = "save", dict(form.model_extra or {})

        @on("edit")
        async def edit(self, form: Payload) -> None:
            self.state.event, self.state.data = "edit", dict(form.model_extra or {})

    return FormPage


async def submitted(fields: str, data: dict[str, Any] | None = None, **options: Any) -> Any:
    async with LiveTestClient(form_page(fields)) as client:
        await client.submit("form", data, **options)
        assert client.state.event == "save"
        return client.state.data


async def test_named_enabled_controls_are_sent_with_their_values() -> None:
    fields = (
        '<input name="a" value="1"><input value="unnamed"><input name="b" type="hidden" value="2">'
    )
    assert await submitted(fields) == {"a": "1", "b": "2"}


async def test_disabled_controls_and_disabled_fieldsets_are_left_out() -> None:
    fields = (
        '<input name="off" value="x" disabled>'
        '<fieldset disabled><legend><input name="in_legend" value="1"></legend>'
        '<input name="in_set" value="2"></fieldset>'
        '<input name="on" value="3">'
    )
    assert await submitted(fields) == {"in_legend": "1", "on": "3"}


async def test_checkboxes_and_radios_are_sent_only_when_checked() -> None:
    fields = (
        '<input type="checkbox" name="agree" checked>'
        '<input type="checkbox" name="news" value="yes">'
        '<input type="radio" name="size" value="s">'
        '<input type="radio" name="size" value="m" checked>'
    )
    assert await submitted(fields) == {"agree": "on", "size": "m"}


async def test_a_select_sends_its_selected_option_or_its_first_enabled_one() -> None:
    fields = (
        '<select name="picked"><option>a</option><option value="b" selected>B</option></select>'
        '<select name="default"><option disabled>x</option><option> first  enabled </option>'
        "</select>"
        '<select name="many" multiple><option selected>1</option><option>2</option>'
        "<option selected>3</option></select>"
        '<select name="none" multiple><option>1</option></select>'
    )
    assert await submitted(fields) == {
        "picked": "b",
        "default": "first enabled",
        "many": ["1", "3"],
    }


async def test_a_select_multiple_with_one_selected_option_still_sends_a_list() -> None:
    fields = '<select name="many" multiple><option selected>1</option><option>2</option></select>'
    assert await submitted(fields) == {"many": ["1"]}


async def test_a_textarea_sends_its_text() -> None:
    assert await submitted('<textarea name="note">\nline one\nline two</textarea>') == {
        "note": "line one\nline two"
    }


async def test_repeated_names_become_lists() -> None:
    fields = (
        '<input type="checkbox" name="tag" value="a" checked>'
        '<input type="checkbox" name="tag" value="b">'
        '<input type="checkbox" name="tag" value="c" checked>'
    )
    assert await submitted(fields) == {"tag": ["a", "c"]}


async def test_buttons_and_file_inputs_are_left_out_but_the_submitter_is_sent() -> None:
    fields = (
        '<input name="q" value="x"><input type="file" name="upload">'
        '<input type="reset" name="r" value="r"><input type="button" name="b" value="b">'
        '<button name="action" value="save">Save</button>'
        '<button name="action" value="publish">Publish</button>'
    )
    assert await submitted(fields) == {"q": "x"}
    assert await submitted(fields, submitter="button[value=publish]") == {
        "q": "x",
        "action": "publish",
    }


async def test_a_button_that_does_not_submit_the_form_is_not_a_submitter() -> None:
    client = LiveTestClient(form_page('<button type="button" name="b">B</button>'))
    async with client:
        with pytest.raises(LookupError, match="not a submit button of the form"):
            await client.submit("form", submitter="button")


async def test_data_is_laid_over_the_form() -> None:
    fields = (
        '<input name="q" value="old"><input type="checkbox" name="agree" checked>'
        '<select name="many" multiple><option>1</option><option>2</option></select>'
    )
    data = {"q": "new", "agree": [], "many": ["1", "2"]}
    assert await submitted(fields, data) == {"q": "new", "many": ["1", "2"]}


async def test_a_field_the_form_does_not_have_is_refused_naming_the_fields() -> None:
    async with LiveTestClient(form_page('<input name="zone"><input name="note">')) as client:
        with pytest.raises(LookupError, match=r"no field 'admin'; its fields: \['note', 'zone'\]"):
            await client.submit("form", {"zone": "x", "admin": "1"})
        assert client.state.event == ""


async def test_values_no_user_could_give_are_refused() -> None:
    fields = (
        '<input name="locked" disabled><select name="size"><option>s</option>'
        '<option disabled>xl</option></select><input type="radio" name="r" value="a">'
    )
    async with LiveTestClient(form_page(fields)) as client:
        with pytest.raises(ValueError, match="'locked' is disabled"):
            await client.submit("form", {"locked": "x"})
        with pytest.raises(ValueError, match=r"no option 'xl'; its options: \['s'\]"):
            await client.submit("form", {"size": "xl"})
        with pytest.raises(ValueError, match="no option 'b'"):
            await client.change("form", {"r": "b"})


async def test_change_sends_the_form_s_live_change_event_from_a_field_inside_it() -> None:
    async with LiveTestClient(form_page('<input name="q" value="a">')) as client:
        await client.change("input[name=q]", {"q": "typed"})
        assert (client.state.event, client.state.data) == ("edit", {"q": "typed"})


async def test_a_form_without_the_binding_is_refused() -> None:
    async with LiveTestClient(form_page('<input name="q">', form_attrs="")) as client:
        with pytest.raises(LookupError, match="has no live-submit attribute"):
            await client.submit("form")
        with pytest.raises(LookupError, match="matches no form"):
            await client.change("div")


class InnerForm(Component[Seen]):
    template = '<div><form live-submit="save"><input name="q" value="v"></form></div>'

    @on("save")
    async def save(self, form: Payload) -> None:
        self.state.data = dict(form.model_extra or {})


class OuterPage(Component[Seen]):
    template = "<section>{{ live(InnerForm, id='f') }}</section>"


async def test_a_form_event_goes_to_the_component_the_form_is_in() -> None:
    async with LiveTestClient(OuterPage) as client:
        await client.submit("input")
        assert client.component("form").state.data == {"q": "v"}
        assert client.state.data == {}


# --- no browser needed -------------------------------------------------------------


def test_the_unit_tests_run_without_playwright() -> None:
    # Any import of playwright fails in this interpreter.
    code = (
        "import sys; sys.modules['playwright'] = None; import pytest; "
        "sys.exit(pytest.main(sys.argv[1:]))"
    )
    args = [
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/test_protocol.py",
        "tests/test_testing.py",
        "examples/greeter/test_greeter.py",
        "--deselect",
        "tests/test_testing.py::test_the_unit_tests_run_without_playwright",
    ]
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
