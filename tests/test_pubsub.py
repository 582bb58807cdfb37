"""In-process broadcast: topics reach every subscribed component of every page."""

from __future__ import annotations

from pydantic import BaseModel

from livecomp import Component, LiveApp, LocalBroker, on, on_message
from livecomp.testing import LiveTestClient


class Chat(BaseModel):
    lines: list[str] = []


class Room(Component[Chat]):
    template = "<ul>{% for line in state.lines %}<li>{{ line }}</li>{% endfor %}</ul>"

    async def mount(self) -> None:
        if self.connected:
            await self.subscribe("room")

    @on("say")
    async def say(self, text: str) -> None:
        await self.publish("room", "said", text)

    @on_message("said")
    async def said(self, text: str) -> None:
        self.state.lines.append(text)


async def test_a_publish_reaches_every_subscribed_page() -> None:
    live = LiveApp()
    live.page("/", Room)
    async with LiveTestClient(live) as alice, LiveTestClient(live) as bob:
        await alice.send_event("say", {"text": "hi"})
        await bob.settle()
        assert alice.state.lines == ["hi"] and bob.state.lines == ["hi"]
        assert bob.text("li") == "hi"


async def test_closing_a_page_unsubscribes_it() -> None:
    broker = LocalBroker()
    live = LiveApp(broker=broker)
    live.page("/", Room)
    async with LiveTestClient(live):
        assert broker.subscriber_count("room") == 1
    assert broker.subscriber_count() == 0


async def test_the_http_render_does_not_subscribe() -> None:
    broker = LocalBroker()
    live = LiveApp(broker=broker)
    live.page("/", Room)
    await live.render_page("/", {})
    assert broker.subscriber_count() == 0


async def test_unsubscribe_stops_delivery() -> None:
    broker = LocalBroker()
    seen: list[str] = []
    subscription = await broker.subscribe("t", lambda message, data: seen.append(message))
    await broker.publish("t", "one")
    await subscription.cancel()
    await subscription.cancel()
    await broker.publish("t", "two")
    assert seen == ["one"]
