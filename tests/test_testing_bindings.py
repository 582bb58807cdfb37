"""The test client's element and window bindings send what the browser client sends."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from livecomp import Component, on
from livecomp.testing import LiveTestClient


class KeyEvent(BaseModel):
    """Every field the client sends with a key event (and a live-value-field)."""

    key: str
    code: str
    alt: bool
    ctrl: bool
    meta: bool
    shift: bool
    repeat: bool
    field: str


class Log(BaseModel):
    seen: list[str] = []


class Keys(Component[Log]):
    template = """
<div>
  <section live-capture-click="outer" live-window-keydown="win" live-key="Escape">
    <input id="q" live-keydown="down" live-keyup="up" live-key="enter" live-value-field="q">
    <button live-click="inner" live-value-n="3">b</button>
    <span id="plain">no binding</span>
  </section>
  <p id="f" live-focus="in" live-blur="out" live-window-focus="win-focus">f</p>
  <p live-window-keydown="any">{{ state.seen|join(",") }}</p>
</div>"""

    @on("down")
    async def down(self, key: str) -> None:
        # The payload's other fields (code, shift...) are ignored by binding.
        self.state.seen.append(f"down:{key}")

    @on("up")
    async def up(self, event: KeyEvent) -> None:
        self.state.seen.append(f"up:{sorted(event.model_dump().items())}")

    @on("win")
    async def win(self, key: str, shift: bool) -> None:
        self.state.seen.append(f"win:{key}:{shift}")

    @on("any")
    async def any_key(self, key: str) -> None:
        self.state.seen.append(f"any:{key}")

    @on("outer")
    async def outer(self) -> None:
        self.state.seen.append("outer")

    @on("inner")
    async def inner(self, n: int) -> None:
        self.state.seen.append(f"inner:{n}")

    @on("in")
    async def focus_in(self) -> None:
        self.state.seen.append("in")

    @on("out")
    async def focus_out(self) -> None:
        self.state.seen.append("out")

    @on("win-focus")
    async def window_focus(self) -> None:
        self.state.seen.append("win-focus")


async def test_keydown_sends_the_key_through_the_live_key_filter() -> None:
    async with LiveTestClient(Keys) as page:
        assert await page.keydown("#q", "a") is None
        reply = await page.keydown("#q", "Enter")
        assert reply is not None
        assert page.state.seen == ["down:Enter"]


async def test_the_key_payload_carries_code_modifiers_and_live_values() -> None:
    async with LiveTestClient(Keys) as page:
        await page.keyup("#q", "ENTER", ctrl=True, code="NumpadEnter")
        fields = {
            "alt": False,
            "code": "NumpadEnter",
            "ctrl": True,
            "field": "q",
            "key": "ENTER",
            "meta": False,
            "repeat": False,
            "shift": False,
        }
        assert page.state.seen == [f"up:{sorted(fields.items())}"]


async def test_window_keydown_fires_every_declaring_element_it_passes() -> None:
    async with LiveTestClient(Keys) as page:
        replies = await page.window_keydown("Escape", shift=True)
        assert len(replies) == 2
        assert page.state.seen == ["win:Escape:True", "any:Escape"]
        assert len(await page.window_keydown("x")) == 1


async def test_click_reaches_the_capture_click_around_first() -> None:
    async with LiveTestClient(Keys) as page:
        await page.click("button")
        assert page.state.seen == ["outer", "inner:3"]
        await page.click("#plain")
        assert page.state.seen == ["outer", "inner:3", "outer"]


async def test_focus_blur_and_window_focus() -> None:
    async with LiveTestClient(Keys) as page:
        await page.focus("#f")
        await page.blur("#f")
        await page.window_focus()
        assert page.state.seen == ["in", "out", "win-focus"]


async def test_an_action_reaching_no_binding_is_refused() -> None:
    async with LiveTestClient(Keys) as page:
        with pytest.raises(LookupError, match="live-focus"):
            await page.focus("#q")
        with pytest.raises(LookupError, match="live-keydown"):
            await page.keydown("#f", "a")
        with pytest.raises(LookupError, match="live-mousedown"):
            await page.mousedown("button")
        with pytest.raises(LookupError, match="live-window-blur"):
            await page.window_blur()
        assert page.state.seen == []


class Count(BaseModel):
    n: int = 0


class Saver(Component[Count]):
    template = (
        '<div><p id="n">{{ state.n }}</p>'
        "<button live-click=\"{{ js.hide('#n').push('inc', value={'by': '2'}) }}\">go</button>"
        "</div>"
    )

    @on("inc")
    async def inc(self, by: int) -> None:
        self.state.n += by


async def test_a_binding_of_js_commands_sends_only_its_pushes() -> None:
    async with LiveTestClient(Saver) as client:
        await client.click("button")
        assert client.state.n == 2
