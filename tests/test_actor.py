"""PageActor: one owner of a connected page's turns, tested without a socket."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from pydantic import BaseModel

from livecomp import Component, LocalBroker, on_message
from livecomp.actor import PageActor
from livecomp.component import PageContext
from livecomp.page import LivePage
from livecomp.protocol import Patch, Push


class Log(BaseModel):
    seen: list[str] = []


class Echo(Component[Log]):
    template = "<p>{{ state.seen|join(',') }}</p>"

    @on_message("note")
    async def note(self, data: str) -> None:
        self.state.seen.append(data)

    @on_message("relay")
    async def relay(self, data: str) -> None:
        # Posted during a turn: handled in the same turn, before the render.
        self.send_self("note", data + "!")
        self.state.seen.append(data)


class Harness:
    """An actor on a mounted Echo page, recording what it hands over."""

    def __init__(self, mailbox_limit: int = 100) -> None:
        self.patches: list[Patch] = []
        self.sends = 0
        self.overflows: list[str] = []
        self.actor = PageActor(
            LocalBroker(),
            page_id="test-page",
            mailbox_limit=mailbox_limit,
            outbox=self,
        )

    def take_replies(self, replies: Sequence[Patch | Push]) -> None:
        self.patches.extend(reply for reply in replies if isinstance(reply, Patch))

    async def send_replies(self) -> None:
        self.sends += 1

    def slow_client(self, reason: str) -> None:
        self.overflows.append(reason)

    async def start(self) -> LivePage:
        page = LivePage(Echo, PageContext(connected=True, runtime=self.actor))
        await page.mount()
        self.actor.start(page)
        return page


async def test_a_message_posted_from_outside_is_handled_in_its_own_turn() -> None:
    harness = Harness()
    page = await harness.start()
    harness.actor.post(page.root_cid, "note", "a")
    assert harness.actor.waiting == 1
    await harness.actor.quiet()
    assert page.root.state.seen == ["a"]
    assert [p.cid for p in harness.patches] == [page.root_cid]
    assert harness.sends == 1


async def test_a_message_posted_during_a_turn_joins_that_turn() -> None:
    harness = Harness()
    page = await harness.start()
    harness.actor.post(page.root_cid, "relay", "x")
    await harness.actor.quiet()
    assert page.root.state.seen == ["x", "x!"]
    # Both messages, one render: one patch.
    assert len(harness.patches) == 1
    assert harness.actor.waiting == 0


async def test_turns_never_overlap() -> None:
    harness = Harness()
    page = await harness.start()
    inside = 0
    overlaps = 0

    async def slow(_: LivePage, __: None) -> None:
        nonlocal inside, overlaps
        inside += 1
        overlaps += inside > 1
        await asyncio.sleep(0.01)
        inside -= 1

    await asyncio.gather(*(harness.actor.turn(slow, None) for _ in range(5)))
    assert overlaps == 0
    assert page.root.state.seen == []


async def test_turns_run_in_the_order_they_asked_and_a_cancelled_one_holds_none_up() -> None:
    harness = Harness()
    await harness.start()
    actor = harness.actor
    order: list[str] = []
    release = asyncio.Event()

    def work(name: str) -> Callable[[LivePage, None], Awaitable[None]]:
        async def run(_: LivePage, __: None) -> None:
            order.append(name)
            if name == "first":
                await release.wait()

        return run

    first = asyncio.create_task(actor.turn(work("first"), None))
    await asyncio.sleep(0)
    assert actor.busy
    waiting = [asyncio.create_task(actor.turn(work(n), None)) for n in ("a", "gone", "b")]
    await asyncio.sleep(0)
    waiting[1].cancel()  # cancelled while it waits: the others go on in order
    await asyncio.sleep(0)
    release.set()
    assert await first
    assert await waiting[0] and await waiting[2]
    assert waiting[1].cancelled()
    assert order == ["first", "a", "b"]
    assert not actor.busy


async def test_a_turn_cancelled_as_it_is_handed_the_turn_hands_it_on() -> None:
    harness = Harness()
    await harness.start()
    actor = harness.actor
    ran: list[str] = []
    release = asyncio.Event()

    async def hold(_: LivePage, __: None) -> None:
        await release.wait()

    async def note(_: LivePage, name: str) -> None:
        ran.append(name)

    async def first_then_cancel_second() -> None:
        await actor.turn(hold, None)
        # The turn's end handed the turn to the second, which has not run yet.
        second.cancel()

    first = asyncio.create_task(first_then_cancel_second())
    await asyncio.sleep(0)
    second = asyncio.create_task(actor.turn(note, "second"))
    third = asyncio.create_task(actor.turn(note, "third"))
    await asyncio.sleep(0)
    release.set()
    await first
    assert await third
    assert second.cancelled()
    assert ran == ["third"]
    assert not actor.busy


async def test_after_stop_no_turn_runs() -> None:
    harness = Harness()
    await harness.start()
    ran = []

    async def work(_: LivePage, __: None) -> None:
        ran.append(1)

    harness.actor.stop()
    assert await harness.actor.turn(work, None) is False
    assert ran == []


async def test_a_full_mailbox_reports_an_overflow() -> None:
    harness = Harness(mailbox_limit=3)
    # Not started (the page is still joining): nothing drains, mail only waits.
    for n in range(5):
        harness.actor.post("c0", "note", str(n))
    assert harness.actor.waiting == 5
    assert harness.overflows == ["more than 3 messages waiting"] * 2


async def test_mail_that_came_before_the_start_runs_once_started() -> None:
    harness = Harness()
    harness.actor.post("c0", "note", "early")
    page = await harness.start()
    await harness.actor.quiet()
    assert page.root.state.seen == ["early"]


async def test_close_unmounts_and_ends_every_timer() -> None:
    harness = Harness()
    page = await harness.start()
    harness.actor.every(page.root_cid, 10.0, "note", "tick", align=False)
    harness.actor.call_later(page.root_cid, 10.0, "note", "later")
    assert harness.actor.active_timers() == 2
    await harness.actor.close()
    assert harness.actor.active_timers() == 0
    assert page.components() == []


async def test_a_repeating_timer_skips_beats_until_its_tick_is_handled() -> None:
    harness = Harness()
    page = await harness.start()
    timer = harness.actor.every(page.root_cid, 0.01, "note", "tick", align=False)
    await asyncio.sleep(0.05)
    await harness.actor.quiet()
    timer.cancel()
    # Each tick was handled before the next fell due, or skipped: never queued twice.
    assert harness.actor.waiting == 0
    assert timer.pending is False
    assert 1 <= len(page.root.state.seen) <= 6


async def test_a_turn_run_from_outside_the_reader_sends_what_it_rendered() -> None:
    harness = Harness()
    page = await harness.start()

    async def note(page: LivePage, text: str) -> None:
        page.root.state.seen.append(text)
        page.mark_dirty(page.root_cid)
        await harness.actor.flush()

    assert await harness.actor.run(note, "from the app")
    assert [p.cid for p in harness.patches] == [page.root_cid]
    assert harness.sends == 1
