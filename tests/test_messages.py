"""Server-side messages: send_self, timers, send_parent; none reachable from a browser."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from pydantic import BaseModel

from livecomp import Component, ErrorCode, HandlerDefinitionError, on, on_message
from livecomp.testing import LiveTestClient
from tests.wire import wire


class Log(BaseModel):
    seen: list[str] = []


class Ticker(Component[Log]):
    template = "<ul>{% for s in state.seen %}<li>{{ s }}</li>{% endfor %}</ul>"

    async def mount(self) -> None:
        if self.connected:
            self.every(0.05, "tick", "t")

    @on_message("tick")
    async def tick(self, data: str) -> None:
        self.state.seen.append(data)

    @on("later")
    async def later(self, delay: float) -> None:
        self.send_self("note", f"after {delay}", delay=delay)

    @on_message("note")
    async def note(self, data: Any) -> None:
        self.state.seen.append(str(data))


async def test_an_interval_timer_delivers_repeatedly() -> None:
    async with LiveTestClient(Ticker) as client:
        for _ in range(3):
            await client.next_patch(timeout=2)
        assert client.state.seen[:3] == ["t", "t", "t"]


async def test_send_self_with_a_delay_arrives_later() -> None:
    class Quiet(Ticker):
        async def mount(self) -> None:
            pass

    async with LiveTestClient(Quiet) as client:
        started = time.monotonic()
        await client.send_event("later", {"delay": "0.1"})
        assert client.state.seen == []
        await client.next_patch(timeout=2)
        assert client.state.seen == ["after 0.1"]
        assert time.monotonic() - started >= 0.1


async def test_a_message_from_a_handler_is_handled_before_the_ack() -> None:
    class Child(Component[Log]):
        template = '<button live-click="go">go</button>'

        @on("go")
        async def go(self) -> None:
            self.send_parent("child_said", "hello")

    class Parent(Component[Log]):
        components = (Child,)
        template = "<div>{{ state.seen|join(',') }}{{ live(Child, id='kid') }}</div>"

        @on_message("child_said")
        async def child_said(self, data: str) -> None:
            self.state.seen.append(data)

    async with LiveTestClient(Parent) as client:
        reply = await client.click("button")
        assert client.state.seen == ["hello"]
        assert wire(reply.ops) == [["insert", [], "div", 0, "hello"]]


async def test_a_browser_event_cannot_reach_a_message_handler() -> None:
    async with LiveTestClient(Ticker) as client:
        reply = await client.send_event("note", {"data": "forged"}, check=False)
        assert reply.error is not None and reply.error.code is ErrorCode.UNKNOWN_EVENT
        assert "forged" not in client.state.seen


def test_one_method_cannot_be_both_event_and_message_handler() -> None:
    with pytest.raises(HandlerDefinitionError, match="both an event and a message handler"):

        class Both(Component[Log]):
            @on("x")
            @on_message("x")
            async def x(self) -> None: ...


def test_a_message_handler_takes_at_most_the_data() -> None:
    with pytest.raises(HandlerDefinitionError, match="at most one parameter"):

        class Greedy(Component[Log]):
            @on_message("x")
            async def x(self, a: int, b: int) -> None: ...


async def test_an_unmounted_component_s_timers_are_cancelled() -> None:
    class Holder(Component[Log]):
        template = "<div>{% if not state.seen %}{{ live(Ticker, id='t') }}{% endif %}</div>"

        @on("drop")
        async def drop(self) -> None:
            self.state.seen.append("dropped")

    async with LiveTestClient(Holder) as client:
        assert client.session.active_timers() == 1
        await client.send_event("drop")
        assert client.session.active_timers() == 0


async def test_a_timer_that_falls_behind_skips_instead_of_piling_up() -> None:
    release = asyncio.Event()

    class Slow(Component[Log]):
        template = "<p>{{ state.seen|length }}</p>"

        async def mount(self) -> None:
            if self.connected:
                self.every(0.01, "tick")

        @on_message("tick")
        async def tick(self) -> None:
            self.state.seen.append("t")
            await release.wait()  # a handler far slower than its timer

    async with LiveTestClient(Slow) as client:
        while not client.state.seen:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # twenty intervals pass while the first tick runs
        assert client.session.inbox_size <= 1
        assert client.state.seen == ["t"]
        release.set()


async def test_pages_with_clocks_leave_no_tasks_or_timers_behind() -> None:
    class Clock(Component[Log]):
        template = "<i></i>"

        async def mount(self) -> None:
            if self.connected:
                self.every(1.0, "tick", align=True)

        @on_message("tick")
        async def tick(self) -> None: ...

    class Five(Component[Log]):
        components = (Clock,)
        template = "<div>{% for i in range(5) %}{{ live(Clock, id=i) }}{% endfor %}</div>"

    before = len(asyncio.all_tasks())
    sessions = []
    for _ in range(1000):
        async with LiveTestClient(Five) as client:
            assert client.session.active_timers() == 5
        sessions.append(client.session)
    assert sum(s.active_timers() for s in sessions) == 0
    assert len(asyncio.all_tasks()) == before
